"""Student stubs generated from the reference solutions with nbgrader's own solution clearing.

참조 해답에서 학생용 스텁을 만든다 — nbgrader의 ClearSolutions 전처리기를 그대로 쓴다.

A solution module marks the body of every graded function with nbgrader's markers::

    def sigmoid(z):
        \"\"\"docstring (kept)\"\"\"
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

``make_stub`` wraps the whole module in one notebook code cell marked as a solution cell and
runs ``nbgrader.preprocessors.ClearSolutions`` on it, so each region becomes nbgrader's Python
stub (``# YOUR CODE HERE`` / ``raise NotImplementedError()``) at the region's indentation, and
everything outside the regions (imports, signatures, docstrings, given code) is kept as is.
Reusing nbgrader rather than a regex keeps the stubs identical to what
``nbgrader generate_assignment`` would produce for the same source.

nbgrader is an optional dependency (the ``authoring`` extra) and is imported only when a stub is
made: grading never needs it.

Stubs are checked in and people work in ``exercises/`` (an instructor trying a function, a
student in a clone), so ``write_stubs`` never overwrites work. It decides per stub with two
facts: what generation from the *current* solution produces, and the SHA-256 recorded in
``exercises/<assignment>/.grader-stubs.json`` (the manifest) when it last wrote that stub:

- the file is missing, or already equals the new stub: nothing can be lost;
- the file's hash equals the recorded one: it is exactly what was generated, only the solution
  changed since, so it is updated;
- anything else (the hash differs, or no hash was recorded) is an edit: nothing is written and
  ``StubsEdited`` names each such file with a short diff; ``force=True`` overwrites.

A hash rather than a timestamp: checkouts, copies and ``git stash`` change timestamps, not
contents. A manifest rather than a header comment in each stub: the stub stays exactly what
nbgrader makes, and the hash does not have to exclude itself. Hashes are of the text with
``\n`` line endings, so a CRLF checkout on Windows is not an edit.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from grader.errors import GraderError
from grader.messages import Msg

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"


def _nbgrader() -> tuple[Any, Any]:
    """Import nbformat and ClearSolutions lazily; a missing install is a clear GraderError."""
    try:
        import nbformat
        from nbgrader.preprocessors import ClearSolutions
    except ImportError as exc:
        raise GraderError(Msg("authoring.no_nbgrader", error=str(exc))) from exc
    return nbformat, ClearSolutions


def make_stub(source: str, *, name: str = "<source>") -> str:
    """Return ``source`` with every solution region replaced by nbgrader's Python stub.

    ``name`` only labels error messages. Raises ``GraderError`` when nbgrader is missing, when
    ``source`` has no solution region (the stub would give the whole answer away, or nbgrader
    would replace the whole module), or when a region is nested or not closed.
    """
    if BEGIN_SOLUTION not in source:
        raise GraderError(Msg("authoring.no_region", name=name))
    nbformat, clear_solutions = _nbgrader()
    cell = nbformat.v4.new_code_cell(
        source,
        # A solution cell, as nbgrader requires for cells with solution regions.
        metadata={
            "nbgrader": {
                "solution": True,
                "grade": False,
                "locked": False,
                "grade_id": "module",
                "schema_version": 3,
            }
        },
    )
    notebook = nbformat.v4.new_notebook(
        cells=[cell],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    try:
        notebook, _ = clear_solutions().preprocess(notebook, {})
    except RuntimeError as exc:  # nested or unterminated region
        raise GraderError(Msg("authoring.malformed", name=name, error=str(exc))) from exc
    stub: str = notebook.cells[0].source
    if BEGIN_SOLUTION in stub or END_SOLUTION in stub:  # cannot happen with nbgrader's rules
        raise GraderError(Msg("authoring.left_over", name=name))
    return stub


def _module_path(folder: Path, module: str) -> Path:
    if not module.isidentifier():
        raise GraderError(Msg("authoring.bad_module", module=repr(module)))
    return folder / f"{module}.py"


def _read_solution(solutions_dir: Path, module: str) -> tuple[Path, str]:
    path = _module_path(solutions_dir, module)
    if not path.is_file():
        raise GraderError(Msg("authoring.no_solution", path=str(path)))
    # Universal newlines: a CRLF checkout on Windows gives the same stub as on Linux.
    return path, path.read_text(encoding="utf-8")


def make_stubs(solutions_dir: Path, modules: Iterable[str]) -> dict[str, str]:
    """``{module: stub text}`` for each module of ``solutions_dir``, nothing written.

    ``grader validate`` grades these (written to a temporary folder), not the live
    ``exercises/`` folder, where someone may have started working.
    """
    stubs: dict[str, str] = {}
    for module in modules:
        path, source = _read_solution(Path(solutions_dir), module)
        stubs[module] = make_stub(source, name=str(path))
    return stubs


# --------------------------------------------------------------------------------------------
# Writing stubs without destroying work

#: Beside the stubs: the SHA-256 of every stub as ``write_stubs`` last wrote it.
MANIFEST = ".grader-stubs.json"
MANIFEST_SCHEMA = "grader.stubs/v1"
_DIFF_LINES = 24

StubStatus = Literal["created", "updated", "unchanged", "overwritten"]


@dataclass(frozen=True)
class StubWrite:
    """스텁 하나에 한 일 / what ``write_stubs`` did with one stub.

    ``created`` (there was none), ``updated`` (it was the previously generated stub),
    ``unchanged`` (already current, not rewritten), ``overwritten`` (edited, ``force=True``).
    """

    path: Path
    status: StubStatus

    def status_in(self, lang: str) -> str:
        """The status word in ``lang`` ("ko", "en" or "both") / 상태를 고른 언어로."""
        return Msg(f"stubs.{self.status}").render(lang)


@dataclass(frozen=True)
class EditedStub:
    """생성 후 수정된 스텁 / a stub edited since it was generated, with what would be lost."""

    path: Path
    diff: str  # unified diff from the stub that would be written to the file as it is
    recorded: bool  # whether the manifest had a hash for it (False: unknown origin)


class StubsEdited(GraderError):
    """``write_stubs`` refused: some stubs were edited since they were generated."""

    def __init__(self, edited: list[EditedStub]) -> None:
        self.edited = edited
        stubs: Msg | str = ""
        for e in edited:  # one block per stub: its path, why it counts as edited, the diff
            why = (Msg("authoring.hash_differs") if e.recorded
                   else Msg("authoring.no_hash", manifest=MANIFEST))
            stubs = Msg("authoring.edited_stub", first=stubs, path=str(e.path), why=why,
                        diff=e.diff)
        super().__init__(Msg("authoring.stubs_edited", stubs=stubs))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(exercises_dir: Path) -> dict[str, str]:
    """``{file name: sha256}`` from ``exercises_dir/.grader-stubs.json`` ({} when absent).

    A manifest that cannot be read counts as absent: every differing stub is then treated as
    edited, the safe side.
    """
    try:
        data = json.loads((Path(exercises_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    stubs = data.get("stubs") if isinstance(data, dict) else None
    if not isinstance(stubs, dict):
        return {}
    return {str(k): str(v) for k, v in stubs.items() if isinstance(v, str)}


def _write_manifest(exercises_dir: Path, recorded: dict[str, str]) -> None:
    data = {
        "schema": MANIFEST_SCHEMA,
        "about": "SHA-256 of each stub as `grader stubs` generated it: a stub whose content no "
                 "longer matches was edited and is not overwritten without --force.",
        "stubs": dict(sorted(recorded.items())),
    }
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path = Path(exercises_dir) / MANIFEST
    if read_or_none(path) != text:
        path.write_bytes(text.encode("utf-8"))


def short_diff(generated: str, current: str, path: Path) -> str:
    lines = list(difflib.unified_diff(
        generated.splitlines(keepends=True), current.splitlines(keepends=True),
        fromfile=f"{path.name} (grader stubs)", tofile=f"{path.name} (yours)", n=1))
    shown = [line if line.endswith("\n") else line + "\n" for line in lines[:_DIFF_LINES]]
    if len(lines) > _DIFF_LINES:
        shown.append(f"… {len(lines) - _DIFF_LINES} more diff lines\n")
    return "".join(shown).rstrip("\n")


def write_stubs(
    solutions_dir: Path, exercises_dir: Path, modules: Iterable[str], *, force: bool = False
) -> list[StubWrite]:
    """Generate ``exercises_dir/<module>.py`` from ``solutions_dir/<module>.py`` for each module.

    All stubs are made, and every target checked, before any is written: an error or a refusal
    leaves the exercises untouched. A stub edited since it was generated (see the module
    docstring) makes it raise ``StubsEdited`` unless ``force``. A stub whose content is already
    current is not rewritten (its timestamp stays). Files are written as UTF-8 with ``\\n``
    line endings on every platform, and the manifest records their hashes. Returns what was done
    with each stub, in the order of ``modules``.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    stubs = make_stubs(solutions_dir, modules)
    recorded = read_manifest(exercises_dir)
    plan: list[tuple[Path, str, StubStatus]] = []
    edited: list[EditedStub] = []
    for module, stub in stubs.items():
        target = _module_path(exercises_dir, module)
        current = read_or_none(target)
        if current is None:
            plan.append((target, stub, "created"))
        elif current == stub:
            plan.append((target, stub, "unchanged"))
        elif recorded.get(target.name) == digest(current):
            plan.append((target, stub, "updated"))
        else:
            plan.append((target, stub, "overwritten"))
            edited.append(EditedStub(target, short_diff(stub, current, target),
                                     recorded=target.name in recorded))
    if edited and not force:
        raise StubsEdited(edited)
    for target, stub, status in plan:
        if status != "unchanged":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(stub.encode("utf-8"))
        recorded[target.name] = digest(stub)
    if plan:
        _write_manifest(exercises_dir, recorded)
    return [StubWrite(target, status) for target, _, status in plan]


def stub_differences(solutions_dir: Path, exercises_dir: Path, modules: Iterable[str]) -> list[str]:
    """The modules whose checked-in stub is missing or differs from what ``write_stubs`` makes.

    An empty list means the exercises are up to date; otherwise run ``grader stubs``.
    """
    exercises_dir = Path(exercises_dir)
    return [
        module
        for module, stub in make_stubs(solutions_dir, modules).items()
        if read_or_none(_module_path(exercises_dir, module)) != stub
    ]


def read_or_none(path: Path) -> str | None:
    # Undecodable bytes are replaced: such a file never equals a stub, so it counts as edited.
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
