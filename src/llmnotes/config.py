"""Options of the llmnotes MkDocs plugin (`plugins: - llmnotes: {...}`)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class LlmnotesConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for labels: zh or en; by default follows theme.language
    language = c.Optional(c.Type(str))
    labels = c.Type(dict, default={})

    # Settings for generated pages (each can be turned off)
    home = c.Type(bool, default=True)
    tags = c.Type(bool, default=True)
    concepts = c.Type(bool, default=True)
    timeline = c.Type(bool, default=True)
    papers = c.Type(bool, default=True)
    roadmap = c.Type(bool, default=True)
    links = c.Type(bool, default=True)

    # Settings for diagnostics: links to a name with no note ("warning" fails --strict;
    # "info" for vaults that link to concepts on purpose)
    unresolved_links = c.Choice(("warning", "info"), default="warning")

    # Settings for exports (entries.json, papers.bib, papers.csl.json in the site)
    exports = c.Type(bool, default=True)

    # Settings for search: jieba user dictionary and index tuning
    search = c.Type(bool, default=True)

    # Settings for the site: no request to another host (system fonts)
    system_fonts = c.Type(bool, default=True)

    # Settings for speed: processes that build pages (0: one per core; 1: no parallel build)
    workers = c.Type(int, default=0)

    # Settings for progress output on long builds (quiet in CI)
    progress = c.Type(bool, default=True)
