"""The cache of rewritten suites (``grader.grading.suite_cache``): a hit gives the same grade, an
edited suite is never served stale, a corrupt, foreign or unwritable cache just falls back, and
the student worker can neither read nor write it (``test_redteam.py``'s escape probe too)."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

import grader
from grader.course.config import load_course
from grader.grading import context, engine, suite_cache
from grader.grading.suite_cache import SuiteCache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SuiteCache:
    """The cache every grading of the test uses (counted), in its own folder."""
    monkeypatch.setenv(suite_cache.ENV, str(tmp_path / "cache"))
    held = SuiteCache(tmp_path / "cache" / "suites")
    monkeypatch.setattr(suite_cache, "suite_cache", lambda: held)
    return held


def _grade(course_root: Path, submission: Path | None = None) -> tuple[float, dict[str, float]]:
    course = load_course(course_root)
    result = engine.grade(course, "a1", submission or course_root / "solutions" / "a1",
                          seed=1, isolation="process")
    return result.score, {f.name: f.score for f in result.functions}


def _entries(cache: SuiteCache) -> list[Path]:
    return sorted(cache.folder.rglob("*.code")) if cache.folder.exists() else []


def test_a_second_grading_hits_and_grades_the_same(tiny_course: Path, cache: SuiteCache) -> None:
    first = _grade(tiny_course)
    assert (cache.hits, cache.misses) == (0, 2)  # the public and the hidden suite file
    assert len(_entries(cache)) == 2
    assert _grade(tiny_course) == first == (5.0, {"calc.add": 2.0, "calc.scale": 3.0})
    assert (cache.hits, cache.misses) == (2, 2)


def test_an_edited_suite_is_a_miss_and_its_edit_counts(tiny_course: Path,
                                                        cache: SuiteCache) -> None:
    assert _grade(tiny_course)[0] == 5.0
    hidden = tiny_course / "solutions" / "a1" / "tests" / "test_calc.py"
    # The same size and shape, one value changed: scale's tests now expect 3 × x.
    text = hidden.read_text(encoding="utf-8")
    hidden.write_text(text.replace("reference.calc.scale(x),", "3 * reference.calc.scale(x),"),
                      encoding="utf-8")
    _, functions = _grade(tiny_course)
    assert functions["calc.scale"] < 3.0 and functions["calc.add"] == 2.0
    assert (cache.hits, cache.misses) == (1, 3)  # the public suite hit, the hidden one missed
    assert len(_entries(cache)) == 3


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_a_corrupt_entry_is_rewritten(tiny_course: Path, cache: SuiteCache, damage: str) -> None:
    _grade(tiny_course)
    for entry in _entries(cache):
        data = entry.read_bytes()
        entry.write_bytes({"garbage": os.urandom(len(data)), "truncated": data[:len(data) // 2],
                           "flipped": data[:-1] + bytes([data[-1] ^ 1]), "empty": b""}[damage])
    assert _grade(tiny_course)[0] == 5.0
    assert (cache.hits, cache.misses) == (0, 4)
    assert _grade(tiny_course)[0] == 5.0  # stored again, whole
    assert cache.hits == 2


def test_an_entry_others_may_write_is_not_used(tiny_course: Path, cache: SuiteCache) -> None:
    _grade(tiny_course)
    for entry in _entries(cache):
        entry.chmod(0o666)
    _grade(tiny_course)
    assert cache.hits == 0


def test_an_unwritable_cache_folder_grades_as_without_a_cache(tiny_course: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    held = SuiteCache(blocker / "suites")  # no folder can be made under a file, even by root
    monkeypatch.setattr(suite_cache, "suite_cache", lambda: held)
    assert _grade(tiny_course) == _grade(tiny_course)
    assert (held.hits, held.misses) == (0, 4)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_read_only_cache_folder_is_used_as_it_is(tiny_course: Path, cache: SuiteCache) -> None:
    _grade(tiny_course)
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    for folder in [cache.folder, *cache.folder.iterdir()]:
        folder.chmod(0o500)
    try:
        assert _grade(tiny_course)[0] == 5.0
        assert cache.hits == 2
    finally:
        for folder in [cache.folder, *cache.folder.iterdir()]:
            folder.chmod(0o700)


def test_off_writes_nothing(tiny_course: Path, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv(suite_cache.ENV, "off")
    assert suite_cache.suite_cache() is None and suite_cache.protected() == []
    assert _grade(tiny_course)[0] == 5.0
    assert list(home.iterdir()) == []


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(suite_cache.ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert suite_cache.cache_root() == tmp_path / "home" / ".cache" / "grader"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert suite_cache.cache_root() == tmp_path / "xdg" / "grader"
    monkeypatch.setenv(suite_cache.ENV, str(tmp_path / "moved"))
    assert suite_cache.cache_root() == tmp_path / "moved"
    assert suite_cache.suite_cache().folder == tmp_path / "moved" / "suites"


def test_no_home_folder_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(suite_cache.ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(homeless))
    assert suite_cache.cache_root() is None and suite_cache.suite_cache() is None


def test_the_worker_may_not_see_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(suite_cache.ENV, str(tmp_path / "cache"))
    plan = context.plan(load_course(ROOT / "course.yaml"), "lec04", isolation="process")
    assert tmp_path / "cache" in plan.protected()


def test_the_key_is_the_content_and_the_versions(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    source = b"def test_x():\n    assert 1\n"
    key = SuiteCache(tmp_path).key(source)
    assert SuiteCache(tmp_path / "elsewhere").key(source) == key  # the folder is not the key
    assert SuiteCache(tmp_path).key(source + b"\n") != key
    assert SuiteCache(tmp_path).key(source, "enable_assertion_pass_hook=True") != key
    monkeypatch.setattr(grader, "__version__", "0.0.0-other")
    assert SuiteCache(tmp_path).key(source) != key
    monkeypatch.setattr("sys.version", "3.99.0 (other)")
    assert SuiteCache(tmp_path).key(source) != key


def test_a_hit_names_the_file_it_is_served_for(tmp_path: Path) -> None:
    """The code first rewritten from one private copy is served for another: tracebacks and
    pytest's test locations must name the new one."""
    source = textwrap.dedent("""
        def test_fails():
            def inner():
                assert 1 + 1 == 3
            inner()
        """)
    first, second = tmp_path / "one" / "test_x.py", tmp_path / "two" / "test_x.py"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text(source, encoding="utf-8")
    cache = SuiteCache(tmp_path / "cache")
    cache.through(first, lambda: compile(source, str(first), "exec"))

    def never() -> object:
        raise AssertionError("a hit must not rewrite")

    code = cache.through(second, never)  # type: ignore[arg-type]
    assert cache.hits == 1
    namespace: dict[str, object] = {}
    exec(code, namespace)
    with pytest.raises(AssertionError) as failed:
        namespace["test_fails"]()  # type: ignore[operator]
    assert {Path(entry.path) for entry in failed.traceback} >= {second}
    assert str(first) not in {str(entry.path) for entry in failed.traceback}


def test_the_lec04_suites_grade_the_same_from_the_cache(cache: SuiteCache) -> None:
    course = load_course(ROOT / "course.yaml")
    graded = [engine.grade(course, "lec04", ROOT / "solutions" / "lec04", seed=3,
                           isolation="process", modules=["activations", "optimizers"])
              for _ in range(2)]
    assert cache.hits > 0 and cache.hits == cache.misses
    a, b = ([(t.name, t.passed, t.message) for f in r.functions for t in f.tests] for r in graded)
    assert a == b and graded[0].score == graded[0].max_score


def test_a_cache_left_by_another_run_is_used_across_processes(tiny_course: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    import subprocess
    import sys

    env = {**os.environ, suite_cache.ENV: str(tmp_path / "cache")}
    for _ in range(2):
        run = subprocess.run([sys.executable, "-m", "grader", "check",
                              str(tiny_course / "solutions" / "a1"), "--course", str(tiny_course),
                              "--isolation", "process", "--seed", "1", "--format", "json"],
                             capture_output=True, text=True, env=env, timeout=120, check=False)
        assert run.returncode == 0, run.stderr
    assert len(list((tmp_path / "cache" / "suites").rglob("*.code"))) == 2
    assert oct((tmp_path / "cache").stat().st_mode & 0o777) == "0o700"
    shutil.rmtree(tmp_path / "cache")  # clearing it is removing the folder
