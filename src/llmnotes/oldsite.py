"""The previous site is deleted on another core while the new one is built.

Before a build MkDocs empties `site_dir` (everything but dot-files), file by file: half
a second for a 2,000-note site, during which nothing else happens. `clear_in_background`
instead moves the old entries into one hidden folder of `site_dir` (renames, instant),
which MkDocs's own cleaning then skips like any dot-file, and deletes that folder in a
forked process while the build goes on; the build waits for it before it ends
(`Clearing.wait`), so no trace of the old site is left in the new one. A hidden folder
left by a build that was killed is deleted by the next one.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

TRASH_PREFIX = ".llmnotes-old-site-"


class Clearing:
    """A deletion under way in a forked process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def wait(self) -> None:
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def clear_in_background(site_dir: str) -> Clearing | None:
    """Empty `site_dir` as MkDocs would (dot-files stay), the deleting done by a forked process.
    None when there is nothing to delete or no fork; MkDocs then cleans as usual."""
    if not hasattr(os, "fork") or not os.path.isdir(site_dir):
        return None
    entries = [e for e in os.listdir(site_dir) if not e.startswith(".") or e.startswith(TRASH_PREFIX)]
    if not entries:
        return None
    try:
        trash = tempfile.mkdtemp(prefix=TRASH_PREFIX, dir=site_dir)
    except OSError:
        return None
    try:
        for entry in entries:
            os.rename(os.path.join(site_dir, entry), os.path.join(trash, entry))
    except OSError:
        pass  # whatever was not moved, MkDocs deletes; what was, goes below
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the deleter: nothing of the build runs here
        try:
            shutil.rmtree(trash, ignore_errors=True)
        finally:
            os._exit(0)
    return Clearing(pid)
