"""``grader grade --lang en`` speaks English only, ``--lang ko`` Korean only: every note, reason
and hint of every output (text, markdown, junit, summary, and the JSON reports read back).

반 전체 채점의 모든 출력(알림, 실패 이유, 힌트)은 고른 언어 하나로만 나온다.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_tiny_course

from grader.result import Result

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# English words of the catalogue's messages that a Korean rendering never holds.
ENGLISH = re.compile(r"\b(got|expected|Hint|taken as|not valid|tolerance)\b")

MISTAKE = '''"""부호가 바뀐 덧셈 / add with its sign flipped."""

FUNCTION = "calc.add"
HINT_KO = "부호를 확인하세요."
HINT_EN = "Check the sign."


def add(a, b):
    return -(a + b)
'''


def _class(root: Path) -> Path:
    klass = root / "class"
    (klass / "ann").mkdir(parents=True)  # wrong add (a catalogued mistake: a hint), right scale
    (klass / "ann" / "calc.py").write_text(
        "def add(a, b):\n    return -(a + b)\n\ndef scale(x, k=2.0):\n    return k * x\n",
        encoding="utf-8")
    (klass / "bob").mkdir()  # no module at all: a note
    (klass / "bob" / "notes.txt").write_text("hello", encoding="utf-8")
    (klass / "cho").mkdir()  # not UTF-8: a note and a module error
    (klass / "cho" / "calc.py").write_bytes(b"def add(a, b):\n    return a + b  # \xff\n")
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None,
                           "source": "def add(a, b):\n    return a + b\n\n"
                                     "def scale(x, k=2.0):\n    return x\n"}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (klass / "dan.ipynb").write_text(json.dumps(notebook), encoding="utf-8")  # taken as calc
    return klass


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_grade_speaks_one_language(tmp_path: Path, lang: str) -> None:
    course = make_tiny_course(tmp_path / "course")
    (course / "solutions" / "a1" / "mistakes").mkdir()
    (course / "solutions" / "a1" / "mistakes" / "calc_add_flipped.py").write_text(
        MISTAKE, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(_class(tmp_path)), "--course", str(course),
         "-o", str(out), "--seed", "3", "--isolation", "process", "--workers", "1",
         "--lang", lang, "--format", "text", "--format", "markdown", "--format", "junit"],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    texts = {p.name: p.read_text(encoding="utf-8")
             for p in sorted((out / "reports").glob("*")) if p.suffix != ".json"}
    texts["summary.txt"] = (out / "summary.txt").read_text(encoding="utf-8")
    for p in sorted((out / "reports").glob("*.json")):
        result = Result.from_json(json.loads(p.read_text(encoding="utf-8")))
        rendered = [*result.notes_in(lang), *(t.message_in(lang) for f in result.functions
                                              for t in f.tests)]
        texts[p.name] = "\n".join(rendered)
    assert len(texts) == 4 * 4 + 1
    # a notebook named after its student is graded as `grader check` grades it
    dan = json.loads((out / "reports" / "dan.json").read_text(encoding="utf-8"))
    assert dan["submission"]["status"] == "graded" and dan["score"] == 2.0
    # locations speak of the entry, not of the grader's private copy
    assert "/tmp/" not in texts["ann.xml"] and 'file="ann/calc.py"' in texts["ann.xml"]
    ann = texts["ann.json"]
    assert ("Check the sign." if lang == "en" else "부호를 확인하세요.") in ann
    for name, text in texts.items():
        if lang == "en":
            assert not HANGUL.search(text), (name, HANGUL.findall(text)[:5], text[:1500])
        else:
            assert not ENGLISH.search(text.replace("calc.py", "").replace(".ipynb", "")), \
                (name, ENGLISH.findall(text)[:5], text[:1500])
