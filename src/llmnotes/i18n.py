"""Labels of the generated pages in Chinese and English, following `theme.language`."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "home": "首页",
        "tags": "标签",
        "tag_index": "标签索引",
        "tagged": "带有标签 #{tag} 的笔记",
        "backlinks": "反向链接",
        "concepts": "概念",
        "concept": "概念：{name}",
        "concept_intro": "还没有名为「{name}」的笔记。以下笔记提到了它：",
        "mentions": "提及",
        "notes": "笔记",
        "note": "笔记",
        "line": "行",
        "timeline": "时间线",
        "papers": "论文索引",
        "roadmap": "学习路线",
        "links": "链接",
        "events": "事件",
        "present": "至今",
        "recent": "最近修改",
        "filter": "筛选…",
        "all_tags": "全部标签",
        "oldest_first": "从早到晚",
        "newest_first": "从晚到早",
        "title": "标题",
        "date": "日期",
        "venue": "会议/期刊",
        "code": "代码",
        "cited_by": "引用笔记",
        "arxiv_date": "arXiv 日期",
        "date_mismatch": "注明日期与 arXiv 编号不符",
        "inferred": "推断",
        "count_notes": "{n} 篇笔记",
        "exports": "导出",
        "image_missing": "图片缺失",
        "study_plan": "学习计划",
        "concept_tree": "概念树",
        "steps": "学习步骤",
        "progress": "进度",
        "site": "网站",
        "tables": "表格",
    },
    "en": {
        "home": "Home",
        "tags": "Tags",
        "tag_index": "Tag index",
        "tagged": "Notes tagged #{tag}",
        "backlinks": "Backlinks",
        "concepts": "Concepts",
        "concept": "Concept: {name}",
        "concept_intro": "There is no note named “{name}” yet. These notes mention it:",
        "mentions": "Mentions",
        "notes": "Notes",
        "note": "Note",
        "line": "line",
        "timeline": "Timeline",
        "papers": "Papers",
        "roadmap": "Roadmap",
        "links": "Links",
        "events": "Events",
        "present": "present",
        "recent": "Recently changed",
        "filter": "Filter…",
        "all_tags": "All tags",
        "oldest_first": "Oldest first",
        "newest_first": "Newest first",
        "title": "Title",
        "date": "Date",
        "venue": "Venue",
        "code": "Code",
        "cited_by": "Cited by",
        "arxiv_date": "arXiv date",
        "date_mismatch": "stated date differs from the arXiv id",
        "inferred": "inferred",
        "count_notes": "{n} notes",
        "exports": "Exports",
        "image_missing": "image missing",
        "study_plan": "Study plan",
        "concept_tree": "Concept tree",
        "steps": "Learning steps",
        "progress": "Progress",
        "site": "Site",
        "tables": "Tables",
    },
}


class Labels(dict):
    """Label lookup with a fallback to English for keys a language lacks."""

    def __init__(self, language: str = "zh", overrides: dict[str, str] | None = None):
        lang = "zh" if language.lower().startswith("zh") else "en"
        super().__init__({**LABELS["en"], **LABELS[lang], **(overrides or {})})
        self.language = lang

    def fmt(self, key: str, **kw: object) -> str:
        return self[key].format(**kw)
