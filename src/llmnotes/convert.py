"""One Python-Markdown converter per build and process, reset between pages.

MkDocs's `Page.render` builds a new `markdown.Markdown` for every page: loading and
configuring every extension again (toc, tables, attr_list, md_in_html, admonition, the
pymdownx ones) costs about a sixth of converting a note, ~0.8 s of a 2,000-note build.
Python-Markdown supports reusing an instance when `reset()` is called between documents
(each extension clears its own state there). `Converter.render` does what `Page.render`
does, on the kept instance: MkDocs's four per-page processors are registered again under
the same names and priorities, which replaces the previous page's and keeps their order.

The kept instance also gets the inline pass that skips patterns a text cannot match
(quickinline.py): the same HTML, a quarter less time converting a note.

Used only while MkDocs's `Page.render` is the one this was written against (`usable`);
otherwise pages render as MkDocs renders them.
"""

from __future__ import annotations

import logging
from typing import Any

import markdown

from . import quickinline, upstream

# sha256 of the source of mkdocs.structure.pages.Page.render that `Converter.render` reproduces (MkDocs 1.6.1).
KNOWN_RENDER = "320529348f7a8af152073d0a3ab02960ccce91f9204716144e51b20931983cc6"


def usable() -> bool:
    """Whether MkDocs renders pages the way `Converter.render` repeats."""
    try:
        from mkdocs.structure import pages

        for name in ("_RawHTMLPreprocessor", "_ExtractAnchorsTreeprocessor", "_RelativePathTreeprocessor",
                     "_ExtractTitleTreeprocessor", "get_toc"):
            getattr(pages, name)
    except (ImportError, AttributeError):
        return False
    return upstream.source_digest(pages.Page.render) == KNOWN_RENDER


class Converter:
    """The Markdown converter of one site configuration, in this process."""

    def __init__(self, config: Any) -> None:
        self._config = config
        self._md: markdown.Markdown | None = None

    def attach(self, page: Any) -> None:
        """Make `page.render` convert on this converter."""
        page.render = lambda config, files: self.render(page, config, files)

    def render(self, page: Any, config: Any, files: Any) -> None:
        from mkdocs.structure import pages

        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        if config is not self._config:  # another configuration (never within one build): MkDocs's way
            type(page).render(page, config, files)
            return
        if self._md is None:
            self._md = markdown.Markdown(extensions=config["markdown_extensions"],
                                         extension_configs=config["mdx_configs"] or {})
            quickinline.install(self._md)
        md = self._md.reset()
        raw_html = pages._RawHTMLPreprocessor()
        raw_html._register(md)
        anchors = pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        anchors._register(md)
        relative = pages._RelativePathTreeprocessor(page.file, files, config)
        relative._register(md)
        title = pages._ExtractTitleTreeprocessor()
        title._register(md)

        page.content = md.convert(page.markdown)
        page.toc = pages.get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = title.title
        page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative.links_to_anchors
