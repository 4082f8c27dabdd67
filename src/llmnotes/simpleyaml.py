"""The plain front matter most notes have, read without PyYAML's constructor.

Obsidian writes front matter such as::

    title: QLoRA 学习笔记
    tags: [LLM, 综述]
    aliases:
      - QLoRA
    date: 2023-05-23

PyYAML's C loader still builds every value in Python: ~90 us for those four lines, a
quarter of loading a vault whose notes have front matter, on one core before any
other work can start. `read_simple_mapping` reads that shape (keys with plain values,
flow lists and block lists of plain values, ISO dates, empty values) in a few microseconds and
gives exactly what `yaml.load` gives. Anything else (quotes, numbers, booleans,
nesting, comments, anchors, multi-line values) returns None, and the caller reads
the block with PyYAML as before.

Whether a plain value is a string or a date is asked of PyYAML's own implicit
resolvers, so "yes", "null", "1e3" or "~" are left to PyYAML.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DATE_ONLY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# A plain scalar that is read as written: not starting with an indicator, no ": " or " #"
# inside, not ending with ":", no tab, and only characters YAML reads in a scalar (no
# control characters, BOM, NEL or line/paragraph separators).
_INDICATOR_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_FLOW_UNSAFE = frozenset(",[]{}:#")
_LIST_ITEM = re.compile(r"( *)- (.*)")
_NO: Any = object()  # not a value this module reads


def _tag(value: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar (as `Resolver.resolve` does)."""
    for tag, regexp in _RESOLVERS.get(value[0] if value else "", []) + _RESOLVERS.get(None, []):
        if regexp.match(value):
            return tag
    return _STR


def _plain(value: str, flow: bool = False) -> Any:
    """The value of a plain scalar, or `_NO` when it is not one this module reads."""
    if (not value or value[0] in _INDICATOR_START or value != value.strip(" ") or ": " in value
            or " #" in value or value.endswith(":") or "\t" in value or _UNSAFE.search(value)
            or (flow and any(c in _FLOW_UNSAFE for c in value))):
        return _NO
    tag = _tag(value)
    if tag == _STR:
        return value
    if tag == _TIMESTAMP:
        m = _DATE_ONLY.fullmatch(value)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:  # an impossible date: PyYAML's error and its warning
                return _NO
    return _NO


def read_simple_mapping(block: str) -> dict[str, Any] | None:
    """`yaml.load(block)` when `block` is a mapping of the plain shape above, else None."""
    if "\r" in block:
        return None
    out: dict[str, Any] = {}
    lines = block.split("\n")
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line:
            continue
        key, colon, rest = line.partition(":")
        if not colon or (rest and rest[0] != " "):
            return None
        key = _plain(key)
        if not isinstance(key, str):
            return None
        value = rest.strip(" ")
        if value:
            if value[0] == "[":
                if value[-1] != "]":
                    return None
                inner = value[1:-1]
                items = [_plain(item.strip(" "), flow=True) for item in inner.split(",")] if inner.strip(" ") else []
                if any(not isinstance(item, str) for item in items):
                    return None
                out[key] = items
                continue
            scalar = _plain(value)
            if scalar is _NO:
                return None
            out[key] = scalar
            continue
        # "key:" then a block list ("  - item", at one indent), or nothing (a null).
        items, indent = [], None
        while i < n:
            if not lines[i]:
                i += 1
                continue
            m = _LIST_ITEM.fullmatch(lines[i])
            if m is None:
                break
            if indent is None:
                indent = m.group(1)
            elif m.group(1) != indent:
                return None
            item = _plain(m.group(2).strip(" "))
            if not isinstance(item, str):
                return None
            items.append(item)
            i += 1
        if not items:
            if i < n and lines[i][:1] == " ":  # something nested under the key
                return None
            out[key] = None
            continue
        out[key] = items
    return out
