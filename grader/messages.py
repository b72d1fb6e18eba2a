"""Student-facing messages as data: a stable key, named parameters, templates in two languages.

학생에게 보이는 메시지를 데이터로 둔다: 고정된 키, 이름 붙은 매개변수, 두 언어의 틀.

A ``Msg`` stays data (``key`` + ``params``) until a renderer prints it with ``render(lang)``,
``lang`` being ``"ko"``, ``"en"`` or ``"both"`` (``"한국어 / English"``). The templates live in
gettext catalogues, ``grader/locale/{ko,en}/LC_MESSAGES/grader.po``: the msgid is the key
(``compare.shape``), the msgstr the template with named ``{fields}``. At run time only the
standard library's ``gettext`` reads the compiled ``grader.mo`` files shipped with the package.
After editing a ``.po`` file, rebuild them (Babel, from the ``authoring``/``test`` extras)::

    python -m grader.messages compile      # or: pybabel compile -d grader/locale -D grader

``register`` still adds a table at run time (tests, a course's own messages). A parameter that
is itself a ``Msg`` is rendered in the same language, so rendered halves are never glued
together by hand.
"""

from __future__ import annotations

import gettext
import os
import string
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

LANGS = ("ko", "en", "both")
DOMAIN = "grader"
LOCALE_DIR = Path(__file__).parent / "locale"

# key -> (Korean template, English template); ``str.format`` fields name the parameters.
_CATALOGUE: dict[str, tuple[str, str]] = {}


def _catalogue(lang: str) -> dict[str, str]:
    """The compiled catalogue of ``lang``: key -> template (the .mo header excluded)."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as mo:
        translations = gettext.GNUTranslations(mo)
    # GNUTranslations keeps the messages in ``_catalog``; gettext has no public way to list them.
    catalog: dict[Any, str] = getattr(translations, "_catalog", {})
    return {k: v for k, v in catalog.items() if isinstance(k, str) and k}


def _load() -> None:
    ko, en = _catalogue("ko"), _catalogue("en")
    for key in sorted(set(ko) | set(en)):
        # A key missing in one language falls back to the other (a test forbids it).
        _CATALOGUE[key] = (ko.get(key) or en[key], en.get(key) or ko[key])


def choose_language(option: str | None = None, course: str | None = None,
                    environ: Mapping[str, str] | None = None) -> str:
    """The language of the reports: ``--lang``, else course.yaml's ``course.language``, else
    the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set, starting with "ko" ->
    Korean, anything else -> English).

    보고서 언어: --lang, 그다음 course.yaml, 그다음 로캘 / --lang, then the course, then the locale.
    """
    for chosen in (option, course):
        if chosen:
            if chosen not in LANGS:
                raise ValueError(f"lang must be one of {LANGS}, got {chosen!r}")
            return chosen
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


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
        values = {k: v.render(lang) if isinstance(v, Msg | Said) else v
                  for k, v in self.params.items()}
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


@dataclass(frozen=True)
class Said:
    """Words already rendered in each language — a message kept as data (``{"ko", "en"}``, as a
    result stores a reason) — as a parameter of a ``Msg``: it renders in the language asked."""

    ko: str
    en: str

    def render(self, lang: str = "both") -> str:
        if lang == "both":
            return self.ko if self.ko == self.en else f"{self.ko} / {self.en}"
        return self.ko if lang == "ko" else self.en

    def __str__(self) -> str:
        return self.render("both")


@overload
def to_data(message: Msg) -> dict[str, Any]: ...


@overload
def to_data(message: Msg | str) -> dict[str, Any] | str: ...


def to_data(message: Msg | str) -> dict[str, Any] | str:
    """A message as plain data: ``{"key", "params"}``, a parameter that is itself a message
    nested the same way, nothing rendered; plain text stays text. ``from_data`` reads it."""
    if not isinstance(message, Msg):
        return message
    return {"key": message.key,
            "params": {k: to_data(v) if isinstance(v, Msg) else v
                       if isinstance(v, int | float | str | bool) or v is None else str(v)
                       for k, v in message.params.items()}}


def from_data(data: Any) -> Msg | str:
    """``to_data``'s message again (also reads ``Msg.to_json``'s form); an unknown key or a
    malformed record becomes its English text, or its text."""
    if not isinstance(data, dict):
        return "" if data is None else str(data)
    key, params = data.get("key"), data.get("params")
    if isinstance(key, str) and key in _CATALOGUE and isinstance(params, dict):
        try:
            msg = Msg(key, **{str(k): from_data(v) if isinstance(v, dict) else v
                              for k, v in params.items()})
            msg.render("ko"), msg.render("en")  # every placeholder filled
            return msg
        except (KeyError, IndexError, ValueError):
            pass
    return str(data.get("en") or data.get("ko") or "")


class Failure(AssertionError):
    """A failed check of a suite, carrying its message as data (``.data``; not ``.msg``, which
    pytest reads); ``str()`` is the message in both languages, as pytest and old readers
    expect."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.render())
        self.data = msg


_load()


def paren(*parts: Msg | str) -> Msg | str:
    """`` (a; b)`` of the non-empty parts, or "" when there are none."""
    kept = [p for p in parts if p]
    if not kept:
        return ""
    inner = kept[0]
    for part in kept[1:]:
        inner = Msg("messages.semicolon", first=inner, second=part)
    return Msg("messages.paren", inner=inner)


# How a suite names a value in a message: code (``"sigmoid(z)"``), or a message when the name
# has words of the student's language (``Msg("suite.step", ...)``), rendered with the rest.
Label = str | Msg


def joined(first: Label, second: Label) -> Label:
    """``first`` then ``second`` (a name and its index, ``sigmoid(z)`` + ``[0, 1]``), still a
    message when either is one."""
    if isinstance(first, str) and isinstance(second, str):
        return first + second
    return Msg("messages.joined", first=first, second=second)


def renamed(data: Any, old: str, new: str) -> Any:
    """A message stored as data (or plain text) with ``old`` replaced by ``new`` in every text
    (a private folder's path by the name the user knows)."""
    if isinstance(data, str):
        return data.replace(old, new)
    if isinstance(data, dict) and isinstance(data.get("params"), dict):
        return {**data, "params": {k: renamed(v, old, new) for k, v in data["params"].items()}}
    return data


def join_with(key: str, *parts: Msg | str) -> Msg | str:
    """The non-empty parts joined by ``messages.lines`` (one a line), ``messages.space`` or
    ``messages.concat``, as one message ("" when there are none)."""
    kept = [p for p in parts if p]
    if not kept:
        return ""
    out = kept[0]
    for part in kept[1:]:
        out = Msg(key, first=out, second=part)
    return out


def render(message: Msg | str, lang: str = "both") -> str:
    """A ``Msg`` in ``lang``; a plain string (text from before messages were data) as it is."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return message.render(lang) if isinstance(message, Msg) else message


# --- authoring: compiling and checking the catalogues (Babel; not needed at run time) --------


def compile_catalogues(check: bool = False) -> list[str]:
    """Compile every ``.po`` into its ``.mo`` (Babel). With ``check``, write nothing and return
    the catalogues whose ``.mo`` is stale (its messages differ from the ``.po``'s)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    stale = []
    for po_path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with open(po_path, "rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name, domain=DOMAIN)
        mo_path = po_path.with_suffix(".mo")
        if check:
            wanted = {m.id: m.string for m in catalog if m.id}
            try:
                with open(mo_path, "rb") as mo:
                    have = dict(getattr(gettext.GNUTranslations(mo), "_catalog", {}))
            except OSError:
                have = {}
            have.pop("", None)
            if have != wanted:
                stale.append(str(mo_path))
            continue
        with open(mo_path, "wb") as mo:
            write_mo(mo, catalog)
    return stale


def main(argv: list[str]) -> int:
    if argv[:1] == ["compile"]:
        compile_catalogues()
        return 0
    if argv[:1] == ["check"]:
        stale = compile_catalogues(check=True)
        for path in stale:
            print(f"stale: {path} (run python -m grader.messages compile)", file=sys.stderr)
        return 1 if stale else 0
    print("usage: python -m grader.messages compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
