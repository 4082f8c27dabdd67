"""splice.py: a long page written from its last output with new items is the page rendered anew."""

from llmnotes import search, splice
from llmnotes.pages import Segments

# A page body as the timeline's: its items inside an element search leaves out.
STATIC = (
    f'<div class="page">\n<h2>2017</h2>\n{search.EXCLUDED_START}<ol class="items" data-search-exclude="true">\n',
    "\n",
    f"\n</ol>{search.EXCLUDED_END}\n<p>end</p>\n</div>\n",
)
HEAD = '<html><nav class="md-nav md-nav--primary">…</nav><div class="md-content"><article>'
TAIL = "</article></div></html>"


def rendered(segments: Segments) -> tuple[str, str]:
    """The page's content and output as the plugin makes them (search.py's restoring, the theme)."""
    content = search.without_search_attributes(search.unbracketed(segments.joined().strip()))
    return content, HEAD + content + TAIL


def test_new_items_in_the_last_output_make_the_page_a_render_makes():
    before = Segments(STATIC, ["<li>Transformer · 注意力笔记</li>", "<li>BERT · 注意力笔记</li>"])
    content, output = rendered(before)
    layout = splice.layout(output, content, "---\ntitle: 时间线\n---\n", before)
    assert layout is not None and layout.head == HEAD and layout.tail == TAIL
    after = ["<li>Transformer · 自注意力总结</li>", "<li>BERT · 注意力笔记</li>"]
    assert layout.output(after).decode() == rendered(Segments(STATIC, after))[1]
    assert layout.output(before.items).decode() == output  # items written again, as they were
    written = layout.output(after).decode()
    assert "data-search-exclude" not in written and search.EXCLUDED_END not in written
    assert layout.output(after, head="<new head>").decode().startswith("<new head><div class")


def test_no_layout_where_an_item_would_reach_the_search_index():
    static = ('<div class="page">\n<ul>\n', "\n", "\n</ul>\n</div>\n")  # no excluded element around them
    page = Segments(static, ["<li>a</li>", "<li>b</li>"])
    assert splice.layout(*reversed(rendered(page)), "", page) is None


def test_no_layout_where_restoring_the_page_would_change_an_item():
    page = Segments(STATIC, ['<li data-search-x="y">a</li>', "<li>b</li>"])
    assert not splice.splicable(page.items)
    assert splice.layout(*reversed(rendered(page)), "", page) is None


def test_no_layout_where_the_output_does_not_hold_the_content():
    page = Segments(STATIC, ["<li>a</li>", "<li>b</li>"])
    content, _ = rendered(page)
    assert splice.layout(HEAD + content.replace("<li>a", "<li>A") + TAIL, content, "", page) is None


def test_a_spliced_page_is_written_as_mkdocs_writes_a_page():
    """UTF-8, a lone surrogate (a broken character in a note) as a character reference."""
    before = Segments(STATIC, ["<li>a</li>", "<li>b</li>"])
    content, output = rendered(before)
    layout = splice.layout(output, content, "", before)
    after = ["<li>表情 😀</li>", "<li>broken \ud800</li>"]
    assert layout.output(after) == rendered(Segments(STATIC, after))[1].encode("utf-8", errors="xmlcharrefreplace")
