"""The hidden bundle: what goes in, how it is verified, and that ``check --bundle`` takes nothing
but the modules from the submission. Also the course's ``total:`` and ``--fail-under``."""

from __future__ import annotations

import json
import re
import stat
import zipfile
from pathlib import Path

import pytest
from ci_support import tiny_with_total
from click.testing import CliRunner
from conftest import make_tiny_course

from grader.cli import main
from grader.course.bundle import MANIFEST, BundleError, make_bundle, open_bundle
from grader.course.config import load_course
from grader.errors import GraderError
from grader.result import notes_of

ROOT = Path(__file__).resolve().parents[1]
ADD_ONLY = "def add(a, b):\n    return a + b\n\ndef scale(x, k=2.0):\n    raise NotImplementedError()\n"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def rewrite(src: Path, dst: Path, change) -> None:
    """Copy a bundle member by member; ``change(name, data)`` returns new data or None to drop."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info, data)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return tiny_with_total(tmp_path / "course")


@pytest.fixture
def bundle(course: Path, tmp_path: Path) -> Path:
    out = tmp_path / "hidden.zip"
    make_bundle(load_course(course), "a1", out)
    return out


# --- what a bundle holds ----------------------------------------------------------------------

def test_full_bundle_lists_every_file_with_its_hash_and_the_grader_version(bundle, course):
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        names = set(zf.namelist())
    assert manifest["schema"] == "grader.course.bundle/v1" and manifest["kind"] == "full"
    assert manifest["grader_version"] and manifest["assignment"] == "a1"
    assert set(manifest["files"]) == {"course.yaml", "exercises/a1/tests/test_calc.py",
                                      "solutions/a1/calc.py", "solutions/a1/tests/test_calc.py"}
    assert names == set(manifest["files"]) | {MANIFEST}
    import hashlib
    for name, digest in manifest["files"].items():
        with zipfile.ZipFile(bundle) as zf:
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest


def test_public_bundle_has_nothing_from_solutions(course, tmp_path):
    out = tmp_path / "public.zip"
    make_bundle(load_course(course), "a1", out, "public")
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if n.startswith("solutions/")]


def test_same_course_same_bytes(course, tmp_path):
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    assert make_bundle(load_course(course), "a1", a) == make_bundle(load_course(course), "a1", b)
    assert a.read_bytes() == b.read_bytes()


def test_open_bundle_verifies_and_lays_out_a_course(bundle):
    opened = open_bundle(bundle)
    try:
        assert (opened.root / "solutions/a1/calc.py").is_file()
        assert opened.course.assignment("a1").total == 5
        assert len(opened.sha256) == 64 and opened.sha256 in opened.note
    finally:
        opened.remove()
    assert not opened.root.exists()


# --- a bundle that cannot be trusted is refused -----------------------------------------------

def test_tampered_member_is_refused_naming_it(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    rewrite(bundle, bad, lambda n, d: d.replace(b"reference.calc.add(a, b)", b"a + b")
            if n == "solutions/a1/tests/test_calc.py" else d)
    with pytest.raises(BundleError, match=r"solutions/a1/tests/test_calc\.py.*SHA-256"):
        open_bundle(bad)


def test_extra_and_missing_members_are_refused(bundle, tmp_path):
    extra = tmp_path / "extra.zip"
    rewrite(bundle, extra, lambda n, d: d)
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("exercises/a1/tests/conftest.py", "import os\n")
    with pytest.raises(BundleError, match=r"not in the manifest.*conftest\.py"):
        open_bundle(extra)
    missing = tmp_path / "missing.zip"
    rewrite(bundle, missing, lambda n, d: None if n == "solutions/a1/calc.py" else d)
    with pytest.raises(BundleError, match=r"missing.*solutions/a1/calc\.py"):
        open_bundle(missing)


@pytest.mark.parametrize("name", ["../evil.py", "/etc/evil.py", "solutions/../../x.py",
                                  "solutions\\a1\\x.py", "elsewhere/x.py"])
def test_unsafe_names_are_refused(bundle, tmp_path, name):
    bad = tmp_path / "bad.zip"
    rewrite(bundle, bad, lambda n, d: d)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr(name, "x = 1\n")
    with pytest.raises(BundleError, match="bundle refused"):
        open_bundle(bad)


def test_links_are_refused(bundle, tmp_path):
    bad = tmp_path / "link.zip"
    rewrite(bundle, bad, lambda n, d: d)
    info = zipfile.ZipInfo("solutions/a1/link.py")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(BundleError, match="regular file"):
        open_bundle(bad)


def test_pinned_hash_and_garbage(bundle, tmp_path):
    with pytest.raises(BundleError, match="expected 00"):
        open_bundle(bundle, "00" * 32)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(BundleError, match="not a zip"):
        open_bundle(junk)


def test_cli_refuses_a_tampered_bundle_with_exit_2(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    rewrite(bundle, bad, lambda n, d: d + b"\n" if n == "course.yaml" else d)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "calc.py").write_text(ADD_ONLY, encoding="utf-8")
    result = invoke("check", str(sub), "--bundle", str(bad), "--isolation", "process")
    assert result.exit_code == 2
    assert str(bad) in result.output and "course.yaml" in result.output
    # each language alone, naming the bundle, the tampered file and the fix
    with pytest.raises(BundleError) as refused:
        open_bundle(bad)
    ko, en = refused.value.in_language("ko"), refused.value.in_language("en")
    assert ko.startswith(f"{bad}: 번들을 쓸 수 없습니다 — course.yaml: SHA-256 값이 목록(manifest)과 "
                         f"다릅니다(변조되었을 수 있음). grader bundle 명령으로 번들을 다시 만드세요."), ko
    assert en == (f"{bad}: bundle refused: course.yaml does not match its SHA-256 in the manifest "
                  f"(tampered?); make the bundle again with grader bundle")
    assert not re.search(r"[\uac00-\ud7a3]", en) and "bundle refused" not in ko


# --- points add up to the course's total ------------------------------------------------------

def test_total_that_does_not_add_up_names_the_key(tmp_path):
    course = tiny_with_total(tmp_path / "c", total="100")
    with pytest.raises(GraderError, match=r"assignments\.a1\.total.*add up to 5, not the total "
                                          r"100"):
        load_course(course)


def test_total_must_be_a_number(tmp_path):
    course = tiny_with_total(tmp_path / "c", total="lots")
    with pytest.raises(GraderError, match=r"assignments\.a1\.total.*a number"):
        load_course(course)


def test_bundle_needs_a_total(tmp_path):
    course = make_tiny_course(tmp_path / "c")
    result = invoke("bundle", str(tmp_path / "b.zip"), "--course", str(course))
    assert result.exit_code == 2 and "total: 5" in result.output
    assert not (tmp_path / "b.zip").exists()


def test_shipped_course_adds_up_to_its_total():
    a = load_course(ROOT / "course.yaml").assignment("lec04")
    assert a.total is not None and a.max_score == a.total  # 100 as shipped


def test_feedback_policy_is_checked(tmp_path):
    course = tiny_with_total(tmp_path / "c")
    path = course / "course.yaml"
    path.write_text(path.read_text() + "feedback:\n  hidden_tests: everything\n")
    with pytest.raises(GraderError, match=r"feedback\.hidden_tests.*'summary' or 'full'"):
        load_course(course)


# --- check --bundle: only the modules come from the submission --------------------------------

def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_check_with_bundle_ignores_the_submissions_course_tests_and_conftest(bundle, tmp_path):
    honest = tmp_path / "honest" / "exercises" / "a1"
    honest.mkdir(parents=True)
    (honest / "calc.py").write_text(ADD_ONLY, encoding="utf-8")
    # A dishonest checkout: same module, plus its own course file, suites and conftest.
    dishonest = tmp_path / "dishonest"
    make_tiny_course(dishonest)
    (dishonest / "course.yaml").write_text(
        (dishonest / "course.yaml").read_text().replace("scale: 3", "scale: 30"))
    (dishonest / "exercises/a1/calc.py").write_text(ADD_ONLY, encoding="utf-8")
    (dishonest / "exercises/a1/tests/test_calc.py").write_text(
        "import pytest\n@pytest.mark.grades('calc.scale')\ndef test_free(student):\n    pass\n")
    (dishonest / "exercises/a1/tests/conftest.py").write_text("raise SystemExit(3)\n")
    (dishonest / "conftest.py").write_text("raise SystemExit(3)\n")
    (dishonest / "solutions").rename(dishonest / "not-solutions")
    reports = [_json(invoke("check", str(p), "--bundle", str(bundle), "--format", "json",
                            "--seed", "5", "--isolation", "process"))
               for p in (tmp_path / "honest", dishonest)]
    for r in reports:
        assert (r["score"], r["max_score"]) == (2.0, 5.0)
        assert any("sha256" in note for note in notes_of(r))
        assert {t["visibility"] for f in r["functions"] for t in f["tests"]} == {"public",
                                                                                 "hidden"}
    assert [f["score"] for f in reports[0]["functions"]] == \
        [f["score"] for f in reports[1]["functions"]]


def test_bundle_excludes_course_and_suites_options(bundle, tmp_path):
    result = invoke("check", str(tmp_path), "--bundle", str(bundle), "--suites", str(tmp_path))
    assert result.exit_code == 2 and "--bundle" in result.output


# --- --fail-under explains itself -------------------------------------------------------------

def test_fail_under_above_the_maximum_is_refused(bundle, tmp_path):
    result = invoke("check", str(tmp_path), "--bundle", str(bundle), "--fail-under", "6")
    assert result.exit_code == 2
    assert "maximum score 5" in result.output and "always fail" in result.output


def test_fail_under_says_why_it_fails(bundle, tmp_path):
    (tmp_path / "calc.py").write_text(ADD_ONLY, encoding="utf-8")
    result = invoke("check", str(tmp_path), "--bundle", str(bundle), "--fail-under", "4.5",
                    "--isolation", "process", "--seed", "1")
    assert result.exit_code == 1
    assert "score 2/5 is below --fail-under 4.5" in result.output


def test_bundle_command_prints_its_hash(course, tmp_path):
    out = tmp_path / "b.zip"
    result = invoke("bundle", str(out), "--course", str(course))
    assert result.exit_code == 0, result.output
    import hashlib
    assert hashlib.sha256(out.read_bytes()).hexdigest() in result.output


def test_member_larger_than_declared_is_refused(bundle, tmp_path):
    # A header that understates a member's size must not let it inflate past the bound.
    # Patch the central directory's uncompressed size of one member down by one byte.
    bad = tmp_path / "short.zip"
    rewrite(bundle, bad, lambda n, d: d)
    raw = bytearray(bad.read_bytes())
    name = b"solutions/a1/calc.py"
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        name_len = int.from_bytes(raw[at + 28:at + 30], "little")
        if raw[at + 46:at + 46 + name_len] == name:
            size = int.from_bytes(raw[at + 24:at + 28], "little")
            raw[at + 24:at + 28] = (size - 1).to_bytes(4, "little")
        at = raw.find(b"PK\x01\x02", at + 4)
    bad.write_bytes(bytes(raw))
    with pytest.raises(BundleError):
        open_bundle(bad)


def test_validate_refuses_points_that_do_not_add_up(tmp_path):
    course = tiny_with_total(tmp_path / "c", total="100")
    result = invoke("validate", "--course", str(course), "--isolation", "process")
    assert result.exit_code == 2
    assert "assignments.a1.total" in result.output and "not the total 100" in result.output


def test_validate_row_for_the_total(tmp_path):
    from dataclasses import replace

    from grader.course.config import total_check

    with_total = load_course(tiny_with_total(tmp_path / "a"))
    a = with_total.assignment("a1")
    assert total_check(with_total.path, a) == (True, "5 = total 5", [])
    ok, detail, problems = total_check(with_total.path, replace(a, total=None))
    assert not ok and "add 'total: 5'" in str(detail) and "no total" in str(problems[0])
    ok, _, problems = total_check(with_total.path, replace(a, total=7.0))
    assert not ok and "add up to 5, not the total 7" in str(problems[0])


def test_bundle_refuses_names_it_could_not_open_again(course, tmp_path):
    (course / "exercises/a1/tests/data file.txt").write_text("1 2 3\n")
    with pytest.raises(BundleError, match="unsafe member name"):
        make_bundle(load_course(course), "a1", tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


@pytest.mark.parametrize("change", [("total: 5", "total: 50"), ("    total: 5\n", "")])
def test_consistent_bundle_whose_points_do_not_add_up_is_refused(bundle, tmp_path, change):
    """A bundle made by hand, hashes right, but its course's points do not match its total."""
    import hashlib

    with zipfile.ZipFile(bundle) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["course.yaml"] = files["course.yaml"].decode().replace(*change).encode()
    manifest = json.loads(files[MANIFEST])
    manifest["files"]["course.yaml"] = hashlib.sha256(files["course.yaml"]).hexdigest()
    files[MANIFEST] = json.dumps(manifest).encode()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    with pytest.raises(GraderError, match=r"assignments\.a1\.total"):
        open_bundle(bad)


def test_a_refused_bundle_leaves_no_temporary_folder(bundle, tmp_path):
    import os
    import tempfile

    def mine() -> set[Path]:
        return set(Path(tempfile.gettempdir()).glob(f"grader-{os.getpid()}-bundle-*"))

    before = mine()
    bad = tmp_path / "bad.zip"
    rewrite(bundle, bad, lambda n, d: d + b"#" if n == "solutions/a1/calc.py" else d)
    with pytest.raises(BundleError):
        open_bundle(bad)
    assert mine() == before


def test_fail_under_speaks_one_language(bundle, tmp_path):
    (tmp_path / "calc.py").write_text(ADD_ONLY, encoding="utf-8")
    result = invoke("check", str(tmp_path), "--bundle", str(bundle), "--fail-under", "4.5",
                    "--isolation", "process", "--seed", "1", "--lang", "ko")
    assert result.exit_code == 1
    said = [ln for ln in result.output.splitlines() if "--fail-under" in ln]
    assert said == ["grader: 점수가 --fail-under 기준보다 낮습니다 (점수 2/5, 기준 4.5). 종료 코드: 1"]
    refused = invoke("check", str(tmp_path), "--bundle", str(bundle), "--fail-under", "6",
                     "--lang", "ko")
    assert refused.exit_code == 2 and "항상 실패합니다" in refused.output
    assert "always fail" not in refused.output
    alone = invoke("check", str(tmp_path), "--bundle", str(bundle), "--suites", str(tmp_path),
                   "--lang", "en")
    assert alone.exit_code == 2 and "drop --suites and --course" in alone.output
    assert "함께" not in alone.output
