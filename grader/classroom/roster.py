"""The roster: which student each submission belongs to (``--roster roster.csv``).

명단 CSV: 제출물 이름 → 학번, 이름, 분반 (Canvas 내보내기에 쓰는 ID도 함께).

Columns (header row, UTF-8, a BOM from Excel is fine): ``submission`` (the entry's name, its
name without suffix, or its id) and ``student_id`` are required; ``name``, ``section``,
``canvas_id`` (Canvas's user ``ID``) and ``sis_login_id`` are optional. Every problem names the row
and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GraderError
from grader.messages import Msg

REQUIRED = ("submission", "student_id")
OPTIONAL = ("name", "section", "canvas_id", "sis_login_id")
MAX_ROSTER_BYTES = 8 << 20


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str = ""
    section: str = ""
    canvas_id: str = ""
    sis_login_id: str = ""


class RosterError(GraderError):
    """A roster that cannot be used; its message (``roster.*``) names the row and column."""


def _bad(path: Path, where: Msg, why: Msg) -> RosterError:
    return RosterError(Msg("roster.bad", path=str(path), where=where, why=why))


def _row(row: int) -> Msg:
    return Msg("roster.where_row", row=row)


def _cell(row: int, column: str) -> Msg:
    return Msg("roster.where_cell", row=row, column=column)


def load_roster(path: Path) -> dict[str, Student]:
    """``submission key -> Student``; raises ``RosterError`` naming the row and column."""
    try:
        raw = path.read_bytes()[: MAX_ROSTER_BYTES + 1]
    except OSError as exc:
        raise RosterError(Msg("roster.unreadable", path=str(path),
                              error=exc.strerror or str(exc))) from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise _bad(path, Msg("roster.where_file"),
                   Msg("roster.too_large", mb=MAX_ROSTER_BYTES >> 20))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad(path, Msg("roster.where_byte", byte=exc.start), Msg("roster.not_utf8")) \
            from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise _bad(path, _row(1), Msg("roster.empty")) from None
    except csv.Error as exc:
        raise _bad(path, _row(1), Msg("roster.bad_csv", error=str(exc))) from None
    for column in REQUIRED:
        if column not in header:
            raise _bad(path, _cell(1, column), Msg(
                "roster.missing_column", required=", ".join(REQUIRED),
                found=", ".join(header) or Msg("roster.none")))
    for i, column in enumerate(header, 1):
        if column not in REQUIRED + OPTIONAL:
            raise _bad(path, Msg("roster.where_header", index=i, column=column),
                       Msg("roster.unknown_column", known=", ".join(REQUIRED + OPTIONAL)))
        if header.count(column) > 1:
            raise _bad(path, _cell(1, column), Msg("roster.duplicate_column"))
    roster: dict[str, Student] = {}
    seen_ids: dict[str, int] = {}
    try:
        for row_no, row in enumerate(reader, 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise _bad(path, _row(row_no),
                           Msg("roster.field_count", fields=len(row), header=len(header)))
            values = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
            for column in REQUIRED:
                if not values[column]:
                    raise _bad(path, _cell(row_no, column), Msg("roster.empty_value"))
            key = values["submission"]
            if key in roster:
                raise _bad(path, _cell(row_no, "submission"),
                           Msg("roster.duplicate_submission", key=key))
            sid = values["student_id"]
            if sid in seen_ids:
                raise _bad(path, _cell(row_no, "student_id"),
                           Msg("roster.duplicate_id", student_id=sid, other=seen_ids[sid]))
            seen_ids[sid] = row_no
            roster[key] = Student(sid, *(values.get(c, "") for c in OPTIONAL))
    except csv.Error as exc:
        raise _bad(path, _row(reader.line_num), Msg("roster.bad_csv", error=str(exc))) from None
    return roster


def student_for(roster: dict[str, Student], name: str, stem: str, ident: str) -> Student | None:
    """The roster's student of an entry, matched by its name, its name without suffix or its id."""
    for key in (name, stem, ident):
        if key in roster:
            return roster[key]
    return None
