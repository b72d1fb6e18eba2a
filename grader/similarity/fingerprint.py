"""Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003) with a stable k-gram hash.

윈노잉 지문: 토큰 k개 묶음(k-gram)마다 안정적인 해시(blake2b)를 구하고, 연속한 w개 해시 창마다
가장 작은 값을 고른다. w = t - k + 1 이면 t개 이상 토큰이 같은 구간은 반드시 찾는다.

Guarantees of the paper, with ``w = t - k + 1``: every shared passage of at least ``t`` tokens
shares at least one fingerprint, and no passage shorter than ``k`` tokens is ever a match (the
noise threshold). The hash is blake2b of the k-gram's token codes, so fingerprints are the same
in every process and on every machine (Python's ``hash()`` of a string is salted per process),
and can be stored and compared across runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b

SEPARATOR = "\x1f"  # never inside a token code


def kgram_hashes(codes: Sequence[str], k: int) -> list[int]:
    """The 64-bit blake2b hash of every run of ``k`` consecutive token codes."""
    return [int.from_bytes(blake2b(SEPARATOR.join(codes[i:i + k]).encode(), digest_size=8).digest(),
                           "big")
            for i in range(len(codes) - k + 1)]


def winnow(hashes: Sequence[int], w: int) -> dict[int, list[int]]:
    """Robust winnowing: ``hash -> positions`` of the minimum of every window of ``w`` hashes.

    The rightmost minimum is taken on ties and a position is recorded once, as in the paper's
    robust variant (fewer fingerprints on low-entropy runs such as ``x = x + 1`` repeated). A
    sequence shorter than one window still gets its minimum, so short functions keep one print.
    """
    prints: dict[int, list[int]] = {}
    if not hashes:
        return prints
    last = -1
    for start in range(max(1, len(hashes) - w + 1)):
        window = hashes[start:start + w]
        best = min(window)
        pos = start + len(window) - 1 - window[::-1].index(best)
        if pos != last and not (last >= start and hashes[last] == best):
            prints.setdefault(best, []).append(pos)
            last = pos
    return prints


def fingerprints(codes: Sequence[str], k: int, w: int) -> dict[int, list[int]]:
    """Winnowed fingerprints of a token stream: ``hash -> start positions`` (token indices)."""
    return winnow(kgram_hashes(codes, k), w)
