"""A page whose navigation changed only in other pages' titles: its last output with the titles swapped.

Retitling a note changes one line of every page whose pruned navigation lists it: the
pages of its folder, a hundred at 2,000 notes. Rendering each of them again through the
theme costs ~9 ms (navigation, header, content, chrome), most of a retitle's rebuild, to
change that line. Once the chrome is collapsed (cache.collapse_chrome), Material writes a
page's entry as

    <a href="HREF" class="md-nav__link"><span class="md-ellipsis">
    TITLE
    </span>

so the page's last output, with TITLE swapped in the entry linking to the retitled page,
is the page the theme would render.

That holds for the template it was checked against (`partials/nav-item.html` of the
Material version below, by digest), with no template of the site's own (a custom_dir
may add a main.html that lists pages elsewhere), the pruned navigation that navview.py
models and no navigation footer (which shows the neighbours' titles too). Elsewhere, and for a
page whose primary navigation does not hold that entry exactly once (an icon or a
subtitle in front of or after the title, a title the chrome's collapsing would change),
the page is rendered as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, AnyStr

from . import navview
from .textutil import as_written

TEMPLATE = "partials/nav-item.html"
# sha256 of the nav-item.html of Material 9.8.2, whose output `_ENTRY` follows.
_CHECKED = frozenset({"89895208f22d68ce405a4bcb6649b9150eba5bbb04663a6cb3f93f02daf1d2f7"})
_ENTRY = '<a href="{href}" class="md-nav__link"><span class="md-ellipsis">\n{title}\n</span>'
_PRIMARY = '<nav class="md-nav md-nav--primary"'
_CONTENT = '<div class="md-content"'


def usable(config: Any) -> bool:
    """Whether this site's pages write a navigation entry as `_ENTRY`, and nowhere else a title:
    the theme's own templates, none overridden by the site (a custom_dir may add a main.html
    that lists pages elsewhere), with the checked nav-item.html."""
    if not navview.supported(config) or "navigation.footer" in (config.theme.get("features") or ()):
        return False
    for folder in config.theme.dirs:  # the site's custom_dir first, as the theme's loader looks
        path = Path(folder) / TEMPLATE
        if path.is_file():
            try:
                return hashlib.sha256(path.read_bytes()).hexdigest() in _CHECKED
            except OSError:
                return False
        if any(Path(folder).rglob("*.html")):  # templates of the site's own, before the theme's
            return False
    return False


def writable(title: str) -> bool:
    """Whether the theme writes `title` as it is between the entry's newlines: the collapsing of
    the chrome keeps a title with no space at either end and no line break."""
    return isinstance(title, str) and bool(title) and title == title.strip() and "\n" not in title and "\r" not in title


def retitled(output: AnyStr, changes: Iterable[tuple[str, str, str]]) -> AnyStr | None:
    """`output` with each entry (href, old title, new title) written with its new title; None
    unless each entry is found exactly once in the page's primary navigation. `output` may be
    the page as written (UTF-8 bytes): patched so, it is neither decoded nor encoded again."""
    text = (lambda s: s) if isinstance(output, str) else as_written
    start = output.find(text(_PRIMARY))
    end = output.find(text(_CONTENT), start)
    if start < 0 or end < 0:
        return None
    region = output[start:end]
    for href, old, new in changes:
        if not writable(old) or not writable(new):
            return None
        before = text(_ENTRY.format(href=href, title=old))
        if region.count(before) != 1:
            return None
        region = region.replace(before, text(_ENTRY.format(href=href, title=new)))
    return output[:start] + region + output[end:]

