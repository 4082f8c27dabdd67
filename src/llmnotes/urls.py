"""Paths of pages and the URLs MkDocs gives them, computed the way MkDocs does.

A source path (`topic/Note.md`) is not a URL (`topic/Note/`): the two are kept apart
here, and every link we write into a generated page is relative, so a site published
under a sub-path (`/REPO/`) works unchanged.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from pymdownx.slugs import slugify as _pymdownx_slugify

# The same slugger the site's `toc` extension is configured with (the plugin sets it),
# so `[[Note#标题]]` and the heading's id agree, and Chinese survives.
heading_slug = _pymdownx_slugify(case="lower")


def anchor(text: str) -> str:
    """The id Python-Markdown's toc gives a heading with this text."""
    return heading_slug(text, "-")


@lru_cache(maxsize=1 << 16)  # pure, and called for every link of every page
def page_url(page_path: str, use_directory_urls: bool = True) -> str:
    """`a/b.md` → `a/b/` (or `a/b.html`), `a/index.md` → `a/`, as MkDocs does."""
    root, _ = posixpath.splitext(page_path)
    base = posixpath.basename(root)
    folder = posixpath.dirname(root)
    if base in ("index", "README"):
        if use_directory_urls:
            return (folder + "/") if folder else ""
        return posixpath.join(folder, "index.html")
    if use_directory_urls:
        return root + "/"
    return root + ".html"


def relpath(path: str, start: str) -> str:
    """`posixpath.relpath` for site-relative paths, without its two `abspath`s (each a
    `getcwd` and a normalisation): a third of the time of rendering a note's links."""
    if path.startswith("/") or start.startswith("/") or ".." in path or ".." in start:
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part and part != "."]
    here = [part for part in start.split("/") if part and part != "."]
    common = 0
    for a, b in zip(to, here):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


@lru_cache(maxsize=1 << 16)  # pure, and called for every link of every page
def relative_url(from_url: str, to_url: str) -> str:
    """A relative href from the page at `from_url` to `to_url` (both site-relative URLs)."""
    from_dir = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    target, _, frag = to_url.partition("#")
    rel = relpath(target or ".", from_dir.rstrip("/") or ".")
    if target.endswith("/") and not rel.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    if rel == ".":
        rel = "./"
    return quote(rel, safe="/.-_~") + (("#" + quote(frag, safe="-_~")) if frag else "")


@lru_cache(maxsize=1 << 16)  # pure, and called for every link of every page
def relative_md_link(from_page: str, to_page: str) -> str:
    """A relative Markdown link between two source files (MkDocs turns it into a URL)."""
    rel = relpath(to_page, posixpath.dirname(from_page) or ".")
    return quote(rel, safe="/.-_~")


_UNSAFE = re.compile(r"[^\w\-]+")


def name_slug(name: str) -> str:
    """File-name-safe slug that keeps Chinese: `自注意力机制 Self-attention` → `自注意力机制-self-attention`."""
    s = unicodedata.normalize("NFKC", name).strip().casefold()
    s = _UNSAFE.sub("-", s).strip("-")
    return s or "x"


@lru_cache(maxsize=65_536)
def tag_slug(tag: str) -> str:
    """Nested tags keep their hierarchy as folders: `a/b` → `a/b`. Remembered: a vault has few
    tags, written on thousands of timeline events, paper rows and notes."""
    return "/".join(name_slug(part) for part in tag.split("/") if part) or "x"
