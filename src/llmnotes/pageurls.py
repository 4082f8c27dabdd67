"""Page URLs MkDocs works out again at every `serve` rebuild, remembered for the session.

`mkdocs serve` sets `site_url` to the server's address, and MkDocs then gives each page a
canonical URL as it makes the page (`urljoin`, then `urlsplit` for its path): at 2,000 notes
that is 2,000 pairs of calls, 0.06 s of every rebuild (urllib's own cache holds 128 URLs),
always with the same answers. Both are pure functions of their strings; `install` hands
the module that makes pages remembering versions of them, with bounded caches.
"""

from __future__ import annotations

import functools
from urllib.parse import urljoin, urlsplit

from mkdocs.structure import pages

SIZE = 1 << 16  # URLs remembered: the pages and links of a large site, a few MB


def install() -> None:
    """Remember urljoin and urlsplit in MkDocs's pages module (for this process)."""
    if pages.urljoin is urljoin:
        pages.urljoin = functools.lru_cache(maxsize=SIZE)(urljoin)
    if pages.urlsplit is urlsplit:
        pages.urlsplit = functools.lru_cache(maxsize=SIZE)(urlsplit)
