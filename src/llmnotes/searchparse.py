"""A faster drop-in for the HTML parser of Material's search plugin: the same sections, sooner.

Material indexes a page by feeding its HTML to `Parser`, an `html.parser.HTMLParser`
that cuts it into sections (one per heading with an id) of title and text. At 2,000
notes that is about a fifth of a build: half in HTMLParser's tokenising (several regex
matches and Python calls per tag), half in Material's handlers, which keep the open
elements as `Element` objects hashed and compared by tag in Python.

`SectionParser` gives exactly the sections Material's parser gives (the same `Section`
and `Element` objects, title and text piece by piece, quirks included) in two parts:

- its handlers are Material's, rewritten on plain tag strings. Material's `Element`
  compares and hashes by tag only, so its `skip` set is a set of tag names and
  "the section's element is open" means "an element with its tag is open": exactly
  what the string version computes, without a Python call per comparison;
- a page is tokenised by one compiled regex when every `<` in it starts a construct
  that every Python's HTMLParser tokenises alike and plainly: a start tag with simple
  attributes, an end tag, a comment. Text between two of them is one chunk, unescaped,
  as HTMLParser gives it with `convert_charrefs`. Anything else anywhere (a stray `<`,
  a doctype, CDATA, a processing instruction, an element with raw content such as
  `<script>`, unusual attribute syntax, a character reference in an attribute value
  that Pythons unescape differently) sends the whole page to the real HTMLParser,
  which then calls the same handlers.

`install` makes Material's search plugin use it, only for the Material version whose
parser it was checked against (`VERIFIED`); `uninstall` puts Material's parser back.
"""

from __future__ import annotations

import re
import types
from html import escape, unescape
from html.entities import html5
from html.parser import HTMLParser
from typing import Any

from . import upstream

try:
    from material.plugins.search.plugin import Element, Section
except ImportError:  # pragma: no cover - Material is a dependency; install() then does nothing
    Element = Section = None

# Material's tables, as in the version of `VERIFIED` (its source is part of the fingerprint).
VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"])
KEEP = frozenset(["p", "code", "pre", "li", "ol", "ul", "sub", "sup"])
ALWAYS_SKIPPED = ("script", "style", "object")
HEADINGS = frozenset(f"h{x}" for x in range(1, 7))
INF = float("inf")

# sha256 of Material's Parser, Element, Section, SearchIndex.add_entry_from_context
# and its `void` set (see `fingerprint`), as in mkdocs-material 9.8.2.
VERIFIED = "268f395cfce650205407d33f5c6bf7e1be78cb390fc76b32477f110a259203b1"

# Elements whose content HTMLParser (in some Python version) does not tokenise as markup.
_RAW_CONTENT = frozenset(["script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                          "noframes", "noscript", "plaintext"])

_WS = r"[ \t\n\r\f]"
_NAME = r"[a-zA-Z][a-zA-Z0-9-]*"
# An attribute: a plain name, maybe a value: quoted, or bare of plain characters and
# followed by a space or ">" (HTMLParser's bare value runs to a space or ">": "a/>" is one).
_ATTR = (r"[a-zA-Z_:][-a-zA-Z0-9_:.]*"
         rf"""(?:{_WS}*={_WS}*(?:"[^"]*"|'[^']*'|[-a-zA-Z0-9_.:#%+,;@&!?*()~$|^\[\]{{}}]+(?={_WS}|>)))?""")
# One match per markup token and the text before it; every character of a page is in
# some match. Groups: the text, an end tag's name, a start tag's name, its attributes,
# the "/" of a self-closing tag, a "<" that starts no token of ours (fall back). A
# comment, and the end of the page, leave the last five empty.
_TOKEN = re.compile(
    r"([^<]*)(?:"
    rf"</({_NAME})>"
    rf"|<({_NAME})((?:{_WS}+{_ATTR})*){_WS}*(/?)>"
    r"|<!--(?!-?>)[^-]*(?:-[^-]+)*-->"  # no "--" inside: Pythons differ on "-- >", "--!>"
    r"|(<)|\Z)"
)
_ATTRIBUTE = re.compile(r"""([^\s=]+)(?:\s*=\s*("[^"]*"|'[^']*'|\S+))?""")
# An "&" in an attribute value that html.unescape (HTMLParser up to Python 3.13.3) and
# HTML5's rules (later HTMLParsers: "&copy=" and "&copyx" stay) read alike: a numeric
# reference with ";", a known name with ";", or no reference at all. Group: the name.
_REFERENCE = re.compile(r"&(?:#[0-9]+;|#[xX][0-9a-fA-F]+;|([a-zA-Z][a-zA-Z0-9]*;)|(?![a-zA-Z#]))")
_NO_ATTRS: dict = {}  # for every start tag whose attributes the handlers need not see: never changed


class SectionParser:
    """Material's search `Parser` (feed, close, data), faster; `data` is complete after close()."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pieces: list[str] = []
        self._closed = False
        self.fallbacks = 0  # documents tokenised by HTMLParser (0 or 1)
        self._reset()

    def _reset(self) -> None:
        self.context: list[str] = []  # tags of the open elements, as Material's `context`
        self.skip = {"object", "script", "style"}  # tags whose content is not indexed
        self.section = None
        self.data: list = []  # the sections, as Material's `data`
        self._links: list[bool] = []  # one per open <a>: is it a heading's permalink?
        self._open_permalinks = 0

    def feed(self, data: str) -> None:
        if self._closed:  # Material parses one page per parser; HTMLParser would go on
            raise RuntimeError("SectionParser parses one document: feed it, then close it")
        self._pieces.append(data)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        pieces, self._pieces = self._pieces, []
        if len(pieces) == 1 and self._tokenise(pieces[0]):
            return
        # HTMLParser's chunks of text depend on where one feed ends: give it the same feeds.
        self._reset()
        self.fallbacks += 1
        parser = _Tokeniser(self)
        for piece in pieces:
            parser.feed(piece)
        parser.close()

    # -- the fast tokeniser ---------------------------------------------------------

    def _tokenise(self, html: str) -> bool:
        """Parse `html` with one regex; False (state undefined) when a token needs HTMLParser."""
        start, end, text = self._start, self._end, self._text
        for data, closing, tag, attrs, slash, stray in _TOKEN.findall(html):
            if data:  # HTMLParser's chunk: all the text up to the next "<"
                text(unescape(data) if "&" in data else data)
            if closing:
                end(closing.lower())
            elif tag:
                tag = tag.lower()
                if tag in _RAW_CONTENT:
                    return False
                # Of an element other than a heading, the handlers only look for an
                # exclusion or a permalink (a name is not unescaped, a value is).
                if attrs and (tag in HEADINGS or "&" in attrs or "linenodiv" in attrs
                              or "headerlink" in attrs or "data-search-exclude" in attrs.lower()):
                    attrs = _attributes(attrs)
                    if attrs is None:
                        return False
                else:
                    attrs = _NO_ATTRS
                start(tag, attrs)
                if slash:  # <x/>: HTMLParser's handle_startendtag
                    end(tag)
            elif stray:
                return False
            # else a comment (Material ignores comments: they only end a run of text) or the end
        return True

    # -- Material's handlers, on tag strings ----------------------------------------

    def _start(self, tag: str, attrs: dict) -> None:
        if tag in VOID:
            return
        context = self.context
        context.append(tag)

        if tag in HEADINGS:
            if "id" in attrs:
                depth = len(context)
                if tag != "h1" and not self.data:
                    self.section = Section(Element("hx"), depth)
                    self.data.append(self.section)
                self.section = Section(Element(tag, attrs), depth)
                if self.data:
                    self.section.id = attrs["id"]
                self.data.append(self.section)
        elif tag == "a":
            permalink = attrs.get("class") == "headerlink"
            self._links.append(permalink)
            self._open_permalinks += permalink

        if self.section is None:
            self.section = Section(Element("hx"))
            self.data.append(self.section)

        if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
            self.skip.add(tag)
            return

        if tag in KEEP and self.skip.isdisjoint(context):
            section = self.section
            (section.title if section.el.tag in context else section.text).append(f"<{tag}>")

    def _end(self, tag: str) -> None:
        context = self.context
        if not context or context[-1] != tag:
            return

        # A heading nested in an element that closes: back to the section it was in.
        depth = len(context)
        if self.section.depth > depth:
            for section in reversed(self.data):
                if section.depth <= depth:
                    self.section.depth = INF
                    self.section = section
                    break

        context.pop()
        if tag == "a":
            self._open_permalinks -= self._links.pop()
        skip = self.skip
        if tag in skip:
            if tag not in ALWAYS_SKIPPED:
                skip.remove(tag)
            return

        if tag in KEEP and skip.isdisjoint(context):
            section = self.section
            data = section.title if section.el.tag in context else section.text
            # Drop the element when it holds nothing but whitespace (Material searches
            # from the first opening tag of that name, as here).
            index = data.index(f"<{tag}>")
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break
            if len(data) > index:
                del data[index:]
            else:
                data.append(f"</{tag}>")

    def _text(self, data: str) -> None:
        context = self.context
        if not self.skip.isdisjoint(context):
            return

        pre = "pre" in context
        if not pre:
            data = " " if data.isspace() else data.replace("\n", " ")

        section = self.section
        if section is None:
            section = self.section = Section(Element("hx"))
            self.data.append(section)

        if section.el.tag in context:
            if not self._open_permalinks:
                section.title.append(_escape(data))
        elif data.isspace():
            text = section.text
            if not text or not text[-1].isspace() or pre:
                text.append(data)
        else:
            section.text.append(_escape(data))


def _escape(text: str) -> str:
    """html.escape(text, quote=False), without its three copies for most text."""
    return escape(text, quote=False) if "&" in text or "<" in text or ">" in text else text


def _attributes(source: str) -> dict | None:
    """HTMLParser's attributes (names lowercased, values unescaped, no value: None) as Material's dict.

    None when a value holds a character reference that not every Python unescapes alike.
    """
    attrs = {}
    for name, value in _ATTRIBUTE.findall(source):
        if not value:  # a present value is never empty here: it has quotes or a character
            attrs[name.lower()] = None
            continue
        if value[0] in "\"'":
            value = value[1:-1]
        if "&" in value:
            references = _REFERENCE.findall(value)
            if len(references) != value.count("&") or not all(r in html5 for r in references if r):
                return None
            value = unescape(value)
        attrs[name.lower()] = value
    return attrs


class _Tokeniser(HTMLParser):
    """The real HTMLParser, calling a SectionParser's handlers."""

    def __init__(self, target: SectionParser) -> None:
        super().__init__(convert_charrefs=True)
        self.handle_endtag = target._end
        self.handle_data = target._text
        self._target_start = target._start

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._target_start(tag, dict(attrs))


# -- installing -------------------------------------------------------------------

_originals: dict = {}  # module → Material's Parser, while ours is installed there


def fingerprint(module: Any) -> str | None:
    """A digest of the Material code the parser must agree with; None if it is not there."""
    try:
        parts = (module.Parser, module.Element, module.Section, module.SearchIndex.add_entry_from_context,
                 repr(sorted(module.void)))
    except AttributeError:
        return None
    return upstream.source_digest(*parts)


def install(search_plugin_or_module: Any = None) -> bool:
    """Make Material's search plugin parse pages with SectionParser; False when it keeps its own.

    Takes the search plugin (None: the site has none, nothing to do) or Material's search
    module. Only a Material whose parser is the one SectionParser was checked against
    (`VERIFIED`) gets it: with any other, pages are parsed by Material's own code.
    """
    if search_plugin_or_module is None:
        return False
    module = _module(search_plugin_or_module)
    if module is None or Section is None:
        return False
    if getattr(module, "Parser", None) is SectionParser:
        return True
    if fingerprint(module) != VERIFIED:
        return False
    _originals[module] = module.Parser
    module.Parser = SectionParser
    return True


def uninstall(search_plugin_or_module: Any = None) -> None:
    """Put Material's own parser back (None: in the installed Material)."""
    module = _module(search_plugin_or_module)
    if module is not None and module.Parser is SectionParser and module in _originals:
        module.Parser = _originals.pop(module)


def material_parser(search_plugin_or_module: Any = None) -> Any | None:
    """Material's own Parser class, installed or not (None without Material)."""
    module = _module(search_plugin_or_module)
    if module is None:
        return None
    return _originals.get(module) if module.Parser is SectionParser else module.Parser


def _module(search_plugin_or_module: Any) -> Any | None:
    if isinstance(search_plugin_or_module, types.ModuleType):
        return search_plugin_or_module
    try:
        from material.plugins.search import plugin as module
    except ImportError:
        return None
    return module
