"""A longer fuzzing campaign of the grader's own process: the properties of
``tests/test_fuzz.py`` with ``--scale`` times their examples each, random (not derandomised).

퍼징 캠페인: tests/test_fuzz.py의 속성들을 예제 수를 늘려 무작위로 돌리고, 속성마다 실행한 사례 수와
찾은 문제(실패한 속성과 그 최소 예제)를 출력한다.

Prints how many cases each property ran and what it found (each failing property with its
shrunk example, as pytest reports it). Keep every crasher it finds as an ``@example`` of its
property in tests/test_fuzz.py.

    python benchmarks/fuzz_campaign.py [--scale 20] [--only PATTERN]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20,
                        help="examples per property, as a multiple of the short campaign's")
    parser.add_argument("--only", default="", help="run the properties matching this (-k)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grader-fuzz-") as tmp:
        counts = Path(tmp) / "counts.json"
        env = {**os.environ, "GRADER_FUZZ_SCALE": str(args.scale), "GRADER_FUZZ_COUNTS": str(counts)}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   "tests/test_fuzz.py", "--hypothesis-show-statistics"]
        if args.only:
            command += ["-k", args.only]
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        cases = json.loads(counts.read_text(encoding="utf-8")) if counts.exists() else {}
    findings = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    if findings:  # the whole output in a log; here the errors and examples, lines cut short
        log = Path(tempfile.gettempdir()) / f"grader-fuzz-{int(time.time())}.log"
        log.write_text(done.stdout + done.stderr, encoding="utf-8", errors="backslashreplace")
        for line in done.stdout.splitlines():
            if line.startswith(("E ", "FAILED", "Falsifying")) or "Error" in line[:80]:
                print(line[:300])
        print(f"full output: {log}")
    print(f"fuzz campaign: scale {args.scale}, {seconds:.0f} s, {sum(cases.values())} cases")
    for prop, n in sorted(cases.items()):
        print(f"  {prop:<16} {n:>7}")
    print(f"findings: {len(findings)}" + "".join(f"\n  {f}" for f in findings))
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
