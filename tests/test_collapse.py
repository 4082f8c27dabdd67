"""collapse_chrome reuses pieces of chrome collapsed on earlier pages: the output is what
collapsing each page's chrome in one go gives."""

from __future__ import annotations

import random

import pytest

from llmnotes import cache

# Pieces that meet at the cuts (`<l`), the whitespace the collapse folds (Unicode
# whitespace too) and what it must leave alone (scripts, styles, preformatted text).
TOKENS = ["<li>", "<li class=\"a\">", "</li>", "<label>", "<link x>", "<l", "l", "<", ">", "x", "文",
          "\n", "\n\n", "  ", " \t", "\r\n", "\r", "\xa0", "\u3000", "\x0c", "\n \n  ",
          "<script>", "</script>", "<SCRIPT src=x>", "</Script>", "<style>", "</style>",
          "<pre>", "</pre>", "<textarea>", "<scripts>", "</ul>", "<a>", "<span>"]


def _one_go(chrome: str) -> str:
    """Collapsing a chrome in one go, as every page did before pieces were kept."""
    return chrome if "<pre" in chrome or "<textarea" in chrome else cache._collapse_text(chrome)


def _chromes(seed: int, count: int) -> list[str]:
    """Random chromes, many sharing pieces as pages of one site do."""
    rng = random.Random(seed)
    shared = ["".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 12))) for _ in range(12)]
    out = []
    for _ in range(count):
        pieces = [rng.choice(shared) if rng.random() < 0.6 else rng.choice(TOKENS)
                  for _ in range(rng.randint(0, 30))]
        out.append("".join(pieces))
    return out


@pytest.mark.parametrize("limit", [1 << 24, 50])  # 50: the kept pieces start over again and again
def test_pieces_kept_from_earlier_pages_collapse_the_same(monkeypatch, limit: int) -> None:
    monkeypatch.setattr(cache, "_KEPT", cache._Kept(limit))
    chromes = _chromes(seed=limit, count=4000)
    for chrome in chromes + chromes:  # the second time round, from kept pieces
        assert cache._collapse(chrome) == _one_go(chrome), repr(chrome)
    assert cache._KEPT.size <= limit


def test_a_page_of_the_theme_collapses_the_same_from_kept_pieces(monkeypatch) -> None:
    monkeypatch.setattr(cache, "_KEPT", cache._Kept(1 << 24))
    nav = "".join(f'\n      <li class="md-nav__item">\n        <a href="../n{i}/" class="md-nav__link">\n'
                  f'          <span class="md-ellipsis">\n            Note {i}\n          </span>\n'
                  f'        </a>\n      </li>\n' for i in range(5))

    def page(title: str) -> str:
        return (f'\n<!doctype html>\n<html>\n  <head>\n    <link rel="icon" href="x.png">\n'
                f'    <title>{title}</title>\n    <script>var a = 1\n      <b\n</script>\n  </head>\n'
                f'  <body>\n    <label class="md-overlay" for="__drawer"></label>\n'
                f'    <nav>\n  <ul class="md-nav__list">{nav}  </ul>\n</nav>\n'
                f'<div class="md-content" data-md-component="content">\n<article>\n<pre>  x\n\n y</pre>\n'
                f'</article>\n  </div>\n  <footer>\n    <p>x</p>\n  </footer>\n'
                f'<script>\n  var b = 2\n</script>\n</body>\n</html>\n')

    for title in ("One", "Two", "One"):
        out = cache.collapse_chrome(page(title))
        cut = page(title).index('<div class="md-content"')
        end = page(title).rindex("</article>") + len("</article>")
        assert out == _one_go(page(title)[:cut]) + page(title)[cut:end] + _one_go(page(title)[end:])
        assert '<ul class="md-nav__list"><li class="md-nav__item"><a href="../n0/"' in out
        assert "<pre>  x\n\n y</pre>" in out and "var a = 1\n<b\n</script>" in out
