"""Search tuning: the words jieba learns, the separator, the names field and the index file."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import FIXTURES, build_site

from llmnotes import parallel, search
from llmnotes.kb import KnowledgeBase
from llmnotes.urls import page_url

VAULT = FIXTURES / "search"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(VAULT)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(VAULT, tmp_path_factory.mktemp("search-site"))


@pytest.fixture(scope="module")
def index(site) -> dict:
    raw = (site / "search" / "search_index.json").read_bytes()
    return {"raw": raw, "data": json.loads(raw)}


def terms(text: str) -> list[str]:
    """The words the browser's tokenizer cuts `text` into (Python's re reads the same pattern)."""
    return [t for t in re.split(search.SEPARATOR, text) if t]


def text_terms(html: str) -> list[str]:
    """The words of an entry's text: Material's extractor cuts at tags, then tokenizes each piece."""
    return [t for piece in re.split(r"<[^>]*>", html) for t in terms(piece)]


def page_words(data: dict, page: str) -> set[str]:
    """Every word a search can match on one page: its entries' titles, texts and names, lowercased."""
    url = page_url(page)
    fields = [str(d.get(key, "")) for d in data["docs"] if unquote(d["location"]).split("#")[0] == url
              for key in ("title", "text", search.NAMES_FIELD)]
    return {t.lower() for t in terms(re.sub(r"<[^>]+>", " ", " ".join(fields)))}


def found_on(data: dict, page: str, word: str) -> bool:
    """Whether a query for `word` finds `page`: Material asks for each Chinese word of a
    query as a prefix (`模型*`), so a page holding 模型的 is found by 模型."""
    return any(t.startswith(word.lower()) for t in page_words(data, page))


# ---------------------------------------------------------------- dictionary


def test_dictionary_holds_every_kind_of_name(kb):
    words = set(search.dictionary_words(kb))
    assert "千帆渐进蒸馏法" in words  # a note title jieba does not know
    assert "渐进蒸馏" in words  # an alias
    assert "混合专家模型" in words  # a wiki-link target without a note (concept)
    assert "分布式训练" in words  # a tag
    assert "读书笔记" in words  # the Chinese part of a mixed title "Scaling Laws 读书笔记"
    assert not any(len(w) < 2 for w in words)
    assert not any(re.search(r"[A-Za-z]", w) for w in words)  # jieba only ever sees Chinese


def test_dictionary_keeps_the_generated_pages_titles_whole(kb):
    # Their text left the index, so the title alone must rank them: a whole rare word does,
    # where 学习 + 路线 matched every note that says 学习.
    words = set(search.dictionary_words(kb))
    assert {"学习路线", "时间线", "论文索引", "标签索引"} <= words


def test_dictionary_takes_paper_titles(kb):
    import dataclasses

    from llmnotes.model import Paper, Source

    kb2 = dataclasses.replace(kb, papers=[Paper(title="稀疏注意力综述 A Survey", source=Source("x.md", 1))])
    assert "稀疏注意力综述" in search.dictionary_words(kb2)


def test_user_dictionary_is_one_word_a_line():
    assert search.user_dictionary(["千帆渐进蒸馏法", "渐进蒸馏"]) == "千帆渐进蒸馏法\n渐进蒸馏\n"


def test_jieba_keeps_a_taught_name_whole(kb):
    jieba = pytest.importorskip("jieba")
    tokenizer = jieba.Tokenizer()
    before = list(tokenizer.cut("千帆渐进蒸馏法"))
    for word in search.dictionary_words(kb):
        tokenizer.add_word(word)
    assert len(before) > 1
    assert list(tokenizer.cut("我们用千帆渐进蒸馏法训练")) .count("千帆渐进蒸馏法") == 1


# ---------------------------------------------------------------- separator


@pytest.mark.parametrize("text, expected", [
    ("论文《Attention Is All You Need》提出", "Attention"),
    ("人类反馈的强化学习（RLHF）先训练", "RLHF"),
    ("结论：参数和数据“同比例”增长", "同比例"),
    ("【重点】「注意」『引号』", "注意"),
    ("用LoRA微调Qwen模型", "LoRA"),
    ("用LoRA微调Qwen模型", "Qwen"),
    ("arXiv:2203.15556。", "2203.15556"),
    ("GPT-3.5 发布", "3.5"),
    ("torch.distributed 后端", "distributed"),
])
def test_separator_frees_words_from_punctuation_and_chinese(text, expected):
    assert expected in terms(text)


def test_separator_keeps_query_syntax_and_identifiers():
    assert terms("LOCAL_RANK C++") == ["LOCAL_RANK", "C++"]


# ---------------------------------------------------------------- names and index


def test_page_names_are_worked_out_only_for_the_pages_asked(kb, monkeypatch):
    """A parallel build's process asks for the pages it builds; each page's names as page_names has them."""
    everything = search.page_names(kb)
    read = []
    arxiv_ids = search.arxiv_ids
    monkeypatch.setattr(search, "arxiv_ids", lambda text: read.append(text) or arxiv_ids(text))
    lazy = search.PageNames(kb)
    url = page_url("对齐训练.md")
    assert lazy.get(url) == everything[url]
    assert read == [kb.notes["对齐训练.md"].text]  # that note's text only
    assert lazy.get("no/such/page/") is None
    assert dict(lazy) == everything and bool(lazy)


def test_page_names_hold_aliases_and_arxiv_ids(kb):
    names = search.page_names(kb)
    aligned = names[page_url("对齐训练.md")]
    assert "Alignment" in aligned and "偏好对齐" in aligned
    assert "Direct Preference Optimization: Your Language Model is Secretly a Reward Model" in aligned


def test_page_names_hold_the_arxiv_ids_the_page_does_not_show(tmp_path: Path):
    (tmp_path / "a.md").write_text(
        "# A\n\n[DPO 论文](https://arxiv.org/abs/2305.18290) 和 [[2401.00001|笔记]]\n\n"
        "见 arXiv:2203.15556 与 https://arxiv.org/abs/1706.03762v5\n\n[ref]: https://arxiv.org/abs/2402.00002\n",
        encoding="utf-8")
    names = search.page_names(KnowledgeBase.build(tmp_path))[page_url("a.md")]
    assert {"2305.18290", "2401.00001", "2402.00002", "1706.03762"} <= set(names)  # link targets, 1706.03762v5
    assert "2203.15556" not in names  # the page shows it: its text finds the page


def test_page_names_kept_across_serve_rebuilds_are_the_names_worked_out_anew(tmp_path: Path):
    """Serve keeps a page's names while its notes are the loader's same objects and its papers the same."""
    from llmnotes.cache import Memo

    (tmp_path / "a.md").write_text("---\naliases: [甲]\n---\n# A\n\n- [DPO](https://arxiv.org/abs/2305.18290)\n",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\n见 [[a]]\n", encoding="utf-8")
    edits = [("b.md", "---\naliases: [乙]\n---\n# B\n\n见 [[a]]\n"),  # b gains an alias
             ("a.md", "---\naliases: [甲]\n---\n# A\n\n- [LoRA](https://arxiv.org/abs/2106.09685)\n"),  # another paper
             ("c.md", "# C\n")]
    cache: dict = {}
    memo = Memo()
    for i in range(len(edits) + 1):
        if i:
            name, text = edits[i - 1]
            (tmp_path / name).write_text(text, encoding="utf-8")
        kb = KnowledgeBase.build(tmp_path, cache=cache)
        memo.new_build()
        assert search.page_names(kb, memo=memo) == search.page_names(kb)
    assert "乙" in search.page_names(kb, memo=memo)[page_url("b.md")]
    assert "2106.09685" in search.page_names(kb, memo=memo)[page_url("a.md")]


def test_arxiv_ids_need_an_arxiv_mention():
    assert search.arxiv_ids("见 https://arxiv.org/abs/1706.03762v5 和 arXiv:2305.18290") == ("1706.03762", "2305.18290")
    assert search.arxiv_ids("版本 2023.1234 发布") == ()


def test_tune_index_adds_names_to_pages_not_sections():
    data = {"config": {"fields": {"title": {"boost": 1000.0}}},
            "docs": [{"location": "%E5%AF%B9%E9%BD%90/", "title": "对齐", "text": ""},
                     {"location": "%E5%AF%B9%E9%BD%90/#dpo", "title": "DPO", "text": ""}]}
    out = search.tune_index(data, {"对齐/": ["Alignment", "偏好对齐"]}, lambda s: s.replace("偏好", "偏好\u200b"))
    assert out["config"]["fields"][search.NAMES_FIELD]["boost"] > 1
    assert out["docs"][0][search.NAMES_FIELD] == "Alignment · 偏好\u200b对齐"
    assert search.NAMES_FIELD not in out["docs"][1]


def test_page_tuner_writes_what_tuning_the_whole_index_writes():
    """A build tunes entries page by page as they are added; serve tunes Material's whole file."""
    config = {"lang": ["zh", "en"], "separator": search.SEPARATOR, "pipeline": [],
              "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}}
    pages = [[{"location": "%E5%AF%B9%E9%BD%90/", "title": "对齐", "text": "<p>偏好\u200b对齐  方法</p>"},
              {"location": "%E5%AF%B9%E9%BD%90/#dpo", "title": "DPO", "text": "  DPO \u200b。"}],
             [],
             [{"location": "b/", "title": "B", "text": "<pre>  kept  </pre>"}]]
    names = {"对齐/": ["Alignment", "偏好对齐"], "b/": ["别名"]}

    def cut(s):
        return s.replace("偏好", "偏好\u200b")

    whole = search.dump_index(search.tune_index(
        json.loads(json.dumps({"config": config, "docs": [e for p in pages for e in p]})), names, cut))
    tuner = search.PageTuner(config, names, cut)
    entries: list[dict] = []
    for page in pages:
        entries.extend(json.loads(json.dumps(page)))
        tuner.tune_new(entries)
    assert tuner.dump(entries) == whole
    assert search.NAMES_FIELD not in config["fields"]  # the site's own config is left alone


def test_dump_index_writes_utf8_without_escapes():
    data = {"docs": [{"title": "注意力机制\u200b", "text": "<p>《Attention》</p>"}]}
    raw = search.dump_index(data)
    assert b"\\u" not in raw
    assert json.loads(raw) == data
    assert len(raw) < len(json.dumps(data))


def test_built_index_is_utf8_and_uses_our_settings(index):
    raw, data = index["raw"], index["data"]
    assert "千帆渐进蒸馏法".encode() in raw
    assert b"\\u5" not in raw and b", " not in raw[:200]
    assert data["config"]["separator"] == search.SEPARATOR
    assert data["config"]["pipeline"] == []
    titles = {d["title"] for d in data["docs"]}
    assert "千帆渐进蒸馏法" in titles  # one word, not cut by U+200B
    names = [d.get(search.NAMES_FIELD, "") for d in data["docs"]]
    assert any("Alignment" in n for n in names)


def test_generated_pages_are_in_the_index(index):
    locations = {unquote(d["location"].split("#")[0]) for d in index["data"]["docs"]}
    for page in ("tags/对齐.md", "concepts/混合专家模型.md", "papers/index.md"):
        assert page_url(page) in locations


# What a note says is found on that note; the generated pages that quote it (timeline,
# paper index, links, tags, concepts) are found by their own titles and headings.
@pytest.mark.parametrize("words, note, generated", [
    (["attention", "transformer", "循环"], "注意力机制.md", "timeline.md"),  # a timeline event
    (["相关", "概念"], "千帆渐进蒸馏法.md", "concepts/混合专家模型.md"),  # a sentence quoted on a concept page
    (["后续", "以外"], "对齐训练.md", "concepts/混合专家模型.md"),
    (["direct", "preference", "2305.18290"], "对齐训练.md", "papers.md"),  # a paper row
    (["2305.18290"], "对齐训练.md", "links.md"),  # a link row
    (["torchrun"], "torchrun.md", "tags/分布式训练.md"),  # the notes of a tag
    (["hellodeepspeed"], "分布式/HelloDeepSpeed.md", "tags/分布式训练.md"),
])
def test_words_repeated_on_a_generated_page_are_indexed_once(index, words, note, generated):
    data = index["data"]
    assert all(found_on(data, note, w) for w in words)
    assert not any(found_on(data, generated, w) for w in words)


def test_roadmap_nodes_are_found_on_their_note_not_again_on_the_roadmap(tmp_path: Path):
    site = build_site(FIXTURES / "roadmap", tmp_path / "site")
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for word, note in (("对偶", "数学路线.md"), ("backpropagation", "course-plan.md")):  # tree nodes
        assert word in page_words(data, note)
        assert word not in page_words(data, "roadmap.md")
    assert "学习路线" in page_words(data, "roadmap.md")  # the page itself, by its title
    assert "对偶理论" in (site / "roadmap" / "index.html").read_text(encoding="utf-8")


def test_generated_pages_keep_their_names_in_the_index(index):
    data = index["data"]
    assert "时间线" in page_words(data, "timeline.md")
    assert "2017" in page_words(data, "timeline.md")  # the year headings
    assert "分布式训练" in page_words(data, "tags/分布式训练.md")
    assert "混合专家模型" in page_words(data, "concepts/混合专家模型.md")


def test_pages_still_show_what_the_index_leaves_out(site):
    timeline = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    papers = (site / "papers" / "index.html").read_text(encoding="utf-8")
    assert "不再用循环网络" in timeline
    assert "Direct Preference Optimization" in papers
    assert "data-search-exclude" not in timeline + papers  # Material strips the marker once indexed


def test_a_site_separator_and_pipeline_win(tmp_path: Path):
    site = build_site(VAULT, tmp_path / "site", plugins=[
        {"search": {"lang": ["zh", "en"], "separator": r"[\s\-]+", "pipeline": ["stemmer"]}}, "llmnotes"])
    config = json.loads((site / "search" / "search_index.json").read_text("utf-8"))["config"]
    assert config["separator"] == r"[\s\-]+"
    assert config["pipeline"] == ["stemmer"]


def test_search_option_off_leaves_material_alone(tmp_path: Path):
    site = build_site(VAULT, tmp_path / "site", plugins=[
        {"search": {"lang": ["zh", "en"]}}, {"llmnotes": {"search": False}}])
    raw = (site / "search" / "search_index.json").read_bytes()
    assert b"\\u" in raw
    assert json.loads(raw)["config"]["separator"] != search.SEPARATOR


def test_names_nobody_reads_are_split_by_plain_spaces():
    data = {"config": {"separator": search.SEPARATOR},
            "docs": [{"location": "%E5%AF%B9%E9%BD%90/", "title": "对齐", "text": ""}]}
    names = ["Alignment", "偏好对齐", "DPO: Direct Preference"]
    out = search.tune_index(data, {"对齐/": names}, lambda s: s.replace("偏好", "偏好\u200b"))
    value = out["docs"][0][search.NAMES_FIELD]
    assert "\u200b" not in value and "·" not in value
    assert terms(value) == terms(" · ".join(names).replace("偏好", "偏好\u200b"))


def test_whitespace_a_result_never_shows_goes():
    text = ("<p>训练  training \n 在\u200b蒸馏 </p> <ul> <li>一</li> <li> <p>二</p> </li> </ul> "
            "<pre><code>def f():\n    return  1\n</code></pre> <p>用 <code>torchrun</code> 启动\u3000\u3000缩进\xa0\xa0空格</p>")
    data = {"config": {"separator": search.SEPARATOR}, "docs": [{"location": "a/", "title": " 标题 ", "text": text}]}
    doc = search.tune_index(data, {})["docs"][0]
    assert doc["text"] == ("<p>训练training在\u034f蒸馏</p><ul><li/>一<li/><p>二</p></ul>"
                           "<pre><code>def f():\n    return  1\n</code></pre>"
                           "<p>用 <code>torchrun</code> 启动\u3000\u3000缩进\xa0\xa0空格</p>")
    assert text_terms(doc["text"]) == text_terms(text)
    assert doc["title"] == "标题"


def test_a_site_separator_keeps_its_index_as_material_wrote_it():
    text = "<p>大\u200b模型  训练</p> <p>二</p>"
    data = {"config": {"separator": r"[\s\-]+"}, "docs": [{"location": "a/", "title": "", "text": text}]}
    out = search.tune_index(data, {"a/": ["别名", "b"]})["docs"][0]
    assert out["text"] == text and out[search.NAMES_FIELD] == "别名 · b"


def test_spare_zero_width_spaces_go_and_the_words_stay():
    text = "<p>\u200b大\u200b模型\u200b是\u200b个\u200b学科\u200b，\u200b用\u200bLoRA\u200b微调\u200b《Attention》</p>"
    data = {"config": {"separator": search.SEPARATOR}, "docs": [{"location": "a/", "title": "", "text": text}]}
    compact = search.tune_index(data, {})["docs"][0]["text"]
    assert len(compact) < len(text)
    assert "大\u034f模型" in compact  # between two Chinese words a break is still needed: the shorter one
    assert "\u200b" not in compact
    assert terms(compact) == terms(text)


@pytest.mark.parametrize("text, compact", [
    ("<p>memory ，学习率 。 token （ LoRA ） 《 书 》</p>", "<p>memory，学习率。token（LoRA）《书》</p>"),
    ("<p>用 LoRA 微调 7B 模型，2017 年</p>", "<p>用LoRA微调7B模型，2017年</p>"),
    ("<p>见 https://arxiv.org/abs/1706.03762 和 http://a.cn/x?y=1</p>", "<p>见arxiv.org/abs/1706.03762和a.cn/x?y=1</p>"),
    ("<p>Latin words keep their spaces: see https://x.org</p>", "<p>Latin words keep their spaces: see x.org</p>"),
    # code is shown as written
    ("<p>用 <code>torchrun --nproc 8</code> 启动 <code>x ，https://a.b</code></p><pre>a ，b 中 c</pre>",
     "<p>用 <code>torchrun --nproc 8</code> 启动 <code>x ，https://a.b</code></p><pre>a ，b 中 c</pre>"),
])
def test_prose_is_written_without_spaces_the_browser_puts_back(text, compact):
    data = {"config": {"separator": search.SEPARATOR}, "docs": [{"location": "a/", "title": "", "text": text}]}
    assert search.tune_index(data, {})["docs"][0]["text"] == compact
    def words(html):
        return [t for t in text_terms(html) if t not in ("https", "http")]

    assert words(compact) == words(text)


@pytest.mark.parametrize("html, short", [
    ("<ul><li>a</li><li>b</li></ul>", "<ul><li/>a<li/>b</ul>"),
    ("<ol><li>a<ul><li>b</li></ul>c</li><li>d</li></ol><p>e</p>", "<ol><li/>a<ul><li/>b</ul>c<li/>d</ol><p>e</p>"),
    ("<li>stray</li><p>x</p>", "<li>stray</li><p>x</p>"),  # an item outside a list keeps its tags
])
def test_list_items_are_written_short(html, short):
    assert search.compact_lists(html) == short


def test_names_are_their_words_once():
    assert search.name_terms("RAG: Alignment for Language Models 位置编码\u200bRoPE: Inference for language models") \
        == "RAG Alignment for Language Models 位置编码 RoPE Inference"


def test_spare_word_breaks_are_the_ones_of_the_plain_rule():
    """_SPARE_ZWSP is written for speed; it removes exactly the U+200B the plain rule names."""
    import random

    p, h = search._PUNCT, search._HAN
    plain = re.compile(rf"(?<=[{p}])\u200b|\u200b(?=[{p}])|^\u200b|\u200b$"
                       rf"|(?<=[A-Za-z0-9])\u200b(?=[{h}])|(?<=[{h}])\u200b(?=[A-Za-z0-9])")
    rng = random.Random(3)
    alphabet = ["\u200b", "\u200b", "a", "Z", "5", "中", "文", "。", " ", "\n", "<", "p", ">", "_", "々", "\u3000"]
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        assert search._SPARE_ZWSP.sub("", text) == plain.sub("", text), repr(text)


@pytest.mark.parametrize("vault", [FIXTURES / "vault", "seeds"], ids=str)
def test_search_is_handed_generated_pages_without_their_excluded_elements(tmp_path, monkeypatch, vault, request):
    """What Material indexes, and every page written, are as if it had parsed the whole page."""
    if vault == "seeds":
        vault = request.getfixturevalue("seeds_dir")
    handed = []
    cut = search.without_excluded

    def recorded(html):
        out = cut(html)
        handed.append(len(html) - len(out))
        return out

    monkeypatch.setattr(search, "without_excluded", recorded)
    # One process: a page a forked worker builds would be recorded in the worker alone.
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    quick = build_site(vault, tmp_path / "quick")
    assert sum(handed) > 0  # generated pages did come without their excluded elements
    monkeypatch.setattr(search, "without_excluded", search.unbracketed)  # whole pages, as before
    whole = build_site(vault, tmp_path / "whole")
    files = sorted(p.relative_to(whole) for p in whole.rglob("*") if p.is_file() and p.name != "sitemap.xml.gz")
    assert files == sorted(p.relative_to(quick) for p in quick.rglob("*")
                           if p.is_file() and p.name != "sitemap.xml.gz")
    for name in files:
        assert (quick / name).read_bytes() == (whole / name).read_bytes(), name
        if name.suffix == ".html":
            assert search.EXCLUDED_START not in (quick / name).read_text(encoding="utf-8")


def test_without_excluded_cuts_each_bracketed_element():
    s, e = search.EXCLUDED_START, search.EXCLUDED_END
    html = f"<p>a</p>{s}<ul data-search-exclude><li>x</li></ul>{e}<p>b</p>{s}<ol><li>y</li></ol>{e}"
    assert search.without_excluded(html) == "<p>a</p><p>b</p>"
    assert search.unbracketed(html) == "<p>a</p><ul data-search-exclude><li>x</li></ul><p>b</p><ol><li>y</li></ol>"
    assert search.without_excluded(f"<p>a</p>{s}<ul>") == "<p>a</p><ul>"  # an open bracket: nothing cut


def test_search_attributes_are_removed_as_material_removes_them():
    """A generated page is restored as Material leaves a page it indexed (its own regex)."""
    material = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")
    rng = random.Random(11)
    pieces = ["data-search-exclude", "data-search-", "=", '"', '"x"', '""', " ", "\n", "\t", "\u3000", "<li", ">",
              "a", "_", "-", "中", 'data-search-exclude="1"', ' data-search-boost="2"']
    for _ in range(20_000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert search.without_search_attributes(html) == material.sub("", html), repr(html)
