"""The student guide (docs/students.md) and the released student README show the report as the
grader prints it: their sample output is produced here by a real grading, so it cannot drift.

학생 안내(docs/students.md)와 배포용 학생 README의 예시 출력은 실제 채점으로 만든다. 채점기의
출력이 바뀌면 이 테스트가 실패하고, ``python tests/test_students_guide.py``로 다시 씁니다.

A sample is a fenced ``text`` block right after ``<!-- sample: ko -->`` (or ``en``): the
reference with two catalogued mistakes in ``activations.py`` (the sigmoid's derivative of ``z``,
a ReLU that changes its input), graded with a fixed seed, 80 columns, without the run's header
line (it holds the time taken).
"""

from __future__ import annotations

import functools
import re
import sys
import tempfile
from pathlib import Path

import mistake_corpus as corpus
import pytest

from grader.grading.engine import grade
from grader.report import text

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "docs" / "students.md", ROOT / "grader" / "templates" / "README.student.md"]
BLOCK = re.compile(r"(<!-- sample: (ko|en) -->\n```text\n)(.*?)(```)", re.DOTALL)


@functools.cache
def _graded() -> object:
    with tempfile.TemporaryDirectory() as tmp:
        source = corpus._MODULES["activations.py"]
        for mistake in ("activations_sigmoid_derivative_z_as_out", "activations_relu_in_place"):
            source = corpus._mistake(source, mistake)
        path = Path(tmp) / "activations.py"
        path.write_text(source, encoding="utf-8")
        return grade(corpus.course(), "lec04", path, seed=4)


def sample(lang: str) -> str:
    return text.render(_graded(), width=80, lang=lang, header=False)  # type: ignore[arg-type]


def rewritten(document: str) -> str:
    return BLOCK.sub(lambda m: m[1] + sample(m[2]) + m[4], document)


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_sample_output_is_the_grader_s(path: Path) -> None:
    document = path.read_text(encoding="utf-8")
    assert {m[2] for m in BLOCK.finditer(document)} == {"ko", "en"}, "a sample in each language"
    assert document.index("<!-- sample: ko -->") < document.index("<!-- sample: en -->")
    assert rewritten(document) == document, "run: python tests/test_students_guide.py"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_korean_comes_first(path: Path) -> None:
    """Each section's heading and first paragraph are Korean; the English follows."""
    document = path.read_text(encoding="utf-8")
    for heading in re.findall(r"^#+ (.+)$", document, re.MULTILINE):
        if heading.startswith("@@"):  # the assignment's title, filled in by `grader release`
            continue
        assert re.match(r"[@\d. ]*[\uac00-\ud7a3]", heading), heading
    hangul = re.search(r"[\uac00-\ud7a3]", document)
    assert hangul and "Implement" in document[hangul.start():]


def test_the_guide_explains_every_mark_of_the_report() -> None:
    guide = (ROOT / "docs" / "students.md").read_text(encoding="utf-8")
    for mark in text.MARK.values():
        assert f"`{mark}`" in guide, mark
    for status in text.STATUSES:
        assert text.status_word(status, "ko") in guide and text.status_word(status, "en") in guide


if __name__ == "__main__":  # rewrite the samples from the grader as it is now
    for doc in DOCUMENTS:
        doc.write_text(rewritten(doc.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
