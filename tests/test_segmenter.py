"""The fast segmenter must cut Chinese exactly as jieba does, words taught included.

Search quality rests on the segmentation: the index is cut at build time and the
browser matches a query against those terms. rjieba is only a speed-up if a reader
searching the site cannot tell the difference.
"""

from __future__ import annotations

import pytest

from llmnotes import search, segmenter

jieba = pytest.importorskip("jieba")
rjieba = pytest.importorskip("rjieba")


def _pair():
    """Fresh dictionaries on both sides: builds in this process teach the global ones their words."""
    return segmenter.RJieba(rjieba.Jieba()), jieba.Tokenizer()

TEXT = [
    "大模型的训练和推理需要大量算力，指令微调让模型学会遵循提示词。",
    "检索增强生成把向量数据库中的上下文拼进提示词里，再交给大模型回答。",
    "奖励模型根据人类偏好数据打分，近端策略优化再据此更新策略网络。",
    "知识蒸馏把大模型的能力压缩进小模型，剪枝和量化进一步降低显存占用。",
    "思维链提示让模型逐步推理，长上下文窗口则让它一次读完整篇论文。",
]
TAUGHT = ["角色扮演智能体", "提示词工程师", "向量数据库"]


def test_fast_segmenter_cuts_as_jieba_does():
    fast, slow = _pair()
    jieba.setLogLevel(30)
    for text in TEXT:
        for run in search.han_runs(text):
            assert list(fast.cut(run)) == list(slow.cut(run)), run
    # Material hands the segmenter UTF-8 bytes.
    assert list(fast.cut(TEXT[0].encode("utf-8"))) == list(slow.cut(TEXT[0].encode("utf-8")))


def test_taught_words_stay_whole_in_both():
    fast, slow = _pair()
    for word in TAUGHT:
        slow.add_word(word)
        fast.add_word(word)
    text = "我们训练了一个角色扮演智能体，并请提示词工程师把知识写进向量数据库。"
    assert list(fast.cut(text)) == list(slow.cut(text))
    for word in TAUGHT:
        assert word in list(fast.cut(text))


def test_remembered_cuts_give_materials_segmentation(monkeypatch):
    """Each Han run's cut is kept for the build; the segmented text is Material's, word for word."""
    from material.plugins.search import plugin as material

    plain = material.SearchIndex(lang=["zh"], separator="", pipeline=[], fields={})
    quick = material.SearchIndex(lang=["zh"], separator="", pipeline=[], fields={})

    class Plugin:
        search_index = quick

    assert segmenter.remember_cuts(Plugin())
    texts = [*TEXT, *TEXT, "GPT-4 与 大模型：2023年3月 发布。<p>大模型</p>", ""]
    want = [plain._segment_chinese(text) for text in texts]
    cuts = []
    cut = material.jieba.cut
    monkeypatch.setattr(material.jieba, "cut", lambda text, *a, **k: cuts.append(text) or cut(text, *a, **k))
    assert [quick._segment_chinese(text) for text in texts] == want
    han = material.bre.compile(r"(\p{script: Han}+)", material.bre.UNICODE)
    runs = [m.group(0).encode("utf-8") for t in texts for m in han.finditer(t)]
    assert sorted(cuts) == sorted(set(runs)) and len(cuts) < len(runs)  # each distinct run cut once
    assert "_segment_chinese" not in plain.__dict__  # only that one index remembers


def test_a_site_indexed_with_remembered_cuts_is_the_same(tmp_path, monkeypatch):
    from conftest import FIXTURES, build_site

    fast = build_site(FIXTURES / "vault", tmp_path / "fast") / "search" / "search_index.json"
    monkeypatch.setattr(segmenter, "remember_cuts", lambda plugin: False)
    slow = build_site(FIXTURES / "vault", tmp_path / "slow") / "search" / "search_index.json"
    assert fast.read_bytes() == slow.read_bytes()
