"""The theme's static files, listed once per `serve` session instead of at every rebuild.

Every build, MkDocs lists every file of every theme folder and matches each name against
a dozen patterns (`Files.add_files_from_theme`) to find the theme's CSS, JavaScript and
images. Material ships ~15,000 files (its icons), so that is 0.1 s of each rebuild, always
with the same answer: an installed package does not change under a running server.

`install` wraps MkDocs's method: the first call runs it as it is, on an empty collection,
and records what it found; later calls with the same theme folders and settings add the
recorded files the way MkDocs does (a note at the same path still wins). A theme folder
outside the installed packages (a site's `custom_dir`, which its author may be editing)
is part of the key by the names of its files. Any MkDocs whose method is not the one this
was checked against keeps its own.
"""

from __future__ import annotations

import os
import site
import sysconfig
from typing import Any

from mkdocs.structure.files import File, Files

from . import upstream

# sha256 of the source of MkDocs 1.6.1's Files.add_files_from_theme.
KNOWN_ADD_FILES_FROM_THEME = "0169dd2b1c22ca136924ca9136a97b690ba2711d8896258e5858a237c186a12e"

_original = Files.add_files_from_theme
_found: dict[tuple, list[tuple[str, str]]] = {}


def _installed_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths.get("purelib"), paths.get("platlib"), *site.getsitepackages()}
    return tuple(os.path.join(os.path.abspath(r), "") for r in roots if r)


def _names_under(folder: str) -> tuple[str, ...]:
    """The relative paths of the files under `folder` (what decides which the theme lists)."""
    found = []
    for dirpath, _, names in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        found.extend(os.path.join(rel, n) for n in names)
    return tuple(sorted(found))


def _key(config: Any) -> tuple:
    installed = _installed_roots()
    dirs = tuple(os.path.abspath(d) for d in config.theme.dirs)
    editable = tuple(_names_under(d) for d in dirs if not os.path.join(d, "").startswith(installed))
    return (dirs, editable, tuple(config.theme.static_templates), config.site_dir, config.use_directory_urls)


def add_files_from_theme(self: Files, env: Any, config: Any) -> None:
    """MkDocs's `add_files_from_theme`, its listing remembered under `_key`."""
    key = _key(config)
    found = _found.get(key)
    if found is None:
        probe = Files([])
        _original(probe, env, config)
        found = _found[key] = [(f.src_uri, f.src_dir) for f in probe]
    for path, folder in found:
        if self.get_file_from_path(path) is None:
            self.append(File(path, folder, config.site_dir, config.use_directory_urls))


def install() -> bool:
    """Remember theme listings from now on in this process; False where MkDocs's method differs."""
    if Files.add_files_from_theme is add_files_from_theme:
        return True
    if upstream.source_digest(_original) != KNOWN_ADD_FILES_FROM_THEME:
        return False
    Files.add_files_from_theme = add_files_from_theme
    return True
