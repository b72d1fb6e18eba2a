"""The Gradescope autograder zip: ``setup.sh``, ``run_autograder`` and the hidden bundle.

Gradescope 자동 채점기 zip: ``setup.sh``(고정된 채점기 설치, 가능하면 bubblewrap),
``run_autograder``(``/autograder/submission``을 zip 안의 숨은 번들로 채점해
``/autograder/results/results.json``을 쓴다), 그리고 숨은 번들 ``bundle.zip``.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once when it builds the
image and ``run_autograder`` for each submission. The root ``/autograder`` can be moved with
``GRADER_AUTOGRADER_ROOT`` (tests run the script against a fake tree), the Python that has the
grader with ``GRADER_PYTHON`` (default: the virtual environment ``setup.sh`` made). The bundle's
SHA-256 is written into ``run_autograder``: a changed bundle is refused, never graded with.
Whatever happens, ``results.json`` is written: when the grader itself fails, it holds score 0 and
the reason, so the student sees why instead of Gradescope's generic error.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from grader import scratch
from grader.course.bundle import make_bundle
from grader.course.config import Course
from grader.course.release import check_requirement
from grader.messages import Msg

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

SETUP = """#!/usr/bin/env bash
# Gradescope: runs once when the autograder image is built.
set -euo pipefail
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
if command -v apt-get >/dev/null 2>&1; then
  # bubblewrap: the strongest fence; without it the grader falls back to Landlock.
  apt-get update -q && apt-get install -y -q --no-install-recommends \\
    python3 python3-venv python3-pip bubblewrap || echo "apt-get failed: grading without bwrap"
fi
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install -q --upgrade pip
"$ROOT/venv/bin/python" -m pip install -q {requirement}
"""

RUN = """#!/usr/bin/env bash
# Gradescope: runs once per submission.
set -uo pipefail
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
PY="${{GRADER_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
RESULTS="$ROOT/results/results.json"
rm -f "$RESULTS"
"$PY" -m grader check "$ROOT/submission" --bundle "$ROOT/source/bundle.zip" \\
  --bundle-sha256 {sha256} --assignment {assignment} \\
  --isolation "${{GRADER_ISOLATION:-auto}}" \\
  --format gradescope --output "$RESULTS" 2>"$ROOT/results/grader-stderr.txt"
code=$?
if [ ! -s "$RESULTS" ]; then
  # The grader could not grade: score 0 with the reason at the top, never an empty page.
  "$PY" - "$RESULTS" "$ROOT/results/grader-stderr.txt" "$code" <<'EOF'
import json, sys
reason = open(sys.argv[2], encoding="utf-8", errors="replace").read()[-8000:]
json.dump({{"score": 0, "visibility": "visible", "stdout_visibility": "hidden",
           "output": {could_not_grade} + " (exit " + sys.argv[3] + "):\\n" + reason,
           "tests": []}}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
EOF
fi
exit 0
"""


def _could_not_grade(course: Course) -> str:
    """The first words of the page when the grader could not grade, in the course's language (both
    when course.yaml does not say), as a Python string literal for the script."""
    return json.dumps(Msg("gradescope.could_not_grade").render(course.language or "both"),
                      ensure_ascii=False)


def autograder_files(course: Course, assignment: str, requirement: str) -> dict[str, bytes]:
    """Name in the zip -> contents: the hidden bundle and the two scripts."""
    a = course.assignment(assignment)
    check_requirement(requirement)
    work = scratch.make_dir("gradescope")
    try:
        digest = make_bundle(course, a.name, work / "bundle.zip", "full")
        bundle = (work / "bundle.zip").read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "bundle.zip": bundle,
        "setup.sh": SETUP.format(requirement=shlex.quote(requirement)).encode(),
        "run_autograder": RUN.format(sha256=digest, assignment=shlex.quote(a.name),
                                     could_not_grade=_could_not_grade(course)).encode(),
    }


def make_autograder(course: Course, assignment: str | None, out: Path, requirement: str) -> Path:
    """Write the autograder zip to ``out`` (atomically, same bytes for the same course)."""
    a = course.assignment(assignment)
    files = autograder_files(course, a.name, requirement)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if name in ("setup.sh", "run_autograder") else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, files[name])
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buffer.getvalue())
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    return out
