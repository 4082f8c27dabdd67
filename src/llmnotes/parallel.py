"""Parallel build: `mkdocs build` spreads its pages over the machine's cores (POSIX fork).

MkDocs builds pages one after another, twice over: Python-Markdown for every page, then
the theme's templates and the search plugin's HTML parsing for every page. Both are
per-page work whose only shared result is the search index, so pages are spread over
forked workers (a fork inherits the prepared build: config, files, navigation,
templates; only results travel back), the build process doing its share. Who does a
page is decided as the work goes (`forkmap.Claims`): each process walks the pages in
order and takes the next one nobody has, so a process slowed down by a busy core or a
heavy page takes fewer, and none sits idle while another has a queue.

- Markdown (`Workers.start_render`, at on_nav): every page is read and converted
  ahead of MkDocs's page loop, by a worker (which streams back source, metadata, HTML,
  table of contents, title and anchors) or by the build process itself; MkDocs's loop
  then takes each page's results in `page.read_source` and `page.render`, so every page
  event still runs in the build process, in order. Pages the plugin generates are
  `DeferredFile`s: their Markdown is made when first read, so whoever converts a page
  also renders it (a timeline, a note with its backlinks).
- Templates (`Workers.start_build`, at on_env): a worker builds and writes the pages it
  claims with MkDocs's own page builder (context, page events, template, file) and
  returns their search entries; MkDocs's loop skips those pages, and `finish_build`
  puts the entries in page order before the search plugin writes its index.

Log records of a page converted ahead are replayed in the build process at that page's
turn (a worker's templates: at the end), so warnings print and count for `--strict` as in
a sequential build; an error fails the build with the page named. Used only where that is
safe: a build (not `serve`, whose server runs threads), a system with fork and more than
one core, and a site whose plugins are all known to keep no per-page state but
Material's search index.
"""

from __future__ import annotations

import gc
import inspect
import logging
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any

from mkdocs.exceptions import BuildError
from mkdocs.structure.files import File

from .forkmap import Claims, usable_cores, widen_pipe

# Plugins whose page events only change the page itself, or Material's search index (merged here).
SAFE_PLUGINS = {"search", "llmnotes"}
_BUILD_PAGE_PARAMS = ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"]


def _mkdocs_build_module() -> Any:
    from mkdocs.commands import build

    return build


def worker_count(requested: int, config: Any) -> tuple[int, str]:
    """How many processes build this site (1: sequential), and why not more."""
    if requested == 1:
        return 1, "workers: 1"
    if not hasattr(os, "fork"):
        return 1, "no fork() on this system"
    n = requested or usable_cores()
    if n <= 1:
        return 1, "one core"
    unknown = unknown_plugin(config)
    if unknown is not None:
        return 1, unknown
    builder = getattr(_mkdocs_build_module(), "_build_page", None)
    if builder is None or list(inspect.signature(builder).parameters) != _BUILD_PAGE_PARAMS:
        return 1, "this MkDocs version builds pages differently"
    return n, ""


def unknown_plugin(config: Any) -> str | None:
    """Why a plugin of the site may see or keep a page's state in a way llmnotes does not
    follow, or None when its plugins are only Material's search and llmnotes (SAFE_PLUGINS)."""
    for name, plugin in config.plugins.items():
        short = name.split("/")[-1]
        if short not in SAFE_PLUGINS:
            return f"plugin '{name}' may keep per-page state"
        if short == "search" and not type(plugin).__module__.startswith("material."):
            return f"plugin '{name}' is not Material's search"
    return None


class DeferredFile(File):
    """A generated file whose content is made when first read (a page: by whichever process
    converts it)."""

    _make: Callable[[], str] | None = None
    _made: str | bytes | None = None

    @classmethod
    def deferred(cls, config: Any, src_uri: str, make: Callable[[], str]) -> DeferredFile:
        file = cls.generated(config, src_uri, content="")
        file._made, file._make = None, make
        return file

    @property  # type: ignore[override] - MkDocs's File keeps its content in this attribute
    def _content(self) -> str | bytes | None:
        if self._make is not None:
            self._made, self._make = self._make(), None
        return self._made

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._made, self._make = value, None

    def is_modified(self) -> bool:
        return True  # generated for this build, like every in-memory file (and asking must not render it)


# --------------------------------------------------------------------------- plumbing


class _Capture(logging.Handler):
    """A worker's log records, made picklable, to be replayed by the build process."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "_llmnotes_seen", False):  # reached both the mkdocs and the root logger
            return
        record._llmnotes_seen = True
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        out, self.records = self.records, []
        return out


def _replay(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


class _Worker:
    """One forked process and the pipe its results come back on (pickles, in order)."""

    def __init__(self, pid: int, reader: Any) -> None:
        self.pid = pid
        self.reader = reader
        self.pending: dict[str, tuple] = {}

    def receive(self) -> tuple:
        try:
            message = pickle.load(self.reader)
        except EOFError:
            self.reap()
            raise BuildError("llmnotes: a parallel build worker stopped without a word") from None
        if message[0] == "error":
            _replay(message[3])
            self.reap()
            raise BuildError(f"page '{message[1]}', in a parallel worker: {message[2]}")
        return message

    def take_one(self) -> None:
        """Receive one message of a Markdown worker: a page's results wait in `pending`; its last
        word ("done") is replayed and the worker reaped."""
        message = self.receive()
        if message[0] == "page":
            self.pending[message[1]] = message
        else:
            _replay(message[1])
            self.reap()

    def reap(self) -> None:
        if self.pid:
            self.reader.close()
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def _fork(job: Callable[[Callable[[tuple], None], _Capture, list[str]], None],
          in_child: Callable[[], None]) -> _Worker:
    """Run `job(send, capture, current)` in a forked process (`current[0]`: the page at work);
    the build process keeps the reading end."""
    read_fd, write_fd = os.pipe()
    widen_pipe(write_fd)
    sys.stdout.flush()
    sys.stderr.flush()
    # Objects shared with the fork stay out of both collectors' way (the build process's too,
    # until the workers end: `finish_render`, `stop`): a full collection writes to every object it walks,
    # which copies each memory page the two processes shared (~300 MB at 10,000 notes).
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read_fd)
        code = 0
        with os.fdopen(write_fd, "wb") as out:
            capture = _Capture()
            for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
                logger.handlers = [capture]

            def send(message: tuple) -> None:
                pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()  # whole messages: the build process reads them as they come

            current = [""]
            try:
                in_child()
                job(send, capture, current)
            except BaseException as exc:  # noqa: BLE001 - everything goes back to the build process
                code = 1
                try:
                    send(("error", current[0], f"{type(exc).__name__}: {exc}", capture.take() + [_error_record(exc)]))
                except BaseException:  # noqa: BLE001, S110 - the pipe is gone: the exit code tells
                    pass
            try:
                out.flush()
            except BaseException:  # noqa: BLE001
                code = 1
        os._exit(code)
    os.close(write_fd)
    return _Worker(pid, os.fdopen(read_fd, "rb"))


def _error_record(exc: BaseException) -> logging.LogRecord:
    record = logging.LogRecord("mkdocs.plugins.llmnotes", logging.DEBUG, __file__, 0,
                               "".join(traceback.format_exception(exc)), None, None)
    record._llmnotes_seen = True
    return record


# --------------------------------------------------------------------------- the two phases


def _convert(file: Any, config: Any, files: Any) -> tuple:
    """Read and convert one page as MkDocs's page loop would; the results, without log records."""
    from mkdocs.structure.pages import Page

    page = file.page if file.page is not None else Page(None, file, config)
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        source = page.markdown
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        page.render(config, files)
    finally:
        config._current_page = None
    anchors_to = {f.src_uri: links for f, links in (page.links_to_anchors or {}).items()}
    return ("page", file.src_uri, source, page.meta, page.content, page.toc, page._title_from_render,
            page.present_anchor_ids, anchors_to)


def _convert_here(file: Any, config: Any, files: Any, capture: _Capture) -> Callable[[], tuple]:
    """`_convert` in the build process, ahead of MkDocs's loop: its log records are held back
    for the page's turn (as a worker's are), and an error is raised then, naming the page."""
    loggers = (logging.getLogger(), logging.getLogger("mkdocs"))
    saved = [logger.handlers for logger in loggers]
    for logger in loggers:
        logger.handlers = [capture]
    try:
        made = _convert(file, config, files)
        failed = None
    except Exception as exc:  # noqa: BLE001 - raised again when MkDocs reaches the page
        made, failed = None, exc
    finally:
        for logger, handlers in zip(loggers, saved):
            logger.handlers = handlers
    records = capture.take()

    def result() -> tuple:
        if failed is not None:
            _replay(records)
            raise failed
        return made + (records,)

    return result


class Workers:
    """The forked workers of one build; `n` processes in all, counting the build process."""

    def __init__(self, n: int, in_child: Callable[[], None]) -> None:
        self.n = n
        self._in_child = in_child
        self._renderers: dict[int, _Worker] = {}
        self._results: dict[str, Callable[[], tuple]] = {}  # page → its converted results, once claimed
        self._taken: set[str] = set()
        self._converting = False
        self._builders: list[_Worker] = []
        self._original_build_page: Any = None

    # ---------------------------------------------------------------- Markdown

    def start_render(self, config: Any, files: Any, heavy: set[str] | None = None) -> None:
        """Convert every page's Markdown now, on all processes: fork workers, then take a share
        here too. Each page goes to the first process that claims it (`forkmap.Claims`); the
        pages in `heavy` are claimed first, so that none of them is left for last while the
        other processes have nothing to do."""
        pages = files.documentation_pages()
        todo = [f for f in pages if f.src_uri in (heavy or ())] + [f for f in pages if f.src_uri not in (heavy or ())]
        claims = Claims([f.src_uri for f in todo])
        for k in range(1, self.n):
            def job(send, capture, current, k=k):
                for file in todo:
                    if claims.claim(file.src_uri, k) == k:
                        current[0] = file.src_uri
                        send(_convert(file, config, files) + (capture.take(),))
                send(("done", capture.take()))

            self._renderers[k] = _fork(job, self._in_child)
        capture = _Capture()
        self._converting = True
        try:
            for file in todo:
                owner = claims.claim(file.src_uri, Claims.HERE)
                if owner == Claims.HERE:
                    self._results[file.src_uri] = _convert_here(file, config, files, capture)
                else:
                    self._results[file.src_uri] = self._from_worker(file.src_uri, self._renderers[owner])
                self._read_ready()
        finally:
            self._converting = False

    @staticmethod
    def _from_worker(src: str, worker: _Worker) -> Callable[[], tuple]:
        def result() -> tuple:
            while src not in worker.pending:
                if not worker.pid:  # it said "done" without this page
                    raise BuildError(f"llmnotes: no parallel result for page '{src}'")
                worker.take_one()
            return worker.pending.pop(src)

        return result

    def _read_ready(self) -> None:
        """Take in what the workers have sent so far, so that none waits on a full pipe."""
        import select

        live = {w.reader: w for w in self._renderers.values() if w.pid}
        while live:
            ready, _, _ = select.select(list(live), [], [], 0)
            if not ready:
                return
            for reader in ready:
                live[reader].take_one()
                if not live[reader].pid:
                    del live[reader]

    def renders(self, page: Any) -> bool:
        """Whether this page's HTML was made ahead, here or in a worker (until it has been taken)."""
        return page.file.src_uri in self._taken

    def take(self, page: Any) -> None:
        """Make `page.read_source` and `page.render` take the results made ahead for this page
        (waiting for a worker's if need be). The page's Markdown events ran where it was
        converted; MkDocs runs them again on the source read there, which changes nothing kept."""
        src = page.file.src_uri
        if self._converting or src not in self._results:
            return
        made = self._results.pop(src)
        self._taken.add(src)
        result: list[tuple] = []

        def read_source(config: Any) -> None:
            result.append(made())
            page.markdown, page.meta = result[0][2], result[0][3]

        def render(config: Any, files_: Any) -> None:
            self._taken.discard(src)
            _, _, _, _, content, toc, title, anchors, anchors_to, records = result[0]
            _replay(records)
            page.content, page.toc, page._title_from_render = content, toc, title
            page.present_anchor_ids = anchors
            by_src = {f: files_.get_file_from_path(f) for f in anchors_to}
            page.links_to_anchors = {by_src[f]: links for f, links in anchors_to.items() if by_src[f]} or None

        page.read_source, page.render = read_source, render

    def finish_render(self) -> None:
        """Every page has been taken: collect the workers' last words and reap them."""
        for worker in self._renderers.values():
            while worker.pid:
                worker.take_one()
        self._renderers = {}
        self._results = {}
        self._taken = set()
        gc.unfreeze()

    # ---------------------------------------------------------------- templates

    def start_build(self, config: Any, files: Any, nav: Any, env: Any, search_index: Any) -> None:
        """Fork workers that build and write pages; MkDocs's loop here skips the pages they claimed."""
        mkbuild = _mkdocs_build_module()
        build_page = mkbuild._build_page
        doc_files = files.documentation_pages()
        claims = Claims([f.src_uri for f in doc_files])
        # Workers take the largest pages first (a timeline, a paper index), this process takes
        # pages in MkDocs's order: no large page is left to the end for one process alone.
        biggest_first = sorted(doc_files, key=lambda f: -len(f.page.content or "") if f.page else 0)
        for k in range(1, self.n):
            def job(send, capture, current, k=k):
                entries = search_index.entries if search_index is not None else []
                results = []
                for file in biggest_first:
                    if claims.claim(file.src_uri, k) != k:
                        continue
                    current[0] = file.src_uri
                    before = len(entries)
                    build_page(file.page, config, doc_files, nav, env, False, file.inclusion.is_excluded())
                    results.append((file.src_uri, entries[before:]))
                send(("built", results, capture.take()))

            self._builders.append(_fork(job, self._in_child))

        def build_page_here(page, *args, **kwargs):
            if claims.claim(page.file.src_uri, Claims.HERE) != Claims.HERE:
                return None
            return build_page(page, *args, **kwargs)

        self._original_build_page = build_page
        mkbuild._build_page = build_page_here

    def finish_build(self, files: Any, search_index: Any, page_written: Callable[[], None] | None) -> None:
        """Wait for the workers; their search entries join the index in page order."""
        self._restore()
        by_page: dict[str, list] = {}
        try:
            for worker in self._builders:
                message = worker.receive()
                _replay(message[2])
                for src, entries in message[1]:
                    by_page[src] = entries
                    if page_written is not None:
                        page_written()
                worker.reap()
        finally:
            self.stop()
        if search_index is None or not by_page:
            return
        mine: dict[str, list] = {}
        for entry in search_index.entries:
            mine.setdefault(entry.get("location", "").split("#")[0], []).append(entry)
        merged: list = []
        for file in files.documentation_pages():
            if file.src_uri in by_page:
                merged.extend(by_page[file.src_uri])
            elif file.page is not None:
                merged.extend(mine.pop(file.page.url, []))
        for rest in mine.values():  # entries of no page of this build (another plugin's): keep them
            merged.extend(rest)
        search_index.entries = merged

    def _restore(self) -> None:
        if self._original_build_page is not None:
            _mkdocs_build_module()._build_page = self._original_build_page
            self._original_build_page = None

    def stop(self) -> None:
        """After an error, or once the workers are done: put MkDocs back, end the workers."""
        self._restore()
        gc.unfreeze()
        for worker in [*self._renderers.values(), *self._builders]:
            if worker.pid:
                try:
                    os.kill(worker.pid, 9)
                except ProcessLookupError:
                    pass
                worker.reap()
        self._renderers, self._builders = {}, []
        self._results, self._taken = {}, set()
