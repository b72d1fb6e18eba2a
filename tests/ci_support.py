"""Helpers shared by the CI tests (bundle, formats, release, dishonest pull request)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import make_tiny_course

# What the tests release with: a git URL pinned at a full commit.
REQUIREMENT = ("rokey-grader @ git+https://git.example.org/course/grader.git@"
               + "0123456789abcdef" * 2 + "01234567")
COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def tiny_with_total(root: Path, total: str = "5") -> Path:
    """The tiny course of conftest with ``total:`` on its assignment."""
    course = make_tiny_course(root)
    path = course / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    exercises:", f"    total: {total}\n    exercises:"), encoding="utf-8")
    return course


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """A GitHub workflow command, unescaped the way the runner does it."""
    m = COMMAND.match(line)
    if not m:
        return None

    def unescape(v: str) -> str:
        return (v.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
                .replace("%2C", ",").replace("%25", "%"))

    props = {}
    for item in (m["props"] or "").split(","):
        if item:
            key, _, value = item.partition("=")
            props[key] = unescape(value)
    return m["name"], props, unescape(m["message"])
