"""Student-facing messages as data: a stable key, named parameters, templates in two languages.

학생에게 보이는 메시지를 데이터로 둔다: 고정된 키, 이름 붙은 매개변수, 두 언어의 틀.

A ``Msg`` stays data (``key`` + ``params``) until a renderer prints it with ``render(lang)``,
``lang`` being ``"ko"``, ``"en"`` or ``"both"`` (``"한국어 / English"``). Each module that speaks
to students registers its templates in one table (``register``); the keys are stable and the
parameters are named, so a later step can move the templates into gettext catalogues (Babel:
the key becomes the ``msgctxt``/``msgid``, the templates the translations) without touching a
call site. A parameter that is itself a ``Msg`` is rendered in the same language, so rendered
halves are never glued together by hand.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGS = ("ko", "en", "both")

# key -> (Korean template, English template); ``str.format`` fields name the parameters.
_CATALOGUE: dict[str, tuple[str, str]] = {}


def register(table: Mapping[str, tuple[str, str]]) -> None:
    """Add a module's templates. A key is defined once: a second, different definition is a bug."""
    for key, (ko, en) in table.items():
        known = _CATALOGUE.get(key)
        if known is not None and known != (ko, en):
            raise ValueError(f"message key {key!r} is defined twice with different templates")
        for template in (ko, en):
            for _, name, _, _ in string.Formatter().parse(template):
                if name is not None and not name.isidentifier():
                    raise ValueError(f"message {key!r}: fields must be named, got {{{name}}}")
        _CATALOGUE[key] = (ko, en)


def templates(key: str) -> tuple[str, str]:
    return _CATALOGUE[key]


def keys() -> list[str]:
    return sorted(_CATALOGUE)


@dataclass(frozen=True)
class Msg:
    """A message not yet rendered: ``Msg("compare.shape", name="dW", got=(2,), want=(3,))``."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, /, **params: Any) -> None:
        if key not in _CATALOGUE:
            raise KeyError(f"unknown message key {key!r}")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", dict(params))

    def render(self, lang: str = "both") -> str:
        if lang == "both":
            return f"{self.render('ko')} / {self.render('en')}"
        ko, en = _CATALOGUE[self.key]
        values = {k: v.render(lang) if isinstance(v, Msg) else v for k, v in self.params.items()}
        return (ko if lang == "ko" else en).format(**values)

    def __str__(self) -> str:
        return self.render("both")

    def to_json(self) -> dict[str, Any]:
        """Plain data for the result file: the key, the parameters (as text) and both renderings."""
        return {"key": self.key,
                "params": {k: v.render("both") if isinstance(v, Msg) else v
                           if isinstance(v, int | float | str | bool) or v is None else str(v)
                           for k, v in self.params.items()},
                "ko": self.render("ko"), "en": self.render("en")}


class Failure(AssertionError):
    """A failed check of a suite, carrying its message as data (``.data``; not ``.msg``, which
    pytest reads); ``str()`` is the message in both languages, as pytest and old readers
    expect."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.render())
        self.data = msg


register({
    # Pieces other messages are made of (a parameter may be a Msg, rendered in the same language).
    "messages.paren": (" ({inner})", " ({inner})"),
    "messages.semicolon": ("{first}; {second}", "{first}; {second}"),
})


def paren(*parts: Msg | str) -> Msg | str:
    """`` (a; b)`` of the non-empty parts, or "" when there are none."""
    kept = [p for p in parts if p]
    if not kept:
        return ""
    inner = kept[0]
    for part in kept[1:]:
        inner = Msg("messages.semicolon", first=inner, second=part)
    return Msg("messages.paren", inner=inner)


def render(message: Msg | str, lang: str = "both") -> str:
    """A ``Msg`` in ``lang``; a plain string (text from before messages were data) as it is."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return message.render(lang) if isinstance(message, Msg) else message
