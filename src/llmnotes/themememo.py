"""The theme's interface strings, each translated once per build instead of at every use.

Material prints its interface strings through `lang.t(key)` (`partials/language.html`), a
macro that builds the language's whole table (~150 entries, a Jinja dict literal) to read
one entry, ~24 times a page: ~0.25 s of a 2,000-note build. What a key translates to
depends only on the key and the site's language, so `install` serves language.html with
`t` answering from the translations already made in this build.

The template is made from the installed theme's own text, and only when the macro is
written as expected; otherwise the theme renders as it always did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

TEMPLATE = "partials/language.html"
_T = "{% macro t(key) %}{{ lang.t(key) or fallback.t(key) or key }}{% endmacro %}"
_KEPT_T = ("{% macro llmnotes_t(key) %}{{ lang.t(key) or fallback.t(key) or key }}{% endmacro %}"
           "{% set t = llmnotes_translations(llmnotes_t, config.theme.language) %}")


class Translations:
    """`t(key)` of one build, by language and key."""

    def __init__(self) -> None:
        self._known: dict[tuple[Any, str], Any] = {}
        self.hits = 0

    def __call__(self, translate: Callable[[Any], Any], language: Any) -> Callable[[Any], Any]:
        """`translate` (the theme's macro of this page) answering from the translations made before."""
        known = self._known

        def t(key: Any) -> Any:
            if not isinstance(key, str) or not isinstance(language, str):
                return translate(key)
            hit = known.get((language, key))
            if hit is None:
                hit = known[(language, key)] = translate(key)
            else:
                self.hits += 1
            return hit

        return t


def install(env: jinja2.Environment) -> Translations | None:
    """Serve the theme's language.html with `t` kept; None when the theme has no such macro."""
    try:
        source, _, _ = env.loader.get_source(env, TEMPLATE)
    except (jinja2.TemplateNotFound, AttributeError):
        return None
    if source.count(_T) != 1 or "llmnotes_translations" in source:
        return None
    translations = Translations()
    env.globals["llmnotes_translations"] = translations
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({TEMPLATE: source.replace(_T, _KEPT_T)}), env.loader])
    return translations
