"""``grader similarity``: disguised copies rank first, starter code never matches, safe reports."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner
from similarity_class import STYLES, generated_class, stubs, style

from grader.cli import main
from grader.course.config import load_course
from grader.similarity import Parameters, class_entries, compare_class, starter_texts
from grader.similarity.fingerprint import fingerprints, kgram_hashes, winnow
from grader.similarity.normalise import functions_of
from grader.similarity.ranking import Analysis, starter_hashes
from grader.similarity.report import _width, function_matches, render_csv, render_html, render_text
from grader.similarity.sources import MAX_FILE_BYTES, sources_of

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
LEC04 = COURSE.assignment("lec04")
STARTER = starter_texts(COURSE.exercises_dir("lec04"))


def _analyse(folder: Path, **params: object) -> Analysis:
    entries, _ = class_entries(folder)
    return compare_class(entries, LEC04, STARTER, Parameters(**params)).analysis  # type: ignore[arg-type]


def _scores(analysis: Analysis, pairs: list | None = None) -> dict[frozenset[str], float]:
    names = [s.name for s in analysis.submissions]
    return {frozenset((names[p.a], names[p.b])): p.score
            for p in (analysis.overall if pairs is None else pairs)}


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]], Analysis]:
    from grader.classroom.entries import entry_id

    folder = tmp_path_factory.mktemp("class")
    # each entry by its id, as `grader grade` and `grader similarity` name it ("bob", not "bob.zip")
    roles = {role: [entry_id(name) for name in names]
             for role, names in generated_class(folder).items()}
    return folder, roles, _analyse(folder)


def _copy_pairs(roles: dict[str, list[str]]) -> set[frozenset[str]]:
    c = roles["copies"]
    return {frozenset(c[i:i + 2]) for i in range(0, len(c), 2)}


# ---- the evidence ------------------------------------------------------------------------------

def test_the_generated_class_has_every_kind_of_entry(klass):
    folder, roles, analysis = klass
    kinds = {p.suffix or ("checkout" if (p / "exercises").is_dir() else "folder")
             for p in folder.iterdir()}
    assert kinds == {".zip", ".ipynb", "checkout", "folder"}
    assert len(roles["independent"]) == 4 and len(_copy_pairs(roles)) == 4
    # every function an independent style writes is graded (16 of activations and optimizers as
    # shipped; a copy of the reference also has any function added to the course since)
    written = {f"{m}.{n.name}" for m, text in style("loops").items()
               for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}
    written &= set(LEC04.functions)
    for sub in analysis.submissions:  # every entry was read, every graded function found
        assert not sub.notes, sub.notes
        graded = {k for k, f in sub.functions.items() if f.graded}
        assert written <= graded, (sub.name, sorted(written - graded))


def test_every_disguised_copy_pair_ranks_above_every_independent_pair(klass):
    _, roles, analysis = klass
    scores = _scores(analysis)
    copies = _copy_pairs(roles)
    names = [s.name for s in analysis.submissions]
    others = [scores.get(frozenset(p), 0.0) for p in combinations(names, 2)
              if frozenset(p) not in copies]
    weakest_copy = min(scores.get(p, 0.0) for p in copies)
    assert weakest_copy > max(others), (weakest_copy, max(others))
    assert {frozenset((names[p.a], names[p.b])) for p in analysis.overall[:4]} == copies


def test_per_function_copies_rank_above_independent_pairs(klass):
    _, roles, analysis = klass
    copies = _copy_pairs(roles)
    ranked_copies = 0
    for function, pairs in analysis.by_function.items():
        scores = _scores(analysis, pairs)
        copy_scores = [s for p, s in scores.items() if p in copies]
        other_scores = [s for p, s in scores.items() if p not in copies]
        if copy_scores and other_scores:
            assert min(copy_scores) > max(other_scores), function
        ranked_copies += len(copy_scores)
    assert ranked_copies >= 20  # the copies are found function by function, not only overall


def test_stubs_are_never_flagged_nor_ranked(klass):
    folder, roles, analysis = klass
    names = [s.name for s in analysis.submissions]
    stub_ids = {names.index(s) for s in roles["stubs"]}
    every_pair = [*analysis.overall, *(p for ps in analysis.by_function.values() for p in ps)]
    assert all(p.a not in stub_ids and p.b not in stub_ids for p in every_pair)
    for i in stub_ids:
        assert all(f.starter and not f.prints for f in analysis.submissions[i].functions.values())
    # A class of nothing but stubs: no pair at all, and no "short function" either.
    only = folder.parent / "only_stubs"
    for s in roles["stubs"]:
        target = only / s
        target.mkdir(parents=True)
        for m, text in stubs().items():
            (target / f"{m}.py").write_text(text)
    alone = _analyse(only)
    assert alone.overall == [] and alone.by_function == {} and alone.short_functions == {}


def test_starter_code_never_appears_as_a_match(klass):
    _, _, analysis = klass
    removed = starter_hashes(STARTER, analysis.parameters.k)
    for sub in analysis.submissions:
        for fp in sub.functions.values():
            assert not removed.intersection(fp.prints)
        # optimize() is given, complete, in the stub: in every submission it is starter only
        assert sub.functions["optimizers.optimize"].starter if "optimizers.optimize" in \
            sub.functions else True
    for pair in analysis.overall:
        for match in function_matches(analysis, pair):
            assert not removed.intersection(match.shared)


def test_a_copied_stub_with_only_the_given_code_is_not_similar_to_anything(tmp_path):
    # Two students copy one another's *untouched* stub: still nothing to see.
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        for m, text in stubs().items():
            (tmp_path / name / f"{m}.py").write_text(text.replace("# YOUR CODE HERE", "# done"))
    assert _analyse(tmp_path).overall == []


# ---- parameters and filters --------------------------------------------------------------------

def test_short_functions_are_reported_not_ranked_unless_asked(klass):
    folder, _, analysis = klass
    # tanh is a one-liner in every style: reported as short, never ranked
    assert analysis.short_functions["activations.tanh"] == 8
    assert "activations.tanh" not in analysis.by_function
    for function, pairs in analysis.by_function.items():
        for p in pairs:
            for i in (p.a, p.b):
                assert not analysis.submissions[i].functions[function].short
    ranked = _analyse(folder, include_short=True)
    assert "activations.tanh" in ranked.by_function and ranked.short_functions == {}


def test_passages_in_too_many_submissions_are_dropped(tmp_path):
    # Six students hand in the same optimizers: with --max-count 5 it is common, not evidence.
    for i in range(6):
        (tmp_path / f"st{i}").mkdir()
        (tmp_path / f"st{i}" / "optimizers.py").write_text(style("masks")["optimizers"])
    assert _analyse(tmp_path, max_count=6).overall[0].score == pytest.approx(1.0)
    dropped = _analyse(tmp_path, max_count=5)
    assert dropped.overall == [] and dropped.common_dropped > 0


def test_the_common_limit_follows_the_share_with_a_floor():
    assert Parameters().common_limit(200) == 40
    assert Parameters().common_limit(10) == 3
    assert Parameters(max_count=7).common_limit(200) == 7


def test_terminal_report_prints_no_control_characters_from_file_names(tmp_path):
    for name in ("\x1b[31mred", "plain"):
        (tmp_path / name).mkdir()
        # A file name with control characters is not a module name: intake never reads it.
        (tmp_path / name / "HW4\x1b]0;x\x07.py").write_text("x = 1\n")
        (tmp_path / name / "HW4.py").write_text(style("masks")["optimizers"])
    text = render_text(_analyse(tmp_path), width=100)
    # the entry is named by its id, as `grader grade` names it: safe characters only
    assert "\x1b" not in text and "\x07" not in text and "31mred" in text


def test_k_above_t_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["similarity", str(tmp_path), "--course",
                                       str(ROOT / "course.yaml"), "-k", "10", "-t", "5",
                                       "--lang", "en"])
    assert result.exit_code == 2 and "k <= t" in result.output and "fix -k or -t" in result.output


# ---- normalisation and fingerprints ------------------------------------------------------------

def test_renaming_comments_layout_and_literals_do_not_change_the_tokens():
    one = functions_of("import numpy as np\ndef f(z):\n    '''doc'''\n    s = np.exp(-z)  # c\n"
                       "    return s * (1 - s)\n")[0]
    two = functions_of("import numpy as npy\n\n\ndef f(x):\n    # other\n    t = npy.exp( - x )\n"
                       "\n    return t*(2 - t)\n")[0]
    assert one.codes == two.codes
    assert "exp" in one.codes and "np" in one.codes
    tanh = functions_of("import numpy as np\ndef f(z):\n    s = np.tanh(-z)\n    return s * (1 - s)\n")
    assert tanh[0].codes != one.codes  # NumPy attribute names are meaning, kept


def test_every_shared_run_of_t_tokens_is_found_and_none_shorter_than_k():
    rng = random.Random(7)
    k, t = 8, 12
    for trial in range(200):
        vocab = [f"x{i}" for i in range(50)]
        run = [rng.choice(vocab) for _ in range(t)]
        a = [f"a{rng.randrange(10**6)}" for _ in range(rng.randrange(0, 40))] + run + \
            [f"a{rng.randrange(10**6)}" for _ in range(rng.randrange(0, 40))]
        b = [f"b{rng.randrange(10**6)}" for _ in range(rng.randrange(0, 40))] + run + \
            [f"b{rng.randrange(10**6)}" for _ in range(rng.randrange(0, 40))]
        assert set(fingerprints(a, k, t - k + 1)) & set(fingerprints(b, k, t - k + 1)), trial
        short = run[:k - 1]
        a2 = [f"a{i}" for i in range(30)] + short + [f"a{i}" for i in range(30, 60)]
        b2 = [f"b{i}" for i in range(30)] + short + [f"b{i}" for i in range(30, 60)]
        assert not set(fingerprints(a2, k, t - k + 1)) & set(fingerprints(b2, k, t - k + 1))


def test_winnowing_keeps_one_print_for_a_run_of_equal_hashes():
    # robust winnowing: a new print only when the previous one leaves the window
    assert winnow([5, 5, 5, 5, 5, 5, 5], 3) == {5: [2, 5]}
    assert winnow([], 4) == {}
    assert list(winnow([9, 3], 4)) == [3]  # shorter than a window: its minimum


_HASH_SCRIPT = """
import json, sys
from grader.similarity.fingerprint import kgram_hashes
from grader.similarity.normalise import functions_of
text = open(sys.argv[1], encoding="utf-8").read()
print(json.dumps({f.name: kgram_hashes(f.codes, 8) for f in functions_of(text)}))
"""


def test_the_hash_is_the_same_in_every_process():
    source = ROOT / "solutions/lec04/optimizers.py"
    outputs = []
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _HASH_SCRIPT, str(source)], env=env,
                              capture_output=True, text=True, check=True, timeout=60)
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]["adam"]) > 100
    here = {f.name: kgram_hashes(f.codes, 8) for f in functions_of(source.read_text())}
    assert here == outputs[0]


# ---- reading entries ---------------------------------------------------------------------------

MODULES = ["activations", "optimizers"]


def test_notebook_entries_give_their_code_cells(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": "# x"},
                    {"cell_type": "code", "source": ["%timeit 1\n", "def relu(z):\n",
                                                     "    return z\n"]}]}
    (tmp_path / "kim.ipynb").write_text(json.dumps(nb))
    found = sources_of(tmp_path / "kim.ipynb", MODULES)
    assert found.texts["kim"] == "# %timeit 1\ndef relu(z):\n    return z\n"
    (tmp_path / "bad.ipynb").write_text("{not json")
    bad = sources_of(tmp_path / "bad.ipynb", MODULES)
    assert not bad.texts and "notebook" in str(bad.notes[0])


def test_a_folder_with_only_a_notebook_of_another_name_is_read(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "def sgd(w, dw, config=None):\n    return w\n"}]}
    (tmp_path / "HW4.ipynb").write_text(json.dumps(nb))
    (tmp_path / "test_mine.py").write_text("def test_x():\n    pass\n")
    assert list(sources_of(tmp_path, MODULES).texts) == ["HW4"]


def test_zip_entries_are_read_in_memory_and_hostile_members_refused(tmp_path):
    path = tmp_path / "lee.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("lee/exercises/lec04/activations.py", "def relu(z):\n    return z\n")
        z.writestr("../optimizers.py", "def sgd(w, dw, config=None):\n    return w\n")
        z.writestr("/abs/optimizers.py", "x = 1\n")
        # Read by grader.intake.reader as grading reads it: refusals inside the module folder.
        link = zipfile.ZipInfo("lee/exercises/lec04/optimizers.py")
        link.external_attr = (0o120777 << 16)
        z.writestr(link, "/etc/passwd")
        z.writestr("lee/exercises/lec04/optimizers.ipynb", "#" * (MAX_FILE_BYTES * 8 + 10))
    found = sources_of(path, MODULES, "lec04")
    assert found.texts == {"activations": "def relu(z):\n    return z\n"}
    assert any("symbolic link" in n for n in map(str, found.notes))
    assert any("zip bomb" in n or "too large" in n for n in map(str, found.notes))
    # a refused file is named in one language when the report is in one language
    from grader import messages

    refused = next(n for n in found.notes if "symbolic link" in str(n))
    en = messages.render(refused, "en")
    assert en.startswith("lee.zip: lee/exercises/lec04/optimizers.py: ") and not re.search(
        r"[\uac00-\ud7a3]", en), en
    assert "symbolic link" not in messages.render(refused, "ko")
    assert not list(tmp_path.glob("*.py")) and not (tmp_path / "lee").exists()  # nothing extracted
    (tmp_path / "junk.zip").write_bytes(b"PK not really")
    assert "zip" in str(sources_of(tmp_path / "junk.zip", MODULES).notes[0])


def test_symlinks_and_special_files_are_never_followed(tmp_path):
    secret = tmp_path / "secret.py"
    secret.write_text("def relu(z):\n    return 'secret'\n")
    student = tmp_path / "class" / "park"
    student.mkdir(parents=True)
    (student / "activations.py").symlink_to(secret)
    (student / "linked").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(student / "optimizers.py")
    assert sources_of(student, MODULES).texts == {}
    (tmp_path / "class" / "choi.py").symlink_to(secret)
    entries, notes = class_entries(tmp_path / "class")
    assert [e.name for e in entries] == ["park"] and "choi.py" in str(notes[0])
    assert "symbolic" in str(sources_of(tmp_path / "class" / "choi.py", MODULES).notes[0])


def test_a_checkout_prefers_its_assignment_folder_and_skips_tests(tmp_path):
    (tmp_path / "exercises/lec04/tests").mkdir(parents=True)
    (tmp_path / "exercises/lec04/activations.py").write_text("A = 1\n")
    (tmp_path / "exercises/lec04/tests/optimizers.py").write_text("B = 1\n")
    (tmp_path / "deep/er/still").mkdir(parents=True)
    (tmp_path / "deep/er/still/activations.py").write_text("C = 1\n")
    assert sources_of(tmp_path, MODULES).texts == {"activations": "A = 1\n"}


def test_unparsable_code_is_reported_not_compared(tmp_path):
    (tmp_path / "jung").mkdir()
    (tmp_path / "jung" / "activations.py").write_text("def relu(z)\n    return z\n")
    analysis = _analyse(tmp_path)
    assert "not valid Python" in str(analysis.submissions[0].notes[0])


# ---- reports -----------------------------------------------------------------------------------

class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[list[str]] = []  # per <tr>: the classes of <mark> in each <td>
        self._cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self.rows[-1].append("")
        elif tag == "mark" and self.rows and self.rows[-1]:
            self.rows[-1][-1] += dict(attrs).get("class", "") + " "

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_shows_both_passages_side_by_side_highlighted(klass):
    _, _, analysis = klass
    page = render_html(analysis)
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert "script" not in parser.tags
    side_by_side = [r for r in parser.rows if len(r) == 2 and r[0] and r[1]]
    assert len(side_by_side) >= 10
    assert any(set(r[0].split()) & set(r[1].split()) for r in side_by_side)  # same region colour
    text = "".join(parser.text)
    assert "not proof" in text and "증거가 아닙니다" in text
    top = analysis.submissions[analysis.overall[0].a].name
    assert 'id="pair-1">1. ' in page and top in text


def test_student_code_and_names_are_escaped_in_the_html(tmp_path):
    evil = ('def relu(z):\n    note = "</script><script>alert(1)</script>"\n'
            '    # <img src=x onerror=alert(2)>\n' + "".join(
                f"    z = z * {i} + (z - {i}) / (z + {i})\n" for i in range(8)) + "    return z\n")
    for name in ("<i>kim", "=cmd|' calc'!A0"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "activations.py").write_text(evil)
    analysis = _analyse(tmp_path)
    assert analysis.overall and analysis.overall[0].score == pytest.approx(1.0)
    page = render_html(analysis)
    assert "<script" not in page.lower() and "<img" not in page and "<i>kim" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "i_kim" in page  # named by its entry id, as `grader grade` names it
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    text = render_text(analysis, width=80)
    assert all(_width(line) <= 80 for line in text.splitlines())


def test_csv_reads_back_and_defuses_formulas(klass, tmp_path):
    _, _, analysis = klass
    rows = list(csv.DictReader(io.StringIO(render_csv(analysis))))
    assert len(rows) == len(analysis.overall) + sum(map(len, analysis.by_function.values()))
    first = rows[0]
    assert first["scope"] == "overall" and first["rank"] == "1"
    assert float(first["similarity"]) == pytest.approx(analysis.overall[0].score, abs=1e-4)
    assert {r["function"] for r in rows if r["scope"] == "function"} == set(analysis.by_function)
    evil = tmp_path / "evil"
    for name in ("=HYPERLINK(1)", "+plain"):
        (evil / name).mkdir(parents=True)
        (evil / name / "optimizers.py").write_text(style("loops")["optimizers"])
    rows = list(csv.DictReader(io.StringIO(render_csv(_analyse(evil)))))
    # named by their entry ids ("HYPERLINK_1", "plain"), or quoted: never a formula
    assert rows and all(r[k][0] not in "=+-@" for r in rows for k in ("submission_a",
                                                                     "submission_b"))


def test_terminal_report_fits_the_width_and_names_the_copies(klass):
    _, _, analysis = klass
    for width in (60, 100, 160):
        text = render_text(analysis, top=5, width=width)
        assert all(_width(line) <= width for line in text.splitlines()), width
    text = render_text(analysis, top=5, width=100)
    assert "not proof" in text and "증거가 아닙니다" in text
    assert "z01_stub" not in text


def test_the_reports_speak_one_language_when_asked(klass):
    _, _, analysis = klass
    hangul = re.compile(r"[\uac00-\ud7a3]")
    ko = render_text(analysis, top=5, width=100, lang="ko")
    assert "증거가 아닙니다" in ko and "전체 상위 쌍" in ko and "함수별 상위 쌍" in ko
    assert "not proof" not in ko and "top pairs" not in ko and "submissions" not in ko
    en = render_text(analysis, top=5, width=100, lang="en")
    assert "not proof" in en and "top pairs overall" in en and not hangul.search(en), en
    page = render_html(analysis, lang="en")
    assert '<html lang="en">' in page and "Matching passages" in page
    # the students' own code may be commented in Korean: only the report's words are checked
    assert not hangul.search(re.sub(r"<pre>.*?</pre>", "", page, flags=re.S))
    page = render_html(analysis, lang="ko")
    assert "일치 구간" in page and "Matching passages" not in page and "not proof" not in page


def test_cli_similarity_writes_html_and_csv(klass, tmp_path):
    folder, _, _ = klass
    result = CliRunner().invoke(main, [
        "similarity", str(folder), "--course", str(ROOT / "course.yaml"), "--top", "4",
        "--lang", "en", "--html", str(tmp_path / "r.html"), "--csv", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert "c01_copy_of_reference" in result.output and "not proof" in result.output
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert next(csv.DictReader((tmp_path / "r.csv").open()))["rank"] == "1"


# ---- the generated class is made of working solutions ------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["loops", "masks", *(f"disguised {s}" for s in STYLES)])
def test_the_styles_written_for_these_tests_and_their_disguised_copies_score_full_marks(
        name, tmp_path):
    from similarity_class import DISGUISES, disguise

    from grader.grading.engine import grade

    origin = name.split()[-1]
    modules = style(origin)
    if name.startswith("disguised"):
        modules = {m: disguise(t, DISGUISES[origin], seed=100) for m, t in modules.items()}
    for m, text in modules.items():
        (tmp_path / f"{m}.py").write_text(text, encoding="utf-8")
    result = grade(COURSE, "lec04", tmp_path, seed=5, modules=list(modules))
    lost = [(f.name, f.reason) for f in result.functions if f.score != f.max_score]
    assert lost == []
