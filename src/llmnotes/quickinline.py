"""Python-Markdown's inline pass, without trying patterns that cannot match a text.

Python-Markdown tries each of its ~14 inline patterns (code spans, escapes, links, images,
autolinks, raw HTML, entities, line breaks, emphasis) on every text of a page, one regex
search and a Python call each: a quarter of converting a note, though most texts hold none
of the characters those patterns start with (prose, Chinese above all). Each built-in
pattern needs one of a few characters to match at all (a link a `[`, an entity a `&`,
emphasis its delimiters), so where none of them occurs in the text, trying the pattern
could only fail: it is skipped, with the state a failed try leaves. A pattern we do not
know (an extension's) is always tried. The output is the same, byte for byte.

Installed only over the inline pass this was verified with (`usable`).
"""

from __future__ import annotations

from typing import Any

import markdown
from markdown import inlinepatterns, treeprocessors, util

from . import upstream

# sha256 of InlineProcessor.__handleInline and __applyPattern (Python-Markdown 3.11.3), which
# `_handle_inline` repeats and calls.
KNOWN_INLINE = "4efde97698e1fb357eee8120baa6e4172dbbf373c4ff800cb6f72841abc44c89"


def _inline_sources() -> tuple[Any, Any]:
    cls = treeprocessors.InlineProcessor
    return cls._InlineProcessor__handleInline, cls._InlineProcessor__applyPattern


def usable() -> bool:
    try:
        return upstream.source_digest(*_inline_sources()) == KNOWN_INLINE
    except AttributeError:
        return False


def install(md: markdown.Markdown) -> None:
    """Replace `md`'s inline pass by one that skips patterns whose characters are absent."""
    if not usable() or "inline" not in md.treeprocessors:
        return
    # Same name and priority as Python-Markdown's own (markdown.treeprocessors.build_treeprocessors).
    md.treeprocessors.register(QuickInlineProcessor(md), "inline", 20)


def needed_characters(pattern: Any) -> tuple[str, ...] | None:
    """Strings of which a text must hold one for `pattern` to match it; None: unknown, always try."""
    if isinstance(pattern, inlinepatterns.DelimiterProcessor):
        return tuple(pattern.tokens)  # emphasis: matches start at one of its delimiters
    if not isinstance(pattern, inlinepatterns.InlineProcessor):
        return None
    try:  # the regex the pass searches with (a subclass may keep the same one)
        return _STARTS.get(pattern.getCompiledRegExp().pattern)
    except AttributeError:
        return None


# Python-Markdown's own pattern sources → what each one's matches begin with.
_STARTS: dict[str, tuple[str, ...]] = {
    inlinepatterns.BACKTICK_RE: ("`",),  # both branches need a backtick (one in a lookahead)
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),  # also REFERENCE_RE, and short references
    inlinepatterns.IMAGE_LINK_RE: ("![",),  # also IMAGE_REFERENCE_RE
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
}


class QuickInlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's InlineProcessor, skipping a pattern when none of its characters occurs."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._needed: list[tuple[str, ...] | None] = []

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # What each pattern needs, once a page (the patterns are set up before any page).
        self._needed = [needed_characters(p) for p in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _handle_inline(self, data: str, patternIndex: int = 0) -> str:
        if not isinstance(data, util.AtomicString):
            patterns = self.inlinePatterns
            needed = self._needed
            if len(needed) != len(patterns):  # called outside `run`
                needed = self._needed = [needed_characters(p) for p in patterns]
            apply = self._InlineProcessor__applyPattern
            start_index = 0
            count = len(patterns)
            while patternIndex < count:
                need = needed[patternIndex]
                if need is not None:
                    for c in need:
                        if c in data:
                            break
                    else:  # none occurs: what a failed try gives, the next pattern from the start
                        patternIndex += 1
                        start_index = 0
                        continue
                data, matched, start_index = apply(patterns[patternIndex], data, patternIndex, start_index)
                if not matched:
                    patternIndex += 1
        return data


# The base class calls `self.__handleInline`, which Python names `_InlineProcessor__handleInline`.
QuickInlineProcessor._InlineProcessor__handleInline = QuickInlineProcessor._handle_inline  # type: ignore[attr-defined]
