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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader.classroom.entries import Entry
from grader.classroom.entries import class_entries as list_class
from grader.course.config import Assignment
from grader.errors import GraderError
from grader.messages import Msg
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
    notes: list[Msg] = field(default_factory=list)  # about the class folder itself


def class_entries(folder: Path) -> tuple[list[Entry], list[Msg]]:
    """One entry per student, listed as ``grader grade`` lists them (``grader.classroom``)."""
    return list_class(folder)


def starter_texts(exercises_dir: Path) -> list[str]:
    """The starter code students were given: the stubs and the public suites."""
    texts = []
    for path in sorted([*exercises_dir.glob("*.py"), *exercises_dir.glob("tests/*.py")]):
        data = read_regular(path, MAX_FILE_BYTES, [])
        if data is not None:
            texts.append(data.decode("utf-8", errors="replace"))
    return texts


def compare_class(entries: Sequence[Entry | Path], assignment: Assignment, starter: list[str],
                  params: Parameters) -> Run:
    """Read, fingerprint and rank a class; ``starter``: texts whose passages never count."""
    if params.k < 1 or params.t < params.k:
        raise GraderError(Msg("similarity.k_t", k=params.k, t=params.t))
    phases: dict[str, float] = {}
    clock = time.perf_counter()
    graded = {fn: module for module, fns in assignment.exercises.items() for fn in fns}
    removed = starter_hashes(starter, params.k)
    phases["starter"] = time.perf_counter() - clock

    clock = time.perf_counter()
    paths = [e.path if isinstance(e, Entry) else e for e in entries]
    sources = [sources_of(path, assignment.modules, assignment.name) for path in paths]
    phases["read"] = time.perf_counter() - clock

    clock = time.perf_counter()
    # An entry is named by its id, as `grader grade` names its report ("bob", not "bob.zip").
    names = [e.id if isinstance(e, Entry) else submission_name(e) for e in entries]
    submissions = [read_submission(name, found, graded, removed, params)
                   for name, found in zip(names, sources, strict=True)]
    phases["fingerprint"] = time.perf_counter() - clock

    clock = time.perf_counter()
    analysis = analyse(submissions, params, starter_prints=len(removed))
    phases["compare"] = time.perf_counter() - clock
    return Run(analysis, phases)
