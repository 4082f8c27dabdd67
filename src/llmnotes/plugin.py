"""The MkDocs adapter: MkDocs events in, knowledge base out. Holds no domain logic.

on_startup  keeps a loader cache across `serve` rebuilds (the plugin object lives on)
on_config   makes the Markdown and theme settings llmnotes relies on
on_pre_build in a build, moves the old site aside for a forked process to delete (oldsite.py)
on_files    builds the knowledge base from the files, replaces every note with its
            rendered page, adds generated pages, assets and exports
on_nav       arranges the navigation; in a build, forks workers for Markdown (parallel.py)
on_pre_page  in a build, hands a page a worker reads and converts to that worker's results
on_env       serves the theme's navigation from a memo (navcache.py); in a build, forks
            workers for the page templates (parallel.py); in serve, patches the pages whose
            navigation changed only in other pages' titles (navpatch.py)
on_post_page re-escapes the <title> element (Material prints titles unescaped)
on_post_build merges the workers' search entries (before Material writes the index), then
            rewrites Material's search index: UTF-8, and each page's other names

Search (see search.py): on_config runs before Material's search plugin (priority) to
give it our separator and pipeline when the site set none; on_files, once the
knowledge base exists and before any page is indexed, teaches jieba its names;
on_post_build runs after the search plugin has written its index.
"""

from __future__ import annotations

import html
import json
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from . import (
    convert,
    exports,
    navcache,
    navfiles,
    navpatch,
    oldsite,
    pageurls,
    parallel,
    safewalk,
    search,
    searchparse,
    segmenter,
    themefiles,
    themememo,
    upstream,
)
from .cache import (
    THEME_BYTECODE,
    Fingerprints,
    Incremental,
    Memo,
    RenderCache,
    collapse_chrome,
    digest,
    files_signature,
    hold_collection,
    markdown_signature,
    render_as_html,
    settle_after_rebuild,
    tuned_index,
)
from .config import LlmnotesConfig
from .i18n import Labels
from .kb import KnowledgeBase
from .nav import arrange as arrange_nav
from .pages import GeneratedPage, PageContext, generate_pages
from .progress import Progress
from .render import NoteRenderer, front_matter
from .urls import heading_slug

log = get_plugin_logger(__name__)
_TAUGHT: dict[int, set[str]] = {}  # segmenter → words added to its process-wide dictionary
ASSETS = Path(__file__).parent / "assets"


class LlmnotesPlugin(BasePlugin[LlmnotesConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}
        self.kb: KnowledgeBase | None = None
        self._generated: set[str] = set()  # page paths of generated pages, for the navigation
        # serve: page path → (front matter, Segments) of the generated pages rendered in Segments
        self._segmented: dict[str, tuple[str, Any]] = {}
        # Caches across serve rebuilds (cache.py): Markdown → HTML, and which pages a dirty rebuild renders.
        self._renders: RenderCache | None = None
        self._incremental: Incremental | None = None
        self._said: set[str] = set()  # the warnings logged at the last build (serve repeats none)
        self._loaded: tuple[int, float] | None = None  # notes loaded and when loading began, this build
        self._render_key = ""
        self._progress: Progress | None = None
        self._command = "build"  # MkDocs calls on_startup only from its CLI; a build() call is a build
        self._workers: parallel.Workers | None = None
        self._nav = None
        self._files = None
        self._converter: convert.Converter | None = None
        self._tuner: search.PageTuner | None = None
        self._clearing: oldsite.Clearing | None = None
        self._full_content: str | None = None
        self._fingerprints: Fingerprints | None = None
        self._cuts: tuple[tuple[int, int], dict[str, str]] | None = None  # serve: see `_name_cuts`

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = "dirty" if dirty else command  # a dirty build renders a few pages: no workers
        # Defining on_startup keeps this object alive across serve rebuilds: the cache survives.
        self._cache = {}
        self._fingerprints = None
        self._cuts = None
        # MkDocs keeps this object for every later config of the process too: reset, never inherit.
        self._renders = RenderCache() if command == "serve" else None
        self._incremental = Incremental() if command == "serve" and dirty else None
        if command == "serve":
            themefiles.install()  # the theme's files listed once, not at every rebuild
            pageurls.install()  # each page's canonical URL and the build date worked out once
            navfiles.install()  # every file path made once: its src_uri, sort key, lookup, folders

    # Before Material's search plugin (priority 0), which fills in its defaults in on_config.
    @event_priority(50)
    def on_config(self, config):
        if not self.config.enabled:
            return
        if self._renders is not None:  # serve: a rebuild starts, not to be stalled by the collector
            hold_collection()
        # MkDocs walks docs_dir following folder links, and a link loop never ends (safewalk.py).
        safewalk.install()
        self._configure_markdown(config)
        if self.config.search:
            self._configure_search(config)
        # Same segmentation as jieba, many times faster (see segmenter.py): Material cuts with it too.
        segmenter.install(_search_plugin(config))
        # The same sections as Material's search parser, ~4x sooner (see searchparse.py).
        searchparse.install(_search_plugin(config))
        if self._incremental is not None and _search_plugin(config) is not None:
            _search_plugin(config).search_index_prev = None  # we merge the index ourselves (cache.py)
        self._converter = convert.Converter(config) if convert.usable() else None
        if self.config.system_fonts:
            self._configure_fonts(config)
        # Every stylesheet and script in assets/ ships with the site (one file per page kind).
        for asset in sorted(ASSETS.iterdir()):
            src = f"assets/llmnotes/{asset.name}"
            if asset.suffix == ".css" and src not in config.extra_css:
                config.extra_css.append(src)
            elif asset.suffix == ".js" and src not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(src)
        return config

    def on_pre_build(self, *, config) -> None:
        # MkDocs empties site_dir right after this event: on a second core instead (oldsite.py).
        self._clearing = None
        if self.config.enabled and self._command == "build" and self.config.workers != 1 \
                and parallel.usable_cores() > 1:
            self._clearing = oldsite.clear_in_background(config.site_dir)

    def on_files(self, files: Files, *, config) -> Files:
        if not self.config.enabled:
            return files
        started = time.perf_counter()
        # Per-note caches pay off only across serve rebuilds; a one-off build skips their copies.
        # A build on several cores reads the notes for the extractors on all of them (forkmap.py).
        processes = 1
        if self._command == "build" and self._renders is None:
            processes = self.config.workers or parallel.usable_cores()
        kb = KnowledgeBase.build(Path(config.docs_dir), cache=self._cache if self._renders is not None else None,
                                 unresolved_level=self.config.unresolved_links, processes=processes)
        self.kb = kb
        self._log_diagnostics(kb, repeat=self._renders is None or bool(config.strict))
        labels = self._labels(config)
        # In serve, Markdown whose inputs did not change since the last rebuild is reused (cache.Memo).
        memo = self._renders.memo if self._renders is not None else None
        if memo is not None:
            memo.new_build()
        # In serve, parts of the knowledge base equal to the last build's keep their digests.
        fingerprints = Fingerprints(kb, self._fingerprints if self._renders is not None else None)
        self._fingerprints = fingerprints if self._renders is not None else None
        self._replace_notes(files, config, kb, labels, memo, fingerprints)
        self._add_generated_pages(files, config, kb, labels, memo, fingerprints)
        self._add_assets(files, config)
        if self.config.exports:
            self._add_exports(files, config, kb, memo, fingerprints)
        jieba = id(segmenter.jieba_like())
        known = set(_TAUGHT.get(jieba, ()))
        if self.config.search:
            self._teach_segmenter(kb)
            segmenter.remember_cuts(_search_plugin(config))  # words taught: cuts hold for this build
        if self._incremental is not None:  # a page whose text holds a word jieba just learnt is cut anew
            self._incremental.mark(files, extra_key=str(config.nav), new_words=_TAUGHT.get(jieba, set()) - known,
                                   segmented=self._segmented)
        self._loaded = (len(kb.notes), started)  # reported once the navigation says which pages are written
        return files

    def on_nav(self, nav, *, config, files):
        if not self.config.enabled:
            return nav
        if self._renders is not None:  # links render differently once the set of files changes
            self._render_key = files_signature(files) + markdown_signature(config)
        # Auto navigation only: a site with its own `nav` decides for itself.
        if config.nav is None and self._generated:
            nav = arrange_nav(nav, self._generated, self._labels(config)["overview"])
        if self._incremental is not None:  # the pages a change of the navigation reaches are written too
            # (those it reaches only by titles patched, navpatch.py: not on a site whose other
            # plugins may have changed their last output or expect to see them rendered)
            self._incremental.refine(nav, files, config,
                                     patchable=navpatch.usable(config) and parallel.unknown_plugin(config) is None
                                     and _read_page(config, files) is not None)
            self._incremental.restore_titles(nav)
        if self.config.progress and self._loaded is not None:
            self._progress = Progress(log.info)
            pages = sum(1 for f in files if f.is_documentation_page() and f.is_modified())
            self._progress.loaded(self._loaded[0], pages, time.perf_counter() - self._loaded[1])
        self._nav = nav
        self._start_workers(config, files)
        return nav

    # Last: the workers build pages with the environment every plugin has prepared.
    @event_priority(-100)
    def on_env(self, env, *, config, files):
        if self.config.enabled:
            if env.bytecode_cache is None:  # compiled templates kept across serve rebuilds
                env.bytecode_cache = THEME_BYTECODE
            navcache.install(env)  # each inactive navigation entry rendered once per folder
            themememo.install(env)  # the theme's interface strings translated once per build
            self._tuner = self._page_tuner(config)
        if self.config.enabled and self._incremental is not None:  # every page has its title now
            self._incremental.patch(files, _read_page(config, files))
            if "sitemap.xml" in config.theme.static_templates and self._incremental.keep_sitemap(
                    env, files, config.site_dir, _others_see_templates(config, self)):
                config.theme.static_templates.discard("sitemap.xml")  # this build only: a new config is loaded next
        if self._workers is not None:
            self._workers.finish_render()
            plugin = _search_plugin(config)
            self._workers.start_build(config, files, self._nav, env,
                                      plugin.search_index if plugin is not None else None)
        return env

    def on_build_error(self, *, error: Exception) -> None:
        self._wait_for_old_site()
        if self._workers is not None:
            self._workers.stop()
            self._workers = None

    def on_pre_page(self, page, *, config, files):
        if self._workers is not None:
            self._workers.take(page)  # read and converted ahead, on one of the cores (parallel.py)
        return page

    # Last, so the cache is keyed by the Markdown Python-Markdown will actually see.
    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        if self._workers is not None and self._workers.renders(page):
            pass  # its HTML was made ahead
        elif self.config.enabled and page.file.src_uri in self._generated:
            render_as_html(page, markdown)  # generated pages are HTML (pages/__init__.py)
        elif self.config.enabled:
            if self._converter is not None:
                self._converter.attach(page)  # one Python-Markdown for every page (convert.py)
            if self._renders is not None:
                self._renders.attach(page, markdown, self._render_key)
        return markdown

    # Before Material's search plugin indexes the page (priority 0), and after it.
    @event_priority(10)
    def _hand_search_the_indexed_part(self, context, *, page, config, nav):
        """A generated page reaches Material's search without its bracketed excluded elements
        (search.py): megabytes of timeline it would parse only to skip. A page whose search
        entries are kept from the last serve rebuild reaches it empty."""
        self._full_content = None
        if (self.config.enabled and self._incremental is not None and self._incremental.keeps_entries(page.file.src_uri)
                and _material_strips_search_attributes(config) and parallel.unknown_plugin(config) is None):
            # Rendered again for its navigation only: its entries of the last build are kept
            # (Incremental.merge_search), so Material indexes an empty stand-in. Only on a site
            # with no other plugin, which would see the stand-in too.
            self._full_content, page.content = page.content, ""
            return context
        if self.config.enabled and search.EXCLUDED_START in (page.content or ""):
            self._full_content = page.content
            if _material_strips_search_attributes(config):
                page.content = search.without_excluded(page.content)
            else:  # another Material: it indexes the whole page, as written
                page.content = search.unbracketed(page.content)
                self._full_content = None
        return context

    @event_priority(-10)
    def _restore_the_page(self, context, *, page, config, nav):
        """The whole page again, as Material leaves a page it indexed (its data-search-* attributes
        removed), without the brackets."""
        if self._full_content is not None:
            page.content = search.without_search_attributes(search.unbracketed(self._full_content))
            self._full_content = None
        return context

    on_page_context = CombinedEvent(_hand_search_the_indexed_part, _restore_the_page)

    def on_post_page(self, output: str, *, page, config) -> str:
        if not self.config.enabled:
            return output
        if self._incremental is not None:
            self._incremental.remember_title(page)
        if self._progress is not None:
            self._progress.page_written()
        if self._tuner is not None:  # Material indexed the page at on_page_context
            self._tuner.tune_new(_search_plugin(config).search_index.entries)
        output = collapse_chrome(_escape_html_title(output, page, config))
        if self._incremental is not None and page.file.src_uri in self._segmented:
            self._incremental.remember_output(page, output, *self._segmented[page.file.src_uri])
        return output

    # Before Material's search plugin writes its index: the workers' entries join it.
    @event_priority(100)
    def _collect_workers(self, *, config) -> None:
        if self._workers is None:
            return
        workers, self._workers = self._workers, None
        plugin = _search_plugin(config)
        workers.finish_build(self._files, plugin.search_index if plugin is not None else None,
                             self._progress.page_written if self._progress is not None else None)

    # After Material's search plugin has written search/search_index.json.
    @event_priority(-50)
    def _finish_site(self, *, config) -> None:
        if not self.config.enabled:
            return
        index = Path(config.site_dir) / "search" / "search_index.json"
        # A build tuned each page's entries as it went (`_page_tuner`); serve rewrites Material's file.
        rewrite = bool(self.config.search) and self.kb is not None and self._tuner is None
        entries = None  # in a dirty serve rebuild: the whole index, of which Material wrote this build's part
        if self._incremental is not None and _search_plugin(config) is not None and index.is_file():
            entries = self._incremental.merge_search(_search_plugin(config), index, write=not rewrite)
        self._wait_for_old_site()
        if self._progress is not None:
            self._progress.done()
            self._progress = None
        if not rewrite:
            return
        self._rewrite_search_index(config, entries)

    # Last: the rebuild is done.
    @event_priority(-100)
    def _settle(self, *, config) -> None:
        if self.config.enabled and self._renders is not None:  # serve
            settle_after_rebuild()

    on_post_build = CombinedEvent(_collect_workers, _finish_site, _settle)

    def _start_workers(self, config, files) -> None:
        """A build on several cores: fork the Markdown workers (see parallel.py)."""
        self._workers, self._files = None, files
        if not self.config.enabled or self._command == "dirty" or self._renders is not None:  # serve
            return
        n, why_not = parallel.worker_count(self.config.workers, config)
        log.debug(f"building with {n} processes" + (f" ({why_not})" if why_not else ""))
        if n > 1:
            self._workers = parallel.Workers(n, in_child=self._become_worker)
            self._workers.start_render(config, files, heavy=self._generated)  # timeline, papers...: first

    def _page_tuner(self, config) -> search.PageTuner | None:
        """In a build, the search index is tuned a page at a time, by the process that builds the
        page, and Material writes it as we would (UTF-8): nothing is read back at the end."""
        plugin = _search_plugin(config)
        index = getattr(plugin, "search_index", None) if plugin is not None else None
        if not self.config.search or self.kb is None or index is None or self._renders is not None:
            return None
        tuner = search.PageTuner(index.config, search.PageNames(self.kb, config.use_directory_urls),
                                 _index_segmentation())
        index.generate_search_index = lambda prev: tuner.dump(index.entries).decode("utf-8")
        return tuner

    def _wait_for_old_site(self) -> None:
        if self._clearing is not None:
            self._clearing.wait()
            self._clearing = None

    def _become_worker(self) -> None:
        """In a forked worker: it reports to the build process, never forks, never prints progress."""
        self._workers = None
        self._progress = None

    # ------------------------------------------------------------------ helpers

    def _configure_markdown(self, config) -> None:
        """Chinese heading ids, `{ width=... }` on images, Markdown inside HTML blocks."""
        for ext in ("toc", "attr_list", "md_in_html", "tables"):
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        toc = config.mdx_configs.setdefault("toc", {})
        toc.setdefault("slugify", heading_slug)

    def _configure_search(self, config) -> None:
        """Separator with full-width punctuation, no stemmer: unless the site chose its own."""
        plugin = _search_plugin(config)
        if plugin is None:
            return
        if not plugin.config.get("separator"):
            plugin.config["separator"] = search.SEPARATOR
        if plugin.config.get("pipeline") is None:
            plugin.config["pipeline"] = list(search.PIPELINE)

    def _teach_segmenter(self, kb: KnowledgeBase) -> None:
        """jieba (global, used by Material at on_page_context) keeps every name of the knowledge base whole."""
        jieba = segmenter.jieba_like()  # the segmenter Material cuts with: taught words must reach it
        if jieba is None:
            return
        jieba.setLogLevel(30)
        # jieba's add_word costs ~0.1 ms (it test-cuts the word): skip words it has, or was taught in
        # an earlier `serve` rebuild (the segmenter's dictionary lives as long as the process).
        taught = _TAUGHT.setdefault(id(jieba), set())
        known = getattr(jieba, "get_FREQ", lambda word: None)
        for word in search.dictionary_words(kb):
            if word not in taught and not known(word):
                jieba.add_word(word)
                taught.add(word)

    def _rewrite_search_index(self, config, entries: list[dict[str, Any]] | None = None) -> None:
        """Each page's aliases, file name and papers go in a hidden field; the file is written as UTF-8.

        `entries`: the index's entries when Material's file holds only this build's (serve).
        """
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.is_file():
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        if entries is not None:
            data["docs"] = entries
        segment = _index_segmentation(self._name_cuts() if self._renders is not None else None)

        def tune(data: dict[str, Any], names: dict[str, list[str]]) -> dict[str, Any]:
            return search.tune_index(data, names, segment)

        names = search.page_names(self.kb, config.use_directory_urls,
                                  self._renders.memo if self._renders is not None else None)
        if self._renders is None:
            path.write_bytes(search.dump_index(tune(data, names)))
        else:  # serve: entries tuned in an earlier rebuild are reused (cache.py)
            assert self._cuts is not None  # `_name_cuts` made them for `segment`
            path.write_bytes(tuned_index(self._renders.memo, data, names, tune, search.dump_index, segment,
                                         segmenter=self._cuts[0]))

    def _name_cuts(self) -> dict[str, str]:
        """The cuts of the names added to the index, kept across serve rebuilds while the segmenter
        and the words taught to it are the same (words are only ever added to its dictionary)."""
        jieba = segmenter.jieba_like()
        state = (id(jieba), len(_TAUGHT.get(id(jieba), ())))
        if self._cuts is None or self._cuts[0] != state:
            self._cuts = (state, {})
        return self._cuts[1]

    def _configure_fonts(self, config) -> None:
        """Material's default Roboto comes from Google Fonts: blocked for many readers. Use system fonts."""
        theme = config.theme
        if theme.name == "material" and theme.get("font") == {"text": "Roboto", "code": "Roboto Mono"}:
            theme["font"] = False

    def _labels(self, config) -> Labels:
        language = self.config.language or config.theme.get("language") or "zh"
        return Labels(language, self.config.labels)

    def _log_diagnostics(self, kb: KnowledgeBase, repeat: bool = True) -> None:
        """Each warning about the notes. Unless `repeat`, a serve rebuild says only the ones
        the last rebuild did not, and how many it did: a save is answered with what it changed,
        not a vault's every warning again (--strict repeats them: it fails on any)."""
        said, self._said = self._said, set()
        again = 0
        for d in kb.diagnostics:
            text = str(d)
            if d.level not in ("error", "warning"):
                log.debug(text)
                continue
            self._said.add(text)
            if repeat or text not in said:
                log.warning(text)
            else:
                again += 1
        if again:
            log.info(f"{again} warning(s) as in the last rebuild, not repeated")

    def _replace_notes(self, files: Files, config, kb: KnowledgeBase, labels: Labels, memo: Memo | None,
                       fingerprints: Fingerprints | None = None) -> None:
        """Every note becomes a generated page from its rendered Markdown; .txt notes become pages."""
        renderer = NoteRenderer(kb, labels, config.use_directory_urls, memo=memo, fingerprints=fingerprints)
        by_src = files.src_uris  # note paths are POSIX already: no PurePath per lookup, as get_file_from_path makes
        for note in kb.notes.values():
            for src in {note.path, note.page_path}:
                old = by_src.get(src)
                if old is not None:
                    files.remove(old)
            files.append(self._generated_file(config, note.page_path, partial(renderer.render, note)))
        # Other files of the vault that are neither notes nor assets stay out of the site
        # (the loader reported each of them): among them links to files outside the vault,
        # which must never be published. Judged by where MkDocs found them, not where they point.
        known = set(kb.assets)
        docs = os.path.abspath(config.docs_dir)
        inside = docs.rstrip(os.sep) + os.sep
        for file in list(files):
            src = file.abs_src_path
            if not src or file.src_uri in known:
                continue
            src = os.path.abspath(src)
            if src == docs or src.startswith(inside):
                files.remove(file)

    def _add_generated_pages(self, files: Files, config, kb: KnowledgeBase, labels: Labels, memo: Memo | None,
                             fingerprints: Fingerprints) -> None:
        options = {name: self.config[name] for name in
                   ("home", "tags", "concepts", "timeline", "papers", "roadmap", "links", "exports")}
        options["site_name"] = config.site_name
        custom = config.theme.custom_dir
        ctx = PageContext(kb, labels, config.use_directory_urls,
                          template_dirs=[Path(custom)] if custom else [],
                          options=options, taken={n.page_path for n in kb.notes.values()},
                          memo=memo, fingerprints=fingerprints)
        self._generated, self._segmented = set(), {}
        for page in generate_pages(ctx):
            self._generated.add(page.path)
            old = files.src_uris.get(page.path)
            if old is not None:
                files.remove(old)
            if self._renders is not None:
                page.make_body()
            if page.segments is not None:  # serve: a change of its items alone is spliced in (splice.py)
                self._segmented[page.path] = (front_matter(page.title, page.meta), page.segments)
            files.append(self._generated_file(config, page.path, partial(GeneratedPage.markdown.fget, page),
                                              eager=page.segments is None))

    def _generated_file(self, config, src: str, make: Callable[[], str], eager: bool = True) -> File:
        """A file we generate; in a build, made when MkDocs reads it (a page: on whichever core
        converts it, see parallel.py). Serve makes it at once (its caches compare every page),
        unless not `eager`: a long page in Segments, signed without its megabytes of Markdown
        (Incremental.mark), which are joined only if MkDocs reads the page (not when spliced)."""
        if self._renders is None or not eager:
            return parallel.DeferredFile.deferred(config, src, make)
        return File.generated(config, src, content=make())

    def _add_assets(self, files: Files, config) -> None:
        for asset in sorted(ASSETS.iterdir()):
            src = f"assets/llmnotes/{asset.name}"
            if files.get_file_from_path(src) is None:
                files.append(File.generated(config, src, abs_src_path=str(asset)))

    def _add_exports(self, files: Files, config, kb: KnowledgeBase, memo: Memo | None,
                     fingerprints: Fingerprints) -> None:
        """entries.json, papers.bib and papers.csl.json at the site root (the papers page links them)."""
        urls = str(config.use_directory_urls)

        def kept_part(field: str, make_field: Callable[[], bytes]) -> bytes:
            # In serve, each field of the JSON export is kept on its own: a retitle writes the note list again only.
            assert memo is not None
            return memo.get(("export part", digest(urls, *exports.key(fingerprints, "json", field))), make_field)

        for fmt, name in exports.SITE_FILES.items():
            old = files.get_file_from_path(name)
            if old is not None:
                files.remove(old)
            if memo is None:  # a build: written when MkDocs copies the files, while workers build pages
                files.append(self._generated_file(config, name, partial(exports.render, kb, fmt,
                                                                        config.use_directory_urls, compact=True)))
                continue
            # Serve: kept as the bytes written, as MkDocs writes bytes as they are.
            key = digest(urls, *exports.key(fingerprints, fmt))
            content = memo.get(("export", key), lambda fmt=fmt: exports.encoded(
                kb, fmt, config.use_directory_urls, part=kept_part, kept_notes=memo.table(("export notes", urls))))
            files.append(File.generated(config, name, content=content))


def _others_see_templates(config, plugin: LlmnotesPlugin) -> bool:
    """Whether another plugin sees or changes the theme's templates as they render."""
    return any(getattr(method, "__self__", None) is not plugin
               for event in ("pre_template", "template_context", "post_template")
               for method in config.plugins.events.get(event, []))


def _index_segmentation(cuts: dict[str, str] | None = None) -> Callable[[str], str]:
    """How the names we add to the index are cut: as Material cut the rest of it.

    `cuts` (serve): each text's cut, kept by the caller while the segmenter's dictionary is the
    same (`_name_cuts`): a rebuild cuts the names of the pages whose names changed, not 2,000."""
    jieba = segmenter.jieba_like()  # None: Material indexes Chinese unsegmented then; so do we

    def segment(text: str) -> str:
        if not jieba:
            return text
        if cuts is None:
            return search.segment_han(text, jieba.cut)
        made = cuts.get(text)
        if made is None:
            made = cuts[text] = search.segment_han(text, jieba.cut)
        return made

    return segment


def _search_plugin(config):
    """Material's search plugin instance, when the site uses it."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search" and "jieba_dict_user" in plugin.config:
            return plugin
    return None


# Material's search on_page_context (which indexes a page, then removes its data-search-*
# attributes, as search.without_search_attributes repeats) in the version `_restore_the_page` follows.
_MATERIAL_PAGE_CONTEXT = "33eb62fd1688be4d99a4e7bf8fc51c1be3d37602b63ad5327c9be3abf5dc8d50"


def _material_strips_search_attributes(config) -> bool:
    """Whether the site's search plugin is the Material one `_restore_the_page` follows."""
    plugin = _search_plugin(config)
    method = getattr(type(plugin), "on_page_context", None) if plugin is not None else None
    return method is not None and upstream.source_digest(method) == _MATERIAL_PAGE_CONTEXT


def _read_page(config, files) -> Callable[[Any], None] | None:
    """MkDocs's reading of one page (on_pre_page to on_page_content), for a page a serve rebuild
    left out and then must render (Incremental.patch); None in a MkDocs without it."""
    from mkdocs.commands import build

    populate = getattr(build, "_populate_page", None)
    return None if populate is None else partial(populate, config=config, files=files, dirty=False)


def _escape_html_title(output: str, page, config) -> str:
    """Material prints `page.title | striptags` into <title>, which undoes our escaping."""
    title = html.unescape(page.title or "")
    if not any(ch in title for ch in "<>&"):
        return output
    return output.replace(f"<title>{title}", f"<title>{html.escape(title)}", 1)
