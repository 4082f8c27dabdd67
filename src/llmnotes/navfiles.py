"""The paths of the site's files as MkDocs works them out, made once per path in a serve session.

Every rebuild, MkDocs makes a PurePath of every file's path several times: to set its
`src_uri` (`File.src_path`), to sort the pages (`file_sort_key`), to look each page up for
the navigation (`Files.get_file_from_path`), to nest the pages into folders (`nest_paths`).
At 2,000 notes that is 0.08 s of each `serve` rebuild, always with the same answers for the
same paths. In serve:

- MkDocs's files module makes its PurePaths through a remembering constructor: a PurePath
  never changes once made, so the one made for a path serves every later call;
- the nested paths are remembered for the list of paths (the navigation only reads them).

Any MkDocs whose `nest_paths` is not the one this was checked against keeps its own.
"""

from __future__ import annotations

import functools
from pathlib import PurePath, PurePosixPath
from typing import Any

from mkdocs import utils
from mkdocs.structure import files, nav

from . import upstream

# sha256 of the source of MkDocs 1.6.1's nest_paths.
KNOWN_NEST_PATHS = "179b74709c6d33ba4d7cf04846305cc67d6cf267ab20bb6af1ac2f7dd2da8a2b"
SIZE = 1 << 16  # paths remembered: the files of a large site, a few MB

remembered_pure_path = functools.lru_cache(maxsize=SIZE)(PurePath)
remembered_pure_posix_path = functools.lru_cache(maxsize=SIZE)(PurePosixPath)
_original_nest = utils.nest_paths


def nest_paths(paths: Any) -> list:
    """nest_paths, remembered for the last lists of paths. The same structure is handed out again:
    the navigation only reads it."""
    return _nested(tuple(paths))


@functools.lru_cache(maxsize=4)
def _nested(paths: tuple[str, ...]) -> list:
    return _original_nest(paths)


def install() -> None:
    """Make MkDocs's file paths once per path from now on in this process."""
    if files.PurePath is PurePath:
        files.PurePath = remembered_pure_path
    if files.PurePosixPath is PurePosixPath:
        files.PurePosixPath = remembered_pure_posix_path
    if nav.nest_paths is _original_nest and upstream.source_digest(_original_nest) == KNOWN_NEST_PATHS:
        nav.nest_paths = nest_paths
