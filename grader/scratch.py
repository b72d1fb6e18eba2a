"""Private temporary folders that never outlive a run.

임시 폴더 관리: 채점이 끝나면(강제 종료되었더라도 다음 실행 때) 지운다.

Every folder is named ``grader-<pid>-<kind>-…`` under the system temp folder. A run removes its
own in ``finally`` blocks (and SIGTERM/SIGINT are turned into a normal exit by the CLI so those
run); a run killed with SIGKILL cannot clean up, so each new run first removes the folders of
runs whose process no longer exists.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

PREFIX = "grader-"


def make_dir(kind: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{kind}-"))


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep_stale() -> list[Path]:
    """Remove the folders left by grader runs that were killed; return what was removed."""
    removed: list[Path] = []
    root = Path(tempfile.gettempdir())
    try:
        entries = list(root.glob(f"{PREFIX}*-*"))
    except OSError:
        return removed
    for entry in entries:
        pid_text = entry.name[len(PREFIX):].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
