"""Work spread over forked processes (forkmap.py): every item done once, results as one process gives."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from llmnotes import forkmap

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forkmap needs fork()")


def test_each_item_is_claimed_by_exactly_one_process(tmp_path: Path) -> None:
    items = [f"p{i}.md" for i in range(400)]
    claims = forkmap.Claims(items)
    mine = tmp_path / "worker.txt"
    pid = os.fork()
    if pid == 0:  # a worker: claims as it goes, like the build process
        taken = [p for p in items if claims.claim(p, 1) == 1]
        mine.write_text("\n".join(taken), encoding="utf-8")
        os._exit(0)
    here = [p for p in items if claims.claim(p, forkmap.Claims.HERE) == forkmap.Claims.HERE]
    os.waitpid(pid, 0)
    there = [p for p in mine.read_text(encoding="utf-8").splitlines() if p]
    assert sorted(here + there) == sorted(items)  # every item once: none twice, none lost
    assert all(claims.claim(p, 1) == 1 for p in there)  # the first claim stands
    assert claims.claim("not-an-item.md", 1) == forkmap.Claims.HERE


def test_map_claimed_gives_what_one_process_gives(tmp_path: Path) -> None:
    log = tmp_path / "computed.log"

    def compute(n: int) -> tuple[int, list[str]]:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {n}\n")
        return n * n, [str(n)] * (n % 3)

    items = list(range(300))
    assert forkmap.map_claimed(items, compute, 3) == {n: compute(n) for n in items}
    rows = [line.split() for line in log.read_text(encoding="utf-8").splitlines()][:300]
    assert sorted(int(n) for _, n in rows) == items  # the parallel pass computed each item once


def test_a_failing_worker_leaves_its_items_to_the_caller() -> None:
    caller = os.getpid()

    def compute(n: int) -> int:
        if os.getpid() != caller:
            raise RuntimeError("a worker breaks")
        return n + 1

    assert forkmap.map_claimed(list(range(50)), compute, 2) == {n: n + 1 for n in range(50)}


def test_a_worker_failing_midway_keeps_what_it_sent_and_leaves_the_rest(tmp_path: Path) -> None:
    caller, worker_log, caller_log = os.getpid(), tmp_path / "worker.log", tmp_path / "caller.log"
    worker_done: list[int] = []  # the worker's own copy, after the fork

    def compute(n: int) -> int:
        if os.getpid() == caller:
            time.sleep(0.002)  # the caller is slower: the worker claims batches first
            with caller_log.open("a", encoding="utf-8") as out:
                out.write(f"{n}\n")
        else:
            worker_done.append(n)
            if len(worker_done) > 2 * forkmap.BATCH:
                raise RuntimeError("a worker breaks after sending two batches")
            with worker_log.open("a", encoding="utf-8") as out:
                out.write(f"{n}\n")
        return n * 2

    items = list(range(10 * forkmap.BATCH))
    assert forkmap.map_claimed(items, compute, 2) == {n: n * 2 for n in items}
    sent = [int(n) for n in worker_log.read_text(encoding="utf-8").split()]
    again = {int(n) for n in caller_log.read_text(encoding="utf-8").split()}
    assert len(sent) == 2 * forkmap.BATCH and not again & set(sent)  # what the worker sent is not redone
    assert again | set(sent) == set(items)


def test_an_error_in_the_caller_surfaces_and_reaps_the_workers(monkeypatch) -> None:
    forked = []
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(forkmap.os, "fork", recorded)

    def compute(n: int) -> int:
        if n == 0:
            raise ValueError("item 0 is bad")
        return n

    with pytest.raises(ValueError, match="item 0 is bad"):
        forkmap.map_claimed(list(range(20)), compute, 3)
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped already: no worker left behind
