"""Which MkDocs and Material code a speed-up was checked against.

Some speed-ups repeat or replace a piece of MkDocs or Material (a page's Markdown
conversion, the search plugin's parser, its Chinese segmenting, its page indexing). Each
holds only for the code it was verified with: `source_digest` names that code by a digest
of its source, and each speed-up compares it with the digest it was verified with and
steps aside, leaving MkDocs's or Material's own code to run, on any other.
"""

from __future__ import annotations

import hashlib
import inspect
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=64)  # asked once a page by some callers; the source does not change in a process
def source_digest(*parts: Any) -> str | None:
    """sha256 of the sources of `parts` (a str is taken as it is), joined by NULs; None when a
    source cannot be read."""
    try:
        texts = [part if isinstance(part, str) else inspect.getsource(part) for part in parts]
    except (OSError, TypeError):
        return None
    return hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()
