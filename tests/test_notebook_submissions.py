"""Notebook submissions as students write them: matched by code, a stub .py never silently wins,
messages at cells, display code costs nothing, nothing found exits non-zero."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.grading.engine import grade
from grader.intake import notebook_code

COURSE = """
course:
  title: {ko: "노트북 과목", en: "Notebook course"}
limits: {call_timeout_s: 5, submission_budget_s: 30}
assignments:
  a1:
    title: {ko: "과제 1", en: "Assignment 1"}
    exercises:
      calc:
        add: 2
        scale: 3
      stats:
        mean: 5
"""

TESTS = {
    "calc": '''
import numpy as np
import pytest
from grader.suite import Reference, Student, compare

@pytest.mark.grades("calc.add")
def test_add(student: Student, reference: Reference, rng: np.random.Generator) -> None:
    a, b = rng.normal(size=(2, 4))
    compare.assert_close(student.calc.add(a, b), reference.calc.add(a, b), name="add")

@pytest.mark.grades("calc.scale")
def test_scale(student: Student, reference: Reference, rng: np.random.Generator) -> None:
    x = rng.normal(size=4)
    compare.assert_close(student.calc.scale(x, 3.0), reference.calc.scale(x, 3.0), name="scale")
''',
    "stats": '''
import numpy as np
import pytest
from grader.suite import Reference, Student, compare

@pytest.mark.grades("stats.mean")
def test_mean(student: Student, reference: Reference, rng: np.random.Generator) -> None:
    x = rng.normal(size=6)
    compare.assert_close(student.stats.mean(x), reference.stats.mean(x), name="mean")
''',
}

REFERENCE = {
    "calc": "def add(a, b):\n    return a + b\n\ndef scale(x, k=2.0):\n    return k * x\n",
    "stats": "import numpy as np\n\ndef mean(x):\n    return np.sum(x) / len(x)\n",
}
STUB = {m: "\n\n".join(f"def {f}(*args):\n    raise NotImplementedError()" for f in fs)
        for m, fs in {"calc": ["add", "scale"], "stats": ["mean"]}.items()}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    files = {"course.yaml": COURSE}
    for module, text in REFERENCE.items():
        files[f"solutions/a1/{module}.py"] = text
        files[f"exercises/a1/{module}.py"] = STUB[module]
        files[f"solutions/a1/tests/test_{module}.py"] = TESTS[module]
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def notebook(*cells: str, markdown: str = "# 4차시 실습") -> str:
    nb_cells = [{"cell_type": "markdown", "metadata": {}, "source": markdown}]
    for src in cells:
        nb_cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                         "outputs": [], "source": src.splitlines(keepends=True)})
    return json.dumps({"cells": nb_cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                      ensure_ascii=False)


CLASS_NOTEBOOK = notebook(
    "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
    "from IPython.display import display, HTML",
    REFERENCE["calc"],
    REFERENCE["stats"].replace("import numpy as np\n", ""),
    "x = np.linspace(0, 1, 5)\nfig, ax = plt.subplots()\nax.plot(x, scale(x))\nplt.show()\n"
    "display(HTML('<b>done</b>'))\nprint(mean(x))",
)


def test_a_class_notebook_holding_every_function_grades_fully(course: Path,
                                                              tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "4차시_실습.ipynb").write_text(CLASS_NOTEBOOK, encoding="utf-8")
    result = grade(load_course(course), "a1", sub, seed=3)
    assert result.score == result.max_score == 10, [(f.name, f.reason) for f in result.functions]
    notes = "\n".join(result.notes_in("both"))
    assert "4차시_실습.ipynb" in notes and "calc, stats" in notes and "taken as" in notes
    assert "display imports made no-ops" in notes and "matplotlib.pyplot" in notes
    # the notebook itself given as the path, inside a single top folder, and zipped
    single = grade(load_course(course), "a1", sub / "4차시_실습.ipynb", seed=3)
    assert single.score == 10 and single.modules == ["calc", "stats"]
    nested = tmp_path / "download" / "kim"
    nested.mkdir(parents=True)
    (nested / "4차시_실습.ipynb").write_text(CLASS_NOTEBOOK, encoding="utf-8")
    assert grade(load_course(course), "a1", tmp_path / "download", seed=3).score == 10


def test_a_stub_py_next_to_a_notebook_never_silently_wins(course: Path, tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "calc.py").write_text(STUB["calc"], encoding="utf-8")
    (sub / "calc.ipynb").write_text(notebook(REFERENCE["calc"]), encoding="utf-8")
    (sub / "stats.py").write_text(REFERENCE["stats"], encoding="utf-8")
    result = grade(load_course(course), "a1", sub, seed=3)
    assert result.score == 10
    note = next(n for n in result.notes_in("both") if "module calc" in n)
    assert "graded calc.ipynb (2 functions implemented)" in note and "calc.py (0)" in note
    # ... and a real .py is not replaced by a notebook that implements less
    (sub / "calc.py").write_text(REFERENCE["calc"], encoding="utf-8")
    (sub / "calc.ipynb").write_text(notebook(STUB["calc"]), encoding="utf-8")
    result = grade(load_course(course), "a1", sub, seed=3)
    assert result.score == 10
    assert any("graded calc.py" in n for n in result.notes_in("both"))


def at_cell(function: Any, ko: str, en: str) -> None:
    """The first failure points at the notebook's cell: in each language in its own words (the
    reason as data), and in both in the message kept for old readers."""
    assert ko in function.reason and en in function.reason, function.reason
    assert ko in function.reason_in("ko") and en not in function.reason_in("ko")
    assert en in function.reason_in("en") and "셀" not in function.reason_in("en")


def test_messages_point_at_the_notebook_cell(course: Path, tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    broken = ("def add(a, b):\n    return a + b\n\ndef scale(x, k=2.0):\n    y = k * x\n"
              "    return y / 0 + undefined_name\n")
    (sub / "work.ipynb").write_text(notebook("import numpy as np", broken, REFERENCE["stats"]),
                                    encoding="utf-8")
    result = grade(load_course(course), "a1", sub, seed=3)
    assert result.function("calc.add").status == "passed"
    # cell 1 is markdown; the code with the error is cell 3, its 6th line
    at_cell(result.function("calc.scale"), "work.ipynb 셀 3, 6번째 줄", "work.ipynb, cell 3, line 6")
    assert "calc.py" not in result.function("calc.scale").reason


def test_a_syntax_error_points_at_its_cell(course: Path, tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "calc.ipynb").write_text(notebook("import numpy as np", "def add(a, b)\n    return a"),
                                    encoding="utf-8")
    result = grade(load_course(course), "a1", sub, seed=3)
    at_cell(result.function("calc.add"), "calc.ipynb 셀 3, 1번째 줄", "calc.ipynb, cell 3, line 1")


def test_a_syntax_error_in_a_class_notebook_points_at_its_cell(course: Path,
                                                               tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "4차시_실습.ipynb").write_text(
        notebook(REFERENCE["calc"], REFERENCE["stats"], "for i in range(3)\n    print(i)"),
        encoding="utf-8")
    result = grade(load_course(course), "a1", sub, seed=3)
    notes = result.notes_in("both")
    assert any("taken as module(s) calc, stats" in n for n in notes), notes
    at_cell(result.function("stats.mean"), "4차시_실습.ipynb 셀 4, 1번째 줄",
            "4차시_실습.ipynb, cell 4, line 1")


def test_nothing_found_exits_non_zero_with_the_reason_first(course: Path, tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "메모.ipynb").write_text(notebook("print('hello')"), encoding="utf-8")
    (sub / "notes.txt").write_text("x", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(sub), "--course", str(course), "--lang", "en"])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0].startswith("grader: no module found: ")
    # the note, whole, wrapped to the terminal
    assert "defines none of the assignment's functions" in " ".join(r.stdout.split())
    # one language at a time: the same run in Korean says it all in Korean
    r = CliRunner().invoke(main, ["check", str(sub), "--course", str(course), "--lang", "ko"])
    assert r.exit_code == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith("grader: 채점할 모듈이 없습니다: ") and "no module found" not in first
    assert "과제의 함수를 하나도 정의하지 않아 쓰지 않았습니다" in " ".join(r.stdout.split())
    assert "defines none" not in r.stdout


def test_display_imports_become_no_ops_without_moving_lines() -> None:
    src = notebook("import numpy as np; import seaborn as sns\nfrom matplotlib import (\n"
                   "    pyplot as plt,\n    cm)\nx = 1\nsns.set(); plt.figure()[0].bar(1)")
    code = notebook_code.extract("n.ipynb", src.encode())
    lines = code.source.splitlines()
    at = {code.where(i + 1): line for i, line in enumerate(lines)}
    assert at[(2, 1)] == "import numpy as np; sns = _grader_no_display"
    assert at[(2, 2)] == "plt = _grader_no_display; cm = _grader_no_display"
    assert at[(2, 5)] == "x = 1"
    namespace: dict[str, object] = {}
    exec(compile(code.source, "n.py", "exec"), namespace)  # runs without matplotlib or seaborn
    assert namespace["x"] == 1
    allowed = notebook_code.extract("n.ipynb", src.encode(), allowed=["matplotlib"])
    assert "from matplotlib import" in allowed.source and "sns = _grader_no_display" in \
        allowed.source


def test_implemented_counts_real_bodies_only() -> None:
    src = ('def a():\n    """doc"""\n    raise NotImplementedError()\n'
           "def b():\n    pass\n"
           "def c():\n    return 1\n"
           "def d():\n    return 1\ndef d():\n    raise NotImplementedError\n")
    assert notebook_code.implemented(src, ["a", "b", "c", "d", "e"]) == {"c"}
    assert notebook_code.implemented("def (", ["a"]) == set()


# --- course.yaml worker.packages: extra packages the worker may import, under every fence -------

USES_YAML = ("import yaml\n\ndef add(a, b):\n    assert yaml.safe_load('x: 1') == {'x': 1}\n"
             "    return a + b\n\ndef scale(x, k=2.0):\n    return k * x\n")


def _with_packages(course: Path, packages: str) -> None:
    path = course / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"worker:\n  packages: {packages}\n",
                    encoding="utf-8")


def _fence_or_skip(isolation: str) -> None:
    from grader.boundary import sandbox

    probe = {"bwrap": sandbox.probe_bwrap, "landlock": sandbox.probe_landlock}.get(isolation)
    if probe is not None and not probe().ok:
        pytest.skip(f"{isolation} does not work here: {probe().reason}")


@pytest.mark.parametrize("isolation", ["bwrap", "landlock", "process"])
def test_a_course_listed_package_is_importable_under_every_fence(course: Path, tmp_path: Path,
                                                                 isolation: str) -> None:
    _fence_or_skip(isolation)
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "calc.py").write_text(USES_YAML, encoding="utf-8")
    (sub / "stats.py").write_text(REFERENCE["stats"], encoding="utf-8")
    # Not listed: the worker cannot import it (site-packages are out of its reach).
    before = grade(load_course(course), "a1", sub, seed=3, isolation=isolation)
    assert before.function("calc.add").score == 0
    assert "yaml" in before.function("calc.add").reason
    _with_packages(course, "[yaml]")
    after = grade(load_course(course), "a1", sub, seed=3, isolation=isolation)
    assert after.score == 10, [(f.name, f.reason) for f in after.functions]


def test_a_listed_package_is_not_neutralised_in_notebooks(course: Path) -> None:
    _with_packages(course, "[matplotlib]")
    assert load_course(course).worker.packages == ("matplotlib",)
    code = notebook_code.extract("n.ipynb", notebook("import matplotlib.pyplot as plt").encode(),
                                 allowed=load_course(course).worker.packages)
    assert "import matplotlib.pyplot as plt" in code.source


@pytest.mark.parametrize("value, says", [
    ("matplotlib", "a list of import names"),
    ("[matplotlib.pyplot]", "top-level import name"),
    ("[grader]", "a package other than"),
    ("[yaml, yaml]", "each package once"),
    ("{extra: 1}", "worker"),
])
def test_worker_packages_are_validated_strictly(course: Path, value: str, says: str) -> None:
    from grader.errors import GraderError

    _with_packages(course, value)
    if value.startswith("{"):
        path = course / "course.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "worker:\n  packages: {extra: 1}\n", "worker: {extra: 1}\n"), encoding="utf-8")
    with pytest.raises(GraderError, match=says):
        load_course(course)


def test_a_package_that_is_not_installed_is_a_clear_error(course: Path, tmp_path: Path) -> None:
    from grader.errors import GraderError

    _with_packages(course, "[no_such_package_xyz]")
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "calc.py").write_text(REFERENCE["calc"], encoding="utf-8")
    with pytest.raises(GraderError, match="is not installed"):
        grade(load_course(course), "a1", sub, seed=3)


@pytest.mark.slow
def test_the_lecture_notebook_with_every_reference_function_grades_100(tmp_path: Path) -> None:
    """The shipped course: one `4차시_실습.ipynb` with all five modules' code and a plot."""
    root = Path(__file__).resolve().parents[1]
    real = load_course(root / "course.yaml")
    a = real.assignment("lec04")
    cells = [(root / "solutions" / "lec04" / f"{m}.py").read_text(encoding="utf-8")
             for m in a.modules]
    cells.append("%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\n"
                 "plt.show()")
    path = tmp_path / "4차시_실습.ipynb"
    path.write_text(notebook(*cells), encoding="utf-8")
    result = grade(real, "lec04", path, seed=11)
    assert result.score == result.max_score == 100, [(f.name, f.reason) for f in result.functions
                                                     if f.status != "passed"]
    assert result.modules == a.modules
    assert any(", ".join(a.modules) in n and "taken as" in n for n in result.notes_in("both"))
