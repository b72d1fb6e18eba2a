"""Pairs of submissions ranked by shared fingerprints, per graded function and overall.

제출물 쌍을 공유 지문 비율로 순위 매긴다 (함수별, 전체). 시작 코드(스텁, 공개 테스트)의 지문은
지우고, 너무 많은 제출물에 나오는 구간(MOSS의 -m)은 버리며, 아주 짧은 함수는 순위에서 뺀다.

Score of a pair on a set of fingerprints A and B: the mean of the two containments,
``(|A∩B|/|A| + |A∩B|/|B|) / 2``. Containment (not Jaccard) so that padding a copy with temporaries
or extra code does not hide it; the mean of both directions so that a two-line function is not
"100 % contained" in a long one. Overall is the same score on the union of a submission's
fingerprints of ranked functions (graded ones and the student's own helpers).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from grader.messages import Msg
from grader.similarity.fingerprint import fingerprints, kgram_hashes
from grader.similarity.normalise import FunctionCode, Unparsable, functions_of, module_codes
from grader.similarity.sources import Sources


@dataclass(frozen=True)
class Parameters:
    """The knobs, with the defaults argued for in the README (유사도 section)."""

    k: int = 8  # noise threshold: a shared run shorter than k tokens never counts
    t: int = 12  # guarantee threshold: every shared run of t tokens or more is found
    max_share: float = 0.2  # drop passages found in more than this share of submissions ...
    max_count: int | None = None  # ... or in more than this many (overrides the share)
    min_tokens: int = 30  # functions shorter than this are reported, not ranked
    include_short: bool = False

    @property
    def w(self) -> int:
        return self.t - self.k + 1

    def common_limit(self, n_submissions: int) -> int:
        """A passage in more than this many submissions is common, not evidence."""
        if self.max_count is not None:
            return self.max_count
        return max(3, math.floor(self.max_share * n_submissions))


@dataclass
class FunctionPrint:
    key: str  # "module.function"
    graded: bool
    code: FunctionCode
    prints: dict[int, list[int]]  # hash -> token positions, after starter and common removal
    short: bool = False
    starter: bool = False  # nothing but starter code (an untouched stub): neither short nor ranked


@dataclass
class Submission:
    name: str
    functions: dict[str, FunctionPrint] = field(default_factory=dict)
    notes: list[Msg | str] = field(default_factory=list)


@dataclass(frozen=True)
class Pair:
    a: int  # submission indices, a < b
    b: int
    function: str | None  # None: overall
    score: float
    a_in_b: float  # share of a's fingerprints found in b
    b_in_a: float
    shared: int


@dataclass
class Analysis:
    parameters: Parameters
    submissions: list[Submission]
    overall: list[Pair]  # best first
    by_function: dict[str, list[Pair]]  # ranked functions only, best first
    short_functions: dict[str, int]  # function -> submissions where it is too short to rank
    starter_prints: int  # k-gram hashes of starter code removed
    common_dropped: int  # distinct fingerprints dropped as common
    common_limit: int


def starter_hashes(texts: Iterable[str], k: int) -> set[int]:
    """Every k-gram hash (not only the winnowed ones) of the starter code: stubs and public suites.

    Whole modules are tokenised the way function bodies are, so a stub's given code, its
    ``raise NotImplementedError()`` and anything a public test spells out are never a match.
    """
    found: set[int] = set()
    for text in texts:
        try:
            functions = functions_of(text)
            found.update(kgram_hashes(module_codes(text), k))
        except Unparsable:
            continue
        for fn in functions:
            found.update(kgram_hashes(fn.codes, k))
            found.add(body_hash(fn.codes))  # whole bodies too: stubs shorter than k tokens
    return found


def body_hash(codes: tuple[str, ...]) -> int:
    """A whole function body as one hash (kept apart from k-gram hashes by its prefix)."""
    return kgram_hashes(("<body>", *codes), len(codes) + 1)[0]


def read_submission(name: str, sources: Sources, graded: dict[str, str], starter: set[int],
                    params: Parameters) -> Submission:
    """Fingerprints of one submission. ``graded``: function name -> its module (the contract).

    In a file named after a module only that module's functions are graded ones (a ``sigmoid``
    helper in ``backprop.py`` is a helper); a file with another name (``hong.ipynb``) may hold
    any graded function, the first definition counting.
    """
    modules = set(graded.values())
    sub = Submission(name, notes=list(sources.notes))
    for label, text in sources.texts.items():
        try:
            functions = functions_of(text)
        except Unparsable as exc:
            sub.notes.append(Msg("similarity.not_python", label=label, error=str(exc)))
            continue
        for fn in functions:
            module = graded.get(fn.name)
            is_graded = module is not None and (module == label or label not in modules)
            key = f"{module}.{fn.name}" if is_graded else f"{label}.{fn.name}"
            if key in sub.functions:
                continue
            all_prints = fingerprints(fn.codes, params.k, params.w)
            prints = {h: pos for h, pos in all_prints.items() if h not in starter}
            untouched = (not fn.codes or body_hash(fn.codes) in starter
                         or (bool(all_prints) and not prints))
            sub.functions[key] = FunctionPrint(
                key, is_graded, fn, prints,
                short=len(fn.codes) < params.min_tokens and not params.include_short,
                starter=untouched)
    return sub


def analyse(submissions: list[Submission], params: Parameters, starter_prints: int = 0) -> Analysis:
    """Drop common passages, then score every pair that shares anything."""
    limit = params.common_limit(len(submissions))
    seen_in: Counter[int] = Counter()
    for sub in submissions:
        seen_in.update({h for fp in sub.functions.values() for h in fp.prints})
    common = {h for h, n in seen_in.items() if n > limit}
    for sub in submissions:
        for fp in sub.functions.values():
            if common.intersection(fp.prints):
                fp.prints = {h: p for h, p in fp.prints.items() if h not in common}

    short: Counter[str] = Counter()
    per_function: dict[str, list[tuple[int, set[int]]]] = defaultdict(list)
    overall: list[tuple[int, set[int]]] = []
    for i, sub in enumerate(submissions):
        union: set[int] = set()
        for key, fp in sub.functions.items():
            if fp.short:
                if fp.graded and not fp.starter:
                    short[key] += 1
                continue
            if fp.prints:
                union.update(fp.prints)
                if fp.graded:
                    per_function[key].append((i, set(fp.prints)))
        if union:
            overall.append((i, union))
    by_function = {key: _ranked(members, key) for key, members in sorted(per_function.items())}
    return Analysis(params, submissions, _ranked(overall, None),
                    {k: v for k, v in by_function.items() if v}, dict(sorted(short.items())),
                    starter_prints=starter_prints, common_dropped=len(common), common_limit=limit)


def _ranked(members: list[tuple[int, set[int]]], function: str | None) -> list[Pair]:
    """Pairs sharing at least one fingerprint, found through an inverted index, best first."""
    postings: dict[int, list[int]] = defaultdict(list)
    sizes = {}
    for i, prints in members:
        sizes[i] = len(prints)
        for h in prints:
            postings[h].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for holders in postings.values():
        if len(holders) > 1:
            shared.update(combinations(holders, 2))  # holders ascend, so a < b
    pairs = []
    for (a, b), n in shared.items():
        a_in_b, b_in_a = n / sizes[a], n / sizes[b]
        pairs.append(Pair(a, b, function, (a_in_b + b_in_a) / 2, a_in_b, b_in_a, n))
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.a, p.b))
    return pairs


def submission_name(entry: Path) -> str:
    return entry.name
