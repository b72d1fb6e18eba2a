"""Archives made by the tests: zip and tar submissions, hostile members included.

시험용 압축 파일(zip, tar) 만들기 — 링크·장치·경로 탈출 항목도 만든다.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path


def make_zip(path: Path, members: dict[str, str | bytes | tuple[int, str | bytes]]) -> Path:
    """``members``: name -> contents, or (unix mode, contents) for a link or a device."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if isinstance(data, tuple):
                info = zipfile.ZipInfo(name)
                info.create_system = 3  # Unix: external_attr carries the mode
                info.external_attr = data[0] << 16
                zf.writestr(info, data[1])
            else:
                zf.writestr(name, data)
    return path


def make_tar(path: Path, members: dict[str, str | bytes | tuple[bytes, str]],
             mode: str = "w:gz") -> Path:
    """``members``: name -> contents, or (type, link name) for links and special members."""
    with tarfile.open(path, mode) as tf:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            if isinstance(data, tuple):
                info.type, info.linkname = data
                tf.addfile(info)
            else:
                raw = data.encode() if isinstance(data, str) else data
                info.size = len(raw)
                tf.addfile(info, io.BytesIO(raw))
    return path
