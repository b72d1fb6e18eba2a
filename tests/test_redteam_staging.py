"""Red team, staging: submissions that try to reach outside themselves before any fence exists.

레드팀 (제출물 읽기): 링크, 특수 파일, 큰 파일, 많은 파일, 압축 파일의 위험한 항목으로 참조 해답,
숨겨진 테스트, 과목 밖의 파일에 닿으려는 제출물. 채점기는 워커를 띄우기 전에 자기 권한으로 제출물을
읽으므로, 어느 격리 방식에서도 같은 결과여야 한다: 거부된 파일의 모듈만 0점(없음), 나머지는 만점,
보고서에는 거부된 파일과 이유가 남고, 숨겨진 내용은 어디에도 나오지 않는다.

Each case is graded by the real engine on the red-team course (``redteam_support``) under every
fence this machine can use (``redteam_support.fence_params()``), with the exact score of every
function, the refused file and its reason, a bound on the time (nothing blocks) and no process
or temporary file left behind.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import redteam_support as rs
from archive_support import make_tar, make_zip

from grader.report import json as json_report
from grader.report import text as text_report
from grader.result import Result

pytestmark = pytest.mark.slow

# Every fence this machine can use (bwrap, landlock, process); the others are skipped, saying why.
FENCE = pytest.mark.parametrize("isolation", rs.fence_params())
QUICK_S = 10.0
ACTIVATIONS = [f"activations.{name}" for name in rs.ACTIVATION_POINTS]
LINEAR = [f"linear_neurons.{name}" for name in rs.LINEAR_FUNCTIONS]
ALL = ACTIVATIONS + LINEAR
SUITE_MARK = "Hidden mini-suite of the red-team course"  # in both hidden suites


def missing(names: list[str]) -> dict[str, tuple[float, str]]:
    return {name: (0.0, "missing") for name in names}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return rs.build_course(tmp_path_factory.mktemp("course"), rs.LIMITS)


def reference(course: Any, name: str = "activations.py") -> Path:
    return Path(course.root) / "solutions" / rs.ASSIGNMENT / name


def hidden_suite(course: Any, name: str = "test_activations.py") -> Path:
    return Path(course.root) / "solutions" / rs.ASSIGNMENT / "tests" / name


def graded(course: Any, submission: Path, isolation: str, base: Path) -> tuple[Result, str]:
    """Grade; check the time and that nothing is left behind; return the result and every
    report it renders (JSON and text)."""
    with rs.watched(base):
        result, elapsed = rs.run_grading(course, submission, isolation)
    assert elapsed < QUICK_S, f"grading took {elapsed:.1f} s"
    return result, json_report.render(result) + text_report.render(result, lang="both", width=1000)


def assert_refused(result: Result, report: str, path: str, reason: str) -> None:
    found = [r for r in result.refused if r.path == path]
    assert [r.reason for r in found] == [reason], result.refused
    assert f"{path}: {found[0].message}" in report  # named, with the reason, in the text report
    data = found[0].data  # the message as data, for a report in one language
    assert data is not None and data["key"] == f"intake.{reason}"
    assert json.loads(json_report.render(result))["refused"][result.refused.index(found[0])] == {
        "path": path, "reason": reason, "message": found[0].message, "data": data}


def assert_explained(result: Result, functions: list[str], path: str) -> None:
    """Each function the refusal made missing says so first, naming the file."""
    for name in functions:
        assert result.function(name).reason.startswith(f"{path}: "), (
            name, result.function(name).reason)


# --- links --------------------------------------------------------------------------------------

@FENCE
def test_link_to_the_reference_module(course: Any, tmp_path: Path, isolation: str) -> None:
    """activations.py -> the course's reference: would be full marks without a line of code."""
    sub = rs.write_submission(tmp_path / "s", activations=None)
    (sub / "activations.py").symlink_to(reference(course))
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert result.score == sum(rs.LINEAR_FUNCTIONS.values())
    assert_refused(result, report, "activations.py", "symlink")
    assert_explained(result, ACTIVATIONS, "activations.py")
    assert "심볼릭 링크" in report and "symbolic link" in report


PEEK = '''
import os as _os

def _peek():
    try:
        with open(_os.path.join(_os.path.dirname(__file__), "linear_neurons.py")) as _f:
            return _f.read()
    except OSError as _exc:
        return f"peek failed: {type(_exc).__name__}"

print(_peek())
'''


@FENCE
def test_link_to_a_hidden_suite_read_by_another_module(course: Any, tmp_path: Path,
                                                       isolation: str) -> None:
    """linear_neurons.py -> the hidden suite; activations.py prints its sibling at import and
    in relu. The suite never reaches the worker, so nowhere in the report; only linear_neurons
    (the refused module) loses its points."""
    activations = rs.with_prelude(rs.replace_function(rs.ACTIVATIONS, "relu", '''
        def relu(z):
            print(_peek())
            return np.maximum(z, 0.0)
        '''), PEEK)
    sub = rs.write_submission(tmp_path / "s", activations=activations, linear_neurons=None)
    (sub / "linear_neurons.py").symlink_to(hidden_suite(course, "test_linear_neurons.py"))
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(LINEAR))
    assert_refused(result, report, "linear_neurons.py", "symlink")
    assert_explained(result, LINEAR, "linear_neurons.py")
    outputs = "".join(t.output for f in result.functions for t in f.tests)
    assert "peek failed: FileNotFoundError" in outputs  # the attack ran, and found nothing
    assert SUITE_MARK not in report
    assert "test_perceptron_predict(student" not in report  # the suite's code


@FENCE
def test_link_to_a_hidden_suite_as_a_helper(course: Any, tmp_path: Path, isolation: str) -> None:
    """A helper module (not graded) linked to the hidden suite and imported: refused, so the
    import fails and activations.py, which imports it, scores 0; linear_neurons keeps all."""
    sub = rs.write_submission(
        tmp_path / "s", activations="import suite_copy\nprint(open(suite_copy.__file__).read())\n"
        + rs.ACTIVATIONS)
    (sub / "suite_copy.py").symlink_to(hidden_suite(course))
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, {name: (0.0, "error") for name in ACTIVATIONS})
    assert_refused(result, report, "suite_copy.py", "symlink")
    assert SUITE_MARK not in report


@FENCE
@pytest.mark.parametrize("how", ["absolute", "relative", "chain"])
def test_link_to_a_file_outside_the_course(course: Any, tmp_path: Path, isolation: str,
                                           how: str) -> None:
    """A correct activations.py that lives outside the submission (another student's, say)."""
    outside = tmp_path / "elsewhere" / "activations.py"
    outside.parent.mkdir()
    outside.write_text(rs.ACTIVATIONS + "\nOUTSIDE_MARK = 'outside-secret-4711'\n", encoding="utf-8")
    sub = rs.write_submission(tmp_path / "s", activations=None)
    link = sub / "activations.py"
    if how == "absolute":
        link.symlink_to(outside)
    elif how == "relative":
        link.symlink_to(os.path.relpath(outside, sub))
    else:
        (sub / "hop").symlink_to(outside)
        link.symlink_to("hop")
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert_refused(result, report, "activations.py", "symlink")
    assert "outside-secret-4711" not in report


@FENCE
@pytest.mark.parametrize("linked", ["exercises/lec04", "exercises"])
def test_linked_exercises_folder_of_a_checkout(course: Any, tmp_path: Path, isolation: str,
                                               linked: str) -> None:
    """A checkout whose exercises/lec04 (or exercises) is a link to the course's solutions."""
    checkout = tmp_path / "checkout"
    (checkout / "exercises").mkdir(parents=True) if linked != "exercises" else checkout.mkdir()
    solutions = reference(course).parent
    (checkout / linked).symlink_to(solutions if linked.endswith("lec04") else solutions.parent)
    result, report = graded(course, checkout, isolation, tmp_path)
    rs.check_scores(result, missing(ALL))
    assert result.score == 0
    assert_refused(result, report, linked, "symlink")


@FENCE
def test_course_exercises_folder_replaced_by_a_link(tmp_path: Path, isolation: str) -> None:
    """A pull request that turns the course's exercises/lec04 into a link to solutions/lec04,
    graded as CI does (``grader check`` without a path: the course's own exercises folder)."""
    own = rs.build_course(tmp_path / "course", rs.LIMITS)
    exercises = own.exercises_dir(rs.ASSIGNMENT)
    exercises.rmdir()
    exercises.symlink_to(reference(own).parent, target_is_directory=True)
    result, report = graded(own, exercises, isolation, tmp_path)
    rs.check_scores(result, missing(ALL))
    assert_refused(result, report, "exercises/lec04", "symlink")
    assert_explained(result, ALL, "exercises/lec04")


@FENCE
def test_link_to_a_folder_named_like_a_module(course: Any, tmp_path: Path, isolation: str) -> None:
    sub = rs.write_submission(tmp_path / "s", activations=None)
    (sub / "activations.py").symlink_to(reference(course).parent, target_is_directory=True)
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert_refused(result, report, "activations.py", "symlink")


# --- special, large and many files --------------------------------------------------------------

@FENCE
def test_fifo_named_like_a_module(course: Any, tmp_path: Path, isolation: str) -> None:
    """Reading a FIFO would block the grader forever (no writer): it is refused at once."""
    sub = rs.write_submission(tmp_path / "s", activations=None)
    os.mkfifo(sub / "activations.py")
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert_refused(result, report, "activations.py", "special")
    assert "FIFO" in report


@FENCE
def test_device_named_like_a_module(course: Any, tmp_path: Path, isolation: str) -> None:
    """/dev/zero under a module's name: read whole, it would never end."""
    sub = rs.write_submission(tmp_path / "s", activations=None)
    try:
        os.mknod(sub / "activations.py", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except (PermissionError, AttributeError):
        pytest.skip("cannot create a device node here (not root)")
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert_refused(result, report, "activations.py", "special")


@FENCE
def test_oversized_module(course: Any, tmp_path: Path, isolation: str) -> None:
    big = rs.ACTIVATIONS + "\n" + "# padding\n" * (300_000)  # ~3 MB of valid Python
    sub = rs.write_submission(tmp_path / "s", activations=big)
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert_refused(result, report, "activations.py", "too_large")


@FENCE
def test_folder_with_too_many_files(course: Any, tmp_path: Path, isolation: str) -> None:
    sub = rs.write_submission(tmp_path / "s")
    for i in range(1000):
        (sub / f"junk{i}.txt").touch()
    result, report = graded(course, sub, isolation, tmp_path)
    rs.check_scores(result, missing(ALL))
    assert_refused(result, report, ".", "too_many_files")


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX users")
@FENCE
def test_file_unreadable_by_the_grader_as_an_unprivileged_user(course: Any, tmp_path: Path,
                                                               isolation: str) -> None:
    """A module the grader's user may not read is refused with the reason; the rest is graded.
    As root (which reads anything) the grading runs as ``nobody`` through setpriv."""
    base = Path(tempfile.mkdtemp(prefix="grader-unpriv-"))
    try:
        os.chmod(base, 0o755)
        world = rs.build_course(base / "course", rs.LIMITS)
        sub = rs.write_submission(base / "s")
        os.chmod(sub / "activations.py", 0)
        argv = ["check", str(sub), "--course", str(world.root), "--format", "json", "--seed", "1",
                "--isolation", isolation]
        # As root: a Python that user nobody can run and that imports grader (this one, or the
        # one .ci/run builds when the checkout is readable by its owner only), else a skip.
        prefix, why_not = rs.unprivileged_command()
        if not prefix:
            pytest.skip(why_not)
        argv = [*prefix, "-m", "grader", *argv]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TMP"))}
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=base, env=env)
        if done.returncode == 2 and isolation == "bwrap" and "bubblewrap" in done.stderr:
            pytest.skip("bubblewrap cannot run for an unprivileged user here")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        scores = {f["name"]: (f["score"], f["status"]) for f in report["functions"]}
        assert scores == {**{n: (0.0, "missing") for n in ACTIVATIONS},
                          **{n: (rs.POINTS[n], "passed") for n in LINEAR}}
        assert [(r["path"], r["reason"]) for r in report["refused"]] == [
            ("activations.py", "unreadable")]
        assert "읽을 수 없습니다" in report["refused"][0]["message"]
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- archives -----------------------------------------------------------------------------------

@FENCE
@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_archives_are_graded(course: Any, tmp_path: Path, isolation: str, kind: str) -> None:
    """A zip of a single top folder, a tar.gz of a checkout: full marks, nothing refused."""
    if kind == "zip":
        path = make_zip(tmp_path / "s.zip", {"student1/activations.py": rs.ACTIVATIONS,
                                                   "student1/linear_neurons.py": rs.LINEAR_NEURONS})
    else:
        path = make_tar(tmp_path / "s.tar.gz", {
            "repo/README.md": "x", "repo/exercises/lec04/activations.py": rs.ACTIVATIONS,
            "repo/exercises/lec04/linear_neurons.py": rs.LINEAR_NEURONS})
    result, _ = graded(course, path, isolation, tmp_path)
    rs.check_scores(result, {})
    assert result.refused == []


@FENCE
@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
@pytest.mark.parametrize(("entry", "reason"), [
    ("../activations.py", "parent_path"),
    ("/tmp/activations.py", "absolute_path"),
    ("activations.py", "symlink"),
    ("activations.py", "hardlink"),
    ("activations.py", "special"),
])
def test_archive_entries_that_leave_the_submission(course: Any, tmp_path: Path, isolation: str,
                                                   kind: str, entry: str, reason: str) -> None:
    """The module arrives only by a path out of the archive or by a link to the reference: it is
    refused, so activations scores 0 (missing) and linear_neurons keeps all its points."""
    if kind == "zip" and reason == "hardlink":
        pytest.skip("zip has no hard link entries")
    target = str(reference(course))
    if kind == "zip":
        value: Any = {"symlink": (stat.S_IFLNK | 0o777, target),
                      "special": (stat.S_IFCHR | 0o666, "")}.get(reason, rs.ACTIVATIONS)
        path = make_zip(tmp_path / "s.zip", {"linear_neurons.py": rs.LINEAR_NEURONS,
                                                   entry: value})
    else:
        value = {"symlink": (tarfile.SYMTYPE, target), "hardlink": (tarfile.LNKTYPE, target),
                 "special": (tarfile.CHRTYPE, "")}.get(reason, rs.ACTIVATIONS)
        path = make_tar(tmp_path / "s.tar.gz", {"linear_neurons.py": rs.LINEAR_NEURONS,
                                                      entry: value})
    result, report = graded(course, path, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert_refused(result, report, entry, reason)


@FENCE
def test_zip_bomb(course: Any, tmp_path: Path, isolation: str) -> None:
    """200 MB of zeros as activations.py, compressed to a few hundred KB: refused unread."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("activations.py", "w") as member:
            chunk = bytes(1 << 20)
            for _ in range(200):
                member.write(chunk)
        zf.writestr("linear_neurons.py", rs.LINEAR_NEURONS)
    assert path.stat().st_size < 1 << 20
    result, report = graded(course, path, isolation, tmp_path)
    rs.check_scores(result, missing(ACTIVATIONS))
    assert_refused(result, report, "activations.py", "bomb")
    assert_explained(result, ACTIVATIONS, "activations.py")


@FENCE
def test_tar_gz_bomb(course: Any, tmp_path: Path, isolation: str) -> None:
    """200 MB of zeros in a tar.gz: a stream cannot skip a member without unpacking it, so the
    archive is refused at the ratio bound, after about 1 MiB unpacked — every module missing."""
    path = tmp_path / "bomb.tar.gz"

    class Zeros(io.RawIOBase):
        def readinto(self, b: Any) -> int:
            b[:] = bytes(len(b))
            return len(b)

    with tarfile.open(path, "w:gz") as tf:
        raw = rs.LINEAR_NEURONS.encode()
        info = tarfile.TarInfo("linear_neurons.py")
        info.size = len(raw)
        tf.addfile(info, io.BytesIO(raw))
        info = tarfile.TarInfo("activations.py")
        info.size = 200 << 20
        tf.addfile(info, Zeros())
    result, report = graded(course, path, isolation, tmp_path)
    rs.check_scores(result, missing(ALL))
    assert_refused(result, report, "bomb.tar.gz", "bomb")
    assert_explained(result, ALL, "bomb.tar.gz")
