"""Similarity across a class: which pairs of submissions are worth a human look.

반 전체 제출물의 유사도: 사람이 직접 살펴볼 만한 제출물 쌍을 찾는다. 유사도는 살펴볼 이유일 뿐
베낀 증거가 아니다.

Pipeline, one module each: ``sources`` (read one entry safely) → ``normalise`` (functions as
normalised tokens) → ``fingerprint`` (winnowing, stable hash) → ``ranking`` (starter code and
common passages removed, pairs scored) → ``report`` (terminal, HTML, CSV). Student code is only
ever tokenised and parsed, never imported or run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Assignment
from grader.errors import GraderError
from grader.similarity.ranking import (
    Analysis,
    Parameters,
    analyse,
    read_submission,
    starter_hashes,
    submission_name,
)
from grader.similarity.sources import MAX_FILE_BYTES, read_regular, sources_of

__all__ = ["Analysis", "Parameters", "Run", "class_entries", "compare_class", "starter_texts"]


@dataclass
class Run:
    analysis: Analysis
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    notes: list[str] = field(default_factory=list)  # about the class folder itself


def class_entries(folder: Path) -> tuple[list[Path], list[str]]:
    """One entry per student: sub-folders, ``.py``, ``.ipynb`` and ``.zip`` files, by name."""
    if not folder.is_dir():
        raise GraderError(f"{folder}: 제출물 폴더가 아닙니다 / is not a folder of submissions")
    entries, notes = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            notes.append(f"{path.name}: 심볼릭 링크는 읽지 않습니다 / symbolic link skipped")
        elif path.is_dir() or path.suffix in (".py", ".ipynb", ".zip"):
            entries.append(path)
        else:
            notes.append(f"{path.name}: 제출물이 아닙니다 / not a submission, skipped")
    return entries, notes


def starter_texts(exercises_dir: Path) -> list[str]:
    """The starter code students were given: the stubs and the public suites."""
    texts = []
    for path in sorted([*exercises_dir.glob("*.py"), *exercises_dir.glob("tests/*.py")]):
        data = read_regular(path, MAX_FILE_BYTES, [])
        if data is not None:
            texts.append(data.decode("utf-8", errors="replace"))
    return texts


def compare_class(entries: list[Path], assignment: Assignment, starter: list[str],
                  params: Parameters) -> Run:
    """Read, fingerprint and rank a class; ``starter``: texts whose passages never count."""
    if params.k < 1 or params.t < params.k:
        raise GraderError(f"k={params.k}, t={params.t}: 1 <= k <= t 이어야 합니다 / "
                          f"need 1 <= k <= t")
    phases: dict[str, float] = {}
    clock = time.perf_counter()
    graded = {fn: module for module, fns in assignment.exercises.items() for fn in fns}
    removed = starter_hashes(starter, params.k)
    phases["starter"] = time.perf_counter() - clock

    clock = time.perf_counter()
    sources = [sources_of(entry, assignment.modules) for entry in entries]
    phases["read"] = time.perf_counter() - clock

    clock = time.perf_counter()
    submissions = [read_submission(submission_name(entry), found, graded, removed, params)
                   for entry, found in zip(entries, sources, strict=True)]
    phases["fingerprint"] = time.perf_counter() - clock

    clock = time.perf_counter()
    analysis = analyse(submissions, params, starter_prints=len(removed))
    phases["compare"] = time.perf_counter() - clock
    return Run(analysis, phases)
