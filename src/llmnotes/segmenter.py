"""The Chinese segmenter of the build: jieba's API, backed by rjieba when it is installed.

Material's search plugin cuts every Han run of every page with jieba at build time;
on a vault of hundreds of notes that is seconds per build, plus about a second to
load jieba's dictionary in each process. rjieba (a binding of jieba-rs, the same
dictionary and algorithm) gives identical segmentations many times faster, so the
plugin hands Material this object instead of the jieba module when it can
(`install`). Everything that segments for the index (Material, and our own index
tuning) must go through the same object, or words taught to one are unknown to the
other: `jieba_like()` returns it.

Only the calls the build makes are provided (cut, add_word, get_FREQ, setLogLevel). A site
that sets its own jieba dictionary keeps real jieba: rjieba cannot load those.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import upstream

try:
    import rjieba
except ImportError:  # pragma: no cover - rjieba is a dependency; this keeps jieba as the fallback
    rjieba = None


class RJieba:
    """jieba's module API (the part the build uses) on top of rjieba's global instance (or `instance`)."""

    name = "rjieba"

    def __init__(self, instance: Any = None) -> None:
        self._jieba = instance if instance is not None else rjieba

    def cut(self, sentence: str | bytes, cut_all: bool = False, HMM: bool = True,
            **_: Any) -> Iterator[str]:
        if isinstance(sentence, bytes):  # Material passes UTF-8 bytes, which jieba decodes
            sentence = sentence.decode("utf-8", errors="replace")
        return iter(self._jieba.cut_all(sentence) if cut_all else self._jieba.cut(sentence, HMM))

    def lcut(self, sentence: str | bytes, cut_all: bool = False, HMM: bool = True) -> list[str]:
        return list(self.cut(sentence, cut_all, HMM))

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """As jieba: without a frequency, one just high enough to keep the word whole."""
        self._jieba.add_word(word, int(freq) if freq is not None else self._jieba.suggest_freq(word), tag)

    def get_FREQ(self, word: str, default: int | None = None) -> int | None:  # jieba's name
        """Truthy for a word of the dictionary (rjieba does not expose frequencies)."""
        return 1 if self._jieba.has_word(word) else default

    def setLogLevel(self, level: int) -> None:  # jieba's name
        pass


_FAST = RJieba() if rjieba is not None else None
_installed = False
_original: Any = None  # what Material's module held before: put back when a site needs real jieba


def install(search_plugin: Any) -> bool:
    """Give Material's search plugin the fast segmenter; False when it keeps jieba (or has none)."""
    global _installed, _original
    module = _material_search_module()
    if module is None or search_plugin is None:
        return False
    if not _installed:
        _original = getattr(module, "jieba", None)
    own_dictionary = search_plugin.config.get("jieba_dict") or search_plugin.config.get("jieba_dict_user")
    if _FAST is None or _original is None or own_dictionary:
        # No jieba: Material indexes Chinese unsegmented, and so do we. Own dictionary: real jieba.
        module.jieba = _original
        _installed = False
        return False
    module.jieba = _FAST
    _installed = True
    return True


# sha256 of Material's SearchIndex._segment_chinese that `remember_cuts` repeats (mkdocs-material 9.8).
KNOWN_SEGMENT_CHINESE = "34cab54f4ab639446c78f7922b3e678e6580739c1934c823e5388be830740d6b"


def remember_cuts(search_plugin: Any) -> bool:
    """Material cuts every Han run of every section with jieba; a vault repeats its words and
    phrases (a 2,000-note one: 206,000 runs, 47,000 distinct). This plugin's index keeps each
    run's cut for its build (its dictionary is taught before any page is indexed), with
    Material's own pattern and call: the same index, Material's segmenting ~40% sooner.
    False (Material's method kept) when Material's method is not the one this repeats."""
    module = _material_search_module()
    index = getattr(search_plugin, "search_index", None)
    if module is None or index is None:
        return False
    try:
        method = module.SearchIndex._segment_chinese
        han = module.bre.compile(r"(\p{script: Han}+)", module.bre.UNICODE)
    except AttributeError:
        return False
    if upstream.source_digest(method) != KNOWN_SEGMENT_CHINESE:
        return False
    cuts: dict[str, str] = {}

    def segment_chinese(data: str) -> str:
        jieba = module.jieba

        def replace(match: Any) -> str:
            value = match.group(0)
            joined = cuts.get(value)
            if joined is None:
                joined = cuts[value] = "\u200b".join(jieba.cut(value.encode("utf-8")))
            return "\u200b" + joined + "\u200b"

        return han.sub(replace, data).strip("\u200b")

    index._segment_chinese = segment_chinese
    return True


def jieba_like() -> Any | None:
    """The segmenter the index is cut with: rjieba once installed, else the jieba module, else None."""
    if _installed:
        return _FAST
    try:
        import jieba
    except ImportError:
        return None
    return jieba


def _material_search_module() -> Any | None:
    try:
        from material.plugins.search import plugin as module
    except ImportError:
        return None
    return module
