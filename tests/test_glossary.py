"""One idea, one word: the glossary (docs/glossary.md) lists the words the student-facing text
does not use, and this test finds them in the catalogue, the hints, the stubs, the suites' and
the student documents.

한 개념에 한 단어: 용어집이 쓰지 않기로 한 말을 카탈로그, 힌트, 스텁, 스위트, 학생 문서에서 찾는다.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from grader import messages

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
# Catalogue keys a student meets (the rest speaks to the instructor: bundles, isolation, CLI).
STUDENT_KEYS = ("compare.", "gradcheck.", "session.", "worker.", "error.", "feedback.",
                "status.", "report.", "mistake.", "suite.", "pictures.", "html.", "markdown.",
                "wording.", "messages.", "notebook_code.", "workers.signal")


def synonyms() -> list[str]:
    """The glossary's "not used" column (its first table), each word once."""
    words: list[str] = []
    for line in GLOSSARY.read_text(encoding="utf-8").split("\n## ")[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.search(r"[\uac00-\ud7a3]", cells[2]):
            words += [w.strip() for w in cells[2].split(",") if w.strip()]
    return words


def synonyms_in(text: str) -> list[str]:
    return [w for w in synonyms() if w in text]


def _korean_of(path: Path) -> str:
    """A Python file's docstrings and HINT_KO, or a document's text."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return source
    parts = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            doc = ast.get_docstring(node)
            parts += [doc] if doc else []
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "HINT_KO"
                                                for t in node.targets):
            parts.append(ast.literal_eval(node.value))
    return "\n".join(parts)


def student_files() -> list[Path]:
    lec04 = [*sorted((ROOT / "exercises" / "lec04").rglob("*.py")),
             *sorted((ROOT / "solutions" / "lec04").rglob("*.py"))]
    return [*lec04, ROOT / "docs" / "contract.md", ROOT / "docs" / "students.md",
            ROOT / "grader" / "templates" / "README.student.md"]


def test_the_glossary_lists_the_review_s_synonyms() -> None:
    words = synonyms()
    for word in ("순입력", "형태", "갱신", "비용", "손실", "약속", "목록", "유한 차분", "중앙 차분",
                 "수치 기울기", "학생 코드", "예산"):
        assert word in words, word
    text = GLOSSARY.read_text(encoding="utf-8")
    assert "최종 입력" in text and "net input" in text  # Korean and English


def test_the_catalogue_speaks_the_glossary_s_words() -> None:
    found = [f"{key}: {word}" for key in messages.keys() if key.startswith(STUDENT_KEYS)
             for word in synonyms_in(messages.templates(key)[0])]
    assert not found, "\n".join(found)


def test_hints_stubs_suites_and_documents_speak_the_glossary_s_words() -> None:
    found = [f"{path.relative_to(ROOT)}: {word}" for path in student_files()
             for word in synonyms_in(_korean_of(path))]
    assert not found, "\n".join(found)


def test_the_scan_finds_a_synonym() -> None:
    assert synonyms_in("순입력으로 갱신합니다") == ["순입력", "갱신"]
    assert not synonyms_in("최종 입력으로 업데이트합니다")
