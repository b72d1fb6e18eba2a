"""Parsing a student's bytes on the trusted side: every parse bounded, every failure a reason.

학생이 보낸 바이트를 신뢰 쪽(채점기 프로세스)에서 읽을 때는 모두 이 모듈을 거친다. 크기를 먼저
제한하고, 읽지 못하면(문법 오류, 너무 깊은 중첩, 메모리 부족, 잘못된 인코딩) 예외 대신 이유를 담은
``Unreadable``을 낸다. 그 파일은 거부되거나 그 모듈만 오류가 된다.

The grader reads student files with Python's general-purpose parsers (``ast``, ``json``,
``tokenize``, YAML) in its own process, before and after any fence. Those parsers raise more than their
documented errors on hostile input: ``ast.parse`` raises ``RecursionError`` on one long chained
expression and ``MemoryError`` on deep unary chains, ``json.loads`` raises ``RecursionError``
on deep nesting, both raise ``ValueError`` on NUL bytes. Each function here bounds the input's
size first, then turns every such failure into ``Unreadable`` with a catalogue message (``data``):
the caller refuses the file or fails only that module's functions, with the reason. A bug of
the grader itself (anything else) is not caught here: it must reach the internal-error report.

The recursion limits are CPython's own guards (the C parser and the JSON scanner check them), so
a parse of bounded size is also bounded in depth and time. PyYAML is pure Python and recurses:
a YAML text's size, flow nesting and aliases are bounded before it is composed.
"""

from __future__ import annotations

import ast
import json
import re
import tokenize
from collections.abc import Iterator
from typing import Any

import yaml

from grader.messages import Msg

# The largest text parsed (characters): intake's limit on a notebook (16 MiB), and so on every
# module made from one.
MAX_CHARS = 16 << 20
# The largest Python source the grader's own process parses: ``ast`` needs ~500 bytes of memory
# and a few microseconds per node (a 2 MiB module of one-line statements: ~1 GB and 10-30 s, per
# parse). A graded module is a few kilobytes; one past this is a module error with the reason.
MAX_SOURCE_CHARS = 256 << 10

# Aliases in one YAML document: a few are handy, thousands are a "billion laughs" (nine aliases of
# nine aliases... expand to 9**9 values on the first walk over the data).
MAX_YAML_ALIASES = 100
# PyYAML is pure Python and slows down quadratically with flow nesting ("[[[[..."): a course file
# is a few kilobytes and nests a few levels.
MAX_YAML_CHARS = 1 << 20
MAX_YAML_FLOW_DEPTH = 50

# What a parser raises on input it cannot handle — never on the grader's own bugs.
_RESOURCE = (RecursionError, MemoryError, OverflowError)


class Unreadable(Exception):
    """A student's file the trusted side cannot parse; ``data`` says why (a catalogue message),
    ``resource`` whether a limit (depth, memory) refused it rather than its syntax."""

    def __init__(self, data: Msg, *, resource: bool = False) -> None:
        super().__init__(data.render())
        self.data = data
        self.resource = resource


def _bounded(text: str | bytes, name: str, limit: int = MAX_CHARS) -> None:
    if len(text) > limit:
        size = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"
        raise Unreadable(Msg("safe_parse.too_large", name=name, size=size), resource=True)


def _too_complex(name: str, exc: BaseException, key: str = "safe_parse.too_complex") -> Unreadable:
    """Past a parser's limits: ``too_complex`` for Python code, ``too_deep`` for data."""
    return Unreadable(Msg(key, name=name, kind=type(exc).__name__), resource=True)


# speed: one grading parses each student module three times (staging's check, the call graph,
# the report's line numbers); the last few trees are kept, by their exact source and name.
_TREES: dict[tuple[str, str], ast.Module | Unreadable] = {}
_TREES_KEPT = 16
_TREE_KEPT_CHARS = 64 << 10


def python_tree(source: str, name: str) -> ast.Module:
    """``ast.parse(source)``, or ``Unreadable``: a syntax error (with its line), NUL bytes, or
    an expression nested or chained past the parser's limits, a source past
    ``MAX_SOURCE_CHARS``. The tree may be shared with other callers: read it, never change
    it."""
    key, kept = (source, name), len(source) <= _TREE_KEPT_CHARS
    known = _TREES.get(key) if kept else None
    if known is None:
        try:
            known = _parse(source, name)
        except Unreadable as exc:
            known = exc
        if kept:
            if len(_TREES) >= _TREES_KEPT:
                del _TREES[next(iter(_TREES))]  # the oldest
            _TREES[key] = known
    if isinstance(known, Unreadable):
        raise Unreadable(known.data, resource=known.resource)
    return known


def _parse(source: str, name: str) -> ast.Module:
    _bounded(source, name, MAX_SOURCE_CHARS)
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise Unreadable(Msg("safe_parse.syntax", name=name, line=exc.lineno or 0,
                             error=exc.msg or type(exc).__name__)) from None
    except ValueError as exc:  # "source code string cannot contain null bytes"
        raise Unreadable(Msg("safe_parse.invalid", name=name, error=str(exc)[:200])) from None
    except _RESOURCE as exc:
        raise _too_complex(name, exc) from None


def python_tree_or_none(source: str) -> ast.Module | None:
    """The tree, or None when the source cannot be parsed (for callers that only look)."""
    try:
        return python_tree(source, "")
    except Unreadable:
        return None


def python_limit(source: str, name: str) -> Unreadable | None:
    """Why Python itself could not compile this module for a reason of size or depth (not
    syntax, which the worker reports at its line), else None."""
    try:
        python_tree(source, name)
    except Unreadable as exc:
        return exc if exc.resource else None
    return None


def tokens(text: str, name: str) -> Iterator[tokenize.TokenInfo]:
    """``tokenize.generate_tokens`` of ``text`` (pure Python: bounded as ``python_tree``), each
    failure ``Unreadable``."""
    _bounded(text, name, MAX_SOURCE_CHARS)
    lines = iter(text.splitlines(keepends=True))
    try:
        yield from tokenize.generate_tokens(lambda: next(lines, ""))
    except (SyntaxError, tokenize.TokenError, ValueError) as exc:
        raise Unreadable(Msg("safe_parse.invalid", name=name, error=str(exc)[:200])) from None
    except _RESOURCE as exc:
        raise _too_complex(name, exc) from None


def text(raw: bytes, name: str, not_utf8: str = "submission.not_utf8") -> str:
    """UTF-8 text (a byte-order mark dropped, as Python's import does), else ``Unreadable``
    with the message ``not_utf8`` (its fields: name, reason, byte)."""
    _bounded(raw, name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(Msg(not_utf8, name=name, reason=exc.reason, byte=exc.start)) from None


def json_value(raw: str, name: str, not_json: str = "safe_parse.not_json") -> Any:
    """``json.loads``, else ``Unreadable``: nesting past the scanner's limit, or invalid JSON
    (the message ``not_json``; its fields: name, error, kind)."""
    _bounded(raw, name)
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise Unreadable(Msg(not_json, name=name, error=str(exc)[:200],
                             kind=type(exc).__name__)) from None
    except _RESOURCE as exc:
        raise _too_complex(name, exc, "safe_parse.too_deep") from None


def encodable(source: str, name: str) -> str:
    """``source`` when it can be written as UTF-8; lone surrogates (a notebook's JSON can escape
    them, ``"\\ud800"``) cannot: ``Unreadable``."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Unreadable(Msg("submission.not_utf8", name=name, reason=exc.reason,
                             byte=exc.start)) from None
    return source


class _TooManyAliases(Exception):
    pass


class _BoundedYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with a bound on aliases (its composer recurses: depth is bounded
    by the recursion limit, caught below)."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise _TooManyAliases
        return super().compose_node(parent, index)


def _flow_depth(raw: str) -> int:
    """The deepest nesting of YAML flow brackets, counted over the whole text (brackets inside
    quoted strings too: an over-estimate, only ever too cautious on absurd files)."""
    depth = deepest = 0
    for c in re.sub(r"[^\[\]{}]+", "", raw):
        depth = depth + 1 if c in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def yaml_value(raw: str, name: str) -> Any:
    """``yaml.safe_load``, bounded: ``Unreadable`` for nesting past the recursion limit or more
    than ``MAX_YAML_ALIASES`` aliases; a syntax error stays ``yaml.YAMLError`` (the caller's
    message names the line)."""
    _bounded(raw, name, MAX_YAML_CHARS)
    if _flow_depth(raw) > MAX_YAML_FLOW_DEPTH:
        raise _too_complex(name, RecursionError(), "safe_parse.too_deep")
    try:
        return yaml.load(raw, Loader=_BoundedYamlLoader)  # a SafeLoader: no Python objects
    except _TooManyAliases:
        raise Unreadable(Msg("safe_parse.yaml_aliases", name=name, limit=MAX_YAML_ALIASES),
                         resource=True) from None
    except _RESOURCE as exc:
        raise _too_complex(name, exc, "safe_parse.too_deep") from None
