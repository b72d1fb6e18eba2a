"""Ordinary broken submissions, and honest output that is not a failure.

흔히 고장 난 제출물: 문법 오류, 불러오기 오류, 없는(또는 이름이 틀린) 모듈·함수, 인자 개수,
반환 형식·형태·dtype, 입력 배열을 제자리에서 바꾸기, UTF-8이 아닌 파일, 빈 폴더, 없는 경로.
각 경우에 학생이 읽는 메시지(한국어와 영어)를 확인하고, 나머지 함수는 만점을 유지하는지 본다.
출력(print), 로그, UserWarning은 감점 사유가 아니고, 시그모이드의 오버플로 RuntimeWarning만
감점된다.

Each submission is the reference with one thing broken (``redteam_support``), graded by the real
engine on the small test course; the expected score of every function is exact, and the messages
are checked in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import redteam_support as rs
from click.testing import CliRunner

from grader.cli import main
from grader.errors import GraderError
from grader.grading.engine import grade

ACTIVATIONS = [f"activations.{name}" for name in rs.ACTIVATION_POINTS]
RELU, TANH, SIGMOID = "activations.relu", "activations.tanh", "activations.sigmoid"
ISOLATION = "process"  # the messages are the engine's, the same under bwrap


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return rs.build_course(tmp_path_factory.mktemp("course"), rs.LIMITS)


def graded(course: Any, folder: Path, **files: Any) -> Any:
    """Write a submission (``activations=...``, ``linear_neurons=...``, ``extra={...}``) and
    grade it."""
    submission = rs.write_submission(folder, **files)
    result, _ = rs.run_grading(course, submission, ISOLATION)
    return result


def replaced(function: str, code: str) -> str:
    return rs.replace_function(rs.ACTIVATIONS, function, code)


def says(result: Any, function: str, *fragments: str) -> None:
    text = rs.messages(result, function)
    for fragment in fragments:
        assert fragment in text, f"{function}: {fragment!r} not in {text[:800]!r}"


def whole_module(score: float, status: str) -> dict[str, tuple[float, str]]:
    return {name: (score, status) for name in ACTIVATIONS}


# --- the module does not import: that module scores 0 (status error), linear_neurons keeps all

def test_syntax_error_names_file_and_line(course: Any, tmp_path: Path) -> None:
    source = replaced("relu", "def relu(z)\n    return np.maximum(z, 0.0)\n")
    line = source.splitlines().index("def relu(z)") + 1
    result = graded(course, tmp_path, activations=source)
    rs.check_scores(result, whole_module(0.0, "error"))
    for name in ACTIVATIONS:
        says(result, name, "activations.py 파일을 불러오지 못했습니다", "activations.py does not import",
             "SyntaxError", f"activations.py, line {line}")


def test_import_error_names_the_missing_name(course: Any, tmp_path: Path) -> None:
    result = graded(course, tmp_path / "a",
                    activations="from numpy import does_not_exist_xyz\n" + rs.ACTIVATIONS)
    rs.check_scores(result, whole_module(0.0, "error"))
    says(result, RELU, "불러오지 못했습니다", "does not import — ImportError",
         "'does_not_exist_xyz'", "activations.py, line 1")

    result = graded(course, tmp_path / "b",
                    activations="import torch_lecture_helper\n" + rs.ACTIVATIONS)
    rs.check_scores(result, whole_module(0.0, "error"))
    says(result, RELU, "불러오지 못했습니다", "ModuleNotFoundError",
         "No module named 'torch_lecture_helper'")


# --- missing or misnamed --------------------------------------------------------------------------

def test_missing_module(course: Any, tmp_path: Path) -> None:
    result = graded(course, tmp_path, activations=None)
    rs.check_scores(result, whole_module(0.0, "missing"))
    says(result, RELU, "제출물에 activations.py 파일이 없습니다",
         "module activations.py is not in the submission")


def test_misnamed_module_suggests_the_closest_name(course: Any, tmp_path: Path) -> None:
    result = graded(course, tmp_path, activations=None, extra={"activation.py": rs.ACTIVATIONS})
    rs.check_scores(result, whole_module(0.0, "missing"))
    says(result, RELU, "module activations.py is not in the submission",
         "비슷한 이름이 있으니 이름을 바꾸세요: 'activation.py' → 'activations.py'",
         "found 'activation.py': rename it to 'activations.py'")


def test_misnamed_function_suggests_the_closest_name(course: Any, tmp_path: Path) -> None:
    result = graded(course, tmp_path, activations=rs.ACTIVATIONS.replace("def tanh(", "def tahn("))
    rs.check_scores(result, {TANH: (0.0, "missing")})
    says(result, TANH, "activations.py 파일에 tanh 함수가 없습니다",
         "activations.py has no function tanh", "found 'tahn': rename it to 'tanh'")


# --- wrong signature, type, shape, dtype, mutation -----------------------------------------------

def test_wrong_arity(course: Any, tmp_path: Path) -> None:
    result = graded(course, tmp_path, activations=replaced(
        "relu", "def relu(z, alpha):\n    return np.maximum(z, 0.0)\n"))
    rs.check_scores(result, {RELU: (0.0, "failed")})
    says(result, RELU, "자료형 오류(TypeError) 예외가 발생했습니다", "raised TypeError",
         "missing 1 required positional argument: 'alpha'")


def test_list_or_python_scalar_instead_of_an_array(course: Any, tmp_path: Path) -> None:
    source = replaced("relu", "def relu(z):\n    return np.maximum(z, 0.0).tolist()\n")
    source = rs.replace_function(source, "tanh",
                                 "def tanh(z):\n    return float(np.tanh(z).sum())\n")
    result = graded(course, tmp_path, activations=source)
    rs.check_scores(result, {RELU: (0.0, "failed"), TANH: (0.0, "failed")})
    says(result, RELU, "자료형이 다릅니다 (기대한 자료형 ndarray, 돌려준 값의 자료형 list)",
         "expected ndarray, returned list")
    says(result, TANH, "돌려준 값의 자료형 float", "expected ndarray, returned float")


def test_wrong_shape(course: Any, tmp_path: Path) -> None:
    result = graded(course, tmp_path, activations=replaced(
        "relu", "def relu(z):\n    return np.maximum(z, 0.0).ravel()\n"))
    rs.check_scores(result, {RELU: (0.0, "failed")})
    says(result, RELU, "모양(shape)이 다릅니다 (기대한 모양 (3, 4), 돌려준 값의 모양 (12,))",
         "expected shape (3, 4), returned shape (12,)")


def test_wrong_dtype(course: Any, tmp_path: Path) -> None:
    """float32, int and object arrays where float64 is expected."""
    source = replaced("relu", "def relu(z):\n    return np.maximum(z, 0.0).astype(np.float32)\n")
    source = rs.replace_function(source, "relu_derivative",
                                 "def relu_derivative(z):\n    return (z > 0).astype(int)\n")
    source = rs.replace_function(source, "tanh",
                                 "def tanh(z):\n    return np.tanh(z).astype(object)\n")
    result = graded(course, tmp_path, activations=source)
    derivative = "activations.relu_derivative"
    # Exact values in an integer dtype keep 3/4 of each test (docs/writing-suites.md,
    # "Penalties in proportion"); float32 and object keep nothing.
    share = rs.ACTIVATION_POINTS["relu_derivative"] * 0.75
    rs.check_scores(result, {RELU: (0.0, "failed"), derivative: (share, "partial"),
                             TANH: (0.0, "failed")})
    says(result, RELU, "dtype이 다릅니다 (기대: dtype float64, 반환: dtype float32)",
         "expected dtype float64, returned dtype float32")
    says(result, derivative, "dtype int64", "expected dtype float64, returned dtype int64")
    # An object array cannot cross the wire at all.
    says(result, TANH, "돌려준 값의 자료형 ndarray[object]", "returned ndarray[object]")


def test_in_place_mutation_costs_the_mutation_test_only(course: Any, tmp_path: Path) -> None:
    """The value is right, the input is overwritten: relu loses the share of the suite test
    that uses compare.assert_not_mutated (1 of its 2 tests)."""
    result = graded(course, tmp_path, activations=replaced(
        "relu", "def relu(z):\n    np.maximum(z, 0.0, out=z)\n    return z\n"))
    rs.check_scores(result, {RELU: (rs.share(RELU, 1), "partial")})
    says(result, RELU, "입력으로 받은 배열(z)을 제자리에서(in place) 고쳤습니다",
         "modified its input z in place")


# --- files that cannot be read -------------------------------------------------------------------

def test_python_file_not_utf8(course: Any, tmp_path: Path) -> None:
    """A module saved as CP949 (Korean Windows' default) instead of UTF-8."""
    raw = ("# 한글 주석: 시그모이드\n" + rs.ACTIVATIONS).encode("cp949", errors="replace")
    result = graded(course, tmp_path, activations=raw)
    rs.check_scores(result, whole_module(0.0, "error"))
    says(result, RELU, "UTF-8 인코딩이 아닙니다", "파일을 UTF-8 인코딩으로 저장하세요",
         "is not valid UTF-8", "save the file as UTF-8")
    assert any("is not valid UTF-8" in note for note in result.notes_in("both"))


def test_notebook_not_utf8(course: Any, tmp_path: Path) -> None:
    cells = b'{"cells": [{"cell_type": "code", "source": "z = \xff\xfe"}]}'
    result = graded(course, tmp_path, activations=None, extra={"activations.ipynb": cells})
    rs.check_scores(result, whole_module(0.0, "error"))
    says(result, RELU, "activations.ipynb: UTF-8 인코딩이 아닙니다", "is not valid UTF-8")
    assert any("activations.ipynb" in note and "UTF-8" in note for note in result.notes_in("both"))


def test_notebook_not_json_and_a_good_notebook(course: Any, tmp_path: Path) -> None:
    result = graded(course, tmp_path / "bad", activations=None,
                    extra={"activations.ipynb": "{not json"})
    rs.check_scores(result, whole_module(0.0, "error"))
    says(result, RELU, "노트북 형식이 아닙니다", "is not a valid notebook")

    # Control: the same code as notebook cells is graded like the .py file.
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "source": rs.ACTIVATIONS.splitlines(keepends=True)}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    result = graded(course, tmp_path / "good", activations=None,
                    extra={"activations.ipynb": json.dumps(notebook)})
    rs.check_scores(result, {})


def test_empty_submission_folder(course: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result, _ = rs.run_grading(course, empty, ISOLATION)
    assert result.score == 0 and {f.status for f in result.functions} == {"missing"}
    says(result, RELU, "제출물에 activations.py 파일이 없습니다")
    assert any("이 과제(lec04)의 모듈" in n and "none of the modules of assignment lec04" in n
               for n in result.notes_in("both")), result.notes_in("both")
    assert result.notes_in("en")[0].startswith("no module found: ")


def test_path_that_does_not_exist(course: Any, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    with pytest.raises(GraderError, match="path does not exist"):
        grade(course, rs.ASSIGNMENT, missing, seed=1, isolation=ISOLATION)
    for lang, said, other in (("ko", "경로가 없습니다", "path does not exist"),
                              ("en", "path does not exist", "경로가 없습니다")):
        run = CliRunner().invoke(main, ["check", str(missing), "--course", str(course.path),
                                        "--lang", lang])
        assert run.exit_code == 2, run.output
        assert said in run.output and other not in run.output and str(missing) in run.output


def test_cli_grades_an_empty_folder(course: Any, tmp_path: Path) -> None:
    """An empty submission is still graded (score 0, the report written) but exits 2 with the
    reason first: none of the assignment's modules was found (issue 10)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    run = CliRunner().invoke(main, ["check", str(empty), "--course", str(course.path),
                                    "--format", "json", "--isolation", ISOLATION])
    assert run.exit_code == 2, run.output
    assert "no module found" in run.stderr.splitlines()[0]
    report = json.loads(run.stdout)
    assert report["score"] == 0 and report["max_score"] == sum(rs.POINTS.values())


# --- honest output is not a failure ----------------------------------------------------------

HONEST = '''
import logging
import warnings

logging.getLogger("activations").warning("imported / 불러옴")  # at import: kept too


def sigmoid(z):
    print("sigmoid: computing / 계산 중", getattr(z, "shape", None))
    warnings.warn("this is only a UserWarning / 사용자 경고일 뿐", UserWarning, stacklevel=2)
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(z):
    logging.getLogger("activations").warning("relu called / 렐루 호출")
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def tanh(z):
    print("t" * 10000)  # more than limits.output_bytes
    return np.tanh(np.asarray(z, dtype=np.float64))
'''


def test_printing_logging_and_user_warnings_keep_full_marks(course: Any, tmp_path: Path) -> None:
    source = rs.ACTIVATIONS
    for function in ("sigmoid", "relu", "tanh"):
        source = source.replace(f"\ndef {function}(", f"\ndef _replaced_{function}(", 1)
    result = graded(course, tmp_path, activations=source + HONEST)
    rs.check_scores(result, {})
    limit = course.limits.output_bytes
    sigmoid_out = "".join(t.output for t in result.function(SIGMOID).tests)
    assert "sigmoid: computing / 계산 중" in sigmoid_out
    assert "relu called" in "".join(t.output for t in result.function(RELU).tests)
    for test in result.function(TANH).tests:
        assert "tttt" in test.output and len(test.output) <= limit


def test_only_an_overflow_warning_costs_points(course: Any, tmp_path: Path) -> None:
    """The naive sigmoid gives the right values (1/(1+inf) == 0.0) but overflows in exp at
    z = -1e3: it loses the suite test that uses compare.assert_no_warnings, and only that one.
    The derivatives that call it keep their points (their inputs do not overflow)."""
    result = graded(course, tmp_path, activations=replaced(
        "sigmoid", "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))\n"))
    rs.check_scores(result, {SIGMOID: (rs.share(SIGMOID, 2), "partial")})
    says(result, SIGMOID, "경고가 발생했습니다(RuntimeWarning: overflow encountered in exp)",
         "emitted RuntimeWarning (overflow encountered in exp)", "numerically stable")
