"""Red team: hostile submissions against the whole engine (worker, proxy, plugin, scoring).

레드팀: 적대적인 제출물로 채점기 전체를 시험한다. 각 공격은 참조 해답에서 함수 하나(또는 모듈
수준 코드)만 바꾼 것이므로 함수별 점수를 정확히 기대할 수 있다. 모든 테스트는 채점 시간의
상한과, 채점 뒤에 프로세스·임시 파일이 남지 않았음을 함께 확인한다.

Every attack lives in ``tests/redteam/`` (one file, or one folder, per attack). The test course
(``redteam_support.build_course``) grades ``activations`` with the real points plus two
``linear_neurons`` functions, with a 1 s call timeout and a 10 s submission budget. Each test
states the exact score of every function, a bound on the grading time, and (through
``redteam_support.watched``) that no process and no temporary file is left behind.

What stops what (``Attack.stopped_by`` and each test's docstring say it per attack):

- every fence (bwrap, landlock, process) — the per-call timeout and SIGKILL of the worker's
  process group (loops, ignored signals), after which the function's later tests fail at once;
  the submission budget (sleeping just under the timeout); an empty standard input (input());
  the worker's rlimits (memory, file size) and seccomp filter (fork/clone/exec, threads,
  sockets — so the network is closed under ``process`` too); the wire (only plain data crosses,
  bad frames are protocol violations); the process boundary itself (frames, monkeypatching);
  the engine's private copy of the suites (a shipped conftest.py & co.).
- bwrap — the filesystem view (no reference, no course, no hidden suites to read or to write),
  a private ``/tmp``, a PID namespace (the grading process is out of reach).
- landlock — the worker's own fence: the reference, the course, the hidden suites, the grader's
  temporary files, ``/proc`` and ``/tmp`` exist but cannot be opened (EACCES); it writes only
  its scratch folder; TCP is denied by Landlock too (ABI 4+), signals are scoped (ABI 6+).
- process — the report says the isolation was reduced (the filesystem, the course included, is
  readable and writable); the references are copied before any student code runs, the worker
  drops its capabilities and the grader is non-dumpable, so the trusted process itself stays out
  of reach there too. ``auto`` never picks it while hidden suites are in play.

``test_as_an_unprivileged_user`` runs the grader as user nobody (root hides permission
problems) with a stand-in ``bwrap`` that fails like AppArmor first on PATH.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redteam_support as rs

from grader.grading import suite_cache
from grader.result import message_of, notes_of

# ~75 whole gradings under two isolations: about 55 s here once a broken module is graded as
# quickly as any other submission (several minutes before: see
# test_a_broken_module_is_graded_quickly).
pytestmark = pytest.mark.slow

ATTACKS = Path(__file__).with_name("redteam")
ACTIVATIONS = [f"activations.{name}" for name in rs.ACTIVATION_POINTS]
GRADED = set(rs.ACTIVATION_POINTS)
ISOLATION = pytest.mark.parametrize("isolation", rs.fence_params())
# A grading of this course takes about 0.6 s; the bounds leave room for a loaded CI machine.
QUICK_S = 10.0
# A looping function pays the 1 s call timeout once: its later tests fail at once.
LOOPING_S = 8.0


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return rs.build_course(tmp_path_factory.mktemp("course"), rs.LIMITS)


@pytest.fixture(scope="session")
def budget_course(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return rs.build_course(tmp_path_factory.mktemp("budget-course"), rs.BUDGET_LIMITS)


def attack_source(name: str, **placeholders: object) -> str:
    """The reference ``activations.py`` with the attack applied: every graded function the
    attack file defines is renamed away in the reference, and the attack file is appended (its
    module-level code runs at import)."""
    text = (ATTACKS / f"{name}.py").read_text(encoding="utf-8")
    for key, value in placeholders.items():
        text = text.replace(f"@{key}@", str(value))
    assert not re.search(r"@[A-Z]+@", text), f"{name}: a placeholder was not filled"
    source = rs.ACTIVATIONS
    for function in re.findall(r"^def (\w+)\(", text, flags=re.MULTILINE):
        if function in GRADED:
            source = re.sub(rf"^def {function}\(", f"def _replaced_{function}(", source,
                            flags=re.MULTILINE)
    return source + "\n\n" + text


def grade_attack(course: Any, tmp_path: Path, name: str, isolation: str, max_s: float,
                 **placeholders: object) -> Any:
    """Grade the attack, watching for leftovers; check the time bound and the isolation."""
    submission = rs.write_submission(tmp_path / "submission",
                                     activations=attack_source(name, **placeholders))
    with rs.watched(tmp_path):
        result, seconds = rs.run_grading(course, submission, isolation)
    assert seconds < max_s, f"{name}: grading took {seconds:.1f} s (bound {max_s} s)"
    assert result.isolation == isolation
    # seccomp is installed by the worker in both isolations on Linux.
    assert not any("seccomp" in note for note in result.notes_in("both")), result.notes_in("both")
    return result


def all_activations(score: float, status: str) -> dict[str, tuple[float, str]]:
    return {name: (score, status) for name in ACTIVATIONS}


# --- attacks with a plain expectation --------------------------------------------------------------

@dataclass(frozen=True)
class Attack:
    name: str
    # function -> (score, status); every other graded function must keep full marks
    expected: dict[str, tuple[float, str | set[str]]]
    # function -> fragments its failure messages must contain (both languages where useful)
    says: dict[str, list[str]] = field(default_factory=dict)
    max_s: float = QUICK_S
    stopped_by: str = ""  # what stops it (both isolations unless stated)


RELU = "activations.relu"
TANH = "activations.tanh"
LAYERS = "activations.gradient_through_layers"
ATTACK_TABLE = [
    Attack("infinite_loop", {RELU: (0.0, "timeout")},
           {RELU: ["주어진 1초를 넘겨 실행을 멈췄습니다", "took longer than the 1 s limit",
                   "in the earlier test test_activation[relu-mutation], so it is not run again"]},
           LOOPING_S, "per-call timeout, then SIGKILL of the worker's process group; its "
           "later tests fail at once"),
    Attack("signals_ignored", {RELU: (0.0, "timeout")},
           {RELU: ["took longer than the 1 s limit", "so it is not run again"]}, LOOPING_S,
           "per-call timeout; SIGKILL cannot be ignored or blocked"),
    Attack("reads_input", {RELU: (0.0, "failed")},
           {RELU: ["EOFError", "표준 입력이 비어 있습니다", "standard input is empty"]}, QUICK_S,
           "standard input is /dev/null and input() fails at once, saying why"),
    Attack("os_exit_in_function", {RELU: (0.0, "error")},
           {RELU: ["채점용 프로세스가 비정상 종료", "worker process died", "exit code 0",
                   "os._exit/sys.exit?"]}, QUICK_S,
           "end of file on the response pipe (the wire): a dead worker fails the call"),
    Attack("sys_exit_in_function", {RELU: (0.0, "failed")},
           {RELU: ["SystemExit", "예외가 발생했습니다"]}, QUICK_S,
           "the worker catches SystemExit like any exception"),
    # The signal's name is checked by test_a_crash_names_its_signal.
    Attack("segfault", {RELU: (0.0, "error")},
           {RELU: ["채점용 프로세스가 비정상 종료", "worker process died"]}, QUICK_S,
           "the worker dies; the trusted side fails the call and starts a new worker"),
    Attack("recursion", {RELU: (0.0, "failed")},
           {RELU: ["RecursionError"]}, QUICK_S, "Python's recursion limit"),
    Attack("recursion_c_stack", {RELU: (0.0, "error")},
           {RELU: ["worker process died"]}, QUICK_S,
           "the C stack overflows and the worker dies of SIGSEGV"),
    Attack("memory_bomb", {RELU: (0.0, "failed")},
           {RELU: ["MemoryError", "512 MB"]}, QUICK_S, "RLIMIT_AS (limits.memory_mb)"),
    Attack("huge_array_zeros", {RELU: (0.0, "failed")},
           {RELU: ["MemoryError"]}, QUICK_S, "RLIMIT_AS: np.zeros(10**9) cannot be allocated"),
    Attack("huge_array_broadcast", {RELU: (0.0, "error")},
           {RELU: ["invalid reply", "too large"]}, QUICK_S,
           "RLIMIT_AS while the worker encodes the reply; the wire reports it too large"),
    Attack("spawn_subprocess", {RELU: (0.0, "failed")},
           {RELU: ["PermissionError", "Operation not permitted"]}, QUICK_S,
           "seccomp (fork/vfork/clone/execve → EPERM); bwrap's PID namespace as a backstop"),
    Attack("spawn_fork", {RELU: (0.0, "failed")},
           {RELU: ["PermissionError", "Operation not permitted"]}, QUICK_S, "seccomp"),
    Attack("spawn_multiprocessing", {RELU: (0.0, "failed")},
           {RELU: ["PermissionError", "Operation not permitted"]}, QUICK_S, "seccomp"),
    Attack("background_thread", {RELU: (0.0, "failed")},
           {RELU: ["RuntimeError", "can't start new thread"]}, QUICK_S,
           "seccomp (clone → EPERM): no thread can start"),
    Attack("writes_2gib", {RELU: (0.0, "failed")},
           {RELU: ["File too large", "file size limit of 4 MB"]}, QUICK_S,
           "RLIMIT_FSIZE (limits.file_size_mb); Python ignores SIGXFSZ so it is an OSError"),
    Attack("lying_eq", {RELU: (0.0, "failed")},
           {RELU: ["returned _Liar", "돌려준 값의 자료형 _Liar"]}, QUICK_S,
           "the wire: only plain data crosses; anything else is Unsupported"),
    Attack("lying_array", {TANH: (0.0, "failed")},
           {TANH: ["returned _ArrayLike", "expected ndarray"]}, QUICK_S, "the wire"),
    Attack("lying_float", {LAYERS: (0.0, "failed")},
           {LAYERS: ["returned _FloatLike", "expected float"]}, QUICK_S, "the wire"),
    # The raises-ValueError test of gradient_through_layers passes (1 of its 2 points).
    Attack("lying_subclasses", {RELU: (0.0, "failed"), LAYERS: (1.0, "partial")},
           {RELU: ["got 0, expected"], LAYERS: ["got 123"]}, QUICK_S,
           "the wire sends subclasses as their raw data; compare uses NumPy on plain types"),
    Attack("nan_inf", {RELU: (0.0, "failed"), TANH: (0.0, "failed")},
           {RELU: ["got nan, not a finite number"], TANH: ["got inf, not a finite number"]}, QUICK_S,
           "compare: NaN/inf where the reference is finite"),
    Attack("monkeypatch_numpy", {RELU: (0.0, "failed")},
           {RELU: ["relu(z)", "elements differ"]}, QUICK_S,
           "comparisons run in the trusted process, which never sees the patches"),
    Attack("frame_walk", {RELU: (0.0, "failed")},
           {RELU: ["no expected value found"]}, QUICK_S,
           "the process boundary: expected values never enter the worker"),
    Attack("forged_reply", {RELU: (0.0, "error")},
           {RELU: ["invalid reply", "잘못된 응답"]}, QUICK_S,
           "the wire: a frame over MAX_MESSAGE_BYTES is a protocol violation"),
]


@ISOLATION
@pytest.mark.parametrize("attack", ATTACK_TABLE, ids=[a.name for a in ATTACK_TABLE])
def test_attack(course: Any, tmp_path: Path, isolation: str, attack: Attack) -> None:
    """See ``Attack.stopped_by``; these hold under every fence."""
    result = grade_attack(course, tmp_path, attack.name, isolation, attack.max_s)
    rs.check_scores(result, attack.expected)
    for function, fragments in attack.says.items():
        text = rs.messages(result, function)
        for fragment in fragments:
            assert fragment in text, f"{function}: {fragment!r} not in {text[:800]!r}"


@ISOLATION
def test_a_crash_names_its_signal(course: Any, tmp_path: Path, isolation: str) -> None:
    """The worker dies of SIGSEGV; under bwrap the trusted side waits for bwrap itself, which
    exits with 128 + 11 = 139 — the message still names the signal."""
    result = grade_attack(course, tmp_path, "segfault", isolation, QUICK_S)
    rs.check_scores(result, {RELU: (0.0, "error")})
    assert "segmentation fault (SIGSEGV)" in rs.messages(result, RELU)


# --- module-level attacks: the module is lost, the other module keeps its points ---------------

# Stopped by the load's call timeout / a dead worker / the worker catching SystemExit; the module
# is then remembered as broken. Bound: these must be as quick as any other grading — today they
# take ~30 s (see test_a_broken_module_is_graded_quickly), hence the loose bound here.
MODULE_LEVEL_S = 120.0


@ISOLATION
def test_import_hangs(course: Any, tmp_path: Path, isolation: str) -> None:
    """Endless loop at import: the load times out (per-call timeout), every activations
    function gets status timeout, linear_neurons keeps full marks."""
    result = grade_attack(course, tmp_path, "import_hangs", isolation, MODULE_LEVEL_S)
    rs.check_scores(result, all_activations(0.0, "timeout"))
    for name in ACTIVATIONS:
        assert "while importing activations.py" in rs.messages(result, name)


@ISOLATION
def test_os_exit_at_import(course: Any, tmp_path: Path, isolation: str) -> None:
    """os._exit(0) at import: a dead worker during the load (status error)."""
    result = grade_attack(course, tmp_path, "os_exit_at_import", isolation, MODULE_LEVEL_S)
    rs.check_scores(result, all_activations(0.0, "error"))
    text = rs.messages(result, RELU)
    assert "while importing activations.py" in text and "exit code 0" in text


@ISOLATION
def test_sys_exit_at_import(course: Any, tmp_path: Path, isolation: str) -> None:
    """sys.exit(3) at import: an import error of this module, naming SystemExit."""
    result = grade_attack(course, tmp_path, "sys_exit_at_import", isolation, MODULE_LEVEL_S)
    rs.check_scores(result, all_activations(0.0, "error"))
    text = rs.messages(result, RELU)
    assert "불러오지 못했습니다" in text and "does not import — SystemExit" in text


def test_a_broken_module_is_graded_quickly(course: Any, tmp_path: Path) -> None:
    """A module that does not import is graded quickly. (It once cost ~30 s: re-raising the
    same remembered exception object appended frames to its ``__traceback__`` for every test,
    quadratic in the number of tests.)"""
    result = grade_attack(course, tmp_path, "sys_exit_at_import", "process", MODULE_LEVEL_S)
    assert result.duration_s < QUICK_S


def test_a_remembered_import_error_does_not_grow(tmp_path: Path, course: Any) -> None:
    """The remembered import error's traceback does not grow from test to test."""
    from grader.boundary.proxy import StudentSession
    from grader.errors import StudentError

    submission = rs.write_submission(tmp_path / "s", activations="import sys\nsys.exit(3)\n")
    session = StudentSession(submission, ["activations"], course.limits, "process")
    lengths = []
    try:
        for _ in range(5):
            with pytest.raises(StudentError) as info:
                session.call("activations", "relu", (1.0,), {})
            lengths.append(len(traceback.extract_tb(info.value.__traceback__)))
    finally:
        session.close()
    assert lengths[-1] == lengths[1], f"traceback grows with every test: {lengths}"


# --- attacks with their own checks ---------------------------------------------------------------

@pytest.fixture(scope="module", params=rs.fence_params())
def budget_result(request: pytest.FixtureRequest, budget_course: Any,
                  tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One grading of ``sleep_under_timeout`` per isolation (the budget is kept by the trusted
    side, so it holds the same under both)."""
    return grade_attack(budget_course, tmp_path_factory.mktemp("budget"), "sleep_under_timeout",
                        request.param, 60.0)


def test_budget_stops_sleeping_just_under_the_timeout(budget_result: Any) -> None:
    """Every function sleeps 0.6 s (timeout 1 s): no call times out, the 2.8 s submission
    budget does. Calls 1-3 (sigmoid's three tests) and 4 (sigmoid_derivative's first) fit;
    call 5 gets the remaining ~0.4 s and times out; everything after it is refused at once
    (status timeout), linear_neurons included: the budget is the submission's."""
    expected = {name: (0.0, "timeout") for name in rs.POINTS if name != "activations.sigmoid"}
    expected["activations.sigmoid_derivative"] = (1.5, "partial")
    rs.check_scores(budget_result, expected)  # sigmoid: full marks
    for name in [*ACTIVATIONS[2:], *(n for n in rs.POINTS if n.startswith("linear"))]:
        assert "time budget of 2.8 s is used up" in rs.messages(budget_result, name)
    # Grading ends within the budget plus the grader's own time (workers, pytest). Fails today
    # (~20 s): see test_a_broken_module_is_graded_quickly.
    assert budget_result.duration_s < 2.8 + 5.0


def test_budget_cut_call_names_the_budget(budget_result: Any) -> None:
    """The call cut short by the remaining budget (~0.4 s of the 1 s timeout) says that the
    submission's budget ran out, not that the call timed out."""
    text = rs.messages(budget_result, "activations.sigmoid_derivative")
    assert "budget" in text, text


def test_report_names_the_isolation(course: Any, tmp_path: Path) -> None:
    """The report says which isolation was used: process isolation carries the
    reduced-isolation note, bwrap none; seccomp is on in both (no seccomp note)."""
    submission = rs.write_submission(tmp_path / "ok")
    for isolation in [f for f in rs.ISOLATIONS if not rs.fence_unavailable(f)]:
        with rs.watched(tmp_path):
            result, _ = rs.run_grading(course, submission, isolation)
        assert result.score == result.max_score
        reduced = [n for n in result.notes_in("both") if "reduced isolation" in n]
        assert bool(reduced) == (isolation == "process"), result.notes_in("both")
        # Landlock: the ABI in force and what it fences
        assert any(re.search(r"fenced with Landlock ABI \d+ \(filesystem", n)
                   for n in result.notes_in("both")) == (isolation == "landlock"), result.notes_in("both")
        assert not any("seccomp" in n for n in result.notes_in("both"))


@ISOLATION
def test_mutation_check_cannot_be_patched_away(course: Any, tmp_path: Path,
                                               isolation: str) -> None:
    """The student replaces ``np.array_equal`` at import and changes its input in place: the
    worker compares shape, dtype and bytes with ndarray's own methods, so relu still loses the
    mutation test (1 of 2 points)."""
    result = grade_attack(course, tmp_path, "mutation_check_forged", isolation, QUICK_S)
    rs.check_scores(result, {RELU: (1.0, "partial")})
    assert "in place" in rs.messages(result, RELU)


@ISOLATION
def test_steal_reference_from_the_filesystem(course: Any, tmp_path: Path, isolation: str) -> None:
    """relu searches the filesystem for solutions/lec04/activations.py and returns the
    reference's answer. bwrap: the sandbox holds only Python, NumPy and the submission — nothing
    found, relu 0. process: the filesystem is readable and the theft works (relu keeps its
    points); the report must say the isolation was reduced and the reference was exposed."""
    result = grade_attack(course, tmp_path, "steal_reference", isolation, QUICK_S)
    if isolation != "process":
        rs.check_scores(result, {RELU: (0.0, "failed")})
        text = rs.messages(result, RELU)
        # Landlock leaves names visible to stat(): a found path is then refused on open.
        assert "reference not found" in text or "PermissionError" in text, text
        assert not any("reduced isolation" in n for n in result.notes_in("both"))
    else:
        rs.check_scores(result, {})
        assert any("reduced isolation" in n and "hidden suites and reference included" in n
                   for n in result.notes_in("both")), result.notes_in("both")


@ISOLATION
def test_tamper_with_the_reference_of_another_module(tmp_path: Path, isolation: str) -> None:
    """relu rewrites the course's solutions/lec04/linear_neurons.py (the reference of a module
    graded later) to plant code in it. Nothing a student writes may ever run in the grading
    process. bwrap: the course is not in the sandbox, the file is untouched. process: the file
    is changed (the report says the isolation was reduced), but the engine copied the
    references before any student code ran, so the planted code never runs. A private course per
    test: the attack really modifies it."""
    course = rs.build_course(tmp_path / "own-course", rs.LIMITS)
    target = course.solutions_dir(rs.ASSIGNMENT) / "linear_neurons.py"
    marker = tmp_path / "pwned"
    assert target.resolve().is_relative_to(tmp_path.resolve())  # never the repository's
    result = grade_attack(course, tmp_path, "tamper_reference", isolation, QUICK_S,
                          TARGET=target, MARKER=marker)
    rs.check_scores(result, {})
    assert (target.read_text(encoding="utf-8") == rs.LINEAR_NEURONS) == (isolation != "process")
    assert not marker.exists(), "student code ran in the grading process"


@ISOLATION
def test_read_the_grading_process(course: Any, tmp_path: Path, isolation: str) -> None:
    """relu reads /proc/<ppid>/environ and /proc/<ppid>/mem of its parent. bwrap: the parent is
    bwrap's init in a new PID namespace (relu raises, 0 points). landlock: /proc is outside the
    fence (PermissionError). process: the parent is the
    grading process, which is non-dumpable, and the worker has dropped its capabilities (even
    as root), so both reads fail with a permission error: 0 points."""
    result = grade_attack(course, tmp_path, "read_grader_process", isolation, QUICK_S)
    rs.check_scores(result, {RELU: (0.0, "failed")})
    if isolation == "bwrap":
        assert "the grader is out of reach" in rs.messages(result, RELU)
    else:
        assert "PermissionError" in rs.messages(result, RELU)


@ISOLATION
def test_writing_files(course: Any, tmp_path: Path, isolation: str,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """relu writes a fake results.json into its working folder and its module's folder, and a
    file into /tmp, then answers correctly: full marks (writing is not a mistake), an honest
    score, and nothing lands in our working folder or the submission. The working folder is
    private in both isolations and removed afterwards (``watched`` checks the temporary folder
    is empty). /tmp is private under bwrap (a tmpfs) and out of reach under Landlock; under
    process isolation the file really appears in the machine's /tmp."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    token = f"grader-redteam-{secrets.token_hex(6)}"
    leaked = Path("/tmp") / f"{token}.json"
    try:
        result = grade_attack(course, tmp_path, "writes_files", isolation, QUICK_S, TOKEN=token)
        rs.check_scores(result, {})
        assert result.score == result.max_score == sum(rs.POINTS.values())
        assert list(cwd.iterdir()) == []
        assert sorted(p.name for p in (tmp_path / "submission").iterdir()) == \
            ["activations.py", "linear_neurons.py"]
        assert leaked.exists() == (isolation == "process")
    finally:
        leaked.unlink(missing_ok=True)


@ISOLATION
def test_tcp_connection_to_a_local_listener(course: Any, tmp_path: Path, isolation: str) -> None:
    """relu connects to 127.0.0.1:PORT and sends its input. socket() fails with EPERM from the
    seccomp filter under BOTH isolations (bwrap's empty network namespace is a second wall);
    the listener receives nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        result = grade_attack(course, tmp_path, "tcp_connect", isolation, QUICK_S, PORT=port)
        listener.settimeout(0.3)
        with pytest.raises(TimeoutError):
            listener.accept()
    rs.check_scores(result, {RELU: (0.0, "failed")})
    assert "PermissionError" in rs.messages(result, RELU)


def _ship_tooling(folder: Path, marker: Path) -> None:
    for src in (ATTACKS / "ships_own_tooling").rglob("*.src"):
        target = folder / src.relative_to(ATTACKS / "ships_own_tooling").with_suffix("")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(src.read_text(encoding="utf-8").replace("@MARKER@", str(marker)),
                          encoding="utf-8")


@ISOLATION
def test_submission_ships_its_own_tooling(course: Any, tmp_path: Path, isolation: str) -> None:
    """conftest.py, pytest.ini, sitecustomize.py, usercustomize.py, numpy.py, a .pth file and a
    grader/ package beside a wrong relu: none of them runs (no marker file appears — they would
    write one from the grading process or, under process isolation, from the worker), and relu
    loses its points. Suites are collected from a private copy with --noconftest; the worker
    runs ``python -I -S`` with NumPy and grader imported before the submission is on sys.path."""
    marker = tmp_path / "markers"
    marker.mkdir()
    submission = rs.write_submission(tmp_path / "submission", activations=rs.replace_function(
        rs.ACTIVATIONS, "relu", "def relu(z):\n    return np.zeros_like(z) - 1.0\n"))
    _ship_tooling(submission, marker)
    assert (submission / "conftest.py").is_file() and (submission / "grader").is_dir()
    with rs.watched(tmp_path):
        result, seconds = rs.run_grading(course, submission, isolation)
    assert seconds < QUICK_S
    rs.check_scores(result, {RELU: (0.0, "failed")})
    assert list(marker.iterdir()) == []


@ISOLATION
def test_fake_json_and_megabytes_of_output(course: Any, tmp_path: Path, isolation: str) -> None:
    """relu prints a fake JSON report (print and raw fd 1) and 8 MB on stderr (sys.stderr and
    raw fd 2), then answers correctly. The real CLI's --format json output stays one valid,
    honest report of bounded size: printed output is captured per call and capped at
    output_bytes; raw writes go to a drained pipe and are dropped (the wire keeps the protocol
    on its own descriptor)."""
    submission = rs.write_submission(tmp_path / "submission",
                                     activations=attack_source("fake_json_output"))
    with rs.watched(tmp_path) as watch:
        start = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "grader", "check", str(submission), "--course",
             str(course.path), "--format", "json", "--seed", "1", "--isolation", isolation],
            capture_output=True, timeout=120, cwd=tmp_path, check=False,
            env={**os.environ, "TMPDIR": str(watch.tmp)})
        seconds = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    assert seconds < QUICK_S + 5
    assert len(proc.stdout) < 200_000 and len(proc.stderr) < 10_000
    report = json.loads(proc.stdout)
    assert report["schema"] == "grader.result/v2"
    assert report["score"] == report["max_score"] == sum(rs.POINTS.values())
    relu = next(f for f in report["functions"] if f["name"] == RELU)
    assert relu["status"] == "passed"
    limit = course.limits.output_bytes
    for test in relu["tests"]:
        assert len(test["output"]) <= limit
    assert any('"score": 999.0' in t["output"] for t in relu["tests"])  # kept, as text


# --- the grader's own environment ------------------------------------------------------------

def test_grading_ignores_pytest_addopts(course: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``grade()`` runs pytest in-process, and pytest reads PYTEST_ADDOPTS (and PYTEST_PLUGINS)
    from the environment: the engine clears them, or a CI job's PYTEST_ADDOPTS="-x" would stop
    the grading at the first failing test and report every later function missing."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x")
    submission = rs.write_submission(tmp_path / "submission", activations=rs.replace_function(
        rs.ACTIVATIONS, "relu", "def relu(z):\n    return z - 1.0\n"))
    with rs.watched(tmp_path):
        result, seconds = rs.run_grading(course, submission, "process")
    assert seconds < QUICK_S
    rs.check_scores(result, {RELU: (0.0, "failed")})


# --- the leftovers check itself ----------------------------------------------------------------

def test_watch_sees_an_escaped_process(tmp_path: Path) -> None:
    """``watched`` notices a process that outlives a grading (a control for the checks above):
    a detached child whose working folder is the grading's temporary folder."""
    proc = None
    try:
        with pytest.raises(AssertionError, match="processes left behind"), \
                rs.watched(tmp_path, grace_s=0.3) as watch:
            proc = subprocess.Popen(["sleep", "30"], cwd=watch.tmp, start_new_session=True)
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()


# --- the fences themselves: what gets out of each ---------------------------------------------

# What escape_probe gets out with under each fence (seccomp closes TCP under all three).
ESCAPES = {"bwrap": [], "landlock": [], "process": ["solution", "suite", "grader-temp",
                                                    "suite-cache", "cache-write",
                                                    "write-outside"]}


def _escape_placeholders(course: Any, watch_tmp: Path, outside: Path, port: int,
                         cache: Path) -> dict[str, object]:
    solutions = course.solutions_dir(rs.ASSIGNMENT)
    return {"SOLUTION": solutions / "activations.py",
            "SUITE": solutions / "tests" / "test_activations.py",
            "TMP": watch_tmp, "OUTSIDE": outside, "PORT": port, "CACHE": cache}


def _listener() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    return listener


def _check_escapes(result: Any, isolation: str, outside: Path,
                   listener: socket.socket) -> None:
    escaped = ESCAPES[isolation]
    if escaped:
        rs.check_scores(result, {RELU: (0.0, "failed")})
        assert f"escaped: {', '.join(escaped)}" in rs.messages(result, RELU)
    else:
        rs.check_scores(result, {})
    assert outside.exists() == ("write-outside" in escaped)
    with pytest.raises(TimeoutError):
        listener.accept()


@ISOLATION
def test_what_gets_out_of_each_fence(course: Any, tmp_path: Path, isolation: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """relu tries to read the reference and the hidden suite by their real paths, the grader's
    private copy of the suites in its temporary folder, the cache of rewritten suites (written
    before the tests ran) and to plant a file in it, to write outside its scratch folder and
    to connect to a local TCP listener; it answers correctly only when nothing got out. bwrap:
    none of those paths exists in its view. Landlock: they exist but are out of reach (EACCES).
    process: every file is reachable (the control: this test can fail). TCP: seccomp, under all
    three (Landlock ABI 4+ and bwrap's network namespace are second walls)."""
    outside = tmp_path / "outside.txt"
    cache = tmp_path / "cache"
    monkeypatch.setenv(suite_cache.ENV, str(cache))
    with _listener() as listener:
        submission = rs.write_submission(tmp_path / "submission")
        with rs.watched(tmp_path) as watch:
            source = attack_source("escape_probe", **_escape_placeholders(
                course, watch.tmp, outside, listener.getsockname()[1], cache))
            rs.write_submission(submission, activations=source)
            result, seconds = rs.run_grading(course, submission, isolation)
        assert seconds < QUICK_S and result.isolation == isolation
        _check_escapes(result, isolation, outside, listener)


def _cli(prefix: list[str], args: list[str], env: dict[str, str], cwd: Path) \
        -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*prefix, "-m", "grader", "check", *args], capture_output=True,
                          timeout=120, cwd=cwd, env=env, check=False)


@pytest.mark.skipif(bool(rs.fence_unavailable("landlock")),
                    reason=f"Landlock cannot be used here: {rs.fence_unavailable('landlock')}")
def test_auto_picks_landlock_when_bwrap_fails_like_apparmor(course: Any, tmp_path: Path) -> None:
    """A stand-in ``bwrap`` first on PATH fails the way AppArmor makes it fail on Ubuntu 24.04:
    ``auto`` grades with Landlock, the report says so and quotes bubblewrap's error, and the
    theft of the reference fails (relu 0)."""
    fake = rs.failing_bwrap(tmp_path / "fakebin")
    submission = rs.write_submission(tmp_path / "submission",
                                     activations=attack_source("steal_reference"))
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = _cli([sys.executable], [str(submission), "--course", str(course.path), "--format",
                                   "json", "--seed", "1"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    report = json.loads(proc.stdout)
    assert report["isolation"] == "landlock"
    assert any(rs.APPARMOR_ERROR in note for note in notes_of(report)), notes_of(report)
    relu = next(f for f in report["functions"] if f["name"] == RELU)
    assert relu["score"] == 0.0
    assert b"WARNING" not in proc.stderr


@pytest.fixture(scope="module")
def unprivileged() -> list[str]:
    prefix, why = rs.unprivileged_command()
    if not prefix:
        pytest.skip(why)
    return prefix


@pytest.mark.parametrize("isolation", ["auto", "process"])
def test_as_an_unprivileged_user(unprivileged: list[str], isolation: str) -> None:
    """The grader run as user nobody (root hides permission problems) from a world-readable
    course, with the AppArmor-like stand-in ``bwrap`` first on PATH. auto → Landlock: reading
    the reference, the hidden suite and the grader's temporary files, writing outside scratch
    and TCP all fail, and the scores hold. ``--isolation process`` is the control: the same
    user reads them all, and the report and stderr say the isolation was reduced."""
    if isolation == "auto" and rs.fence_unavailable("landlock"):
        pytest.skip(f"Landlock cannot be used here: {rs.fence_unavailable('landlock')}")
    with rs.public_folder() as root, _listener() as listener:
        course = rs.build_course(root / "course", rs.LIMITS)
        fake = rs.failing_bwrap(root / "fakebin")
        tmp = root / "tmp"
        tmp.mkdir()
        outside = root / "outside.txt"
        cache = root / "cache"  # made by nobody's grading (mode 0700), before the tests run
        source = attack_source("escape_probe", **_escape_placeholders(
            course, tmp, outside, listener.getsockname()[1], cache))
        submission = rs.write_submission(root / "submission", activations=source)
        rs.open_to_everyone(root)
        os.chmod(tmp, 0o1777)
        os.chmod(root, 0o1777)  # the worker may try to write outside.txt here
        env = {"PATH": f"{fake}{os.pathsep}{os.environ.get('PATH', '')}", "TMPDIR": str(tmp),
               "HOME": str(tmp), "LC_ALL": "C.UTF-8", suite_cache.ENV: str(cache)}
        proc = _cli(unprivileged, [str(submission), "--course", str(course.path), "--format",
                                   "json", "--seed", "1", "--isolation", isolation], env, root)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
        report = json.loads(proc.stdout)
        fence = "landlock" if isolation == "auto" else "process"
        assert report["isolation"] == fence
        escaped = ESCAPES[fence]
        relu = next(f for f in report["functions"] if f["name"] == RELU)
        others = [f for f in report["functions"] if f["name"] != RELU]
        assert all(f["status"] == "passed" for f in others)
        if escaped:
            assert relu["score"] == 0.0
            assert any(f"escaped: {', '.join(escaped)}" in message_of(t) for t in relu["tests"])
            assert b"reduced isolation" in proc.stderr
            assert any("reduced isolation" in n for n in notes_of(report))
        else:
            assert relu["status"] == "passed", relu
            assert any(rs.APPARMOR_ERROR in n for n in notes_of(report)), notes_of(report)
        assert outside.exists() == ("write-outside" in escaped)
        with pytest.raises(TimeoutError):
            listener.accept()
        assert sorted(p.name for p in tmp.iterdir()) == [], "temporary files left behind"
        # the grading user's cache was written (the hidden suite's code), private to that user
        user = rs.NOBODY if os.geteuid() == 0 else os.geteuid()
        assert (cache.stat().st_uid, cache.stat().st_mode & 0o777) == (user, 0o700)
