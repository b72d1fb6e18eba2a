"""Benchmark of ``grader check --watch``: one regrade after an edit, in the watching process.

``--watch`` 재채점 벤치마크: 파일을 고친 뒤 다시 채점하는 데 걸리는 시간 (감시 프로세스 안에서,
다음 채점의 작업자를 미리 띄워 둔 경우와 그렇지 않은 경우).

The reference's ``activations.py`` alone is the submission, graded against the course (hidden
suites too, behind the strongest fence here), as ``grader check folder --watch`` does: each round
edits the file, lets ``--think`` seconds pass (the file standing still: the next grading's worker
starts meanwhile) and times one grading as the watch loop runs it (report written included;
the polling that notices the change, ~0.5 s, is not counted). ``--cold`` times the same
without a worker started ahead. Target on the 2-core machine: median <= 0.25 s. The load
average is printed: on a shared machine compare runs made under the same load.

    python benchmarks/bench_watch.py [--repeat N] [--think S] [--cold]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from grader import cli
from grader.course.config import load_course
from grader.grading.watch import StartedAhead

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "solutions" / "lec04" / "activations.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds between two edits (the next grading's worker starts in them)")
    parser.add_argument("--cold", action="store_true", help="no worker started ahead (before)")
    parser.add_argument("--isolation", default="auto")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submission"
        folder.mkdir()
        source = REFERENCE.read_text(encoding="utf-8")
        report = Path(tmp) / "report.json"
        args = (folder / "activations.py", str(ROOT / "course.yaml"), None, "json", report, None, 0, None,
                opts.isolation, (), None, None, False, None)
        ahead = None if opts.cold else StartedAhead(load_course(ROOT / "course.yaml"), None,
                                                     None, opts.isolation)
        times = []
        try:
            for i in range(-1, opts.repeat):  # the first grading (imports, caches): not timed
                (folder / "activations.py").write_text(f"{source}\n# edit {i}\n",
                                                       encoding="utf-8")
                if ahead is not None:
                    ahead.prepare()
                time.sleep(opts.think)
                start = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    cli._check_once(*args, warm=ahead)
                seconds = time.perf_counter() - start
                data = json.loads(report.read_text(encoding="utf-8"))
                if data["score"] != data["max_score"]:
                    raise RuntimeError(f"the reference got {data['score']}/{data['max_score']}")
                if i >= 0:
                    times.append(seconds)
        finally:
            if ahead is not None:
                ahead.close()
        shutil.rmtree(folder, ignore_errors=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load}, {os.cpu_count()} cores, isolation {data['isolation']}")
    what = "no worker started ahead" if opts.cold else "worker started ahead"
    print(f"--watch regrade of activations ({what}): median {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}, n={len(times)}, {opts.think:g} s "
          f"between edits; target <= 0.25 s)")


if __name__ == "__main__":
    main()
