"""The hidden bundle: everything grading needs that a student must not control.

숨은 번들: 채점에 필요하지만 학생이 바꿀 수 없어야 하는 모든 것 (과목 파일, 공개·숨은 테스트,
참조 해답, 흔한 실수 목록)을 SHA-256 목록(manifest)과 함께 zip 하나로 묶는다.

``grader bundle OUT.zip`` writes it; ``grader check SUBMISSION --bundle OUT.zip`` reads it back
into a private folder laid out like a course (``course.yaml``, ``exercises/<a>/tests``,
``solutions/<a>/...``), after checking every name, size and hash, and grades with that course:
from the submission only the assignment's modules are used. A bundle is untrusted input until
verified: no member is extracted by its own path, links and odd names are refused, sizes are
bounded, and a file that is missing from, extra to or different from the manifest is an error.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import grader
from grader import scratch
from grader.course.config import COURSE_FILE, Course, load_course, total_problem
from grader.errors import GraderError
from grader.intake import safe_parse
from grader.messages import Msg

# The templates of this module's Msg keys (bundle.*): grader/locale/{ko,en}/LC_MESSAGES/grader.po.

SCHEMA = "grader.course.bundle/v1"
MANIFEST = "manifest.json"
KINDS = ("full", "public")

MAX_BUNDLE_BYTES = 64 << 20
MAX_MEMBERS = 5000
MAX_FILE_BYTES = 16 << 20
MAX_TOTAL_BYTES = 128 << 20
# A fixed timestamp: the same course gives the same bytes, so the same hash.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SAFE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


class BundleError(GraderError):
    """A bundle that cannot be trusted or used (exit code 2)."""


@dataclass
class OpenedBundle:
    """A verified bundle, unpacked into a private folder laid out like a course."""

    root: Path
    course: Course
    assignment: str
    kind: str
    sha256: str  # of the zip file itself
    grader_version: str  # the grader that made it

    def remove(self) -> None:
        shutil.rmtree(self.root.parent, ignore_errors=True)

    @property
    def message(self) -> Msg:
        """The report's record of which bundle graded the submission, as data."""
        mismatch: Msg | str = ""
        if self.grader_version != grader.__version__:
            mismatch = Msg("bundle.version_differs", version=grader.__version__)
        return Msg("bundle.note", sha256=self.sha256, kind=self.kind, assignment=self.assignment,
                   made_with=self.grader_version, mismatch=mismatch)

    @property
    def note(self) -> str:
        """``message`` in both languages."""
        return self.message.render()


# --------------------------------------------------------------------------------------------
# Writing


def _files_under(folder: Path, prefix: str) -> Iterator[tuple[str, Path]]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if _SKIP_DIRS & set(rel.parts) or path.suffix == ".pyc":
            continue
        if path.is_symlink():
            raise BundleError(Msg("bundle.link", path=str(path)))
        if path.is_file():
            yield f"{prefix}/{rel.as_posix()}", path


def bundle_files(course: Course, assignment: str, kind: str = "full") -> dict[str, Path]:
    """Name in the bundle -> file of the course. ``public``: the course file and public suites
    only (what students already have); ``full``: also the hidden suites, the reference
    solutions and the mistake catalogue."""
    if kind not in KINDS:
        raise BundleError(Msg("bundle.kind", kinds=", ".join(KINDS), kind=repr(kind)))
    a = course.assignment(assignment)
    files: dict[str, Path] = {COURSE_FILE: course.path}
    public = course.exercises_dir(a.name) / "tests"
    files.update(_files_under(public, f"exercises/{a.name}/tests"))
    if kind == "full":
        solutions = course.solutions_dir(a.name)
        for module in a.modules:
            path = solutions / f"{module}.py"
            if not path.is_file():
                raise BundleError(Msg("bundle.no_solution", path=str(path)))
            files[f"solutions/{a.name}/{module}.py"] = path
        hidden = dict(_files_under(solutions / "tests", f"solutions/{a.name}/tests"))
        if not hidden:
            raise BundleError(Msg("bundle.no_hidden", path=str(solutions / "tests")))
        files.update(hidden)
        files.update(_files_under(solutions / "mistakes", f"solutions/{a.name}/mistakes"))
    if not any(name.startswith(("exercises/", "solutions/")) and name.endswith(".py")
               for name in files):
        raise BundleError(Msg("bundle.no_suites", path=str(public)))
    return files


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_bundle(course: Course, assignment: str | None, out: Path, kind: str = "full",
                extra: dict[str, bytes] | None = None) -> str:
    """Write the bundle of one assignment to ``out`` (atomically); return its SHA-256.

    Refuses a course whose points do not add up to the assignment's ``total:``. ``extra``:
    files made for this bundle, by name (a release's hint fingerprints).
    """
    a = course.assignment(assignment)
    problem = total_problem(course.path, a)
    if problem:
        raise BundleError(problem)
    files = bundle_files(course, a.name, kind)
    for name in files:  # what open_bundle would refuse is refused now, not in CI
        _check_name(Path(out), name)
    contents = {name: path.read_bytes() for name, path in files.items()}
    for name, data in (extra or {}).items():
        _check_name(Path(out), name)
        contents[name] = data
    manifest = {
        "schema": SCHEMA, "grader_version": grader.__version__, "assignment": a.name,
        "kind": kind, "files": {name: _sha256(data) for name, data in sorted(contents.items())},
    }
    contents[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, contents[name])
    data = buffer.getvalue()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    return _sha256(data)


# --------------------------------------------------------------------------------------------
# Reading


def _refuse(path: Path, why: Msg | str) -> BundleError:
    return BundleError(Msg("bundle.refused", path=str(path), why=why))


def _check_name(path: Path, name: str) -> None:
    """Only plain relative names under the places a bundle may hold."""
    parts = PurePosixPath(name).parts
    if ("\\" in name or name.startswith("/") or not parts
            or not all(_SAFE_PART.match(p) and p not in (".", "..") for p in parts)):
        raise _refuse(path, Msg("bundle.unsafe_name", name=repr(name)))
    if name not in (COURSE_FILE, MANIFEST) and parts[0] not in ("exercises", "solutions"):
        raise _refuse(path, Msg("bundle.foreign_file", name=repr(name)))


def _members(path: Path, zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, Msg("bundle.too_many", limit=MAX_MEMBERS))
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        # Unix mode in the high bits; no file type (zip tools on other systems) means a file.
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind not in (0, stat.S_IFREG):
            raise _refuse(path, Msg("bundle.not_regular", name=repr(info.filename)))
        _check_name(path, info.filename)
        if info.filename in members:
            raise _refuse(path, Msg("bundle.duplicate", name=repr(info.filename)))
        if info.flag_bits & 0x1:
            raise _refuse(path, Msg("bundle.encrypted", name=repr(info.filename)))
        total += info.file_size
        if info.file_size > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
            raise _refuse(path, Msg("bundle.members_too_large"))
        members[info.filename] = info
    return members


def _read_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Read at most one byte more than the declared size: a header that lies about the size
    # cannot make us inflate more than the bound.
    try:
        with zf.open(info) as f:
            data = f.read(min(info.file_size, MAX_FILE_BYTES) + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise _refuse(path, Msg("bundle.member_unreadable", name=repr(info.filename),
                                error=str(exc))) from None
    if len(data) != info.file_size:
        raise _refuse(path, Msg("bundle.wrong_size", name=repr(info.filename)))
    return data


def _manifest(path: Path, raw: bytes) -> dict[str, object]:
    try:
        manifest = safe_parse.json_value(safe_parse.text(raw, MANIFEST), MANIFEST)
    except safe_parse.Unreadable:
        raise _refuse(path, Msg("bundle.manifest_not_json")) from None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise _refuse(path, Msg("bundle.manifest_schema", schema=SCHEMA))
    files = manifest.get("files")
    if (not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in files.items())
            or not isinstance(manifest.get("assignment"), str)
            or manifest.get("kind") not in KINDS
            or not isinstance(manifest.get("grader_version"), str)):
        raise _refuse(path, Msg("bundle.manifest_malformed"))
    return manifest


def open_bundle(path: Path, expected_sha256: str | None = None) -> OpenedBundle:
    """Verify ``path`` and unpack it into a new private folder (the caller removes it).

    ``expected_sha256`` pins the bundle (a workflow can carry the hash of the bundle it trusts).
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise _refuse(path, Msg("bundle.file_too_large", limit=MAX_BUNDLE_BYTES))
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError(Msg("bundle.unreadable", path=str(path),
                              error=exc.strerror or str(exc))) from None
    digest = _sha256(data)
    if expected_sha256 and digest != expected_sha256.strip().lower():
        raise _refuse(path, Msg("bundle.sha256_differs", digest=digest, expected=expected_sha256))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refuse(path, Msg("bundle.not_zip")) from None
    root = scratch.make_dir("bundle") / "course"
    try:
        with zf:
            members = _members(path, zf)
            if MANIFEST not in members:
                raise _refuse(path, Msg("bundle.no_manifest"))
            manifest = _manifest(path, _read_member(path, zf, members[MANIFEST]))
            listed: dict[str, str] = manifest["files"]  # type: ignore[assignment]
            extra = sorted(set(members) - set(listed) - {MANIFEST})
            missing = sorted(set(listed) - set(members))
            if extra or missing:
                raise _refuse(path, Msg("bundle.manifest_mismatch", extra=str(extra),
                                        missing=str(missing)))
            for name in sorted(listed):
                _check_name(path, name)
                content = _read_member(path, zf, members[name])
                if _sha256(content) != listed[name].lower():
                    raise _refuse(path, Msg("bundle.tampered", name=name))
                target = root.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        if COURSE_FILE not in listed:
            raise _refuse(path, Msg("bundle.no_course"))
        course = load_course(root / COURSE_FILE)
        assignment = str(manifest["assignment"])
        a = course.assignment(assignment)
        problem = total_problem(course.path, a)
        if problem:
            raise _refuse(path, problem)
    except BaseException:
        shutil.rmtree(root.parent, ignore_errors=True)
        raise
    return OpenedBundle(root, course, assignment, str(manifest["kind"]), digest,
                        str(manifest["grader_version"]))
