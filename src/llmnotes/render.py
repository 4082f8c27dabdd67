"""Note → the Markdown of its page: links resolved, tags linked, images sized, backlinks appended.

Rewrites touch only the spans the normaliser found outside code, so code blocks
and inline code come out exactly as written. Text taken from notes into link
labels and generated HTML is escaped: a note is data, never markup we emit.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import yaml

from .cache import Fingerprints, Memo, digest
from .i18n import Labels
from .model import Note, WikiLink
from .textutil import plain_inline
from .urls import anchor as heading_anchor
from .urls import page_url, relative_md_link, relative_url
from .wikilinks import Scan, Span

if TYPE_CHECKING:
    from .kb import KnowledgeBase

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_text(text: str) -> str:
    """Plain text for a Markdown inline context: HTML escaped, Markdown specials neutralised."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def page_title(title: str) -> str:
    """The title as MkDocs/Material will print it unescaped into HTML: so we escape it."""
    return html.escape(title, quote=True)


# In a YAML double-quoted scalar: the quote and backslash, and every character YAML either
# refuses raw (C0/C1 controls, surrogates, U+FFFE/U+FFFF) or reads as a line break (U+0085,
# U+2028, U+2029), or drops (a BOM). Everything else, Chinese included, stands as itself.
_YAML_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]')


def yaml_string(text: str) -> str:
    """`text` as a YAML double-quoted scalar: read back as exactly `text`, whatever it holds
    (`: `, ` #`, a leading `-`, `yes`, `2024-01-01`, a line break stay a string). A lone
    surrogate, which no YAML (nor UTF-8) can hold, is read back as U+FFFD."""
    return '"' + _YAML_ESCAPE.sub(_yaml_escape_char, text) + '"'


def _yaml_escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    if c in '\\"':
        return "\\" + c
    return "\\ufffd" if "\ud800" <= c <= "\udfff" else f"\\u{ord(c):04x}"


def front_matter(title: str, extra: dict | None = None) -> str:
    """The page's YAML front matter. Written by hand: yaml.safe_dump took a third of the time
    of rendering a note, for two strings. Values other than strings still go through PyYAML."""
    lines = ["---", "title: " + yaml_string(page_title(title))]
    for key, value in (extra or {}).items():
        if isinstance(key, str) and isinstance(value, str):
            lines.append(f"{yaml_string(key)}: {yaml_string(value)}")
        else:
            lines.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False).rstrip("\n"))
    return "\n".join(lines) + "\n---\n\n"


class NoteRenderer:
    """Renders every note page of one knowledge base for one site configuration.

    With a `memo` (cache.py; `serve` keeps one across rebuilds), a note whose inputs are
    all unchanged (`key`) gets the Markdown rendered last time.
    """

    def __init__(self, kb: KnowledgeBase, labels: Labels, use_directory_urls: bool = True,
                 memo: Memo | None = None, fingerprints: Fingerprints | None = None):
        self.kb = kb
        self.labels = labels
        self.use_directory_urls = use_directory_urls
        self.memo = memo
        self._context: str | None = None
        # Serve, with the build's fingerprints: what tells a note unchanged by its place (`_kept`).
        self._places: tuple[dict[str, tuple], dict[str, tuple]] | None = None
        self._changed: set[str] | None = None
        if memo is not None and fingerprints is not None:
            self._changed = fingerprints.changed_notes()
            self._concepts_same = fingerprints.same_concepts_as_last()

    def url(self, page_path: str) -> str:
        return page_url(page_path, self.use_directory_urls)

    def href(self, from_page: str, to_page: str, frag: str = "") -> str:
        target = self.url(to_page) + (f"#{frag}" if frag else "")
        return relative_url(self.url(from_page), target)

    # -------------------------------------------------------------- body

    def render(self, note: Note) -> str:
        if self.memo is None:
            return self._render(note)
        if self._changed is None:
            return self.memo.get(("note", self.key(note)), lambda: self._render(note))
        if self._places is None:
            self._places = self.memo.table(("note places", self._settings()))
        last, now = self._places
        scan, tags = self.kb.scans[note.path], self.kb.note_tags.get(note.path, [])
        backlinks = self.kb.backlinks.get(note.path, [])
        kept = last.get(note.path)
        if kept is not None and self._kept(note, scan, tags, backlinks, kept):
            made = kept[-1]
        else:
            made = self.memo.get(("note", self.key(note)), lambda: self._render(note))
        now[note.path] = (note, note.page_path, scan, tags, backlinks, made)
        return made

    def _kept(self, note: Note, scan: Scan, tags: list[str], backlinks: list[WikiLink], kept: tuple) -> bool:
        """Whether everything `key` reads for `note` is as at the last build, told without making
        the key: the same note (the loader's object: its text, title, meta), page, scan (the
        knowledge base hands out the last one while it resolves the same), tags and backlinks
        (the same links), and the names of the notes those point at or come from unchanged;
        for a link to a concept, every concept's page unchanged too (their slugs are numbered in turn).
        A retitle then makes the keys of the notes it reaches, not of 2,000."""
        last_note, page, last_scan, last_tags, last_backlinks, _ = kept
        if (last_note is not note or page != note.page_path or last_scan is not scan or last_tags != tags
                or len(last_backlinks) != len(backlinks) or any(a is not b for a, b in zip(last_backlinks, backlinks))):
            return False
        changed = self._changed
        assert changed is not None
        if not changed.isdisjoint(link.source.note for link in backlinks):
            return False
        for span in scan.spans:  # a tag's spelling shows in the note's tags, compared above
            link = span.link
            if link is None or span.kind in ("image", "tag"):
                continue
            if link.resolved is None:
                if not self._concepts_same:
                    return False
            elif link.resolved in changed:
                return False
        return True

    def _settings(self) -> str:
        """What every note page reads besides its note and the knowledge base: labels, URL style."""
        if self._context is None:
            self._context = digest(repr(sorted(self.labels.items())), str(self.use_directory_urls))
        return self._context

    def key(self, note: Note) -> tuple:
        """Everything `_render` reads for `note`: its text, title and description, each span
        and what it points at in the knowledge base (`_target`: a note's page, a concept's
        page, a tag's spelling), its tags, and the notes linking to it with their sentences,
        titles and pages. Only those: retitling one note re-renders the notes that show its
        title or link to its page, not every note.

        A tuple, compared as it is: its strings are the notes' own (their hashes are kept),
        where writing it out and hashing it took a sixth of a rebuild after an edit."""
        self._settings()
        spans = tuple((s.kind, s.start, s.end, s.tag, s.url, s.width, s.alt)
                      + ((s.link.target, s.link.anchor, s.link.label, s.link.resolved) if s.link else ())
                      + (self._target(s),)
                      for s in self.kb.scans[note.path].spans)
        notes = self.kb.notes
        backlinks = tuple((link.source.note, link.sentence, notes[link.source.note].title,
                           notes[link.source.note].page_path) for link in self.kb.backlinks.get(note.path, []))
        return (self._context, note.path, note.page_path, note.title, tuple(self._extra(note).items()), note.text,
                spans, tuple(self.kb.note_tags.get(note.path, [])), backlinks)

    def _target(self, span: Span) -> str | None:
        """What `_span` reads of the knowledge base for `span`: the tag's spelling (the first
        seen), the page of the note a link resolved to, or of the concept it names."""
        if span.kind == "tag":
            return self.kb.canonical_tag(span.tag or "")
        link = span.link
        if span.kind == "image" or link is None:
            return None
        if link.resolved:
            return self.kb.notes[link.resolved].page_path
        concept = self.kb.concept_for(link.target if span.kind == "wikilink" else _stem(link.target))
        return None if concept is None else concept.page_path

    def _render(self, note: Note) -> str:
        scan = self.kb.scans[note.path]
        out: list[str] = []
        pos = 0
        for span in scan.spans:
            out.append(note.text[pos:span.start])
            out.append(self._span(note, span))
            pos = span.end
        out.append(note.text[pos:])
        body = "".join(out).rstrip("\n")
        return front_matter(note.title, self._extra(note)) + body + "\n\n" + self._tags(note) + self._backlinks(note)

    @staticmethod
    def _extra(note: Note) -> dict[str, str]:
        """Front matter beyond the title."""
        return {"description": str(note.meta["description"])} if note.meta.get("description") else {}

    def _span(self, note: Note, span: Span) -> str:
        original = note.text[span.start:span.end]
        if span.kind == "tag":
            tag = self._target(span) or ""
            link = relative_md_link(note.page_path, self.kb.tag_page_path(tag))
            return f"[#{md_text(span.tag or '')}]({link}){{ .llmnotes-tag }}"
        if span.kind == "image":
            attrs = f'{{ width="{span.width}" }}' if span.width else ""
            if span.width is None and original.startswith("!["):
                return original  # a plain Markdown image: leave exactly as written
            return f"![{md_text(span.alt)}](<{span.url}>){attrs}"
        link = span.link
        assert link is not None
        if span.kind == "wikilink":
            label = link.label or (link.target + (f" › {link.anchor}" if link.anchor else ""))
            label = md_text(label)
        else:
            label = span.alt  # Markdown link text is the author's Markdown: keep it
        target_page = self._target(span)
        if target_page is None:
            return original
        dest = relative_md_link(note.page_path, target_page)
        if link.resolved:
            if link.anchor:
                dest += "#" + heading_anchor(link.anchor)
            return f"[{label}]({dest}){{ .llmnotes-link }}"
        return f"[{label}]({dest}){{ .llmnotes-link .llmnotes-unresolved }}"

    # -------------------------------------------------------------- appendices

    def _tags(self, note: Note) -> str:
        tags = self.kb.note_tags.get(note.path, [])
        if not tags:
            return ""
        items = " ".join(
            f'<a class="llmnotes-tag" href="{html.escape(self.href(note.page_path, self.kb.tag_page_path(t)))}">'
            f"#{html.escape(t)}</a>"
            for t in tags
        )
        return f'<p class="llmnotes-note-tags"><span>{html.escape(self.labels["tags"])}:</span> {items}</p>\n\n'

    def _backlinks(self, note: Note) -> str:
        """One entry per linking note, with each sentence that links here."""
        by_source: dict[str, list[str]] = {}
        for link in self.kb.backlinks.get(note.path, []):
            sentences = by_source.setdefault(link.source.note, [])
            sentence = plain_inline(link.sentence)
            if sentence and sentence not in sentences:
                sentences.append(sentence)
        if not by_source:
            return ""
        rows = []
        for source_path in sorted(by_source, key=lambda p: self.kb.notes[p].title.casefold()):
            source = self.kb.notes[source_path]
            href = self.href(note.page_path, source.page_path)
            quotes = "".join(f'<span class="llmnotes-context">{html.escape(s)}</span>'
                             for s in by_source[source_path][:3])
            rows.append(f'<li><a href="{html.escape(href)}">{html.escape(source.title)}</a>{quotes}</li>')
        title = html.escape(self.labels["backlinks"])
        return (f'<section class="llmnotes-backlinks" markdown="0">\n<h2 id="llmnotes-backlinks" data-search-exclude="true">{title}</h2>\n'
                f'<ul>\n' + "\n".join(rows) + "\n</ul>\n</section>\n")


def _stem(path: str) -> str:
    import posixpath

    return posixpath.splitext(posixpath.basename(path))[0]
