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
