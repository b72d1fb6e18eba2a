"""Benchmark of ``%grade`` in a real kernel: a re-check after editing one function.

노트북 안 채점 벤치마크: 함수 하나를 고친 뒤 ``%grade 함수``로 다시 채점하는 데 걸리는 시간
(커널에 요청을 보내고 보고서가 표시될 때까지, 실제 ipykernel).

A kernel is started in the course (with ``solutions/``, so the hidden suites run too, behind
the strongest fence here), the reference's ``activations`` is run as one cell, and ``%grade``
warms the checking process. Each round then redefines ``sigmoid`` in a new cell (a real edit:
its source changes), waits ``--think`` seconds (reading the report and typing: the next check's
worker starts meanwhile) and times ``%grade sigmoid`` from the execute request to its reply: the
round trip a student waits for. Target on the 2-core machine: median <= 0.5 s. The load average
is printed: on a shared machine compare runs made under the same load.

    python benchmarks/bench_notebook.py [--repeat N] [--think S] [--pictures]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "solutions" / "lec04" / "activations.py"


def _timed(kc: Any, code: str) -> tuple[float, str]:
    """Seconds from the execute request to its reply, and the text the cell displayed."""
    shown: list[str] = []

    def keep(msg: dict[str, Any]) -> None:
        data = msg["content"].get("data") or {}
        shown.append(str(data.get("text/plain", msg["content"].get("text", ""))))

    start = time.perf_counter()
    kc.execute_interactive(code, timeout=300, output_hook=keep)
    return time.perf_counter() - start, "".join(shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pictures", action="store_true", help="time %%grade --pictures too")
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds between two checks (reading, editing); the next check's "
                             "worker starts in them")
    args = parser.parse_args()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    try:
        _timed(kc, "%load_ext grader")
        _timed(kc, REFERENCE.read_text(encoding="utf-8"))
        first, text = _timed(kc, "%grade")
        assert "20 / 20" in text, text
        times = []
        for i in range(args.repeat):
            edit = (f"def sigmoid(z):\n    z = np.asarray(z, dtype=np.float64)  # edit {i}\n"
                    "    return np.exp(-np.logaddexp(0.0, -z))\n")
            _timed(kc, edit)
            time.sleep(args.think)  # the student reads the report and edits
            seconds, text = _timed(kc, "%grade sigmoid")
            assert "3 / 3" in text, text
            times.append(seconds)
        module, _ = _timed(kc, "%grade")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
              f"{os.cpu_count()} cores")
        print(f"first %grade (activations, 9 functions, warm process): {first:.3f} s")
        print(f"re-check after one edit, %grade sigmoid: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, n={len(times)}, "
              f"{args.think:g} s between checks; target <= 0.5 s)")
        print(f"%grade of the whole module again: {module:.3f} s")
        if args.pictures:
            pictured, _ = _timed(kc, "%grade --pictures sigmoid")
            print(f"%grade --pictures sigmoid: {pictured:.3f} s")
    finally:
        km.shutdown_kernel(now=True)
        kc.stop_channels()


if __name__ == "__main__":
    main()
