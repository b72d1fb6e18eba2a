"""Reading a submission as data (``grader.intake.reader``) and staging it (``grader.intake.staging``).

제출물 읽기 단위 테스트: 링크는 따라가지 않고, 특수 파일·너무 큰 파일·너무 많은 파일은 읽지 않으며,
압축 파일의 위험한 항목(절대 경로, '..', 링크, 장치, 압축 폭탄)은 거부된다. 거부된 파일마다
경로와 이유(한국어/영어)가 남는다. 채점 전체는 ``test_redteam_staging.py``가 확인한다.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from archive_support import make_tar, make_zip

from grader.intake import reader as intake
from grader.intake.reader import Intake, read_submission

MODULES = ["activations", "linear_neurons"]
A = "lec04"
CODE = b"def f():\n    return 1\n"


def read(path: Path) -> Intake:
    return read_submission(path, A, MODULES)


def reasons(result: Intake) -> dict[str, str]:
    return {r.path: r.reason for r in result.refused}


def folder(root: Path, **files: bytes) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


@pytest.fixture(params=["dir_fd", "paths"])
def walk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of walking a folder: descriptors (Linux, macOS) and checked paths (the fallback
    for platforms without ``dir_fd``, exercised here on this one)."""
    if request.param == "paths":
        monkeypatch.setattr(intake, "FD_WALK", False)
    return str(request.param)


# --- folders ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("walk")
def test_regular_files_are_read_and_others_ignored(tmp_path: Path) -> None:
    sub = folder(tmp_path / "s", **{"activations.py": CODE, "helper.py": b"X = 1\n",
                                    "notes.txt": b"x", "linear_neurons.ipynb": b"{}"})
    got = read(sub)
    assert got.files == {"activations.py": CODE, "helper.py": b"X = 1\n",
                         "linear_neurons.ipynb": b"{}"}
    assert got.refused == [] and got.folder == "."


@pytest.mark.parametrize("target", ["absolute", "relative", "chain", "inside", "dangling"])
@pytest.mark.usefixtures("walk")
def test_a_symbolic_link_is_never_followed(tmp_path: Path, target: str) -> None:
    secret = tmp_path / "outside" / "activations.py"
    secret.parent.mkdir()
    secret.write_bytes(b"SECRET = 1\n")
    sub = folder(tmp_path / "s", **{"linear_neurons.py": CODE, "real.py": CODE})
    link = sub / "activations.py"
    if target == "absolute":
        link.symlink_to(secret)
    elif target == "relative":
        link.symlink_to("../outside/activations.py")
    elif target == "chain":
        (sub / "hop1").symlink_to(secret)
        (sub / "hop2").symlink_to(sub / "hop1")
        link.symlink_to("hop2")
    elif target == "inside":
        link.symlink_to("real.py")
    else:
        link.symlink_to(tmp_path / "nowhere.py")
    got = read(sub)
    assert "activations.py" not in got.files
    assert reasons(got) == {"activations.py": "symlink"}
    assert "심볼릭 링크" in got.refused[0].message and "symbolic link" in got.refused[0].message
    assert set(got.files) == {"linear_neurons.py", "real.py"}


@pytest.mark.usefixtures("walk")
def test_a_linked_exercises_folder_is_refused(tmp_path: Path) -> None:
    reference = folder(tmp_path / "course" / "solutions" / "lec04", **{"activations.py": CODE})
    checkout = tmp_path / "checkout"
    (checkout / "exercises").mkdir(parents=True)
    (checkout / "exercises" / "lec04").symlink_to(reference)
    got = read(checkout)
    assert got.files == {}
    assert reasons(got) == {"exercises/lec04": "symlink"}

    checkout2 = tmp_path / "checkout2"
    checkout2.mkdir()
    (checkout2 / "exercises").symlink_to(reference.parent.parent / "solutions")
    assert reasons(read(checkout2)) == {"exercises": "symlink"}


@pytest.mark.parametrize("linked", ["exercises/lec04", "exercises"])
@pytest.mark.usefixtures("walk")
def test_a_course_s_own_exercises_folder_is_walked_from_the_course(tmp_path: Path,
                                                                   linked: str) -> None:
    """The default submission of ``grader check`` is <course>/exercises/lec04, which a pull
    request may have turned into a link to solutions/: walked from the course, it is refused."""
    course = tmp_path / "course"
    solutions = folder(course / "solutions" / "lec04", **{"activations.py": CODE})
    (course / "exercises").mkdir(parents=True) if linked != "exercises" else None
    (course / linked).symlink_to(solutions if linked.endswith("lec04") else solutions.parent)
    got = read_submission(course / "exercises" / "lec04", A, MODULES, within=course)
    assert got.files == {} and reasons(got) == {linked: "symlink"}
    # Without the course, the named folder would be the user's choice, followed as given.
    assert read_submission(course / "exercises" / "lec04", A, MODULES).files == {
        "activations.py": CODE}


@pytest.mark.usefixtures("walk")
def test_a_course_s_own_exercises_folder_is_read(tmp_path: Path) -> None:
    course = tmp_path / "course"
    folder(course / "exercises" / "lec04", **{"activations.py": CODE})
    (course / "exercises" / "lec04" / "linear_neurons.py").symlink_to(course / "x.py")
    got = read_submission(course / "exercises" / "lec04", A, MODULES, within=course)
    assert got.files == {"activations.py": CODE} and got.folder == "exercises/lec04"
    assert reasons(got) == {"exercises/lec04/linear_neurons.py": "symlink"}
    got = read_submission(course / "exercises" / "lec04" / "activations.py", A, MODULES,
                          within=course)
    assert got.files == {"activations.py": CODE} and got.single == "activations"
    got = read_submission(course, A, MODULES, within=course)  # the course itself: a checkout
    assert got.folder == "exercises/lec04" and set(got.files) == {"activations.py"}


def test_a_lone_linked_top_folder_is_refused(tmp_path: Path) -> None:
    reference = folder(tmp_path / "ref", **{"activations.py": CODE})
    sub = tmp_path / "s"
    sub.mkdir()
    (sub / "student1").symlink_to(reference)
    got = read(sub)
    assert got.files == {} and reasons(got) == {"student1": "symlink"}


@pytest.mark.usefixtures("walk")
def test_a_link_to_a_folder_named_like_a_module_is_refused(tmp_path: Path) -> None:
    sub = folder(tmp_path / "s", **{"linear_neurons.py": CODE})
    (sub / "activations.py").symlink_to(tmp_path)
    (sub / "notebook.ipynb").mkdir()
    got = read(sub)
    assert reasons(got) == {"activations.py": "symlink", "notebook.ipynb": "special"}
    assert "폴더" in got.refused[1].message and "a folder" in got.refused[1].message


@pytest.mark.usefixtures("walk")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    sub = folder(tmp_path / "s", **{"linear_neurons.py": CODE})
    os.mkfifo(sub / "activations.py")
    start = time.monotonic()
    got = read(sub)
    assert time.monotonic() - start < 2
    assert reasons(got) == {"activations.py": "special"}
    assert "FIFO" in got.refused[0].message
    assert set(got.files) == {"linear_neurons.py"}


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    sub = folder(tmp_path / "s", **{"linear_neurons.py": CODE})
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sub / "activations.py"))
        assert reasons(read(sub)) == {"activations.py": "special"}
    finally:
        server.close()


def test_a_device_is_refused_without_being_opened(tmp_path: Path) -> None:
    sub = folder(tmp_path / "s", **{"linear_neurons.py": CODE})
    try:
        os.mknod(sub / "activations.py", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # /dev/zero
    except (PermissionError, AttributeError):
        pytest.skip("cannot create a device node here (not root)")
    got = read(sub)
    assert reasons(got) == {"activations.py": "special"}
    assert "장치" in got.refused[0].message and "device" in got.refused[0].message


def test_a_swap_after_the_check_is_caught_by_the_open(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The lstat is only a first look: a link or FIFO put in its place before the open is
    refused by O_NOFOLLOW and by fstat on what was opened (and the FIFO does not block)."""
    sub = folder(tmp_path / "s", **{"linear_neurons.py": CODE})
    (sub / "activations.py").symlink_to(sub / "linear_neurons.py")
    os.mkfifo(sub / "helper.py")
    monkeypatch.setattr(intake._Folder, "_kind_at", lambda self, parent, name: "file")
    start = time.monotonic()
    got = read(sub)
    assert time.monotonic() - start < 2
    assert reasons(got) == {"activations.py": "symlink", "helper.py": "special"}


def test_a_linked_folder_swapped_in_after_the_check_is_refused(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = folder(tmp_path / "elsewhere", **{"activations.py": CODE})
    checkout = tmp_path / "c"
    (checkout / "exercises").mkdir(parents=True)
    (checkout / "exercises" / "lec04").symlink_to(target)
    real = intake._Folder._kind_at
    monkeypatch.setattr(intake._Folder, "_kind_at",
                        lambda self, parent, name: "dir" if name == "lec04" else real(self, parent, name))
    got = read(checkout)
    assert got.files == {} and reasons(got) == {"exercises/lec04": "symlink"}


@pytest.mark.usefixtures("walk")
def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    sub = folder(tmp_path / "s", **{"linear_neurons.py": CODE})
    with open(sub / "activations.py", "wb") as f:
        f.truncate(intake.MAX_MODULE_BYTES + 1)  # sparse: nothing to read, only its size
    got = read(sub)
    assert reasons(got) == {"activations.py": "too_large"}
    assert "2 MiB" in got.refused[0].message


def test_an_open_pipe_is_not_read() -> None:
    r, w = os.pipe()  # read_regular checks what it was given before reading from it
    try:
        with pytest.raises(intake.Refused) as info:
            intake.read_regular(r, 10)
        assert info.value.reason == "special"
    finally:
        os.close(r)
        os.close(w)


@pytest.mark.usefixtures("walk")
def test_a_folder_with_too_many_files_is_refused(tmp_path: Path) -> None:
    sub = folder(tmp_path / "s", **{"activations.py": CODE})
    for i in range(intake.MAX_FOLDER_ENTRIES):
        (sub / f"f{i}.txt").touch()
    got = read(sub)
    assert got.files == {}
    assert reasons(got) == {".": "too_many_files"}
    assert "1000" in got.refused[0].message


def test_the_total_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_TOTAL_BYTES", 3 * len(CODE))
    names = ["activations.py", "linear_neurons.py", "a_helper.py", "b_helper.py"]
    sub = folder(tmp_path / "s", **dict.fromkeys(names, CODE))
    got = read(sub)
    # The assignment's modules come first; the last helper does not fit.
    assert set(got.files) == {"activations.py", "linear_neurons.py", "a_helper.py"}
    assert reasons(got) == {"b_helper.py": "total_too_large"}


@pytest.mark.usefixtures("walk")
def test_checkout_and_single_top_folder_layouts(tmp_path: Path) -> None:
    checkout = folder(tmp_path / "c" / "exercises" / "lec04", **{"activations.py": CODE})
    assert read(tmp_path / "c").files == {"activations.py": CODE}
    assert read(tmp_path / "c").folder == "exercises/lec04"
    folder(tmp_path / "t" / "student1", **{"linear_neurons.py": CODE})
    (tmp_path / "t" / ".DS_Store").touch()
    got = read(tmp_path / "t")
    assert got.files == {"linear_neurons.py": CODE} and got.folder == "student1"
    assert checkout.is_dir()


def test_a_single_module_file(tmp_path: Path) -> None:
    sub = folder(tmp_path / "s", **{"activations.py": CODE, "linear_neurons.py": CODE})
    got = read(sub / "activations.py")
    assert got.single == "activations" and got.files == {"activations.py": CODE}
    (sub / "link.py").symlink_to(sub / "activations.py")
    got = read(sub / "link.py")
    assert got.files == {} and reasons(got) == {"link.py": "symlink"}


# --- archives -----------------------------------------------------------------------------------

def test_zip_and_tar_layouts_are_found(tmp_path: Path) -> None:
    zipped = make_zip(tmp_path / "s.zip", {"student1/activations.py": CODE,
                                           "student1/linear_neurons.py": CODE,
                                           "__MACOSX/student1/._activations.py": b"junk"})
    got = read(zipped)
    assert got.folder == "student1" and set(got.files) == {"activations.py", "linear_neurons.py"}
    assert got.refused == []
    for suffix, mode in [(".tar.gz", "w:gz"), (".tgz", "w:gz"), (".tar", "w"), (".tar.xz", "w:xz")]:
        tarred = make_tar(tmp_path / f"s{suffix}", {"repo-main/README.md": b"x",
                                                   "repo-main/exercises/lec04/activations.py": CODE},
                          mode)
        got = read(tarred)
        assert got.folder == "repo-main/exercises/lec04", suffix
        assert got.files == {"activations.py": CODE}, suffix


def test_zip_entries_that_leave_the_archive_are_refused(tmp_path: Path) -> None:
    zipped = make_zip(tmp_path / "s.zip", {
        "linear_neurons.py": CODE,
        "../activations.py": CODE,
        "/etc/activations.py": CODE,
        "C:/Windows/x.py": CODE,
        "sub/..\\..\\evil.py": CODE,
        "activations.py": (stat.S_IFLNK | 0o777, b"../../solutions/lec04/activations.py"),
        "helper.py": (stat.S_IFCHR | 0o666, b""),
    })
    got = read(zipped)
    assert set(got.files) == {"linear_neurons.py"}
    assert reasons(got) == {"../activations.py": "parent_path", "/etc/activations.py": "absolute_path",
                            "C:/Windows/x.py": "absolute_path", "sub/..\\..\\evil.py": "parent_path",
                            "activations.py": "symlink", "helper.py": "special"}
    messages = " ".join(r.message for r in got.refused)
    assert "'..'" in messages and "절대 경로" in messages and "absolute path" in messages


def test_tar_entries_that_leave_the_archive_are_refused(tmp_path: Path) -> None:
    tarred = make_tar(tmp_path / "s.tar.gz", {
        "./linear_neurons.py": CODE,
        "../activations.py": CODE,
        "/tmp/activations.py": CODE,
        "activations.py": (tarfile.SYMTYPE, "/course/solutions/lec04/activations.py"),
        "helper.py": (tarfile.LNKTYPE, "/course/solutions/lec04/tests/test_activations.py"),
        "helper2.py": (tarfile.LNKTYPE, "linear_neurons.py"),
        "dev.py": (tarfile.CHRTYPE, ""),
        "fifo.py": (tarfile.FIFOTYPE, ""),
    })
    got = read(tarred)
    assert set(got.files) == {"linear_neurons.py"}
    assert reasons(got) == {"../activations.py": "parent_path", "/tmp/activations.py": "absolute_path",
                            "activations.py": "symlink", "helper.py": "hardlink",
                            "helper2.py": "hardlink", "dev.py": "special", "fifo.py": "special"}
    assert any("하드 링크" in r.message and "hard link" in r.message for r in got.refused)


def test_a_linked_folder_inside_an_archive_refuses_what_is_below(tmp_path: Path) -> None:
    tarred = make_tar(tmp_path / "s.tar", {
        "exercises/lec04": (tarfile.SYMTYPE, "../solutions/lec04"),
        "exercises/lec04/activations.py": CODE,  # would land in the linked folder on extraction
    }, "w")
    got = read(tarred)
    assert got.files == {}
    assert reasons(got) == {"exercises/lec04": "symlink"}


def test_duplicate_members_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("activations.py", CODE)
        with pytest.warns(UserWarning):
            zf.writestr("activations.py", b"OTHER = 1\n")
        zf.writestr("linear_neurons.py", CODE)
    got = read(path)
    assert set(got.files) == {"linear_neurons.py"} and reasons(got) == {"activations.py": "duplicate"}


def _zeros_zip(path: Path, name: str, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as member:
        chunk = bytes(1 << 20)
        for _ in range(size >> 20):
            member.write(chunk)
    return path


def test_a_zip_bomb_member_is_refused_without_unpacking(tmp_path: Path) -> None:
    bomb = _zeros_zip(tmp_path / "bomb.zip", "activations.py", 200 << 20)
    assert bomb.stat().st_size < 1 << 20  # 200 MiB of zeros in well under 1 MiB
    with zipfile.ZipFile(bomb, "a") as zf:
        zf.writestr("linear_neurons.py", CODE)
    start = time.monotonic()
    got = read(bomb)
    assert time.monotonic() - start < 2  # nothing was unpacked
    assert set(got.files) == {"linear_neurons.py"}
    assert reasons(got) == {"activations.py": "bomb"}
    assert "압축 폭탄" in got.refused[0].message and "zip bomb" in got.refused[0].message


def test_a_zip_member_lying_about_its_size_is_bounded(tmp_path: Path) -> None:
    path = _zeros_zip(tmp_path / "lie.zip", "activations.py", 8 << 20)
    data = bytearray(path.read_bytes())
    # Declare 100 bytes (local header and central directory): zipfile stops there, CRC fails.
    for at in (data.find(b"PK\x03\x04") + 22, data.find(b"PK\x01\x02") + 24):
        data[at:at + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    got = read(path)
    assert got.files == {}
    assert reasons(got) in ({"activations.py": "unreadable"}, {"lie.zip": "corrupt"})


def test_a_tar_gz_bomb_is_refused_at_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "bomb.tar.gz"
    with gzip.open(path, "wb") as gz, tarfile.open(fileobj=gz, mode="w|") as tf:
        info = tarfile.TarInfo("activations.py")
        info.size = 200 << 20

        class Zeros(io.RawIOBase):
            def readinto(self, b: bytearray) -> int:  # type: ignore[override]
                b[:] = bytes(len(b))
                return len(b)

        tf.addfile(info, Zeros())
    start = time.monotonic()
    got = read(path)
    assert time.monotonic() - start < 5
    assert got.files == {} and reasons(got) == {"bomb.tar.gz": "bomb"}


def test_too_many_members_is_refused_before_indexing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_ARCHIVE_MEMBERS", 10)
    members: dict[str, bytes | tuple[int, bytes]] = {f"f{i}.txt": b"" for i in range(11)}
    zipped = make_zip(tmp_path / "many.zip", members)
    assert reasons(read(zipped)) == {"many.zip": "too_many_members"}
    tarred = make_tar(tmp_path / "many.tar", dict.fromkeys(members, b""), "w")
    assert reasons(read(tarred)) == {"many.tar": "too_many_members"}


def test_a_damaged_or_special_archive_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    assert reasons(read(tmp_path / "bad.zip")) == {"bad.zip": "corrupt"}
    (tmp_path / "bad.tgz").write_bytes(b"\x1f\x8b not gzip")
    assert reasons(read(tmp_path / "bad.tgz")) == {"bad.tgz": "corrupt"}
    os.mkfifo(tmp_path / "fifo.zip")
    done = threading.Event()
    result: list[Intake] = []
    worker = threading.Thread(target=lambda: (result.append(read(tmp_path / "fifo.zip")),
                                              done.set()), daemon=True)
    worker.start()
    assert done.wait(5), "reading a FIFO named like an archive blocked"
    assert reasons(result[0]) == {"fifo.zip": "special"}


def test_paths_are_shown_without_control_characters() -> None:
    assert intake.shown("a\x1b[31mred.py") == "a\\x1b[31mred.py"
    assert intake.member_parts("./a//b/./c.py") == (("a", "b", "c.py"), None)


# --- grading one module file, an archive, through the command -----------------------------------

@pytest.fixture(scope="module")
def two_module_course(tmp_path_factory: pytest.TempPathFactory) -> object:
    import redteam_support as rs

    return rs.build_course(tmp_path_factory.mktemp("course"), rs.LIMITS)


def _check(course: object, *args: str) -> tuple[int, str]:
    """Exit code and standard output (warnings go to standard error) of ``grader check``."""
    from click.testing import CliRunner

    from grader.cli import main

    root = str(course.root)  # type: ignore[attr-defined]
    out = CliRunner().invoke(main, ["check", *args, "--course", root, "--seed", "1",
                                    "--isolation", "process", "--lang", "ko"])
    return out.exit_code, out.stdout if out.exit_code == 0 else out.output


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["py", "ipynb"])
def test_a_single_module_file_grades_that_module_only(two_module_course: object, tmp_path: Path,
                                                      kind: str) -> None:
    import json

    import redteam_support as rs

    sub = rs.write_submission(tmp_path / "s")
    target = sub / "activations.py"
    if kind == "ipynb":
        cell = {"cell_type": "code", "source": rs.ACTIVATIONS.splitlines(keepends=True),
                "metadata": {}, "outputs": [], "execution_count": None}
        target = sub / "activations.ipynb"
        target.write_text(json.dumps({"cells": [cell], "nbformat": 4, "nbformat_minor": 5,
                                      "metadata": {}}), encoding="utf-8")
        (sub / "activations.py").unlink()
    code, output = _check(two_module_course, str(target), "--format", "json")
    assert code == 0, output
    report = json.loads(output)
    assert report["modules"] == ["activations"]
    assert sorted(f["name"] for f in report["functions"]) == sorted(
        f"activations.{n}" for n in rs.ACTIVATION_POINTS)
    assert report["score"] == report["max_score"] == sum(rs.ACTIVATION_POINTS.values())
    assert report["refused"] == []
    code, output = _check(two_module_course, str(target))
    assert "채점한 모듈: activations\n" in output
    assert "linear_neurons" not in output


@pytest.mark.slow
def test_a_file_not_named_after_a_module_is_a_usage_error(two_module_course: object,
                                                          tmp_path: Path) -> None:
    (tmp_path / "my_solution.py").write_bytes(CODE)
    code, output = _check(two_module_course, str(tmp_path / "my_solution.py"))
    assert code == 2
    assert "과제의 모듈 파일이 아닙니다. 파일 이름을 모듈 이름과 같게 바꾸세요" in output
    assert "activations.py" in output and "name the file" not in output  # --lang ko: Korean only
    from click.testing import CliRunner

    from grader.cli import main

    english = CliRunner().invoke(main, ["check", str(tmp_path / "my_solution.py"), "--course",
                                        str(two_module_course.root),  # type: ignore[attr-defined]
                                        "--isolation", "process", "--lang", "en"])
    assert english.exit_code == 2
    assert "name the file after its module (activations.py" in english.output
    assert "모듈" not in english.output


@pytest.mark.slow
def test_a_whole_folder_lists_every_module_and_refused_files(two_module_course: object,
                                                             tmp_path: Path) -> None:
    import redteam_support as rs

    sub = rs.write_submission(tmp_path / "s", linear_neurons=None)
    (sub / "linear_neurons.py").symlink_to(sub / "activations.py")
    code, output = _check(two_module_course, str(sub))
    assert code == 0, output
    assert "채점한 모듈: activations, linear_neurons\n" in output
    assert "읽지 않은 파일 (없는 것으로 채점):" in output
    assert "✗ linear_neurons.py: 심볼릭 링크입니다" in output
    assert f"총점: {sum(rs.ACTIVATION_POINTS.values()):g} / " in output


def test_a_module_parsed_again_is_the_same_tree_and_a_bad_one_the_same_reason():
    from grader.intake import safe_parse

    source = "def f(x):\n    return x\n" + f"# {uuid.uuid4()}\n"
    assert safe_parse.python_tree(source, "m.py") is safe_parse.python_tree(source, "m.py")
    reasons = []
    for _ in range(2):
        with pytest.raises(safe_parse.Unreadable) as info:
            safe_parse.python_tree("def f(:\n" + f"# {uuid.uuid4()}\n", "bad.py")
        reasons.append(info.value.data)
    assert reasons[0].key == reasons[1].key == "safe_parse.syntax"
    raised = []
    for _ in range(2):  # each raise is a fresh exception with the same reason
        with pytest.raises(safe_parse.Unreadable, match=r"bad\.py") as again:
            safe_parse.python_tree("def f(:\n", "bad.py")
        assert again.value.data.key == "safe_parse.syntax"
        raised.append(again.value)
    assert raised[0] is not raised[1]  # a kept exception raised again would grow its traceback
