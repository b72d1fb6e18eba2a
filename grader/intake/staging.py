"""Staging a submission's modules into a private folder for the worker.

제출물에서 과제 모듈(.py 파일, 폴더, 노트북, 압축 파일)을 읽어 작업자 전용 임시 폴더로 복사한다.

PATH may be the folder holding the modules, a checkout whose ``exercises/<assignment>/`` holds
them, either of those inside a single top folder, one module file, a notebook named after its
module (``activations.ipynb``: its code cells become ``activations.py``), or an archive of any of
these (``.zip``, ``.tar``, ``.tar.gz``/``.tgz``). Everything is read as data by ``grader.intake.reader``
(no link, special file or archive path is followed out of the submission; a refused file is
graded as missing and listed in the report). Only top-level ``.py`` and ``.ipynb`` files of that
folder are staged (helpers the student imports included). The staged copy is what the worker
sees, read-only under bwrap, and it is removed after grading.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader import messages, scratch
from grader.course.config import Assignment, Course
from grader.errors import UNREADABLE_MARK, GraderError
from grader.intake import notebook_code, safe_parse
from grader.intake.reader import read_submission
from grader.messages import Msg
from grader.result import FunctionResult, RefusedFile

# The catalogue key of the first note of a grading that found none of the assignment's modules
# (``grader check`` then exits 2 with it at the top).
NONE_FOUND = "submission.none_found"
# The same, when files were refused: their reasons are the news (too many entries, too large).
NONE_FOUND_REFUSED = "submission.none_found_refused"
_REASONS_SHOWN = 3


@dataclass
class Staged:
    folder: Path
    source: Path  # what the user pointed at
    # Remarks for the report: messages as data (rendered in the report's language), or text.
    notes: list[Msg | str] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)  # files not read, with the reason
    # The modules to grade: one when a single module file (or notebook) was given, else all.
    modules: list[str] = field(default_factory=list)
    # Modules made from a notebook: its code with the map of lines to cells.
    cells: dict[str, notebook_code.NotebookCode] = field(default_factory=dict)
    kept: bool = False  # staged into a folder that outlives the grading: emptied, not removed
    # Where the modules were found in what the user pointed at, and the files read there (for
    # the reports' function locations, found once: ``grader.grading.steps``).
    found_in: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)

    def remove(self) -> None:
        if self.kept:
            _empty(self.folder)
        else:
            shutil.rmtree(self.folder.parent, ignore_errors=True)


def _empty(folder: Path) -> None:
    """Remove what is inside ``folder``, keeping the directory itself (a warm worker's view)."""
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def notebook_source(name: str, raw: bytes) -> str:
    """The code cells of a notebook as one module (see ``grader.intake.notebook_code``)."""
    return notebook_code.extract(name, raw).source  # NotebookUnreadable is Unreadable


def _broken_module(reason: Msg | str) -> str:
    # The worker reports this at import like any other import error, with the reason.
    text = UNREADABLE_MARK + json.dumps(messages.to_data(reason), ensure_ascii=False)
    return f"raise ImportError({text!r})\n"


def _module_source(name: str, raw: bytes) -> str:
    """The module's text, or ``Unreadable``: not UTF-8, or past what Python can compile (an
    expression chained or nested too deeply): the worker could not import it either, and only
    this module's functions fail, with the reason."""
    if name.endswith(".ipynb"):
        return notebook_source(name, raw)
    text = safe_parse.text(raw, name)
    too_complex = safe_parse.python_limit(text, name)
    if too_complex is not None:
        raise too_complex
    return text


@dataclass
class _Candidate:
    """One file that could become a module: a ``.py`` of its name or a notebook."""

    name: str
    text: str
    implemented: set[str]
    notebook: notebook_code.NotebookCode | None = None


def _notebook_modules(code: notebook_code.NotebookCode, stem: str,
                      assignment: Assignment) -> list[str]:
    """The modules a notebook is taken as: its name's module, and every module whose graded
    functions it defines (by its code, whatever its name)."""
    found = [m for m in assignment.modules
             if m == stem or notebook_code.defined(code.source, assignment.exercises[m])]
    return found


def stage(path: Path, course: Course, assignment: Assignment, into: Path | None = None) -> Staged:
    """Read the submission (see ``grader.intake.reader``) and write its modules into a new private
    folder (``into``: into that folder, emptied first, which outlives the grading).

    A notebook becomes every module whose graded functions it defines (all of its code in each,
    as one namespace: helpers and imports go along), whatever its file name; when a module has
    both a ``.py`` and a notebook, the one implementing more graded functions (not just
    ``raise NotImplementedError``) is used — the ``.py`` on a tie — and the report says so.
    """
    intake = read_submission(path, assignment.name, assignment.modules, within=course.root)
    modules = assignment.modules
    single_notebook = intake.single is not None and any(n.endswith(".ipynb") for n in intake.files)
    if intake.single is not None and intake.single not in modules and not single_notebook:
        raise GraderError(Msg("submission.not_a_module", path=str(path),
                              assignment=assignment.name,
                              files=", ".join(m + ".py" for m in modules)))
    if intake.single is not None and intake.single in modules and not single_notebook:
        modules = [intake.single]
    if into is not None:  # a fixed folder a worker was started for ahead (``WarmPool``)
        folder = into
        _empty(folder)
    else:
        folder = scratch.make_dir("submission") / "submission"
        folder.mkdir()
    staged = Staged(folder, intake.source, list(intake.notes), list(intake.refused), modules,
                    kept=into is not None)
    base = intake.source if intake.source.is_dir() else intake.source.parent
    staged.found_in, staged.files = base / intake.folder, dict(intake.files)
    candidates: dict[str, list[_Candidate]] = {}
    helpers: dict[str, str] = {}
    for name in sorted(intake.files, key=lambda n: (n.endswith(".ipynb"), n)):
        stem = Path(name).stem
        if name.endswith(".ipynb"):
            try:
                code = notebook_code.extract(
                    name, intake.files[name], allowed=course.worker.packages,
                    top_level_seconds=course.limits.call_timeout_s * notebook_code.TOP_LEVEL_SHARE)
            except notebook_code.NotebookUnreadable as exc:
                staged.notes.append(exc.data)
                if stem in assignment.modules:
                    candidates.setdefault(stem, []).append(
                        _Candidate(name, _broken_module(exc.data), set()))
                continue
            taken = _notebook_modules(code, stem, assignment)
            for m in taken:
                candidates.setdefault(m, []).append(_Candidate(
                    name, code.source,
                    notebook_code.implemented(code.source, assignment.exercises[m]), code))
            if taken and (taken != [stem]):
                staged.notes.append(Msg("submission.taken_as", name=name,
                                        modules=", ".join(taken)))
            if not taken:
                if stem.isidentifier():  # still importable by the student's modules; a .py of
                    helpers.setdefault(stem, code.runnable)  # the same name wins (sorted first)
                staged.notes.append(Msg("submission.unused_notebook", name=name))
            if code.neutralised:
                staged.notes.append(Msg("submission.neutralised", name=name,
                                        imports="; ".join(code.neutralised[:5])))
            continue
        try:
            text = _module_source(name, intake.files[name])
        except safe_parse.Unreadable as exc:
            text = _broken_module(exc.data)
            staged.notes.append(exc.data)
        else:  # display imports cost nothing in a .py either, as in a notebook
            text, neutralised = notebook_code.neutralise_module(text, course.worker.packages)
            if neutralised:
                helpers.setdefault(notebook_code.NO_OP_MODULE, notebook_code.NO_OP_MODULE_SOURCE)
                staged.notes.append(Msg("submission.neutralised", name=name,
                                        imports="; ".join(neutralised[:5])))
        if stem in assignment.modules:
            candidates.setdefault(stem, []).append(_Candidate(
                name, text, notebook_code.implemented(text, assignment.exercises[stem])))
        else:
            helpers[stem] = text
    for stem, text in helpers.items():
        (folder / f"{stem}.py").write_text(text, encoding="utf-8")
    for module, found in candidates.items():
        # The most implemented graded functions wins; a .py (sorted first) on a tie.
        best = max(found, key=lambda c: len(c.implemented))
        if len(found) > 1:
            others = ", ".join(f"{c.name} ({len(c.implemented)})" for c in found if c is not best)
            staged.notes.append(Msg("submission.chosen", module=module, chosen=best.name,
                                    count=len(best.implemented), others=others))
        text = best.notebook.runnable if best.notebook is not None else best.text
        (folder / f"{module}.py").write_text(text, encoding="utf-8")
        if best.notebook is not None:
            staged.cells[module] = best.notebook
    if single_notebook:
        modules = [m for m in assignment.modules if m in candidates] or \
            ([intake.single] if intake.single in assignment.modules else [])
        staged.modules = modules = modules or list(assignment.modules)
    if not any((folder / f"{m}.py").exists() for m in modules):
        staged.notes.insert(0, Msg(NONE_FOUND_REFUSED if staged.refused else NONE_FOUND,
                                   source=str(intake.source), assignment=assignment.name,
                                   modules=", ".join(m + ".py" for m in modules),
                                   why=refusal_reasons(staged.refused)))
    return staged


def refusal_reasons(refused: list[RefusedFile]) -> Msg | str:
    """The first refusals, each with its reason, as one message ("" when there are none)."""
    said: Msg | str = ""
    for r in refused[:_REASONS_SHOWN]:
        reason = messages.from_data(r.data) if r.data else r.message
        line = Msg("submission.refused_reason", path=r.path, reason=reason)
        said = Msg("messages.semicolon", first=said, second=line) if said else line
    return said


def point_at_cells(functions: list[FunctionResult], staged: Staged) -> None:
    """Messages about a module made from a notebook point at its cells, not at ``.py`` lines."""
    if not staged.cells:
        return
    for f in functions:
        for t in f.tests:
            # Any module made from a notebook: the failing line may be in a helper of another.
            for module, code in staged.cells.items():
                if t.reason:
                    t.reason = notebook_code.point_at_cells_in(t.reason, module, code)


def explain_refusals(functions: list[FunctionResult], refused: list[RefusedFile]) -> None:
    """Put the refusal first in the message of each function it made missing: the refused
    module file for that module's functions, a refused folder or archive for all of them."""
    for f in functions:
        if f.status != "missing":
            continue
        module = f.name.split(".", 1)[0]
        causes = [r for r in refused
                  if r.path.rsplit("/", 1)[-1] in (f"{module}.py", f"{module}.ipynb")
                  or not r.path.endswith((".py", ".ipynb"))]
        if not causes:
            continue
        cause = causes[0]
        why = messages.join_with("messages.concat", f"{cause.path}: ",
                              messages.from_data(cause.data) if cause.data else cause.message)
        for t in f.tests:
            if not t.passed:
                reason = messages.from_data(t.reason) if isinstance(t.reason, dict) \
                    else t.reason or ""
                t.reason = messages.to_data(messages.join_with("messages.lines", why, reason))


def skipped_cell_notes(staged: Staged, skipped: dict[str, list[tuple[int, str, str]]],
                       top_level_seconds: float) -> list[Msg]:
    """One note per notebook cell the worker skipped at import (a notebook taken as several
    modules runs its cells once per module: said once)."""
    notes: list[Msg] = []
    seen: set[tuple[str, int, str]] = set()
    for module, cells in skipped.items():
        code = staged.cells.get(module)
        if code is None:
            continue
        for cell, kind, detail in cells:
            if (code.name, cell, kind) in seen:
                continue
            seen.add((code.name, cell, kind))
            if kind == "CellTooLong":
                notes.append(Msg("notebook_code.cell_too_long", name=code.name, cell=cell,
                                 seconds=f"{top_level_seconds:g}"))
            else:
                error = f"{kind}: {detail}" if detail else kind
                notes.append(Msg("notebook_code.cell_skipped", name=code.name, cell=cell,
                                 error=error))
    return notes
