"""How MkDocs orders and finds the site's files for the navigation, without a PurePath per file.

Every rebuild, MkDocs makes the site's navigation from its files (`get_navigation`): it
sorts the pages (`file_sort_key`), nests their paths into folders (`nest_paths`) and looks
each page's path up in the files (`Files.get_file_from_path`). Each step makes a PurePath
of every path: at 2,000 notes, 0.05 s of each `serve` rebuild, always with the same
answers for the same paths. In serve:

- a page's sort key is remembered by its path and name (MkDocs's function makes it);
- the nested paths are remembered for the list of paths (the navigation only reads them);
- a lookup of a path that is a file's `src_uri` takes that file at once: MkDocs sets each
  `src_uri` to `PurePath(path).as_posix()` (`File.src_path`), so such a path is its own
  normal form; any other path is looked up MkDocs's way.

Any MkDocs whose functions are not the ones this was checked against keeps its own.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from mkdocs import utils
from mkdocs.structure import files as files_module
from mkdocs.structure import nav
from mkdocs.structure.files import File, Files

from . import upstream

# sha256 of the sources of MkDocs 1.6.1's Files.get_file_from_path, file_sort_key and nest_paths.
KNOWN = {
    "get_file_from_path": "1fdc876f5dc031b39e2063de43b21fac288d81c9a670bdba2991c0fab9bb01fd",
    "file_sort_key": "225b6995c5057806d7657dcb111b421bec0bcc12997ae9877c85ebc0d8cb1e6c",
    "nest_paths": "179b74709c6d33ba4d7cf04846305cc67d6cf267ab20bb6af1ac2f7dd2da8a2b",
}
SIZE = 1 << 16  # paths remembered: the pages of a large site

_original_get = Files.get_file_from_path
_original_sort_key = files_module.file_sort_key
_original_nest = utils.nest_paths


def get_file_from_path(self: Files, path: str) -> File | None:
    """Files.get_file_from_path: the file whose src_uri is `path`, normalised."""
    found = self._src_uris.get(path)
    return found if found is not None else _original_get(self, path)


def file_sort_key(f: File, /) -> tuple:
    """file_sort_key, remembered by what it reads of the file."""
    return _sort_key(f.src_uri, f.name)


@functools.lru_cache(maxsize=SIZE)
def _sort_key(src_uri: str, name: str) -> tuple:
    return _original_sort_key(SimpleNamespace(src_uri=src_uri, name=name))  # type: ignore[arg-type]


def nest_paths(paths: Any) -> list:
    """nest_paths, remembered for the last lists of paths. The same structure is handed out again:
    the navigation only reads it."""
    return _nested(tuple(paths))


@functools.lru_cache(maxsize=4)
def _nested(paths: tuple[str, ...]) -> list:
    return _original_nest(paths)


def install() -> bool:
    """Order, nest and find files so from now on in this process; False where MkDocs differs."""
    if nav.file_sort_key is file_sort_key:
        return True
    originals = {"get_file_from_path": _original_get, "file_sort_key": _original_sort_key,
                 "nest_paths": _original_nest}
    if any(upstream.source_digest(f) != KNOWN[name] for name, f in originals.items()):
        return False
    if nav.file_sort_key is not _original_sort_key or nav.nest_paths is not _original_nest:
        return False  # someone else's already
    Files.get_file_from_path = get_file_from_path
    nav.file_sort_key = file_sort_key
    nav.nest_paths = nest_paths
    return True
