"""The paper index: arXiv ids, titles from the note's shape, citations, dedupe, explicit blocks, dates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ServedPage

from llmnotes.arxiv import arxiv_date, arxiv_id, find_arxiv
from llmnotes.extract.papers import papers_of, parse_citation
from llmnotes.kb import KnowledgeBase
from llmnotes.model import Note

FIXTURES = Path(__file__).parent / "fixtures" / "papers"


def note(text: str, path: str = "n.md", **meta) -> Note:
    return Note(path=path, title=meta.pop("title", "N"), text=text, meta=meta,
                line_map=list(range(1, text.count("\n") + 2)))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(FIXTURES)


def by_arxiv(kb: KnowledgeBase, ident: str):
    hits = [p for p in kb.papers if p.arxiv == ident]
    assert len(hits) == 1, [p.title for p in hits]
    return hits[0]


def by_title(kb: KnowledgeBase, start: str):
    hits = [p for p in kb.papers if (p.title or "").startswith(start)]
    assert len(hits) == 1, [p.title for p in kb.papers]
    return hits[0]


# ----------------------------------------------------------------- arXiv ids


@pytest.mark.parametrize(("text", "ident"), [
    ("https://arxiv.org/abs/2305.10250", "2305.10250"),
    ("https://arxiv.org/abs/2305.10250v3", "2305.10250"),
    ("http://arxiv.org/pdf/2305.10250v2.pdf", "2305.10250"),
    ("arxiv.org/pdf/2305.10250", "2305.10250"),
    ("https://export.arxiv.org/abs/2305.10250", "2305.10250"),
    ("https://papers.cool/arxiv/2412.11912", "2412.11912"),
    ("https://huggingface.co/papers/2412.11912", "2412.11912"),
    ("https://www.alphaxiv.org/abs/2412.11912", "2412.11912"),
    ("https://alphaxiv.org/overview/2412.11912v1", "2412.11912"),
    ("arXiv:0704.0001", "0704.0001"),
    ("see arXiv: 1706.03762.", "1706.03762"),
    ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
    ("arXiv:hep-th/9901001v2", "hep-th/9901001"),
    ("https://arxiv.org/abs/cs.CL/0501001", "cs/0501001"),
    ("arXiv:cs/0501001", "cs/0501001"),
    # Any letter case, as pasted from a title or a citation.
    ("HTTPS://ARXIV.ORG/ABS/2305.10250", "2305.10250"),
    ("https://HuggingFace.co/Papers/2412.11912", "2412.11912"),
    ("https://www.AlphaXiv.org/abs/2412.11912", "2412.11912"),
    ("ArXiv: 1706.03762", "1706.03762"),
])
def test_every_arxiv_url_form_gives_the_canonical_id(text: str, ident: str) -> None:
    assert arxiv_id(text) == ident


@pytest.mark.parametrize("text", [
    "https://github.com/org/repo/2305.10250",
    "version 2305.10250 of the tool",
    "https://example.com/abs/2305.10250",
    "https://hugginface.co/papers/2305.10250",
])
def test_numbers_that_are_not_arxiv_links_are_ignored(text: str) -> None:
    assert find_arxiv(text) == []


@pytest.mark.parametrize(("text", "found"), [
    # Prose before, between and after the ids; a host label glued to CJK text; the same id twice.
    (("见https://export.arxiv.org/abs/2305.10250v2，以及很长的一段说明文字 then arXiv:1706.03762 "
      "and www.alphaxiv.org/overview/2412.11912."),
     [(1, 42, "2305.10250"), (60, 76, "1706.03762"), (81, 117, "2412.11912")]),
    (("https://arxiv.org/abs/2305.10250 (arXiv:2305.10250) 和 papers.cool/arxiv/kimi?paper=2401.00001 "
      "再 https://huggingface.co/papers/2402.00002"),
     [(0, 32, "2305.10250"), (34, 50, "2305.10250"), (54, 93, "2401.00001"), (96, 136, "2402.00002")]),
    # "arXiv:" glued to a path is no mention; the URL after the prose is found.
    ("https://arxiv.org/abs/arXiv:2305.10250 is not a URL form; arxiv.org/pdf/2305.10250.pdf is",
     [(58, 86, "2305.10250")]),
])
def test_every_id_of_a_line_is_found_where_it_is_written(text: str, found: list[tuple[int, int, str]]) -> None:
    assert [(r.start, r.end, r.id) for r in find_arxiv(text)] == found


@pytest.mark.parametrize(("ident", "month"), [
    ("2305.10250", "2023-05"), ("0704.0001", "2007-04"), ("2412.11912", "2024-12"),
    ("hep-th/9901001", "1999-01"), ("cs/0501001", "2005-01"),
])
def test_the_month_an_arxiv_id_encodes(ident: str, month: str) -> None:
    assert arxiv_date(ident) == month


# ----------------------------------------------------------------- title shapes


def test_line_followed_by_an_outline_of_fields_titles_the_paper(kb) -> None:
    p = by_arxiv(kb, "1706.03762")
    assert p.date and p.date.start == "2017-06-12"
    assert p.arxiv_date == "2017-06"
    assert p.code == ["https://github.com/tensorflow/tensor2tensor"]
    assert "一个只用注意力的序列模型" in p.summary


def test_the_label_is_the_title_and_its_gloss_a_summary() -> None:
    text = "Sparrow，一个小模型\n- 时间：2023-5-21\n- https://arxiv.org/abs/2305.00001\n"
    [p] = papers_of(note(text))
    assert p.title == "Sparrow"
    assert p.summary == ["一个小模型"]
    assert p.date.start == "2023-05-21"


def test_a_heading_titles_the_paper_below_it() -> None:
    text = "# Notes\n\n## Sparrow\n\n- 时间：2023-05\n- <https://arxiv.org/abs/2305.00001>\n"
    [p] = papers_of(note(text))
    assert p.title == "Sparrow"
    assert p.source.line == 3


def test_date_label_with_the_date_below_or_beside(kb) -> None:
    assert by_arxiv(kb, "2106.09685").notes  # "时间" then the date indented under it
    bert = by_arxiv(kb, "1810.04805")  # "- 时间" then "- 2018-10-11" at the same level
    assert bert.date and bert.date.start == "2018-10-11"


def test_a_survey_nested_under_a_paper_is_titled_after_its_parent(kb) -> None:
    survey = by_arxiv(kb, "2009.06732")
    assert survey.title == "Transformer · 综述"
    # The nested block's date is the survey's, not its parent's.
    assert survey.date.start == "2022-03"
    assert by_arxiv(kb, "1706.03762").date.start == "2017-06-12"


def test_a_heading_over_a_list_of_papers_is_not_their_title() -> None:
    text = "## Reading\n\n- https://arxiv.org/abs/2305.00001\n- https://arxiv.org/abs/2305.00002\n"
    papers = papers_of(note(text))
    assert [p.arxiv for p in papers] == ["2305.00001", "2305.00002"]
    assert all(p.title is None for p in papers)


def test_link_text_titles_the_paper(kb) -> None:
    assert by_arxiv(kb, "hep-th/9901001").title == "Holography paper"
    assert by_arxiv(kb, "2005.14165").title == "GPT-3 的论文"  # a generic link text "论文" is skipped


def test_list_title_with_a_date_and_venue_line(kb) -> None:
    p = by_title(kb, "Self-Refine")
    assert p.date.start == "2023-03" and p.venue == "NeurIPS 2023"
    assert p.arxiv is None and p.inferred
    t = by_title(kb, "Toolformer")
    assert t.date.start == "2023-02" and t.venue == "Meta AI"
    g = by_title(kb, "Generative Agents")
    assert g.date.start == "2023-04" and g.venue is None  # "2023.04，" has no venue


def test_list_title_with_a_code_link_or_under_a_papers_heading(kb) -> None:
    assert by_title(kb, "ReAct").code == ["https://github.com/ysymyth/ReAct"]
    assert by_title(kb, "Reflexion").date is None  # no date line, but under "### paper"


def test_not_papers_descriptions_of_links_and_project_names(kb) -> None:
    titles = [p.title or "" for p in kb.papers]
    assert not any(t.startswith("Reinforcement Learning Talks") for t in titles)  # describes a link
    assert "MemGPT" not in titles and "Open-source models" not in titles  # a repo, a heading of repos


# ----------------------------------------------------------------- citation styles


@pytest.mark.parametrize(("line", "title", "date", "venue"), [
    (("Vaswani, A., Shazeer, N., & Parmar, N. (2017, June 12). Attention is all you need. "
     "*Advances in Neural Information Processing Systems*, 30."),
     "Attention is all you need", "2017-06-12", "Advances in Neural Information Processing Systems"),
    ("Brown, T., Mann, B. (2020). Language models are few-shot learners. In NeurIPS.",
     "Language models are few-shot learners", "2020", "NeurIPS"),
    ("Scaling Laws for Neural Language Models (2020.01)", "Scaling Laws for Neural Language Models", "2020-01", None),
    ("Chain-of-Thought Prompting, 2022-01-28, https://example.org/cot", "Chain-of-Thought Prompting",
     "2022-01-28", None),
    ('J. Devlin, M. Chang, "BERT: Pre-training of deep transformers," in *NAACL*, 2019.',
     "BERT: Pre-training of deep transformers", "2019", "NAACL"),
    ("Language Models are Few-Shot Learners. *NeurIPS* 2020.", "Language Models are Few-Shot Learners",
     "2020", "NeurIPS"),
])
def test_citation_styles(line: str, title: str, date: str, venue: str | None) -> None:
    got = parse_citation(line)
    assert got is not None
    assert got[0] == title
    assert got[1] is not None and got[1].start == date
    assert got[2] == venue


def test_prose_is_not_a_citation() -> None:
    assert parse_citation("今天读了一篇很有意思的文章") is None
    assert parse_citation("We met on Tuesday to talk about plans") is None


def test_a_reference_list_gives_title_date_and_venue(kb) -> None:
    p = by_title(kb, "Scaling Laws")
    assert p.date.start == "2020-01" and p.notes == ["references.md"]
    f = by_title(kb, "Language Models are Few-Shot")
    assert f.venue == "NeurIPS" and f.date.start == "2020"


# ----------------------------------------------------------------- dedupe and precedence


def test_a_paper_cited_in_three_notes_is_one_entry(kb) -> None:
    p = by_arxiv(kb, "1706.03762")
    assert p.notes == ["outline.txt", "references.md", "urls.md"]  # references.md by title, no link
    assert sum((q.title or "").casefold().startswith("attention is all") for q in kb.papers) == 1


def test_dedupe_by_normalised_title_without_arxiv(tmp_path: Path) -> None:
    a = "## papers\n\n- Sparse Mixtures Of Tiny Experts\n  - 2024.01，ICML 2024\n"
    b = "## 论文\n\n- SPARSE mixtures of tiny-experts!\n  - 2024.01\n"
    kb_like = _kb_of({"a.md": a, "b.md": b}, tmp_path)
    [p] = kb_like.papers
    assert p.notes == ["a.md", "b.md"] and p.venue == "ICML 2024"


def _kb_of(files: dict[str, str], folder: Path) -> KnowledgeBase:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return KnowledgeBase.build(folder)


def test_an_explicit_paper_block_wins_over_what_is_inferred(kb) -> None:
    p = by_arxiv(kb, "2106.09685")
    assert p.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert p.date.start == "2021-06"  # the block, not the outline's "2020-01"
    assert p.venue == "ICLR 2022"
    assert p.code[0] == "https://github.com/microsoft/LoRA"
    assert not p.inferred and not p.date_mismatch
    assert p.notes == ["explicit.md", "outline.txt", "urls.md"]


def test_front_matter_describes_the_note_s_paper(kb) -> None:
    p = by_arxiv(kb, "2203.02155")
    assert p.title == "Training language models to follow instructions with human feedback"
    assert p.venue == "NeurIPS 2022" and p.date.start == "2022-03-04"
    assert not p.inferred
    assert "front.md" in p.notes and "urls.md" in p.notes


def test_a_bad_paper_block_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    kb = _kb_of({"bad.md": "# Bad\n\n```paper\ntitle: [unclosed\n```\n"}, tmp_path)
    assert any(d.path == "bad.md" and "paper" in d.message for d in kb.diagnostics)


def test_nothing_in_code_is_a_paper() -> None:
    text = "# Code\n\n```python\nurl = 'https://arxiv.org/abs/2305.00001'\n```\n\n`arXiv:2305.00002`\n"
    assert papers_of(note(text)) == []


# ----------------------------------------------------------------- stated date vs arXiv date


def test_a_stated_date_far_from_the_arxiv_month_is_flagged_with_a_warning(kb) -> None:
    survey = by_arxiv(kb, "2009.06732")
    assert survey.date_mismatch
    warnings = [d for d in kb.diagnostics if d.level == "warning" and "2009.06732" in d.message]
    assert len(warnings) == 1
    assert warnings[0].path == "outline.txt"
    assert warnings[0].line == 13  # the line of "2022年3月" in the file
    assert not by_arxiv(kb, "1706.03762").date_mismatch


def test_one_month_apart_is_not_a_mismatch() -> None:
    [p] = papers_of(note("Sparrow\n- 时间：2023-06\n- https://arxiv.org/abs/2305.00001\n"))
    assert not p.date_mismatch
    [q] = papers_of(note("Sparrow\n- 时间：2023-08\n- https://arxiv.org/abs/2305.00001\n"))
    assert q.date_mismatch


# ----------------------------------------------------------------- the seeds


def test_seeds_paper_index(seeds_dir: Path) -> None:
    kb = KnowledgeBase.build(seeds_dir)
    n000 = next(p for p in kb.notes if p.startswith("000_"))
    n003 = next(p for p in kb.notes if p.startswith("003_"))
    arxiv = {p.arxiv: p for p in kb.papers if p.arxiv}
    expected = {"2305.10250": ("MemoryBank", "2023-05-21", "2023-05"),
                "2310.10158": ("Character-LLM", "2023-10-16", "2023-10"),
                "2404.18231": ("Character-LLM · 综述", "2024-10", "2024-04"),
                "2402.02716": ("LLM规划能力综述", "2024-02-05", "2024-02"),
                "2412.11912": ("CharacterBench", "2024-12-16", "2024-12")}
    for ident, (title, stated, month) in expected.items():
        p = arxiv[ident]
        assert (p.title, p.date.start, p.arxiv_date) == (title, stated, month)
        assert p.notes == [n000]
    assert [i for i, p in arxiv.items() if p.date_mismatch] == ["2404.18231"]
    assert any(d.path == n000 and d.level == "warning" and "2404.18231" in d.message for d in kb.diagnostics)
    assert arxiv["2305.10250"].code and arxiv["2310.10158"].code

    titled = [p for p in kb.papers if p.notes == [n003]]
    got = {re.split(r"[:：]", p.title)[0]: (p.date.start if p.date else None, p.venue) for p in titled}
    assert got == {
        "R-Tuning": ("2023-11", "NAACL 2024"),
        "Understanding the Role of User Profile in the Personalization of Large Language Models": ("2024-06", None),
        "HYDRA": ("2024-06", None),
        "Optimization Methods for Personalizing Large Language Models through Retrieval Augmentation":
            ("2024-04", None),
        "A Survey on the Memory Mechanism of Large Language Model based Agents": ("2024-04", None),
        "Personalized Large Language Models": ("2024-02", None),
        "Integrating summarization and retrieval for enhanced personalization via large language models":
            ("2023-10", "Amazon Alexa AI"),
        "Once": (None, None),
        "When Large Language Models Meet Personalization": ("2023-07", "survey"),
        "LaMP": ("2023-04", "google"),
        "RoleLLM": (None, None),
    }
    assert len(kb.papers) == 16


def test_an_unquoted_arxiv_id_in_yaml_keeps_its_trailing_zero() -> None:
    text = "# X\n\n```paper\ntitle: Sparrow\narxiv: 2305.10250\ndate: 2023-05-21\n```\n"
    [p] = papers_of(note(text))
    assert p.arxiv == "2305.10250" and p.date.start == "2023-05-21" and not p.inferred


def test_a_paper_block_fenced_with_tildes_in_any_case_is_read(tmp_path: Path) -> None:
    """The note's only cue is the block: the cheap tests before the real search must let it through."""
    kb = _kb_of({"x.md": "# x\n\nprose only\n\n~~~ Paper\ntitle: sparrow notes\narxiv: 2305.10250\n~~~\n"}, tmp_path)
    assert [(p.title, p.arxiv) for p in kb.papers] == [("sparrow notes", "2305.10250")]


def test_serve_renders_again_only_the_paper_rows_a_change_shows(tmp_path: Path) -> None:
    """Across serve rebuilds each row of the paper index is kept while what it shows is the same."""
    from llmnotes.pages import papers as papers_page

    (tmp_path / "a.md").write_text("# A\n\n- Attention Is All You Need https://arxiv.org/abs/1706.03762\n",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\n- LoRA https://arxiv.org/abs/2106.09685\n", encoding="utf-8")
    render = ServedPage(papers_page, tmp_path).render

    assert render()[1] == 2
    (tmp_path / "b.md").write_text("# B renamed\n\n- LoRA https://arxiv.org/abs/2106.09685\n", encoding="utf-8")
    html, made = render()
    assert made == 1 and "B renamed" in html  # only the row citing b
    (tmp_path / "a.md").write_text("# A\n\n- Attention Is All You Need https://arxiv.org/abs/1706.03762\n"
                                   "  - https://github.com/tensorflow/tensor2tensor\n",
                                   encoding="utf-8")
    html, made = render()
    assert made == 1 and "tensorflow/tensor2tensor" in html  # the row whose paper gained its code
