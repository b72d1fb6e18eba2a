"""The Korean a student reads, on real reports: the corpus of usual mistakes graded once, then
rendered with ``--lang ko`` in every student-facing format, has no course.yaml key, no English
word outside code names and numbers, and none of the glossary's synonyms.

학생이 읽는 한국어를 실제 보고서로 확인한다: 흔한 실수 모음을 채점해 학생용 형식마다 한국어로
출력하고, 설정 키, 코드 이름과 숫자 밖의 영어 낱말, 용어집이 쓰지 않는 말이 없는지 본다.
"""

from __future__ import annotations

import ast
import builtins
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import mistake_corpus as corpus
import pytest
from test_glossary import synonyms_in

from grader.grading.engine import grade
from grader.report import feedback, formats, text
from grader.report import html as html_report
from grader.result import Result

ROOT = Path(__file__).resolve().parent.parent
CONFIG_KEY = re.compile(r"\b(?:limits|feedback|tolerances|worker|scoring|course)\.[a-z_]+\b")
WORD = re.compile(r"(?<![\w.'\"/\\-])[A-Za-z][A-Za-z]+(?![\w(\[.'\"/\\-])")
# Words that are code or a gloss of a code term: (in place), (shape), NaN, CPU, MB.
GLOSSES = {"in", "place", "shape", "dtype", "ndarray", "NumPy", "NaN", "nan", "inf", "np",
           "CPU", "MB", "XOR", "SGD", "RMSProp", "ReLU", "exp", "log", "bwrap", "landlock",
           "process", "grader", "lec", "py", "ipynb", "float", "int", "list", "tuple", "dict",
           "None", "True", "False", "str", "bool", "object", "errors", "losses", "eta", "out",
           "seed", "config", "batch", "batches", "len", "for", "where", "Hint"}


def code_words() -> set[str]:
    """Every name the course's code uses (functions, arguments, attributes, keys), Python's
    builtins: the English a student reads as code."""
    names = set(dir(builtins)) | GLOSSES
    for path in (ROOT / "solutions" / "lec04").glob("*.py"):  # the suites' own names are not
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name | ast.arg | ast.Attribute | ast.FunctionDef):
                names.add(getattr(node, "id", None) or getattr(node, "arg", None)
                          or getattr(node, "attr", None) or getattr(node, "name", ""))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.isidentifier():
                names.add(node.value)
    return {n for n in names if n}


CODE = code_words()


def raw_details(result: Result) -> list[str]:
    """Text the student's code or Python wrote (an exception's or a warning's own words): kept
    as it is, so not checked."""
    out: list[str] = []
    for f in result.functions:
        for t in f.tests:
            for name, value in ((t.reason or {}).get("params") or {}).items():
                if name in ("detail", "text") and isinstance(value, str) and value.strip():
                    out.append(value)
    return sorted(out, key=len, reverse=True)


def english_words(report: str, details: list[str]) -> list[str]:
    """Words of English in ``report`` that are neither code nor a number."""
    for detail in details:
        report = report.replace(detail, " ")
    report = re.sub(r"`[^`]*`", " ", report)  # code spans
    report = re.sub(r"\btest_\w+(\[[^\]]*\])?", " ", report)
    return [w for w in WORD.findall(report) if w not in CODE]


def problems(report: str, details: list[str]) -> list[str]:
    found = [f"config key {k!r}" for k in CONFIG_KEY.findall(report)]
    found += [f"English {w!r}" for w in english_words(report, details)]
    found += [f"synonym {s!r}" for s in synonyms_in(report)]
    return found


def _markup_free(markup: str) -> str:
    """The words of a page: no style sheet, script or tag (attributes included)."""
    markup = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("name", "status", "visibility")
                for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def student_reports(result: Result, folder: Path) -> dict[str, str]:
    """The text a student reads in each format, rendered in Korean (feedback applied where the
    grader applies it: every format made for CI)."""
    course = corpus.course()
    shown = feedback.apply(result, course.feedback.hidden_tests)
    github = formats.render("github", shown, course)
    junit = ET.fromstring(formats.render("junit", shown, course))
    gradescope = json.loads(formats.render("gradescope", shown, course))
    return {
        "text": text.render(result, width=100, lang="ko", header=False),
        "text -v": text.render(result, width=100, lang="ko", verbose=True, header=False),
        "markdown": _markup_free(formats.render("markdown", shown, course)),
        # "::error file=…,title=…::message": GitHub's own syntax is not the student's text
        # GitHub's syntax ("::error file=…::") and Classroom's point lines are for machines
        "github": _markup_free(re.sub(r"^::notice .*$|::(error|warning) [^:]*::", " ", github,
                                      flags=re.MULTILINE)),
        "junit": "\n".join(e.get("message", "") + "\n" + (e.text or "")
                           for e in junit.iter() if e.tag in ("failure", "error")),
        "gradescope": "\n".join(_json_strings(gradescope.get("tests", []))),
        "html": _markup_free(html_report.render(shown)),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Result, Path]]:
    course = corpus.course()
    out = {}
    for name, build in corpus.CORPUS.items():
        folder = build(tmp_path_factory.mktemp(name) / "submission")
        result = grade(course, "lec04", folder, seed=7)
        result.language = "ko"
        out[name] = (result, folder)
    return out


def test_the_checker_catches_what_the_review_found() -> None:
    """The scan itself: each kind of fault the review quoted is found, code is not."""
    assert problems("제한 시간 10초를 넘겼습니다 (limits.call_timeout_s)", [])
    assert problems("perceptron_update (case 0)[0][1]: 반환값 2.8", [])
    assert problems("layer_gradient_norms(12 layers)[0]: 반환값 0.47", [])
    assert problems("adam(w, dw, config with t=6): 반환값 6", [])
    assert problems("delta_rule.py, line 89", [])
    assert problems("(hidden) 0/0.6667", [])
    assert problems("순입력으로 비교하는 것은 아달린입니다", [])
    assert problems("relu: 형태(shape)가 다릅니다", [])
    assert not problems("sigmoid_derivative[2, 0]: 반환값 -6.5, 기대값 0.25 (차이 6.75)", [])
    assert not problems("adam, 5단계 중 1단계 (w.shape=(5,)): config['t']: 반환값 0, 기대값 1", [])
    assert not problems("IndexError 예외 (a.py 3번째 줄). index 6 is out of bounds",
                        ["index 6 is out of bounds"])


@pytest.mark.slow
def test_every_student_format_in_korean_is_korean(graded: dict[str, tuple[Result, Path]]) -> None:
    found = []
    for name, (result, folder) in graded.items():
        details = raw_details(result)
        for fmt, report in student_reports(result, folder).items():
            assert report.strip(), (name, fmt)
            found += [f"{name}, {fmt}: {p}" for p in problems(report, details)]
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.slow
def test_one_cause_is_said_once(graded: dict[str, tuple[Result, Path]]) -> None:
    """The syntax error of delta_rule.py, the misnamed optimizers.py and the endless loop are
    each said once, with the functions they affect, even under -v."""
    main, misnamed = graded["main"][0], graded["misnamed"][0]
    for verbose in (False, True):
        report = text.render(main, width=100, lang="ko", verbose=verbose, header=False)
        assert report.count("delta_rule.py 파일을 불러오지 못했습니다") == 1, report
        assert "output_delta, hidden_delta, layer_gradients" in report
        assert report.count("넘겨 실행을 멈췄습니다") == 1, report
        assert "시간 제한(" not in report  # its consequences are not repeated
        report = text.render(misnamed, width=100, lang="ko", verbose=verbose, header=False)
        assert report.count("제출물에 optimizers.py 파일이 없습니다") == 1, report
        assert "'optimizer.py' → 'optimizers.py'" in " ".join(report.split())
    verbose = text.render(main, width=100, lang="ko", verbose=True, header=False)
    assert "(위와 같은 이유)" in verbose and "(이유는 아래에)" in verbose


@pytest.mark.slow
def test_the_reports_say_the_review_s_cases_in_whole_korean(
        graded: dict[str, tuple[Result, Path]]) -> None:
    main, stateful = graded["main"][0], graded["stateful"][0]
    report = text.render(main, width=200, lang="ko", verbose=True, header=False)
    assert "perceptron_update, 예제 0: w_new[" in report  # not "(case 0)[0][1]"
    assert "adam, 5단계 중 1단계 (w.shape=" in report
    assert "linear_neurons.py 329번째 줄" in report or "번째 줄" in report
    assert "문법 오류(SyntaxError)" in report
    head = text.render(main, lang="ko").splitlines()[0]
    assert "시드 7" in head and head.endswith("초") and "seed" not in head
    report = text.render(stateful, width=200, lang="ko", verbose=True, header=False)
    assert "adam(w, dw, config={'t': " in report and ": config['t']: 반환값 " in report
    assert "layer_gradient_norms(층 " in report
    markdown = formats.render("markdown", feedback.apply(main, "summary"), corpus.course())
    assert "(숨은 테스트)" in markdown and "(hidden)" not in markdown
