"""Roadmaps: tree text with and without indentation, list trees with tasks, study plans, steps, links."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import build_site, write_notes

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


def test_steps_are_named_by_the_line_that_introduces_them():
    text = "## Section\n\nSome prose. Three courses are enough:\n\n1. one\n2. two\n"
    [steps] = note_roadmap(note(text), True)
    assert steps.title == "Three courses are enough"
    [plain_steps] = note_roadmap(note("## Section\n\nA long paragraph that is not an intro.\n\n1. a\n2. b\n"), True)
    assert plain_steps.title == "Section"


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


def test_a_node_written_as_a_wiki_link_goes_where_it_points(kb):
    [checklist] = roots_of(kb, "checklist.md", "tree")
    basics = checklist.children[0]
    assert [(c.title, c.target) for c in basics.children][-1] == ("LA notes", "线性代数.md")


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


# ----------------------------------------------------------------- real builds of /roadmap/ and /links/


class Article(HTMLParser):
    """The article of a built page: hrefs, text, and the <ul> depth at which each text sits."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.ul = 0
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.depth: dict[str, int] = {}
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.inside += 1
        if not self.inside:
            return
        self.tags.append(tag)
        if tag == "ul":
            self.ul += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag == "article":
            self.inside -= 1
        if self.inside and tag == "ul":
            self.ul -= 1

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)
            if data.strip():
                self.depth.setdefault(data.strip(), self.ul)


def article(path: Path) -> Article:
    a = Article()
    a.feed(path.read_text(encoding="utf-8"))
    return a


def assert_local_links_exist(page: Path, site: Path, hrefs: list[str]) -> int:
    """Every link to our own site leads to a file of the built site; returns how many were checked."""
    checked = 0
    for href in hrefs:
        if href.startswith(("http://", "https://", "#", "mailto:")):
            continue
        target = (page.parent / unquote(href.split("#")[0])).resolve()
        target = target / "index.html" if target.is_dir() else target
        assert target.is_file() and site.resolve() in target.parents, href
        checked += 1
    return checked


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    notes = tmp_path_factory.mktemp("roadmap-notes")
    for folder, into in (("roadmap", "plans"), ("links", "reading")):
        shutil.copytree(FIXTURES.parent / folder, notes / into)
    return build_site(notes, tmp_path_factory.mktemp("roadmap-site"))


def test_roadmap_page_is_a_nested_tree_with_working_links(fixture_site: Path):
    page = fixture_site / "roadmap" / "index.html"
    art = article(page)
    # the flattened tree keeps its depth: the deepest node sits under the root's whole chain
    assert art.depth["对偶理论"] - art.depth["数学基础 (Math)"] == 6
    assert art.depth["Backpropagation"] - art.depth["Foundations"] == 3
    assert assert_local_links_exist(page, fixture_site, art.hrefs) >= 8
    html = page.read_text(encoding="utf-8")
    # the node 线性代数 and the plan's [[线性代数]] both lead to the note's page
    assert html.count('href="../plans/%E7%BA%BF%E6%80%A7%E4%BB%A3%E6%95%B0/"') >= 2
    assert '<progress value="2" max="5">' in html
    # a plan cell is data: its <script> is shown, never run
    assert "alert(1)" in "".join(art.text) and "script" not in art.tags
    # the external link of a plan cell is a real link
    assert "https://example.org/prob" in art.hrefs


def test_roadmap_text_is_in_the_search_index_on_the_notes_that_write_it(fixture_site: Path):
    """The roadmap page quotes its notes: search finds the words on the notes (the roadmap page
    itself is found by its title; see test_search)."""
    from llmnotes.search import WORD_BREAK

    index = json.loads((fixture_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [d["text"].replace("\u200b", "").replace(WORD_BREAK, "") for d in index["docs"]
             if d["location"].startswith("plans/")]
    assert any("对偶理论" in t for t in texts)
    assert any("Backpropagation" in t for t in texts)
    assert any(d["location"] == "roadmap/" for d in index["docs"])


def test_links_page_groups_by_site_dedupes_and_cites_notes(fixture_site: Path):
    page = fixture_site / "links" / "index.html"
    art = article(page)
    html = page.read_text(encoding="utf-8")
    text = "".join(art.text)
    sections = re.findall(r'<section class="llmnotes-site" id="([^"]+)">\s*<h2>([^<]+)<', html)
    names = [n.strip() for _, n in sections]
    assert names[:6] == ["GitHub", "arXiv", "Hugging Face", "知乎", "微信公众号文章", "哔哩哔哩"]
    assert "CSDN" in names and "example.com" in names
    # one entry per page, however it was spelled, citing every note that holds it
    assert art.hrefs.count("https://github.com/example-org/dedupe-tool") == 1
    assert "https://github.com/example-org/dedupe-tool/" not in art.hrefs
    assert art.hrefs.count("https://github.com/example-org/tokenizer-notes") == 1
    item = html[html.index("https://github.com/example-org/tokenizer-notes"):]
    item = item[:item.index("</li>")]
    assert "Reading list" in item and "Survey README" in item
    assert "注意力机制图解 - 某作者的文章 - 知乎" in text
    assert not any("in-a-fence" in h or h.endswith(".png") for h in art.hrefs)
    assert assert_local_links_exist(page, fixture_site, art.hrefs) >= 2


# ----------------------------------------------------------------- the seeds


def shape(node: RoadmapNode) -> object:
    """A tree without its words: a leaf is (), a node the tuple of its children's shapes."""
    return tuple(shape(c) for c in node.children)


def chain(n: int, end: object) -> object:
    """n nodes, each the only child of the one before, above `end`."""
    for _ in range(n):
        end = (end,)
    return end


@pytest.fixture(scope="module")
def seeds_kb(seeds_dir: Path) -> KnowledgeBase:
    return KnowledgeBase.build(seeds_dir)


def test_seed_concept_tree_has_the_shape_the_note_draws(seeds_kb: KnowledgeBase):
    trees = [n for n in seeds_kb.roadmap if n.kind == "tree" and len(list(_titles(n))) > 10]
    assert len(trees) == 1
    [root] = trees
    # a path of single steps down to Transformer, which branches in two; the second branch
    # leads to a node with two leaves (as in the expected outline)
    transformer = (chain(1, ()), chain(1, ((), ())))
    assert shape(root) == chain(7, transformer)
    node = root
    for _ in range(7):
        node = node.children[0]
    assert node.title.startswith("Transformer")
    assert all(" —— " not in t and "——" not in t for t in _titles(root))
    assert sum(1 for t in _walk_nodes(root) if t.description) >= 3


def test_seed_study_plan_has_six_weeks_with_resolved_links(seeds_kb: KnowledgeBase, tmp_path: Path,
                                                           seeds_dir: Path):
    plans = [n for n in seeds_kb.roadmap if n.kind == "plan"]
    assert len(plans) == 1 and plans[0].cells[0] == "周次"
    assert len(plans[0].children) == 6
    assert len(seeds_kb.tables) == 4
    site = build_site(seeds_dir, tmp_path / "site")
    page = site / "roadmap" / "index.html"
    art = article(page)
    html = page.read_text(encoding="utf-8")
    body = html[html.index('class="llmnotes-plan-wrap"'):]
    body = body[:body.index("</table>")]
    assert body.count("<tr class=\"llmnotes-plan-row") == 6
    assert "[[" not in body and "](" not in body  # wiki-links and Markdown links became links
    assert body.count("<a href=") >= 4
    assert assert_local_links_exist(page, site, art.hrefs) >= 6
    # the links page holds every link of the link list and the README, grouped by site
    links_page = site / "links" / "index.html"
    hrefs = set(article(links_page).hrefs)
    for seed in ("003", "004"):
        [path] = seeds_dir.glob(f"{seed}_*")
        raw = path.read_text(encoding="utf-8")
        images = set(re.findall(r"!\[[^\]]*\]\((https?://[^)\s]+)", raw))
        for url in re.findall(r"https?://[^\s)>\"\]]+", raw):
            if url not in images:
                assert url in hrefs or url.rstrip("/") in hrefs or url + "/" in hrefs, url
    groups = re.findall(r'<section class="llmnotes-site" id="[^"]+">\s*<h2>([^<]+)<',
                        links_page.read_text(encoding="utf-8"))
    assert {"GitHub", "知乎", "微信公众号文章", "Hugging Face", "CSDN"} <= {g.strip() for g in groups}


def _walk_nodes(node: RoadmapNode):
    yield node
    for c in node.children:
        yield from _walk_nodes(c)


def _titles(node: RoadmapNode):
    return (n.title for n in _walk_nodes(node))


def test_a_roadmap_block_named_in_capitals_makes_a_roadmap(tmp_path: Path) -> None:
    """No tag, no 路线 in the text: only the fence's info string, written "RoadMap", says it."""
    (tmp_path / "plan.md").write_text("# plan\n\n```RoadMap\n- Root\n  - Child\n```\n", encoding="utf-8")
    kb = KnowledgeBase.build(tmp_path)
    assert [outline(n) for n in kb.roadmap] == [("plan", [("Root", ["Child"])])]


def test_serve_renders_again_only_the_roadmap_sections_a_change_shows(tmp_path: Path) -> None:
    """Across serve rebuilds each note's section is kept while what it shows is the same; the page
    each time is the page a fresh build makes (ServedPage)."""
    from conftest import ServedPage

    from llmnotes.pages import roadmap as roadmap_page

    notes = {
        "tree.md": "# Tree\n\n#Roadmap\n\n- Basics\n  - [x] [[Chain rule]]\n  - [ ] Mamba\n",
        "plan.md": "# Plan\n\n#Roadmap\n\n| Week | Reading |\n| ---- | ------- |\n| Week 1 | Notes on [[Chain rule]] |\n",
        "steps.md": "# Steps\n\n#Roadmap\n\n学习步骤：\n\n1. Read\n2. Write\n",
        "Chain rule.md": "# Chain rule\n\nd/dx.\n",
    }
    write_notes(tmp_path, notes)
    render = ServedPage(roadmap_page, tmp_path).render
    assert render()[1] == 3
    (tmp_path / "Chain rule.md").write_text("# Chain rule, retitled\n\nd/dx.\n", encoding="utf-8")
    html, made = render()
    # The tree's node links to the note's page, which stays; the plan's cell reads every name.
    assert made == 1 and "Chain rule, retitled" not in html
    (tmp_path / "steps.md").write_text(notes["steps.md"].replace("# Steps", "# A steps note"), encoding="utf-8")
    html, made = render()
    assert made == 2 and html.index("A steps note") < html.index("Plan")  # it and Plan swapped places; Tree stays
    (tmp_path / "tree.md").write_text(notes["tree.md"].replace("# Tree", "# Tree renamed"), encoding="utf-8")
    html, made = render()
    assert made == 2 and "Tree renamed" in html  # its own heading; the plan's cell reads every name
    (tmp_path / "Mamba.md").write_text("# Mamba\n\nSSM.\n", encoding="utf-8")
    html, made = render()
    assert made == 2 and 'href="../Mamba/"' in html  # the tree's node Mamba links to the new note; the plan
