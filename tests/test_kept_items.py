"""KeptItems (pages/__init__.py): a long page's items kept across serve rebuilds, by key or by place."""

from dataclasses import dataclass

from markupsafe import Markup

from llmnotes.cache import Memo
from llmnotes.pages import KeptItems


@dataclass(eq=False)
class Event:
    text: str
    note: str


def test_an_unchanged_item_of_the_same_list_is_taken_by_its_place_and_a_changed_one_by_its_key():
    titles = {"a.md": "注意力", "b.md": "位置编码"}
    events = [Event("Transformer", "a.md"), Event("RoPE", "b.md"), Event("BERT", "a.md")]
    keyed: list[Event] = []

    def key(ev: Event) -> tuple:
        keyed.append(ev)
        return ev.text, titles[ev.note]

    memo = Memo()
    kept = KeptItems(lambda ev: Markup(f"<li>{ev.text} · {titles[ev.note]}</li>"), key, memo, ("timeline",))

    def build(items, unchanged):
        memo.new_build()
        keyed.clear()
        misses = memo.misses
        return kept.many(items, unchanged), memo.misses - misses

    assert build(events, lambda ev: True) == (["<li>Transformer · 注意力</li>", "<li>RoPE · 位置编码</li>",
                                               "<li>BERT · 注意力</li>"], 3)
    assert keyed == events  # no last build: every key made
    titles["a.md"] = "自注意力"  # a retitle: only a's events read something new
    made, rendered = build(events, lambda ev: ev.note != "a.md")
    assert made == ["<li>Transformer · 自注意力</li>", "<li>RoPE · 位置编码</li>", "<li>BERT · 自注意力</li>"]
    assert rendered == 2 and keyed == [events[0], events[2]]  # b's event taken by its place, keyless
    # Another list (the events changed): every key is made, and each item found by it, b's too.
    made_again, rendered = build(list(events), lambda ev: True)
    assert made_again == made and rendered == 0 and keyed == events
    # Without `unchanged` the keys decide alone.
    titles["b.md"] = "旋转位置编码"
    made, rendered = build(events, None)
    assert made[1] == "<li>RoPE · 旋转位置编码</li>" and rendered == 1 and keyed == events
