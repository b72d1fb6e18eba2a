"""Benchmark of ``grader similarity`` on a generated class of 200 full lec04 submissions.

Target on the 2-core reference machine: under 10 s for 200 submissions, reports included.
Each student hands in all five modules: ``activations`` and ``optimizers`` in one of four
independent styles, the other three modules in one of two; every student renames identifiers,
some also relayout and split expressions, some copy an earlier student, some hand in the stubs.
Entries are folders, checkouts, zips and notebooks. Generating the class is not timed.

    python benchmarks/bench_similarity.py [--students 200] [--seed 4]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from similarity_class import (  # noqa: E402  (the generator lives with the tests)
    MODULES,
    STYLES,
    disguise,
    write_checkout,
    write_folder,
    write_notebook,
    write_zip,
)
from similarity_class import style as style_of  # noqa: E402

from grader.course.config import load_course  # noqa: E402
from grader.similarity import class_entries, compare_class, starter_texts  # noqa: E402
from grader.similarity.ranking import Parameters  # noqa: E402
from grader.similarity.report import render_csv, render_html, render_text  # noqa: E402

OTHER_MODULES = ("backprop", "delta_rule", "linear_neurons")


def _other_style(name: str, module: str) -> str:
    import re
    if name == "reference":
        text = (ROOT / "solutions/lec04" / f"{module}.py").read_text()
        return re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", text, flags=re.M)
    return (ROOT / "tests/submissions/independent" / f"{module}.py").read_text()


def generate(folder: Path, students: int, seed: int) -> None:
    rng = random.Random(seed)
    styles = {s: style_of(s) for s in STYLES}
    stub = {m: (ROOT / "exercises/lec04" / f"{m}.py").read_text() for m in (*MODULES, *OTHER_MODULES)}
    handed: list[dict[str, str]] = []
    for i in range(students):
        roll = rng.random()
        if roll < 0.08:
            modules = dict(stub)
        elif roll < 0.23 and handed:
            original = rng.choice(handed)
            steps = rng.choice([("rename", "reorder"), ("relayout", "split"), ("rename", "split")])
            modules = {m: disguise(t, steps, seed=i) for m, t in original.items()}
        else:
            modules = {}
            for m in MODULES:
                steps = ("rename", "relayout", "split") if rng.random() < 0.3 else ("rename",)
                modules[m] = disguise(styles[rng.choice(STYLES)][m], steps, seed=i)
            for m in OTHER_MODULES:
                modules[m] = disguise(_other_style(rng.choice(["reference", "independent"]), m),
                                      ("rename",), seed=i)
        handed.append(modules)
        entry = folder / f"student{i:03d}"
        kind = i % 10
        if kind == 0:
            write_zip(entry.with_suffix(".zip"), modules, prefix=f"{entry.name}/")
        elif kind == 1:
            write_notebook(entry.with_suffix(".ipynb"), modules)
        elif kind in (2, 3):
            write_checkout(entry, modules)
        else:
            write_folder(entry, modules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    course = load_course(ROOT / "course.yaml")
    assignment = course.assignment("lec04")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        clock = time.perf_counter()
        generate(folder, args.students, args.seed)
        print(f"generated {args.students} submissions in {time.perf_counter() - clock:.1f} s "
              f"(not timed below)")

        started, cpu = time.perf_counter(), time.process_time()
        entries, _ = class_entries(folder)
        run = compare_class(entries, assignment, starter_texts(course.exercises_dir("lec04")),
                            Parameters())
        clock = time.perf_counter()
        render_text(run.analysis, top=20, width=100)
        render_html(run.analysis, top=50)
        render_csv(run.analysis)
        run.phases["report"] = time.perf_counter() - clock
        total = time.perf_counter() - started
        a = run.analysis
        tokens = sum(len(f.code.codes) for s in a.submissions for f in s.functions.values())
        print(f"{len(entries)} submissions, {tokens} tokens, {len(a.overall)} pairs sharing a "
              f"passage, {a.common_dropped} common fingerprints dropped")
        print("phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in run.phases.items()))
        print(f"in process: {total:.2f} s wall, {time.process_time() - cpu:.2f} s CPU (target < 10 s)")

        clock = time.perf_counter()
        subprocess.run([sys.executable, "-m", "grader", "similarity", str(folder), "--course",
                        str(ROOT / "course.yaml"), "--html", str(Path(tmp) / "r.html"),
                        "--csv", str(Path(tmp) / "r.csv")], check=True, capture_output=True)
        print(f"`grader similarity` command (start-up included): "
              f"{time.perf_counter() - clock:.2f} s")


if __name__ == "__main__":
    main()
