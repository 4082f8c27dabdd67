"""Roadmaps: tree text with and without indentation, list trees with tasks, study plans, steps, links."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnotes.extract.roadmap import note_roadmap, parse_tree_text, progress, split_title
from llmnotes.kb import KnowledgeBase
from llmnotes.model import Note, RoadmapNode, Source

FIXTURES = Path(__file__).parent / "fixtures" / "roadmap"


def note(text: str, path: str = "n.md", **meta) -> Note:
    return Note(path=path, title=meta.pop("title", "N"), text=text, meta=meta,
                line_map=list(range(1, text.count("\n") + 2)))


def tree(text: str) -> list[RoadmapNode]:
    return parse_tree_text([(Source("n.md", i + 1), line) for i, line in enumerate(text.split("\n"))])


def outline(node: RoadmapNode) -> object:
    """A node as (title, [children...]), leaves as their title: easy to compare whole trees."""
    if not node.children:
        return node.title
    return (node.title, [outline(c) for c in node.children])


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(FIXTURES)


def roots_of(kb: KnowledgeBase, path: str, kind: str) -> list[RoadmapNode]:
    return [n for n in kb.roadmap if n.source.note == path and n.kind == kind]


# ----------------------------------------------------------------- tree text


FLATTENED = """Root
└─ A —— why A
└─ B
├─ C
│ └─ C1
└─ D
└─ E
├─ F
└─ G"""


def test_flattened_tree_text_without_indentation():
    [root] = tree(FLATTENED)
    assert outline(root) == ("Root", [("A", [("B", [("C", ["C1"]), ("D", [("E", ["F", "G"])])])])])


def test_flattened_tree_bars_step_into_nested_groups():
    text = "R\n├─ A\n│ ├─ A1\n│ │ └─ A1x\n│ └─ A2\n└─ B"
    [root] = tree(text)
    assert outline(root) == ("R", [("A", [("A1", ["A1x"]), "A2"]), "B"])


def test_indented_tree_text_uses_the_marker_column():
    text = "Root\n├── A\n│   ├── A1\n│   └── A2\n│       └── A2x\n└── B\n    └── B1"
    [root] = tree(text)
    assert outline(root) == ("Root", [("A", ["A1", ("A2", ["A2x"])]), ("B", ["B1"])])


def test_ascii_tree_text():
    text = "Root\n|-- A\n|   `-- A1\n`-- B"
    [root] = tree(text)
    assert outline(root) == ("Root", [("A", ["A1"]), "B"])


def test_description_is_split_from_the_title():
    assert split_title("反向传播 —— 让网络可训练") == ("反向传播", "让网络可训练")
    assert split_title("GPT-4 (2023)") == ("GPT-4 (2023)", "")
    [root] = tree(FLATTENED)
    assert (root.children[0].title, root.children[0].description) == ("A", "why A")


# ----------------------------------------------------------------- one note


def test_nested_list_tree_with_task_progress():
    text = "#Roadmap\n\n- Basics\n  - [x] one\n  - [ ] two\n- [x] Done item\n\nProse.\n\n- flat prose\n- more prose\n"
    [root] = note_roadmap(note(text), True)
    assert root.kind == "tree"
    assert outline(root)[1] == [("Basics", ["one", "two"]), "Done item"]
    assert progress(root) == (2, 3)


def test_flat_bullets_are_prose_but_numbered_lists_are_steps():
    text = "- a\n- b\n\n## Plan\n\n1. first step\n2. second step\n   - detail\n"
    [steps] = note_roadmap(note(text), True)
    assert steps.kind == "steps" and steps.title == "Plan"
    assert [c.title for c in steps.children] == ["first step", "second step"]
    assert steps.children[1].children[0].title == "detail"


def test_lists_and_trees_in_code_are_not_read_unless_the_block_is_a_roadmap():
    text = "```\n- [ ] in code\n  - [x] nested\n```\n"
    assert note_roadmap(note(text), True) == []
    explicit = "```roadmap\n- Root\n  - Child\n```\n"
    [root] = note_roadmap(note(explicit), False)
    assert outline(root) == ("N", [("Root", ["Child"])])


def test_an_explicit_block_wins_over_inferred_entries():
    text = "#Roadmap\n\n1. inferred\n2. steps\n\n```roadmap\nX\n└─ Y\n└─ Z\n```\n"
    [root] = note_roadmap(note(text), True)
    assert outline(root) == ("X", [("Y", ["Z"])])


@pytest.mark.parametrize("header", ["Week", "Stage", "周次", "阶段", "Weeks", "Phase"])
def test_study_plan_tables_by_header(header):
    text = f"| {header} | Topic |\n| --- | --- |\n| 1 | [[Intro]] |\n| 2 | Practice [x] |\n"
    [plan] = note_roadmap(note(text), True)
    assert plan.kind == "plan" and plan.cells == [header, "Topic"]
    assert [row.cells for row in plan.children] == [["1", "[[Intro]]"], ["2", "Practice [x]"]]
    assert [row.done for row in plan.children] == [None, True]


def test_other_tables_are_no_plan():
    assert note_roadmap(note("| Name | Topic |\n| --- | --- |\n| 1 | x |\n"), True) == []


# ----------------------------------------------------------------- the fixture vault


def test_roadmap_notes_are_found_by_tag_front_matter_and_block(kb):
    notes = {n.source.note for n in kb.roadmap}
    assert notes == {"数学路线.md", "course-plan.md", "checklist.md", "plain-note.md"}
    assert roots_of(kb, "plain-note.md", "plan") == []  # a weeks table in a note that is no roadmap


def test_fenced_flattened_tree_of_a_tagged_note(kb):
    [root] = roots_of(kb, "数学路线.md", "tree")
    chain = []
    node = root
    while len(node.children) == 1:
        chain.append(node.title)
        node = node.children[0]
    assert chain == ["数学基础 (Math)", "线性代数", "概率论 (Probability)", "信息论"]
    assert node.title == "优化方法 (SGD)"
    assert outline(node)[1] == [("凸优化 (Convex)", ["对偶理论"]),
                                ("随机优化 & 自适应", [("Adam 家族", ["学习率调度 (Warmup)", "正则化 & 权重衰减"])])]
    assert root.children[0].description == "向量与矩阵"


def test_nodes_link_to_the_note_or_concept_of_their_name(kb):
    [root] = roots_of(kb, "数学路线.md", "tree")
    assert root.children[0].target == "线性代数.md"
    assert root.target is None  # no note and no concept of that name


def test_plan_steps_and_progress_of_the_fixture_vault(kb):
    [plan] = roots_of(kb, "数学路线.md", "plan")
    assert [r.title for r in plan.children] == ["第一周", "第二周", "第三周"]
    [steps] = roots_of(kb, "数学路线.md", "steps")
    assert len(steps.children) == 3 and steps.title == "学习步骤"
    plans = roots_of(kb, "course-plan.md", "plan")
    assert [p.cells[0] for p in plans] == ["Stage", "Week"]
    [course_tree] = roots_of(kb, "course-plan.md", "tree")
    assert outline(course_tree) == ("Foundations", [("Calculus", ["Derivatives", ("Chain rule", ["Backpropagation"])]),
                                                    ("Statistics", ["Estimation"])])
    [checklist] = roots_of(kb, "checklist.md", "tree")
    assert progress(checklist) == (2, 5)
