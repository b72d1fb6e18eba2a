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
    pass


def _bad(path: Path, where: str, ko: str, en: str) -> RosterError:
    return RosterError(f"{path}: {where}: {ko} / {en}")


def load_roster(path: Path) -> dict[str, Student]:
    """``submission key -> Student``; raises ``RosterError`` naming the row and column."""
    try:
        raw = path.read_bytes()[: MAX_ROSTER_BYTES + 1]
    except OSError as exc:
        raise RosterError(f"{path}: 명단을 읽을 수 없습니다 / cannot read the roster "
                          f"({exc.strerror})") from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise _bad(path, "file", "명단이 너무 큽니다", f"roster larger than {MAX_ROSTER_BYTES >> 20} MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad(path, f"byte {exc.start}", "UTF-8이 아닙니다. UTF-8 CSV로 저장하세요",
                   "not UTF-8; save it as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise _bad(path, "row 1", "비어 있습니다", "the roster is empty") from None
    except csv.Error as exc:
        raise _bad(path, "row 1", "CSV 형식 오류", f"not valid CSV ({exc})") from None
    for column in REQUIRED:
        if column not in header:
            raise _bad(path, f"row 1, column {column!r}",
                       f"필수 열이 없습니다(필수: {', '.join(REQUIRED)})",
                       f"required column missing (required: {', '.join(REQUIRED)}; found: "
                       f"{', '.join(header) or 'none'})")
    for i, column in enumerate(header, 1):
        if column not in REQUIRED + OPTIONAL:
            raise _bad(path, f"row 1, column {i} {column!r}", "알 수 없는 열입니다",
                       f"unknown column (known: {', '.join(REQUIRED + OPTIONAL)})")
        if header.count(column) > 1:
            raise _bad(path, f"row 1, column {column!r}", "열이 두 번 있습니다", "duplicated column")
    roster: dict[str, Student] = {}
    seen_ids: dict[str, int] = {}
    try:
        for row_no, row in enumerate(reader, 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise _bad(path, f"row {row_no}", f"칸 수가 {len(row)}개입니다(머리글 {len(header)}개)",
                           f"has {len(row)} fields, the header has {len(header)}")
            values = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
            for column in REQUIRED:
                if not values[column]:
                    raise _bad(path, f"row {row_no}, column {column!r}", "값이 비어 있습니다",
                               "empty value")
            key = values["submission"]
            if key in roster:
                raise _bad(path, f"row {row_no}, column 'submission'",
                           f"제출물 {key!r}이(가) 두 번 나옵니다", f"submission {key!r} appears twice")
            sid = values["student_id"]
            if sid in seen_ids:
                raise _bad(path, f"row {row_no}, column 'student_id'",
                           f"학번 {sid!r}이(가) {seen_ids[sid]}행에도 있습니다",
                           f"student id {sid!r} is also on row {seen_ids[sid]}")
            seen_ids[sid] = row_no
            roster[key] = Student(sid, *(values.get(c, "") for c in OPTIONAL))
    except csv.Error as exc:
        raise _bad(path, f"row {reader.line_num}", "CSV 형식 오류", f"not valid CSV ({exc})") from None
    return roster


def student_for(roster: dict[str, Student], name: str, stem: str, ident: str) -> Student | None:
    """The roster's student of an entry, matched by its name, its name without suffix or its id."""
    for key in (name, stem, ident):
        if key in roster:
            return roster[key]
    return None
