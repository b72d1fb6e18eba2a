"""``%grade`` in real kernels (ipykernel, executed through nbclient): the report's points, hints
and timeout, the HTML in Chromium, the kernel alive after an endless loop, an interrupt within
a second, the checking process gone with the kernel, and the Colab case (no fence at all).

노트북 안 채점(%grade)을 실제 커널로 검사한다."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from nbconvert import HTMLExporter
from notebook_support import (
    DATA_CELL,
    RELU,
    RELU_LOOPS,
    SIGMOID,
    SIGMOID_DERIVATIVE_Z_AS_OUT,
    course_copy,
    hint_of,
    kernel_without_fences,
    outputs,
    run_notebook,
)

from grader.course.config import load_course
from grader.intake import notebook_code
from grader.messages import Msg
from grader.notebook import history, server
from grader.result import notes_of

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


# --- without a kernel ---------------------------------------------------------------------------
def test_importing_grader_imports_no_ipython() -> None:
    code = ("import sys, grader; assert callable(grader.load_ipython_extension); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'grader')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['grader']"


def test_the_history_becomes_a_notebook_cell_n_is_input_n() -> None:
    cells = ["%load_ext grader", "def f(x):\n    return x", "files = !ls", "%grade f"]
    nb = json.loads(history.as_notebook(cells, lambda s: f"get_ipython().getoutput({s!r})\n"))
    assert [c["execution_count"] for c in nb["cells"]] == [1, 2, 3, 4]
    assert nb["cells"][0]["source"] == "%load_ext grader"  # commented out by notebook_code
    assert nb["cells"][2]["source"].startswith("get_ipython()")  # not Python: IPython's form
    code = notebook_code.extract("n.ipynb", json.dumps(nb).encode())
    assert code.where(code.source.splitlines().index("def f(x):") + 1) == (2, 1)


def test_the_notebook_name_comes_from_the_front_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert history.notebook_name({}) == history.DEFAULT_NAME
    assert history.notebook_name({"__vsc_ipynb_file__": "/home/s/4차시.ipynb"}) == "4차시.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", "/srv/lab/work.ipynb")
    assert history.notebook_name({}) == "work.ipynb"


def test_which_functions_a_check_grades() -> None:
    course = load_course(ROOT / "course.yaml")
    source = SIGMOID + "\ndef adam(params, grads, state, lr=0.001):\n    pass\n"
    assert server.wanted_functions(course, None, source, []) == \
        (["activations.sigmoid", "optimizers.adam"], None)
    assert server.wanted_functions(course, None, source, ["relu", "optimizers.adam"]) == \
        (["activations.relu", "optimizers.adam"], None)
    chosen, why = server.wanted_functions(course, None, source, ["sigmoidd"])
    assert chosen == [] and why is not None and why.key == "notebook.unknown_functions"
    chosen, why = server.wanted_functions(course, None, "x = 1\n", [])
    assert chosen == [] and why is not None and why.key == "notebook.nothing_defined"


@pytest.mark.slow
def test_a_failing_data_cell_is_skipped_and_named_once(tmp_path: Path) -> None:
    """Through ``grader check``: the functions of the notebook are graded as usual (no error,
    no 0/20), one note names the cell; a cell that runs too long is stopped and named too."""
    from click.testing import CliRunner

    from grader.cli import main

    course = course_copy(tmp_path / "course", timeout_s=2, hidden=False)
    cells = [SIGMOID, DATA_CELL, RELU, "import time\ntime.sleep(30)\n"]
    nb = {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [],
                     "execution_count": None} for c in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    report = tmp_path / "r.json"
    started = time.monotonic()
    res = CliRunner().invoke(main, ["check", str(path), "--course", str(course), "--lang", "en",
                                    "--format", "json", "--output", str(report)])
    assert res.exit_code == 0, res.output
    assert time.monotonic() - started < 30  # the sleeping cell is cut at 1 s, not waited for
    result = json.loads(report.read_text(encoding="utf-8"))
    status = {f["name"]: f["status"] for f in result["functions"]}
    assert status["activations.sigmoid"] == status["activations.relu"] == "passed"
    assert "error" not in status.values()
    notes = notes_of(result, "en")
    skipped = [n for n in notes if "cell 2" in n]
    assert len(skipped) == 1 and "FileNotFoundError" in skipped[0], notes
    assert any("cell 4" in n and "1 s" in n for n in notes), notes


# --- in real kernels ----------------------------------------------------------------------------
def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Chromium이 없어 건너뜁니다 / no Chromium: apt-get install chromium")
    return found


# Reads the report from inside each frame of the exported notebook.
PROBE = """<script>window.addEventListener("load", () => {
  const frames = [...document.querySelectorAll("iframe.grader-report")].map(f => {
    const d = f.contentDocument;
    return {total: d.getElementById("total").innerText, text: d.body.innerText,
            images: d.images.length,
            broken: [...d.images].filter(i => !i.complete || i.naturalWidth === 0).length,
            scripts: d.querySelectorAll("script").length}; });
  const pre = document.createElement("pre"); pre.id = "probe";
  pre.textContent = JSON.stringify(frames); document.body.appendChild(pre); });</script>"""


def _frames_in_chromium(nb: Any, tmp: Path) -> list[dict[str, Any]]:
    """The notebook exported by nbconvert, opened in headless Chromium: what each report
    frame shows."""
    page, _ = HTMLExporter().from_notebook_node(nb)
    path = tmp / "notebook.html"
    path.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dumped = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile'}",
         "--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom",
         path.as_uri()], capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="probe">(.*?)</pre>', dumped.stdout, re.S)
    assert match, dumped.stderr[-2000:]
    text = match.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    return list(json.loads(text.replace("&amp;", "&")))


@pytest.mark.slow
def test_grade_in_a_kernel_points_hint_timeout_and_the_kernel_answers_after(
        tmp_path: Path) -> None:
    course = course_copy(tmp_path / "course", timeout_s=2)
    cells = ["%load_ext grader", SIGMOID, SIGMOID_DERIVATIVE_Z_AS_OUT, RELU_LOOPS, DATA_CELL,
             "%grade", "1 + 1", "%grade --lang en --pictures sigmoid",
             "import grader.notebook\ngrader.notebook.grade('nonexistent')",
             "import sys\nprint([m for m in ('pytest', 'grader.grading.engine', 'grader.grading.plugin',"
             " 'grader.boundary.proxy', 'activations') if m in sys.modules])"]
    nb = run_notebook(cells, course)
    text = outputs(nb, 5)
    lines = {ln.split()[1]: ln for ln in text.splitlines() if ln and ln[0] in "✓✗⏱"}
    assert "3/3" in lines["sigmoid"] and "0/3" in lines["sigmoid_derivative"]
    assert "0/2" in lines["relu"] and "⏱" in lines["relu"]
    assert "3 / 8" in text
    assert hint_of("activations_sigmoid_derivative_z_as_out")[:30] in text.replace("\n    ", "")
    # relu's limit follows the reference's time: the floor of 1 s, below the course's 2 s
    timeout = Msg("worker.timeout", what="activations.relu", seconds="1").render("ko")
    assert " ".join(timeout.split()) in " ".join(text.split())  # the report wraps its lines
    # the data cell: skipped, named once, and graded nothing away
    assert text.count("셀 5") == 1 and "FileNotFoundError" in text
    assert outputs(nb, 6) == "2"  # the kernel answers after the endless loop
    english = outputs(nb, 7)
    assert "sigmoid" in english and "3/3" in english and "passed" in english
    assert Msg("notebook.unknown_functions", names="nonexistent", known="").render("ko")[:20] \
        in outputs(nb, 8)
    assert outputs(nb, 9).strip() == "[]"  # no grading, no suite, no worker side in the kernel

    frames = _frames_in_chromium(nb, tmp_path)
    assert [f["total"] for f in frames] == ["3 / 8", "3 / 3"]
    first, pictured = frames
    assert hint_of("activations_sigmoid_derivative_z_as_out")[:30] in first["text"]
    assert "1초" in first["text"] and first["scripts"] == 0
    assert pictured["images"] >= 1 and pictured["broken"] == 0  # sigmoid beside the reference


def _pids_alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ", 1)[1][0] != "Z":
                    alive.append(pid)
        except OSError:
            pass
    return alive


@pytest.mark.slow
def test_a_hung_check_stops_within_a_second_and_the_checker_ends_with_the_kernel(
        tmp_path: Path) -> None:
    from jupyter_client.manager import start_new_kernel

    course = course_copy(tmp_path / "course", timeout_s=60)
    yaml = course / "course.yaml"  # the endless loop runs its full 60 s, not a derived second
    yaml.write_text(re.sub(r"call_floor_s: *\d+", "call_floor_s: 60",
                           yaml.read_text(encoding="utf-8")), encoding="utf-8")
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(course))
    try:
        def run(code: str, timeout: float = 60) -> dict[str, Any]:
            return dict(kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None))

        run("%load_ext grader")
        run("from grader.notebook import magic")  # a cell the worker skips: no grader there
        run(SIGMOID + RELU_LOOPS)
        run("%grade sigmoid")  # warm
        msg_id = kc.execute("%grade relu")
        time.sleep(2.0)  # the check is now inside the endless loop (60 s timeout)
        interrupted = time.monotonic()
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=10)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=10)
        answered = time.monotonic() - interrupted
        print(f"interrupt answered in {answered:.3f} s")
        assert answered < 1.0
        # the cell ends in error, as an interrupted cell does ("run all" stops there)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "CheckInterrupted"
        # the kernel answers, and a fresh checking process grades the fixed function
        seen: list[str] = []

        def keep(msg: dict[str, Any]) -> None:
            content = msg["content"]
            data = content.get("data") or {}
            text = data.get("text/plain", content.get("text", content.get("evalue", "")))
            seen.append(f"{msg['msg_type']}: {text}")

        def run_after_the_error(code: str) -> None:
            # a cell that ends in error makes ipykernel abort what arrives just after it (its
            # stop_on_error; "run all" stops there): such a request gets no execution, only
            # "aborted", so it is sent again, as a student would run the cell again
            for _ in range(50):
                reply = kc.execute_interactive(code, timeout=60, output_hook=keep)
                if reply["content"]["status"] != "aborted":
                    return
                time.sleep(0.1)
            raise AssertionError(f"the kernel aborted {code!r} 50 times")

        run_after_the_error(RELU + "\n%grade relu")
        run_after_the_error("print(magic._Kernel.checker.pid)")
        assert any("relu" in s and "2/2" in s for s in seen), seen
        checker = int(next(s.split(": ", 1)[1] for s in reversed(seen) if s.startswith("stream: ")))
        assert _pids_alive([checker]) == [checker]
    finally:
        km.shutdown_kernel(now=False)
        kc.stop_channels()
    deadline = time.monotonic() + 5
    while _pids_alive([checker]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _pids_alive([checker]) == []


@pytest.mark.slow
def test_colab_case_no_bubblewrap_no_landlock(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A student's tree grades its public suites without an alarming warning; the instructor's
    tree (hidden suites) is refused with ``grader check``'s reason."""
    for key, value in kernel_without_fences(tmp_path / "jupyter").items():
        monkeypatch.setenv(key, value)
    student = course_copy(tmp_path / "student", timeout_s=2, hidden=False)
    cells = ["import grader.notebook", SIGMOID, "%grade --lang en",  # import: as %load_ext
             "import grader.boundary.sandbox as s\nprint(s.probe_bwrap().ok, s.probe_landlock().ok)"]
    nb = run_notebook(cells, student, kernel_name="grader-no-fence")
    assert outputs(nb, 3).strip() == "False False"  # really no fence in this kernel
    text = outputs(nb, 2)
    assert "isolation: process" in text and "3 / 3" in text, text
    warning = Msg("engine.reduced_isolation").render("en")
    assert warning not in text and "WARNING" not in text

    instructor = course_copy(tmp_path / "instructor", timeout_s=2)
    nb = run_notebook(cells[:3], instructor, kernel_name="grader-no-fence")
    refused = outputs(nb, 2)
    expected = Msg("sandbox.no_fence", bwrap="", landlock="").render("en")
    assert expected.split(" — ")[0] in refused, refused
    assert "3 / 3" not in refused and os.environ.get("JUPYTER_PATH")



# --- released notebooks -------------------------------------------------------------------------
@pytest.mark.slow
def test_released_notebooks_check_each_function_in_place(tmp_path: Path) -> None:
    from ci_support import REQUIREMENT
    from click.testing import CliRunner

    from grader.cli import main

    out = tmp_path / "release"
    res = CliRunner().invoke(main, ["release", str(out), "--course", str(ROOT), "--notebooks",
                                    "--grader-requirement", REQUIREMENT])
    assert res.exit_code == 0, res.output
    a = load_course(ROOT / "course.yaml").assignment("lec04")
    for module, functions in a.exercises.items():
        nb = json.loads((out / "notebooks" / "lec04" / f"{module}.ipynb").read_text("utf-8"))
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        assert code[0] == "%load_ext grader"
        for function in functions:  # the test cell of each function, then its %grade cell
            test_cell = next(i for i, c in enumerate(code) if c.endswith(f"callable({function})"))
            assert code[test_cell + 1] == f"%grade {function}"
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert f'%pip install "{REQUIREMENT}"' in readme and "%load_ext grader" in readme


# --- the warm worker ----------------------------------------------------------------------------
@pytest.mark.slow
def test_each_check_gets_a_worker_started_ahead_that_sees_the_new_code(tmp_path: Path) -> None:
    """Between two checks a worker for the next one is already up, fenced; it imports the
    code staged by its own check (an edit is never graded with the old code)."""
    from grader.boundary.pool import WarmPool
    from grader.grading import engine

    course = load_course(course_copy(tmp_path / "course", timeout_s=2))
    wrong = SIGMOID.replace("return out", "return out * 2")
    seen: list[tuple[float, int]] = []
    checked_message: list[str] = []

    def work(grader_session: engine.Grader) -> None:
        check = server.grade_adapter(grader_session)
        for i, code in enumerate([wrong, SIGMOID, wrong]):
            assert grader_session._warm is not None
            warm = grader_session._warm.pool()
            assert isinstance(warm, WarmPool) and warm._pool is not None
            ahead = warm._pool._spare  # started before this check's notebook exists
            assert ahead is not None and ahead.alive()
            path = tmp_path / f"v{i}.ipynb"
            path.write_text(history.as_notebook([code]), encoding="utf-8")
            result = check(path, ["activations.sigmoid"], 1, False)
            seen.append((result.score, ahead.proc.pid))
            checked_message[:] = [t.message for t in result.functions[0].tests]

    engine.serve(course, None, work, warm=True)
    assert [s[0] for s in seen] == [0.0, 3.0, 0.0]
    # one grade: `grader check`'s grading of the same notebook and seed says the same
    checked = engine.grade(course, None, tmp_path / "v2.ipynb", seed=1)
    sigmoid = next(f for f in checked.functions if f.name == "activations.sigmoid")
    assert sigmoid.score == 0.0 and [t.message for t in sigmoid.tests] == checked_message
    assert len({s[1] for s in seen}) == 3  # a fresh worker per check
    assert _pids_alive([s[1] for s in seen]) == []  # none left behind
