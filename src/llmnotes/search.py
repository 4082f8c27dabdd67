"""Search tuning for Chinese/English notes: what the segmenter must know, how the index is written.

Material's search plugin segments Chinese at build time with jieba, and the browser
splits a Chinese query greedily against the terms already in the index. So a name
jieba does not know (a note title, a paper, a tag) ends up in pieces and a reader
typing it gets poor matches. This module, free of MkDocs, says

- which words jieba must keep whole (`dictionary_words`): every name the
  knowledge base knows a page by;
- which characters split words (`SEPARATOR`): full-width punctuation included,
  so `《Attention》` and `（RLHF）` give the terms `attention` and `rlhf`;
- which pipeline runs (`PIPELINE`): none. The English stemmer turns `Backends`
  into `backend` in the index while the browser's trailing-wildcard query
  `backends*` skips the stemmer, so whole English words were never found;
- which extra names each page is found by (`page_names`): aliases, file names,
  cited paper titles and arXiv ids, kept in a field of the index that is searched
  but not shown;
- how the index is written (`tune_index`, `compact_text`, `dump_index`): UTF-8,
  without whitespace or word breaks a result never shows, Chinese words broken by
  the 2-byte U+034F instead of U+200B, list items' tags short, no typed space between
  Chinese and Latin words (the result's CSS puts the gap back), names as their words once.

What goes in the index at all is decided where the HTML is made: the generated
pages' templates mark the text they quote from notes (timeline events, paper and
link rows, a tag's notes, a concept's mentions, roadmap trees) `data-search-exclude`,
so a note's words are indexed once, on the note, and each generated page is found
by its title and headings. Each such element is also bracketed by `EXCLUDED_START`
and `EXCLUDED_END` comments: the search plugin is handed the page without them
(`without_excluded`), rather than parse megabytes of a timeline to skip them, and
the page is written without the comments (`unbracketed`).
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .i18n import LABELS
from .urls import page_url

if TYPE_CHECKING:
    from .cache import Memo
    from .kb import KnowledgeBase

# Word separators for the index and the query (a JavaScript regex, used by lunr and
# by Material's highlighter). Kept out on purpose: `+` `*` `~` `^` (query syntax) and
# `_` (identifiers); `.` splits only before a non-digit, so 1706.03762 and 3.5 stay whole.
# The two empty matches split Latin letters or digits from Chinese: the browser does
# not segment `LoRA微调` otherwise (Material's splitter steps over empty matches).
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PUNCT = (r"\s\u3000\-、。，．？！；：“”‘’《》（）【】「」『』〈〉〔〕…·～"
          r",;:!?()\[\]{}<>\"'`|/\\#@=&")
SEPARATOR = (
    rf"[\u200b\u034f{_PUNCT}]+"
    r"|\.(?!\d)"
    rf"|(?<=[A-Za-z0-9])(?=[{_HAN}])|(?<=[{_HAN}])(?=[A-Za-z0-9])"
)
_SEPARATOR = re.compile(SEPARATOR)  # Python's re reads the browser's pattern the same way

# A U+200B the separator does not need: next to punctuation, space, markup or the
# ends, or between a Latin letter and a Chinese character. Only word|word stays.
# Written to start with the U+200B itself (what comes before it is looked at from
# behind it): Python's regex engine then jumps from one U+200B to the next instead of
# trying every alternative at every character, ~3x sooner over an index.
_SPARE_ZWSP = re.compile(
    rf"\u200b(?:(?<=[{_PUNCT}]\u200b)|(?=[{_PUNCT}])|(?<![\s\S]\u200b)|$"
    rf"|(?<=[A-Za-z0-9]\u200b)(?=[{_HAN}])|(?<=[{_HAN}]\u200b)(?=[A-Za-z0-9]))"
)

# The break between two Chinese words in the index we write: U+034F COMBINING GRAPHEME
# JOINER instead of Material's U+200B. Both are invisible (default-ignorable: a result
# shows 大模型, not 大 模型) and both are in SEPARATOR, so the browser cuts the same
# words; U+034F takes 2 bytes in UTF-8 where U+200B takes 3, and a Chinese index has
# one such break every two or three characters.
WORD_BREAK = "\u034f"

# Whitespace the reader never sees in a result: next to the block tags Material keeps
# (its highlighter splits blocks at tags, not spaces), and runs of it (shown as one
# space). Only ASCII whitespace: a no-break or ideographic space is shown as written.
# Text inside <pre> keeps every space and line break.
_PRE = re.compile(r"(<pre>.*?</pre>)", re.DOTALL)
_BLOCK_SPACE = re.compile(r"[ \t\n\r\f]*(</?(?:p|li|ul|ol|pre)>)[ \t\n\r\f]*")
_SPACE_RUN = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")
# What a result shows of prose (outside <pre> and <code>) in fewer bytes, the words the
# browser cuts the same:
# - no space beside full-width punctuation (`memory ，` `， token`): the mark is a full
#   character wide and carries its own white space;
# - no space between a Chinese character and a Latin letter or digit (`用 LoRA 微调`):
#   the separator splits there anyway, and search results are styled with CSS
#   `text-autospace` (assets/llmnotes.css), so the browser puts back the narrow gap
#   Chinese typography asks for there;
# - a URL without its `https://` (`arxiv.org/abs/1706.03762`), as browsers show them.
_PUNCT_SPACE = re.compile(r" +(?=[，。；：！？、（）《》「」『』【】])|(?<=[，。；：！？、（）《》「」『』【】]) +")
_HAN_LATIN_SPACE = re.compile(rf" (?:(?<=[{_HAN}] )(?=[A-Za-z0-9])|(?<=[A-Za-z0-9] )(?=[{_HAN}]))")
_URL_SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])https?://(?=[^\s<])")
_INLINE_CODE = re.compile(r"(<code>.*?</code>)", re.DOTALL)

# A list item's tags in fewer bytes, read the same by the browser and by Material's
# extractor: `<li/>` opens an item (the HTML parser ignores the slash of a non-void
# element, and a new item or the list's end tag closes the one before), and `</li>`
# goes. The extractor cuts a result into blocks by counting top-level open and close
# tags and skips a tag ending in `/>`: a nested item's tags never counted, so the blocks
# stay the same. An item outside a list keeps its tags.
_LIST_TAG = re.compile(r"<(/?)(ul|ol|li)>")

# No stemmer, no stop-word filter, no trimmer: see the module docstring.
PIPELINE: list[str] = []

# The hidden index field holding a page's other names, and its weight (as a title's).
NAMES_FIELD = "names"
NAMES_BOOST = 1000.0

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")
_ARXIV_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d.])")
_ARXIV_CONTEXT = re.compile(r"arxiv", re.IGNORECASE)


@functools.lru_cache(maxsize=65_536)  # every name of the knowledge base, asked again each serve rebuild
def han_runs(text: str) -> tuple[str, ...]:
    """The runs of Chinese characters in `text`: what jieba sees of it (Material only segments those)."""
    return tuple(_HAN_RUN.findall(text))


def segment_han(text: str, cut: Callable[[str], Iterable[str]]) -> str:
    """Han runs cut into words joined by U+200B, as Material's search plugin does with jieba."""
    return _HAN_RUN.sub(lambda m: "\u200b" + "\u200b".join(cut(m.group(0))) + "\u200b", text).strip("\u200b")


@functools.lru_cache(maxsize=32_768)
def arxiv_ids(text: str) -> tuple[str, ...]:
    """arXiv ids (`2305.18290`) in text that mentions arXiv: links and citations alike, version dropped.

    Remembered per text: a serve rebuild asks again for every unchanged note (a str keeps its hash).
    """
    if not _ARXIV_CONTEXT.search(text):
        return ()
    return tuple(dict.fromkeys(_ARXIV_ID.findall(text)))


# Where a note's Markdown holds text its page does not show: link targets (inline, a
# wiki-link's before its label, reference definitions), HTML attributes and comments.
_UNSHOWN = re.compile(r"\]\([^)]*\)|\[\[[^\]|\n]*\||^ {0,3}\[[^\]\n]+\]:[^\n]*|\b(?:href|src)\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ID_LIKE = re.compile(r"\d{4}\.\d{4,5}")
# An arXiv id as a word of its own, as the separator cuts it (not `2305.18290v2`).
_SHOWN_ARXIV_ID = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(?![\w.]|\.\d)")


@functools.lru_cache(maxsize=32_768)
def shown_arxiv_ids(text: str) -> frozenset[str]:
    """The arXiv ids a note's page shows as words of their own (a search finds them in its text).

    Remembered per text, as `arxiv_ids`.
    """
    if not _ARXIV_CONTEXT.search(text):
        return frozenset()
    if "<!--" in text:  # a comment may span lines
        text = _COMMENT.sub(" ", text)
    # Only the lines holding an id are looked at for link targets: many times sooner than the whole note.
    lines: dict[int, str] = {}
    for m in _ID_LIKE.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        if start not in lines:
            end = text.find("\n", m.end())
            lines[start] = text[start:end if end >= 0 else len(text)]
    return frozenset(i for line in lines.values() for i in _SHOWN_ARXIV_ID.findall(_UNSHOWN.sub(" ", line)))


# Labels that title the generated pages (any language): a reader types them to reach the page.
_PAGE_TITLES = ("home", "overview", "timeline", "papers", "roadmap", "links", "tags", "tag_index", "concepts")


def kb_names(kb: KnowledgeBase) -> Iterable[str]:
    """Every name a reader may type to reach a page: titles, aliases, file names, link targets, tags, papers.

    The generated pages' own titles too: kept whole, `学习路线` is a rare word that ranks
    the roadmap first, where `学习` + `路线` matched every note that says 学习.
    """
    for labels in LABELS.values():
        yield from (labels[key] for key in _PAGE_TITLES)
    for note in kb.notes.values():
        yield note.title
        yield note.stem
        yield from note.aliases
    for concept in kb.concepts.values():
        yield concept.name
    for link in kb.wikilinks:
        yield link.target
    for tag in kb.tags:
        yield tag
        yield from tag.split("/")
    for paper in kb.papers:
        if paper.title:
            yield paper.title


def dictionary_words(kb: KnowledgeBase, min_length: int = 2) -> list[str]:
    """Chinese words jieba must keep whole: the Han runs of every name in the knowledge base.

    Only Han runs matter, since Material hands jieba nothing else; a one-character
    run is a word already.
    """
    words: dict[str, None] = {}
    for name in dict.fromkeys(kb_names(kb)):  # a name is given many times (each link to a note)
        for run in han_runs(name or ""):
            if len(run) >= min_length:
                words.setdefault(run)
    return list(words)


def user_dictionary(words: Iterable[str]) -> str:
    """The words in jieba's user-dictionary format (one word a line; jieba picks the frequency)."""
    return "".join(f"{w}\n" for w in words)


def page_names(kb: KnowledgeBase, use_directory_urls: bool = True, memo: Memo | None = None) -> dict[str, list[str]]:
    """Page URL → the names it should be found by that its title may not hold.

    Aliases and file names of notes, titles and arXiv ids of the papers a note cites
    (from `kb.papers`, and ids written in the note's text or link targets). An id the
    page shows as a word is left out: its text finds the page, and no other page holds
    that word by chance, so it needs no boost.

    `memo` (serve): a page's names are kept while what they are made of is the same.
    """
    return dict(PageNames(kb, use_directory_urls, memo))


class PageNames(Mapping[str, list[str]]):
    """`page_names`, worked out a page at a time when asked: in a parallel build each process
    works out only the pages it builds."""

    def __init__(self, kb: KnowledgeBase, use_directory_urls: bool = True, memo: Memo | None = None) -> None:
        self._memo = memo
        self._notes: dict[str, list[Any]] = defaultdict(list)
        for note in kb.notes.values():
            self._notes[page_url(note.page_path, use_directory_urls)].append(note)
        self._papers: dict[str, list[tuple[int, Any]]] = defaultdict(list)  # note path → (index, paper) it cites
        for i, paper in enumerate(kb.papers):
            for path in dict.fromkeys([paper.source.note, *paper.notes]):
                if path in kb.notes:
                    self._papers[path].append((i, paper))
        self._made: dict[str, list[str]] = {}

    def _make(self, url: str) -> list[str]:
        if self._memo is None:
            return self._names(url)
        # Everything `_names` reads: each note's path (its file name), title, aliases and text
        # (the ids it writes), and the place, title and id of each paper it cites. The notes are
        # the loader's, the same objects across rebuilds while their files are: compared as such
        # (kept alive by the table, so no other note can be the same object).
        notes = self._notes.get(url, [])
        cited = tuple((i, p.title, p.arxiv) for i, p in
                      sorted(dict(pair for n in notes for pair in self._papers.get(n.path, [])).items()))
        last, now = self._memo.table("page names")  # url → (its notes, their papers, its names)
        kept = last.get(url)
        if (kept is None or kept[1] != cited or len(kept[0]) != len(notes)
                or any(a is not b for a, b in zip(kept[0], notes))):
            kept = (tuple(notes), cited, self._names(url))
            self._memo.misses += 1
        now[url] = kept
        return kept[2]

    def _names(self, url: str) -> list[str]:
        bucket: list[str] = []

        def add(*values: str | None) -> None:
            for v in values:
                if v and v not in bucket:
                    bucket.append(v)

        notes = self._notes.get(url, [])
        shown = {i for note in notes for i in shown_arxiv_ids(note.text)}  # found in the text already
        for note in notes:
            add(*note.aliases)
            if note.stem != note.title:
                add(note.stem)
            add(*(i for i in arxiv_ids(note.text) if i not in shown))
        cited = dict(pair for n in notes for pair in self._papers.get(n.path, []))
        for i in sorted(cited):  # in the order of kb.papers, as page_names adds them
            add(cited[i].title, None if cited[i].arxiv in shown else cited[i].arxiv)
        return bucket

    def __getitem__(self, url: str) -> list[str]:
        made = self._made.get(url)
        if made is None:
            made = self._made[url] = self._make(url)
        if not made:
            raise KeyError(url)
        return made

    def __iter__(self) -> Iterator[str]:
        return (url for url in self._notes if url in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return any(url in self for url in self._notes)  # stops at the first page with a name


# Around an element marked data-search-exclude, in a generated page's template. Only where
# leaving the element out gives Material's parser the same sections: the element is not a
# heading, holds no element of its own tag, and is well formed; a heading inside it starts a
# section Material leaves out whole (a roadmap note's: its heading is excluded, and the
# headings under it have no id, so start no section of their own).
EXCLUDED_START = "<!--llmnotes-search-exclude-->"
EXCLUDED_END = "<!--/llmnotes-search-exclude-->"


def without_excluded(html: str) -> str:
    """`html` without the bracketed elements (brackets included); unchanged when it has none,
    or when a bracket is left open."""
    if EXCLUDED_START not in html:
        return html
    out: list[str] = []
    pos = 0
    while True:
        start = html.find(EXCLUDED_START, pos)
        if start < 0:
            break
        end = html.find(EXCLUDED_END, start)
        if end < 0:
            return unbracketed(html)
        out.append(html[pos:start])
        pos = end + len(EXCLUDED_END)
    out.append(html[pos:])
    return "".join(out)


# A data-search-* attribute, as Material's search plugin removes it from a page it indexed,
# less the optional space before it (`\s?data-search-...`): a pattern that may begin with a
# space is tried at every character of the page (185 ms for the 2,000-note timeline; this, 14 ms).
_SEARCH_ATTRIBUTE = re.compile(r'data-search-\w+="[^"]+"')


def without_search_attributes(html: str) -> str:
    r"""`html` as Material's search plugin leaves a page it indexed:
    `re.sub(r'\s?data-search-\w+="[^"]+"', "", html)`, found from the attribute's name."""
    out: list[str] = []
    pos = 0
    for m in _SEARCH_ATTRIBUTE.finditer(html):
        start = m.start()
        if start > pos and html[start - 1].isspace():  # the space the pattern takes with it
            start -= 1
        out.append(html[pos:start])
        pos = m.end()
    if not out:
        return html
    out.append(html[pos:])
    return "".join(out)


def unbracketed(html: str) -> str:
    """`html` as the page shows it: the brackets of `without_excluded` taken out."""
    if EXCLUDED_START not in html:
        return html
    return html.replace(EXCLUDED_START, "").replace(EXCLUDED_END, "")


def compact_text(text: str) -> str:
    """`text` of an index entry without the bytes our separator does not need.

    U+200B next to punctuation, markup or Latin letters (a fifth of a Chinese index),
    the others written as the shorter `WORD_BREAK`; whitespace next to block tags and
    runs of it outside <pre>; prose as `compact_prose` writes it; list items' tags in
    their short form. The words a query finds stay the same, and what a search result
    shows does but for the spacing `compact_prose` names.
    """
    parts = _PRE.split(_SPARE_ZWSP.sub("", text).replace("\u200b", WORD_BREAK))
    for i in range(0, len(parts), 2):  # even parts are outside <pre>
        part = _BLOCK_SPACE.sub(r"\1", _SPACE_RUN.sub(" ", parts[i]))
        parts[i] = compact_prose(part) if "<code>" not in part else "".join(
            piece if j % 2 else compact_prose(piece) for j, piece in enumerate(_INLINE_CODE.split(part)))
    return compact_lists("".join(parts).strip(" "))


def compact_prose(text: str) -> str:
    """Prose of a result in fewer bytes (see `_PUNCT_SPACE`): no code in it."""
    if "://" in text:
        text = _URL_SCHEME.sub("", text)
    return _HAN_LATIN_SPACE.sub("", _PUNCT_SPACE.sub("", text))


def compact_lists(text: str) -> str:
    """`text` with each list item's tags written short (see `_LIST_TAG`)."""
    if "<li>" not in text:
        return text
    out: list[str] = []
    pos = depth = 0
    for match in _LIST_TAG.finditer(text):
        closing, name = match.groups()
        if name != "li":
            depth = max(depth - 1, 0) if closing else depth + 1
        elif depth:
            out.append(text[pos:match.start()])
            out.append("" if closing else "<li/>")
            pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def tune_index(data: dict[str, Any], names: Mapping[str, list[str]],
               segment: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
    """Add each page's other names to Material's index (`data`, as read from search_index.json).

    With our separator, drop the bytes it does not need (`compact_text`), and write the
    names, which no reader sees, split by plain spaces. `segment` is the segmentation
    the rest of the index went through (jieba, words joined by U+200B), so a name is
    split the way the browser will split the query.
    """
    config = data.setdefault("config", {})
    if names:
        config.setdefault("fields", {})[NAMES_FIELD] = {"boost": NAMES_BOOST}
    compact = config.get("separator") == SEPARATOR  # a site's own separator may need every U+200B
    for doc in data.get("docs", []):
        if compact:
            for key in ("title", "text"):
                if isinstance(doc.get(key), str):
                    doc[key] = compact_text(doc[key])
        location = unquote(doc.get("location", ""))
        if "#" in location:
            continue
        values = names.get(location)
        if values:
            doc[NAMES_FIELD] = (name_terms(segment(" ".join(values)))
                                if compact else segment(" · ".join(values)))
    return data


def name_terms(names: str) -> str:
    """The words our separator cuts `names` into, each once, split by plain spaces.

    Nobody reads the names field: only its words count, and a word's second time in
    the same field adds next to nothing to a page's score (cited paper titles share
    words like `Language Models`).
    """
    words: dict[str, str] = {}
    for word in _SEPARATOR.split(names):
        if word:
            words.setdefault(word.casefold(), word)
    return " ".join(words.values())


def dump_index(data: dict[str, Any]) -> bytes:
    """The index as compact UTF-8 JSON: `\\uXXXX` escapes made it about twice its size."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class PageTuner:
    """`tune_index`, a page at a time, in whichever process builds the page.

    In a build the index entries are tuned as the search plugin adds each page's (a parallel
    build spreads that over its workers), so nothing is read back and tuned at the end.
    `config` is the index's config as Material writes it (lang, separator, pipeline, fields);
    the tuner keeps its own copy, with the names field added.
    """

    CONFIG_KEYS = ("lang", "separator", "pipeline", "fields")

    def __init__(self, config: dict[str, Any], names: Mapping[str, list[str]],
                 segment: Callable[[str], str] = lambda s: s) -> None:
        self.config = {key: json.loads(json.dumps(config[key], default=str)) for key in self.CONFIG_KEYS}
        self.names = names
        self.segment = segment
        self.done = 0
        tune_index({"config": self.config, "docs": []}, names, segment)

    def tune_new(self, entries: list[dict[str, Any]]) -> None:
        """Tune the entries added since the last call (the list only grows while pages are built)."""
        if len(entries) > self.done:
            tune_index({"config": self.config, "docs": entries[self.done:]}, self.names, self.segment)
        self.done = len(entries)

    def dump(self, entries: list[dict[str, Any]]) -> bytes:
        return dump_index({"config": self.config, "docs": entries})
