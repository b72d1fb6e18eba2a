"""The fences: choosing one, Landlock itself, secure by default, and the worker subpackage.

격리 수단 선택, Landlock 자체, 숨은 테스트가 있을 때의 안전한 기본값, 작업자 하위 패키지의 의존성.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redteam_support as rs
from click.testing import CliRunner

from grader.boundary import sandbox
from grader.boundary.sandbox import FenceChoice, NoFence, Probe
from grader.cli import main
from grader.errors import GraderError
from grader.result import notes_of

WORKER = Path(sandbox.worker_package())
LANDLOCK = sandbox.probe_landlock()


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch):
    """Set what the bubblewrap and Landlock probes answer."""

    def set_probes(bwrap: Probe, landlock: Probe) -> None:
        monkeypatch.setattr(sandbox, "probe_bwrap", lambda: bwrap)
        monkeypatch.setattr(sandbox, "probe_landlock", lambda: landlock)

    return set_probes


DENIED = Probe(False, f"/usr/bin/bwrap is installed but cannot run here: {rs.APPARMOR_ERROR}")
NO_LANDLOCK = Probe(False, "this kernel has no Landlock")


# --- choosing the fence --------------------------------------------------------------------

def test_auto_takes_landlock_and_quotes_why_not_bwrap(probes) -> None:
    probes(DENIED, Probe(True, abi=7))
    choice = sandbox.choose_fence("auto", secrets_in_play=True)
    assert choice.name == "landlock"
    assert any(rs.APPARMOR_ERROR in str(note) for note in choice.notes)
    # a message as data: the report renders it in one language
    assert [str(n).startswith("bubblewrap 대신 Landlock") for n in choice.notes] == [True]


def test_auto_refuses_hidden_suites_without_a_fence(probes) -> None:
    probes(DENIED, NO_LANDLOCK)
    with pytest.raises(NoFence) as info:
        sandbox.choose_fence("auto", secrets_in_play=True)
    text = str(info.value)
    for fix in ("apt-get install bubblewrap", "AppArmor", "Landlock", "--isolation process",
                rs.APPARMOR_ERROR, "this kernel has no Landlock", "해결 방법"):
        assert fix in text, fix


def test_a_self_check_without_hidden_suites_runs_in_a_process(probes) -> None:
    probes(DENIED, NO_LANDLOCK)
    choice = sandbox.choose_fence("auto", secrets_in_play=False)
    assert choice.name == "process"
    assert not any("reduced" in str(note) for note in choice.notes)


def test_a_forced_fence_says_why_it_cannot_be_had(probes) -> None:
    probes(DENIED, NO_LANDLOCK)
    with pytest.raises(GraderError) as info:
        sandbox.choose_fence("bwrap", secrets_in_play=False)
    # installed but denied: bubblewrap's own error and AppArmor, not "install it"
    assert rs.APPARMOR_ERROR in str(info.value) and "AppArmor" in str(info.value)
    with pytest.raises(GraderError, match="this kernel has no Landlock"):
        sandbox.choose_fence("landlock", secrets_in_play=False)
    assert sandbox.choose_fence("process", secrets_in_play=True) == FenceChoice("process")
    with pytest.raises(GraderError, match="must be one of"):
        sandbox.choose_fence("chroot", secrets_in_play=False)


def test_the_bwrap_probe_runs_bwrap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found on PATH is not enough: a stand-in that fails like AppArmor is probed, its error
    quoted, and the answer remembered for the process."""
    fake = rs.failing_bwrap(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    sandbox.forget_probes()
    try:
        probe = sandbox.probe_bwrap()
        assert not probe.ok and rs.APPARMOR_ERROR in str(probe.reason)
        (fake / "bwrap").unlink()
        assert sandbox.probe_bwrap() is not probe  # another bwrap (or none) on PATH now
    finally:
        sandbox.forget_probes()


# --- secure by default, through the command line ---------------------------------------------

def _check(*args: str):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


def test_check_with_hidden_suites_and_no_fence_exits_2(tiny_course: Path, probes) -> None:
    probes(DENIED, NO_LANDLOCK)
    for lang, fixes, other in (("ko", "해결 방법", "Fixes"), ("en", "Fixes", "해결 방법")):
        result = _check("--course", str(tiny_course), "--lang", lang)
        assert result.exit_code == 2
        assert "--isolation process" in result.stderr and "bubblewrap" in result.stderr
        assert fixes in result.stderr and other not in result.stderr, result.stderr


def test_explicit_process_isolation_is_recorded(tiny_course: Path, probes) -> None:
    probes(DENIED, NO_LANDLOCK)
    result = _check("--course", str(tiny_course), "--isolation", "process", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "reduced isolation" in result.stderr
    report = json.loads(result.stdout)
    assert report["isolation"] == "process"
    assert any("reduced isolation" in note for note in notes_of(report))


def test_a_student_self_check_works_without_any_fence(tiny_course: Path, probes) -> None:
    """The student tree has no solutions/: nothing secret, no alarm."""
    probes(DENIED, NO_LANDLOCK)
    shutil.rmtree(tiny_course / "solutions")
    result = _check("--course", str(tiny_course), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.stderr and "reduced" not in result.stderr
    assert json.loads(result.stdout)["isolation"] == "process"


# --- Landlock itself ---------------------------------------------------------------------------

ATTACKS = r'''
import json, os, socket, sys
sys.path[:0] = [sys.argv[1]]
from grader.worker import landlock
rules, secret, outside, scratch, port = json.loads(sys.argv[2])
report = landlock.restrict(rules["read"], rules["write"], rules["list"])
got = {}
def attempt(name, action):
    try:
        action()
        got[name] = "allowed"
    except OSError as exc:
        got[name] = type(exc).__name__
attempt("read_secret", lambda: open(secret).read())
attempt("list_root", lambda: os.listdir("/"))
attempt("write_outside", lambda: open(outside, "w").write("x"))
attempt("write_scratch", lambda: open(os.path.join(scratch, "ok"), "w").write("x"))
attempt("read_stdlib", lambda: open(os.__file__).read(10))
attempt("read_proc_parent", lambda: open(f"/proc/{os.getppid()}/cmdline").read())
attempt("tcp_connect", lambda: socket.create_connection(("127.0.0.1", port), timeout=0.5))
attempt("signal_parent", lambda: os.kill(os.getppid(), 0))
print(json.dumps({"abi": report["abi"], "got": got}))
'''


@pytest.mark.skipif(not LANDLOCK.ok, reason=f"Landlock cannot be used here: {LANDLOCK.reason}")
def test_landlock_fences_a_process(tmp_path: Path) -> None:
    """A child fences itself with the worker's rules and attacks (no seccomp here, so every
    refusal is Landlock's own): the course's secret, the root folder, /proc of its parent, a
    file outside its scratch folder, TCP (ABI 4+) and a signal to its parent (ABI 6+) all fail;
    its scratch folder and the standard library stay usable."""
    secret = tmp_path / "course" / "solutions" / "reference.py"
    secret.parent.mkdir(parents=True)
    secret.write_text("ANSWER = 42\n")
    scratch_dir, site = tmp_path / "scratch", sandbox.make_site(tmp_path / "site")
    scratch_dir.mkdir()
    rules = sandbox.landlock_rules(tmp_path / "submission", scratch_dir, site,
                                   [tmp_path / "course"])
    assert rules["refused"] == []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        args = [rules, str(secret), str(tmp_path / "outside.txt"), str(scratch_dir),
                listener.getsockname()[1]]
        run = subprocess.run([sys.executable, "-I", "-S", "-c", ATTACKS, str(site),
                              json.dumps(args)], capture_output=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    answer = json.loads(run.stdout)
    got = answer["got"]
    assert got["write_scratch"] == got["read_stdlib"] == "allowed"
    for attack in ("read_secret", "list_root", "write_outside", "read_proc_parent"):
        assert got[attack] == "PermissionError", (attack, got)
    if answer["abi"] >= 4:
        assert got["tcp_connect"] == "PermissionError", got
    if answer["abi"] >= 6:
        assert got["signal_parent"] == "PermissionError", got
    assert not (tmp_path / "outside.txt").exists()


def test_landlock_rules_never_open_a_protected_folder(tmp_path: Path) -> None:
    """A folder that holds a protected one (the course, installed packages, the temporary
    folder) is refused, so the worker fails loudly instead of seeing it."""
    site = sandbox.make_site(tmp_path / "site")
    rules = sandbox.landlock_rules(tmp_path / "sub", tmp_path / "w", site, [tmp_path])
    granted = [Path(p) for p in rules["read"]]
    assert str(tmp_path.resolve()) not in rules["read"]
    for path in granted:
        assert not tmp_path.resolve().is_relative_to(path), path
        assert path.name not in ("site-packages", "dist-packages"), path
    # the worker subpackage, not the whole of grader/
    assert str(WORKER) in rules["read"] and str(WORKER.parent) not in rules["read"]


def test_a_worker_whose_fence_fails_runs_no_student_code(tmp_path: Path) -> None:
    """A refused fence is an error of the grading (exit 2), never a silently unfenced worker."""
    from grader.boundary.proxy import Student, StudentSession
    from grader.course.config import Limits

    if not LANDLOCK.ok:
        pytest.skip(f"Landlock cannot be used here: {LANDLOCK.reason}")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "m.py").write_text("def f():\n    return 1\n")
    session = StudentSession(sub, ["m"], Limits(), "landlock")
    try:
        session.pool.fence_report = {}
        original = sandbox.plan_landlock

        def broken(*args, **kwargs):  # rules the worker cannot apply
            plan = original(*args, **kwargs)
            plan.argv[-1] = json.dumps({"read": 5, "write": [], "list": []})
            return plan

        sandbox.plan_landlock = broken
        session.pool._spare.kill()  # type: ignore[union-attr]
        session.pool._spare = None
        session.pool._start_spare()
        with pytest.raises(GraderError, match="could not put up its fence"):
            Student(session).m.f()
    finally:
        sandbox.plan_landlock = original
        session.close()


# --- the worker subpackage ------------------------------------------------------------------

def test_the_worker_package_imports_only_the_standard_library_and_numpy() -> None:
    """Read from the source: every import of grader/worker/ is the standard library, NumPy or
    the subpackage itself — the untrusted side stays small enough to audit."""
    allowed = set(sys.stdlib_module_names) | {"numpy", "__future__"}
    for path in WORKER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                ok = name.split(".")[0] in allowed or name == "grader.worker" or \
                    name.startswith("grader.worker.")
                assert ok, f"{path.name} imports {name}"


def test_the_worker_starts_from_its_own_site_alone(tmp_path: Path) -> None:
    """Run: with only the worker's site folder on sys.path (no installation), the serving loop
    imports, and nothing but the standard library, NumPy and grader.worker is loaded."""
    site = sandbox.make_site(tmp_path / "site")
    code = (f"import sys; sys.path[:0] = [{str(site)!r}]; import grader.worker.serve; "
            "print('\\n'.join(sys.modules))")
    run = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", code], capture_output=True,
                         timeout=60, check=True, cwd=tmp_path)
    loaded = run.stdout.decode().split()
    allowed = set(sys.stdlib_module_names) | {"numpy", "__main__", "grader"}
    strays = [m for m in loaded if (m.split(".")[0] not in allowed and not m.startswith("_"))
              or (m.startswith("grader.") and not m.startswith("grader.worker"))]
    assert strays == [], strays


def test_an_older_abi_says_what_it_cannot_fence() -> None:
    """The fence handles every right the running ABI knows of and reports the rest: never a
    silent partial fence."""
    from grader.worker import landlock

    assert landlock.gaps(7) == landlock.gaps(6) == []
    older = " ".join(landlock.gaps(3))
    assert "TCP" in older and "signals" in older and "abstract UNIX" in older
    assert "truncating" in " ".join(landlock.gaps(2))
    assert not landlock.handled_fs(1) & (landlock.REFER | landlock.TRUNCATE)
    assert landlock.handled_fs(3) & landlock.TRUNCATE and not landlock.handled_fs(4) & \
        landlock.IOCTL_DEV
    assert landlock.handled_fs(5) & landlock.IOCTL_DEV
