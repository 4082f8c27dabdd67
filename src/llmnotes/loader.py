"""Files → Note: find notes, decode any encoding, split front matter, repair, title.

Bad input never costs a note: every problem becomes a Diagnostic and the note is
still returned, with whatever text could be recovered.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .model import Diagnostic, Note
from .plaintext import plaintext_to_markdown
from .repair import is_flattened, repair_flattened
from .simpleyaml import read_simple_mapping
from .textutil import mask_code, shorten

# libyaml's safe loader when PyYAML has it: the same data, ~10× faster than the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """YAML written in a note (front matter, ```timeline and ```paper blocks), read safely.

    A value YAML accepts but Python cannot hold (the date `2020-13-45`, a year 0) raises
    a ValueError from PyYAML's constructor: it is a YAMLError here like any other, so the
    note is kept and warned about rather than the build failing.
    """
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except (ValueError, OverflowError) as exc:
        raise yaml.YAMLError(f"a value cannot be read ({exc})") from exc


NOTE_SUFFIXES = {".md", ".markdown", ".txt"}
# Files a site serves as they are; anything else in the vault is left out with a diagnostic.
ASSET_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".ico", ".avif",
    ".pdf", ".css", ".js", ".json", ".csv", ".mp4", ".webm", ".mp3", ".wav",
    ".woff", ".woff2", ".ttf", ".otf", ".html", ".htm", ".xml", ".yml", ".yaml", ".bib", ".zip",
}


@dataclass
class Vault:
    """What the loader found in a notes folder."""

    notes: list[Note] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


# --------------------------------------------------------------------------- walking


def is_note_file(name: str) -> bool:
    """Whether a file of this name is one the loader reads as a note (by its suffix)."""
    return posixpath.splitext(name)[1].lower() in NOTE_SUFFIXES


def _is_dir(entry: os.DirEntry) -> bool:
    """As os.walk tells a folder (a link to a folder is one; an unreadable entry is not)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def walk_vault(root: Path) -> tuple[list[str], list[str], list[Diagnostic]]:
    """Note paths and asset paths under `root` (posix, relative), never leaving it.

    Hidden files and folders are skipped. Symbolic links to folders are not followed
    (a link loop cannot hang the build); a linked file is read only when it resolves
    inside the vault.
    """
    root = root.resolve()
    notes: list[str] = []
    assets: list[str] = []
    diags: list[Diagnostic] = []

    def visit(folder: str, rel_dir: str) -> None:
        # os.scandir: whether an entry is a folder or a link comes with its name (no stat of
        # each of a vault's thousands of files), in the order os.walk would give them.
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError:
            return  # as os.walk: a folder that cannot be listed is left out
        shown = [e for e in entries if not e.name.startswith(".")]
        kinds = [_is_dir(e) for e in shown]
        folders = []
        for e in (e for e, is_dir in zip(shown, kinds) if is_dir):
            if e.is_symlink():
                diags.append(Diagnostic("info", posixpath.join(rel_dir, e.name), None,
                                        "symbolic link to a folder is not followed"))
                continue
            folders.append(e)
        for e in (e for e, is_dir in zip(shown, kinds) if not is_dir):
            name = e.name
            rel = posixpath.join(rel_dir, name)
            if e.is_symlink():
                try:
                    target = Path(e.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    diags.append(Diagnostic("warning", rel, None, "broken or looping symbolic link; skipped"))
                    continue
                if root not in target.parents:
                    diags.append(Diagnostic("warning", rel, None,
                                            "symbolic link points outside the notes folder; skipped"))
                    continue
            suffix = posixpath.splitext(name)[1].lower()
            if suffix in NOTE_SUFFIXES:
                notes.append(rel)
            elif suffix in ASSET_SUFFIXES:
                assets.append(rel)
            else:
                diags.append(Diagnostic("info", rel, None, f"not a note or a known asset ({suffix or 'no suffix'}); "
                                        "left out of the site"))
        for e in folders:
            visit(e.path, posixpath.join(rel_dir, e.name))

    visit(str(root), "")
    return notes, assets, diags


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, path: str) -> tuple[str, str, list[Diagnostic]]:
    """Bytes → (text, encoding name, diagnostics). Never raises.

    Order: BOMs, strict UTF-8, UTF-16 without BOM (many NULs), GB18030 (a superset of
    GBK, common for Chinese notes saved on Windows), then UTF-8 with replacement.
    """
    diags: list[Diagnostic] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", diags
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        diags.append(Diagnostic("warning", path, None, "file is UTF-16, not UTF-8; decoded as UTF-16"))
        return text, "utf-16", diags
    try:
        return data.decode("utf-8"), "utf-8", diags
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        # Its NULs would make it look binary; decide by what the UTF-16 reading looks like.
        odd_nuls = data[1::2].count(b"\x00")
        enc = "utf-16-le" if odd_nuls > data[0::2].count(b"\x00") else "utf-16-be"
        text = data.decode(enc, errors="replace")
        if _reads_as_text(text):
            diags.append(Diagnostic("warning", path, None, f"file is {enc.upper()} without BOM; decoded as such"))
            return text, enc, diags
    if not _looks_binary(data):
        try:
            text = data.decode("gb18030")
            diags.append(Diagnostic("warning", path, bad_line,
                                    "file is not UTF-8; decoded as GB18030/GBK (save it as UTF-8 to silence this)"))
            return text, "gb18030", diags
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        diags.append(Diagnostic("error", path, None, "file looks binary, not a text note; its page shows a notice"))
        return "", "binary", diags
    diags.append(Diagnostic("warning", path, bad_line,
                            "invalid UTF-8 bytes (first on this line) replaced with U+FFFD"))
    return data.decode("utf-8", errors="replace"), "utf-8 (replaced)", diags


def _reads_as_text(text: str) -> bool:
    """Text has spaces or line breaks and few control or replaced characters; binary read as UTF-16 does not."""
    sample = text[:4096]
    if not sample:
        return False
    spaces = sum(1 for ch in sample if ch in " \n\t\u3000")
    junk = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\n\r\t"))
    return spaces / len(sample) > 0.01 and junk / len(sample) < 0.05


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return b"\x00" in sample and controls / len(sample) > 0.05 or controls / len(sample) > 0.30


# --------------------------------------------------------------------------- front matter

_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int, list[Diagnostic]]:
    """(meta, body, number of lines taken by the front matter, diagnostics).

    A malformed block is kept in the body as a visible YAML code block, so nothing
    the author wrote disappears.
    """
    if not (text.startswith(("---\n", "---\r\n"))):
        return {}, text, 0, []
    close = _FM_CLOSE.search(text, 4)
    if not close:
        return {}, text, 0, [Diagnostic("warning", path, 1, "front matter starts with '---' but is never closed; "
                                        "shown as text")]
    block = text[4:close.start()]
    body = text[close.end():]
    body = body.removeprefix("\n")
    taken = text[:close.end()].count("\n") + 1
    try:
        meta = read_simple_mapping(block)
        if meta is None:
            meta = read_yaml(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        diag = Diagnostic("warning", path, line, f"malformed YAML front matter ({problem}); shown as text")
        return {}, _as_code(block) + body, 0, [diag]
    if meta is None:
        return {}, body, taken, []
    if not isinstance(meta, dict):
        diag = Diagnostic("warning", path, 2, f"front matter is a {type(meta).__name__}, not a mapping; shown as text")
        return {}, _as_code(block) + body, 0, [diag]
    return {str(k): _plain(v) for k, v in meta.items()}, body, taken, []


def _as_code(block: str) -> str:
    """Front matter we could not read, shown as it was. Keeps the line count (+2 fences)."""
    fence = "````" if "```" in block else "```"
    return f"{fence}yaml\n---\n{block}---\n{fence}\n"


def _plain(value: Any) -> Any:
    """YAML values → JSON-friendly values (dates become ISO strings)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [s for s in re.split(r"[,，\s]+", value) if s]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]


# --------------------------------------------------------------------------- title

_H1 = re.compile(r"^ {0,3}# +(.+?)(?: +#+)?\s*$", re.MULTILINE)
_SKIP_LINE = re.compile(r"^\s*(?:\[toc\]|\[\[_toc_\]\]|-{3,}|\*{3,}|<[^>]*>|!\[.*\]\(.*\)|```.*)\s*$", re.IGNORECASE)
_HASHLIKE = re.compile(r"[0-9a-f]{8,}", re.IGNORECASE)
_WIKI_LABEL = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")  # a wiki-link in a heading: its label


def choose_title(meta: dict[str, Any], body: str, stem: str, masked: str | None = None) -> str:
    """Front matter title, else the first H1, else the first text line, else the file stem.

    `masked` is `mask_code(body)` when the caller has it already.
    """
    title = meta.get("title")
    if title is not None and str(title).strip():
        return str(title).strip()
    masked = mask_code(body) if masked is None else masked
    m = _H1.search(masked)
    if m:
        return _clean_heading(body[m.start(1):m.end(1)])
    for line, mline in zip(body.split("\n"), masked.split("\n")):
        if not mline.strip() or _SKIP_LINE.match(line):
            continue
        text = re.sub(r"^\s*(?:>\s*)+|^\s*(?:[-*+]\s+|#{1,6}\s+)", "", line).strip()
        text = re.sub(r"!?\[\[([^\]|]*)(?:\|([^\]]*))?\]\]", lambda g: g.group(2) or g.group(1), text)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text).strip(" *_`")
        if text:
            return shorten(text, 32)
    return stem


def _clean_heading(text: str) -> str:
    if "[[" in text:
        text = _WIKI_LABEL.sub(lambda g: g.group(2) or g.group(1), text)
    return text.strip().strip("*_`").strip() or text.strip()


def is_hashlike(stem: str) -> bool:
    """A generated file name such as `000_b44f1230b9d77f32`, useless as a title."""
    return bool(_HASHLIKE.search(stem))


# --------------------------------------------------------------------------- Markdown or plain text?

_MD_SIGNALS = {
    "heading": re.compile(r"^ {0,3}#{1,6} +\S", re.MULTILINE),
    "link": re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),
    "wikilink": re.compile(r"\[\[[^\]\n]+\]\]"),
    "fence": re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE),
    "table": re.compile(r"\|\s*:?-{3,}:?\s*\|"),
    "html": re.compile(r"^\s*<(?:div|details|summary|img|table|p|br|a)\b", re.MULTILINE | re.IGNORECASE),
    "emphasis": re.compile(r"\*\*[^*\n]+\*\*|`[^`\n]+`"),
    "toc": re.compile(r"^\[toc\]\s*$", re.MULTILINE | re.IGNORECASE),
}


def looks_like_markdown(text: str) -> bool:
    """Many `.txt` notes are Markdown saved with another suffix (exports, READMEs, a flattened
    Obsidian note). Two different kinds of Markdown construct are enough to tell; a plain-text
    outline has at most one (an image line, say)."""
    kinds = 0
    for pattern in _MD_SIGNALS.values():
        if pattern.search(text):
            kinds += 1
            if kinds >= 2:
                return True
    return False


# --------------------------------------------------------------------------- deep nesting

# Python-Markdown parses nested lists recursively and hits Python's recursion limit near
# 200 levels of four-space indentation: the page would abort the whole build. 64 levels
# is deeper than any outline people write.
MAX_INDENT = 256
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_INDENT + 1},}}\S", re.MULTILINE)


def cap_indentation(text: str) -> tuple[str, int | None]:
    """Lines indented past MAX_INDENT columns (outside code) move back to it; their text stays.

    Returns the text and the 0-based index of the first line moved (None: nothing moved).
    """
    # Only spaces or tabs can make such an indentation: look for the regex's match only then.
    if ("\t" not in text and " " * (MAX_INDENT + 1) not in text) or not _DEEP_INDENT.search(text):
        return text, None
    lines = text.split("\n")
    masked = mask_code(text).split("\n")
    first = None
    for i, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        width = len(line) - len(stripped) + 3 * line[: len(line) - len(stripped)].count("\t")
        if width > MAX_INDENT and stripped and masked[i].strip():
            lines[i] = " " * MAX_INDENT + stripped
            first = i if first is None else first
    return "\n".join(lines), first


# --------------------------------------------------------------------------- one note


def parse_note(path: str, data: bytes, mtime: float = 0.0) -> tuple[Note, list[Diagnostic]]:
    """Bytes of one file → Note. `path` is the posix path under the notes folder."""
    text, encoding, diags = decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if encoding == "binary":
        note = Note(path=path, title=stem, text=f"*This file holds binary data ({len(data):,} bytes), not text.*\n",
                    line_map=[1], encoding=encoding)
        return note, diags
    meta, body, taken, fm_diags = split_front_matter(text, path)
    diags += fm_diags
    kind = "markdown"
    first = taken + 1
    if path.lower().endswith(".txt") and not looks_like_markdown(body):
        body, rel_map = plaintext_to_markdown(body)
        line_map = [first + n - 1 for n in rel_map]
        kind = "plaintext"
    elif is_flattened(body):
        body = repair_flattened(body)
        line_map = [first] * (body.count("\n") + 1)
        kind = "flattened"
        diags.append(Diagnostic("info", path, first, "note had lost its line breaks; structure restored"))
    else:
        line_map = list(range(first, first + body.count("\n") + 1))
    body, deep_line = cap_indentation(body)
    if deep_line is not None:
        diags.append(Diagnostic("warning", path, line_map[deep_line] if deep_line < len(line_map) else None,
                                f"list nested deeper than {MAX_INDENT // 4} levels; deeper lines are shown "
                                "at that depth"))
    if not body.strip() and not meta:
        diags.append(Diagnostic("warning", path, None, "empty note"))
    note = Note(
        path=path,
        title=stem,
        text=body,
        aliases=_string_list(meta.get("aliases", meta.get("alias"))),
        tags=[t.lstrip("#") for t in _string_list(meta.get("tags", meta.get("tag")))],
        meta=meta,
        line_map=line_map,
        encoding=encoding,
        kind=kind,
        mtime=mtime,
    )
    # The masked text is kept with the note: the normaliser and the extractors read it too.
    note.title = choose_title(meta, body, stem, note.masked)
    return note, diags


def load_vault(root: Path, cache: dict[str, Any] | None = None) -> Vault:
    """Every note of `root`. With `cache` (kept by a long-lived caller such as `serve`),
    a file whose size and mtime are unchanged is not read again."""
    vault = Vault()
    note_paths, vault.assets, vault.diagnostics = walk_vault(root)
    if cache:  # forget files that are gone (a long serve session sees many come and go)
        present = set(note_paths)
        for rel in [rel for rel in cache if rel not in present]:
            del cache[rel]
    folder = str(root)
    for rel in note_paths:
        full = os.path.join(folder, rel)
        try:
            st = os.stat(full)
        except OSError as exc:
            vault.diagnostics.append(Diagnostic("error", rel, None, f"cannot read: {exc.strerror}"))
            continue
        key = (st.st_mtime_ns, st.st_size)
        hit = cache.get(rel) if cache is not None else None
        if hit and hit[0] == key:
            note, diags = hit[1], hit[2]
        else:
            try:
                with open(full, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                vault.diagnostics.append(Diagnostic("error", rel, None, f"cannot read: {exc.strerror}"))
                data = b""
            note, diags = parse_note(rel, data, st.st_mtime)
            if cache is not None:
                cache[rel] = (key, note, diags)
        vault.notes.append(note)
        vault.diagnostics.extend(diags)
    return vault
