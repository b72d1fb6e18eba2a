"""``grader check --watch``: grade again whenever a file of the submission changes.

제출물의 .py/.ipynb 파일이 바뀔 때마다 다시 채점한다. Polling with the standard library (mtime and
size every ~0.5 s): no dependency, and it works the same on every system and network folder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

SUFFIXES = (".py", ".ipynb")
MAX_FILES = 2000  # a submission is a handful of files; a huge tree is not walked further
Snapshot = dict[str, tuple[int, int]]


def snapshot(target: Path) -> Snapshot:
    """(mtime_ns, size) of the submission's .py/.ipynb files, hidden folders and caches
    skipped; links are not followed."""
    if target.is_file():
        files = [target]
    else:
        files = []
        for root, dirs, names in os.walk(target):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            files += [Path(root, n) for n in sorted(names) if n.endswith(SUFFIXES)]
            if len(files) >= MAX_FILES:
                break
    seen: Snapshot = {}
    for f in files[:MAX_FILES]:
        try:
            st = f.lstat()
        except OSError:
            continue  # removed while walking: the next poll sees it gone
        seen[str(f)] = (st.st_mtime_ns, st.st_size)
    return seen


def watch(target: Path, run: Callable[[], None], *, interval: float = 0.5,
          settle: float = 0.3, on_wait: Callable[[], None] = lambda: None,
          rounds: int | None = None) -> None:
    """Run ``run`` now and after every change under ``target``; returns after ``rounds`` runs
    (None: until interrupted). A change is acted on once the files have stood still for
    ``settle`` seconds (an editor's save is often several writes)."""
    done = 0
    while True:
        before = snapshot(target)
        run()
        done += 1
        if rounds is not None and done >= rounds:
            return
        on_wait()
        while True:
            time.sleep(interval)
            now = snapshot(target)
            if now != before:
                while True:  # debounce: wait until it stops changing
                    time.sleep(settle)
                    later = snapshot(target)
                    if later == now:
                        break
                    now = later
                break
