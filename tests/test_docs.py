"""The README is a start page: at most 200 lines, no sample output, every relative link in it and
in docs/ resolves, and the student quick start's shell lines run as pasted, in order.

README는 시작 페이지: 200줄 이하, 모든 상대 링크가 실제 파일을 가리키고, 학생 빠른 시작의 명령은
붙여 넣은 그대로 실행된다.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
QUICK_START = "## 학생 빠른 시작 / Student quick start"


def _without_code(text: str) -> str:
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def relative_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(_without_code(page.read_text(encoding="utf-8")))
            if not re.match(r"^[a-z]+:", target) and not target.startswith("#")]


def test_readme_is_a_start_page():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    assert "```text" not in text  # no sample output
    # The two first commands stay exactly what CI runs (.ci/run).
    first = FENCE.search(text)
    assert first is not None
    assert first.group(2).splitlines() == [
        "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/grader check",
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test,authoring]' && "
        ".venv/bin/python -m pytest"]
    for heading in (QUICK_START, "## 강사 빠른 시작 / Instructor quick start",
                    "## CI 빠른 시작 / CI quick start", "## 문서 지도 / Map of docs/"):
        assert heading in text
    # Every page of docs/ is on the map.
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "README.md":
            assert f"(docs/{page.name})" in text, page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page):
    links = relative_links(page)
    assert links or page.name != "README.md"
    for target in links:
        path = target.split("#", 1)[0]
        resolved = (page.parent / path).resolve()
        assert resolved.exists(), f"{page.name}: {target}"
        assert ROOT in resolved.parents or resolved == ROOT, f"{page.name} leaves the repo: {target}"


def test_the_link_check_finds_a_broken_link(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("[a](there.md) `[b](code.md)` [c](https://example.org)\n"
                    "```\n[d](in-code.md)\n```\n", encoding="utf-8")
    assert relative_links(page) == ["there.md"]


def quick_start_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(QUICK_START, 1)[1].split("\n## ", 1)[0]
    lines = []
    for lang, body in FENCE.findall(section):
        assert lang == "bash"
        lines += [ln for ln in body.splitlines() if ln.strip() and not ln.startswith("#")]
    return lines


@pytest.mark.slow
def test_student_quick_start_runs_as_pasted(tmp_path):
    """Each line of the student quick start, pasted in order into one bash session in a fresh
    copy of the repository (no .venv): every command is found and does its job."""
    lines = quick_start_lines()
    assert lines[:2] == ["python3 -m venv .venv", "source .venv/bin/activate"]
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", "*.egg-info", "build", "dist", ".cache"))
    script = "".join(f"{line}\necho \"@@rc {i} $?\"\n" for i, line in enumerate(lines))
    # A login-less bash as a terminal would be; python3 is the interpreter running these tests.
    python3 = tmp_path / "bin" / "python3"
    python3.parent.mkdir()
    python3.symlink_to(Path(sys.executable).resolve())
    env = {"PATH": f"{python3.parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
           "LANG": "C.UTF-8", "TERM": "dumb"}
    run = subprocess.run(["bash", "--noprofile", "--norc", "-s"], input=script, cwd=copy,
                         env=env, capture_output=True, text=True, timeout=900)
    codes = {int(i): int(rc) for i, rc in re.findall(r"^@@rc (\d+) (\d+)$", run.stdout, re.M)}
    assert len(codes) == len(lines), run.stdout[-3000:] + run.stderr[-3000:]
    assert "command not found" not in run.stderr and "does not exist" not in run.stderr, \
        run.stderr[-3000:]
    for i, line in enumerate(lines):
        # pytest exits 1 when tests fail: the stubs fail until they are implemented.
        allowed = {0, 1} if line.startswith("pytest") else {0}
        assert codes[i] in allowed, f"{line!r} exited {codes[i]}\n{run.stderr[-3000:]}"
    assert "exercises/lec04/activations.py" in run.stdout  # `grader check activations.py`
    assert re.search(r"\d+ failed", run.stdout)  # pytest ran the public tests
