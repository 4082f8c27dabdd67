"""Keep MkDocs's own file discovery from following folder links (a link loop would never end),
and from making a file of each note, which the plugin replaces anyway.

MkDocs 1.6 collects `docs_dir` with `os.walk(docs_dir, followlinks=True)` before any
plugin event can prune it: one `loop -> ..` link yields about 40 copies of every file,
two such links 2**40 folders, and the build never ends. Our loader does not follow
folder links either (they are reported as diagnostics), so for a site using llmnotes
MkDocs walks the same tree the knowledge base sees.

Every file with a note's suffix is the loader's to read: a note becomes a page the plugin
generates (`on_files`), and one it skips (hidden, a link leaving the vault) is never
published. MkDocs made a `File` of each, sorted them and matched them against its
exclusions, only for the plugin to drop them: 0.05 s of every serve rebuild at 2,000
notes. Its walk now leaves them out, and with them its warning that a `README.md` beside
an `index.md` is left out of the site (both are notes: the knowledge base gives each a page).

This is the one place llmnotes reaches into MkDocs internals; it only changes the walk
of a build whose configuration enables the llmnotes plugin.
"""

from __future__ import annotations

import os
from typing import Any

import mkdocs.commands.build as _build
import mkdocs.structure.files as _files

from .loader import is_note_file

_MARK = "_llmnotes_safe_walk"


class _OsWithoutFolderLinks:
    """The `os` module as `mkdocs.structure.files` sees it, except that `walk` never follows
    links and yields no file with a note's suffix."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    @staticmethod
    def walk(top, topdown=True, onerror=None, followlinks=False):  # MkDocs passes followlinks=True
        for dirpath, dirnames, filenames in os.walk(top, topdown=topdown, onerror=onerror, followlinks=False):
            # `dirnames` is passed on as it is: a caller may prune or order the walk through it.
            yield dirpath, dirnames, [name for name in filenames if not is_note_file(name)]


def _uses_llmnotes(config) -> bool:
    plugin = config.plugins.get("llmnotes") if config.plugins else None
    return plugin is not None and getattr(plugin, "config", {}).get("enabled", True)


def install() -> None:
    """Wrap `get_files` as `mkdocs.commands.build` calls it. Idempotent."""
    original = _build.get_files
    if getattr(original, _MARK, False):
        return

    def get_files(config):
        if not _uses_llmnotes(config):
            return original(config)
        saved = _files.os
        _files.os = _OsWithoutFolderLinks()  # type: ignore[assignment]
        try:
            return original(config)
        finally:
            _files.os = saved

    setattr(get_files, _MARK, True)
    _build.get_files = get_files
