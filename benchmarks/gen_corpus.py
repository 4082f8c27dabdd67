#!/usr/bin/env python3
"""Write a deterministic synthetic vault of mixed Chinese/English LLM study notes.

Usage: gen_corpus.py OUT_DIR [--notes N] [--seed S] [--truth FILE]

The notes have the shapes real study notes have: Chinese prose with English terms,
[[wiki-links]] (to other notes, by file name and by title, and to names no note has),
#tags, a timeline of dated lines in Chinese and ISO forms, paper blocks with arXiv
and GitHub links, Markdown tables, fenced code, bare and Markdown links; about a third
start with YAML front matter. Notes sit in topic folders, as a vault grows.

The same N and seed always give the same bytes (one seeded RNG, no clock, no hash
order), so two builds of the same corpus compare. `--truth` writes what was put in
(notes, distinct arXiv ids, the dated timeline lines with their note and line) so a
test can check that a build lost nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

TOPICS = 20  # folders: notes spread over them like a vault organised by subject

TERMS = [
    "Transformer", "Self-Attention 自注意力", "多头注意力", "位置编码 RoPE", "RLHF", "DPO", "GRPO",
    "LoRA", "QLoRA", "量化", "知识蒸馏", "剪枝", "预训练", "SFT 监督微调", "指令微调", "思维链 CoT",
    "RAG", "向量检索", "Agent", "Function Calling", "MoE", "KV Cache", "FlashAttention", "Scaling Law",
    "BERT", "GPT-4", "LLaMA", "Qwen", "DeepSeek-R1", "奖励模型", "PPO", "词嵌入", "Tokenizer",
    "长上下文", "多模态", "CLIP", "Diffusion", "幻觉 Hallucination", "评测 Benchmark", "Prompt Engineering",
]
# Names linked to that no note has: each becomes a concept page.
MISSING = [
    "Mamba", "状态空间模型", "Speculative Decoding", "投机采样", "vLLM", "PagedAttention", "ALiBi",
    "Chinchilla", "Constitutional AI", "宪法AI", "Reflexion", "ReAct", "Toolformer", "稀疏注意力",
    "Ring Attention", "YaRN", "NTK-aware", "GQA", "MQA", "SwiGLU", "RMSNorm", "DeepSpeed ZeRO",
]
ZH = [
    "大模型", "训练", "推理", "数据集", "对齐", "评估", "基准", "参数量", "算力", "开源", "检索", "记忆",
    "规划", "角色扮演", "个性化", "提示词", "上下文", "能力", "方法", "实验", "效果", "损失函数", "梯度",
    "优化器", "部署", "压缩", "标注", "偏好数据", "泛化", "过拟合", "学习率", "显存", "吞吐", "延迟",
    "注意力", "解码", "采样", "温度", "奖励", "策略", "价值函数", "蒸馏", "微调", "预训练", "语料",
]
EN = [
    "model", "training", "inference", "attention", "token", "context window", "benchmark", "alignment",
    "reward", "policy", "retrieval", "memory", "agent", "prompt", "layer", "embedding", "decoder",
    "throughput", "latency", "GPU", "batch size", "checkpoint", "fine-tuning", "loss",
]
JOIN = ["，", "，", "；", "，而且", "，但是", "，因此", "的", "和", "在", "中的"]
TAGS = ["论文", "paper", "综述", "面试", "工程", "todo", "最佳实践", "Roadmap", "RL", "推理优化", "数据"]
VENUES = ["NeurIPS 2023", "ICLR 2024", "ACL 2024", "EMNLP 2023", "NAACL 2024", "ICML 2024", "arXiv"]
HOSTS = ["https://zhuanlan.zhihu.com/p/", "https://huggingface.co/blog/post-", "https://www.bilibili.com/video/BV1x"]


def note_stem(i: int) -> str:
    return f"note-{i:05d}"


def note_title(rng: random.Random, i: int) -> str:
    return f"{rng.choice(TERMS)} 学习笔记 {i}"


def sentence(rng: random.Random) -> str:
    """A line of study-note prose: mostly Chinese, English terms spaced in."""
    out = []
    for k in range(rng.randint(5, 12)):
        if k:
            out.append(rng.choice(JOIN) if rng.random() < 0.35 else "")
        out.append(rng.choice(ZH) if rng.random() < 0.72 else f" {rng.choice(EN)} ")
    return "".join(out).strip() + rng.choice(["。", "。", "！", "，值得注意。"])


def wiki_link(rng: random.Random, n: int, titles: list[str]) -> str:
    r = rng.random()
    if r < 0.45:
        return f"[[{note_stem(rng.randrange(n))}]]"  # by file name
    if r < 0.65:
        j = rng.randrange(n)
        return f"[[{titles[j]}|{rng.choice(ZH)}]]"  # by title, with a label
    if r < 0.85:
        return f"[[{rng.choice(MISSING)}]]"  # a name no note has
    return f"[[{note_stem(n + rng.randrange(1, 40))}]]"  # a note that was never written


def arxiv_id(rng: random.Random) -> tuple[str, int, int]:
    yy, mm = rng.randint(17, 25), rng.randint(1, 12)
    return f"{yy:02d}{mm:02d}.{rng.randint(1, 19999):05d}", 2000 + yy, mm


def dated_form(rng: random.Random) -> str:
    y, m, d = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{y}年{m}月{d}日", f"{y}年{m}月", f"{y}-{m:02d}-{d:02d}", f"{y}.{m:02d}",
                       f"{y}/{m}/{d}"])


def write_note(rng: random.Random, i: int, n: int, titles: list[str], truth: dict) -> str:
    """One note's text. Records its dated timeline lines and arXiv ids in `truth`."""
    path = f"topic-{i % TOPICS:02d}/{note_stem(i)}.md"
    lines: list[str] = []
    title = titles[i]
    if rng.random() < 1 / 3:
        y, m, d = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
        lines += ["---", f"title: {title}", f"tags: [{rng.choice(TAGS)}, {rng.choice(TAGS)}]",
                  f"date: {y}-{m:02d}-{d:02d}", "---", ""]
    lines += [f"# {title}", ""]
    for _ in range(rng.randint(2, 4)):
        lines += [f"{sentence(rng)} 参见 {wiki_link(rng, n, titles)} #{rng.choice(TAGS)}", ""]

    lines += ["## 时间线", ""]
    for _ in range(rng.randint(1, 4)):
        lines.append(f"- {dated_form(rng)}：{rng.choice(TERMS)} 发布，{sentence(rng)}")
        truth["dated_lines"].append([path, len(lines)])  # 1-based line of the line just added
    lines.append("")

    papers = rng.randint(0, 3)
    if papers:
        lines += ["## 论文 Papers", ""]
    for _ in range(papers):
        aid, year, month = arxiv_id(rng)
        truth["arxiv"].add(aid)
        lines += [f"- {rng.choice(TERMS)}: {rng.choice(EN).title()} {rng.choice(EN).title()} for Language Models",
                  f"  - 时间：{year}-{month}-{rng.randint(1, 28)}，{rng.choice(VENUES)}",
                  f"  - 论文：https://arxiv.org/abs/{aid}",
                  f"  - 代码：https://github.com/lab-{rng.randint(1, 500)}/repo-{rng.randint(1, 999)}",
                  f"  - {sentence(rng)}", ""]

    if rng.random() < 0.4:
        lines += ["| 方法 | 目标 | 要点 |", "| --- | --- | --- |"]
        for _ in range(rng.randint(2, 6)):
            lines.append(f"| {rng.choice(TERMS)} | {sentence(rng)} | {rng.choice(ZH)}<br>{rng.choice(EN)} |")
        lines.append("")

    if rng.random() < 0.25:
        lines += ["```python", "import torch", "", "def attention(q, k, v):",
                  "    # [[not a link]] #not-a-tag inside code", "    w = (q @ k.transpose(-2, -1)).softmax(-1)",
                  "    return w @ v", "```", ""]

    lines += [f"相关链接：{rng.choice(HOSTS)}{rng.randint(10**7, 10**8)}",
              f"- [{rng.choice(EN)} 讲解]({rng.choice(HOSTS)}{rng.randint(10**7, 10**8)})", ""]
    for _ in range(rng.randint(3, 9)):
        lines += [sentence(rng) + sentence(rng) + (f" #{rng.choice(TAGS)}" if rng.random() < 0.1 else ""), ""]
    return "\n".join(lines)


def generate(out: Path, notes: int, seed: int = 7) -> dict:
    """Write `notes` notes under `out` (emptied first); return the truth (what went in)."""
    rng = random.Random(seed)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    titles = [note_title(rng, i) for i in range(notes)]
    truth: dict = {"notes": notes, "arxiv": set(), "dated_lines": []}
    for t in range(min(TOPICS, notes)):
        (out / f"topic-{t:02d}").mkdir()
    for i in range(notes):
        text = write_note(rng, i, notes, titles, truth)
        (out / f"topic-{i % TOPICS:02d}" / f"{note_stem(i)}.md").write_text(text, encoding="utf-8")
    truth["arxiv"] = sorted(truth["arxiv"])
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--notes", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--truth", help="write the truth (notes, arXiv ids, dated lines) as JSON here")
    a = ap.parse_args(argv)
    truth = generate(Path(a.out), a.notes, a.seed)
    if a.truth:
        Path(a.truth).write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
