"""What MkDocs works out for every page at every `serve` rebuild, remembered for the session.

`mkdocs serve` sets `site_url` to the server's address, and MkDocs then gives each page a
canonical URL as it makes the page (`urljoin`, then `urlsplit` for its path): at 2,000 notes
that is 2,000 pairs of calls, 0.06 s of every rebuild (urllib's own cache holds 128 URLs),
always with the same answers. Both are pure functions of their strings; `install` hands
the module that makes pages remembering versions of them, with bounded caches.

Each page also asks for the build date (`get_build_date`: the environment's
SOURCE_DATE_EPOCH, read through Python's os.environ, then the clock): 0.03 s of a rebuild.
The date is worked out again once a second at most: a page of a build that crosses
midnight may show the date of a second before, where MkDocs's pages show either day.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import urljoin, urlsplit

from mkdocs import utils
from mkdocs.structure import pages

SIZE = 1 << 16  # URLs remembered: the pages and links of a large site, a few MB
_dated: list[tuple[float, str]] = []  # (when, the date then)


def install() -> None:
    """Remember urljoin and urlsplit, and the build date for a second, in MkDocs's pages module."""
    if pages.urljoin is urljoin:
        pages.urljoin = functools.lru_cache(maxsize=SIZE)(urljoin)
    if pages.urlsplit is urlsplit:
        pages.urlsplit = functools.lru_cache(maxsize=SIZE)(urlsplit)
    if pages.get_build_date is utils.get_build_date:
        pages.get_build_date = build_date


def build_date() -> str:
    """utils.get_build_date, as it was less than a second ago."""
    now = time.monotonic()
    if not _dated or now - _dated[0][0] >= 1.0:
        _dated[:] = [(now, utils.get_build_date())]
    return _dated[0][1]
