"""Which property a failed test checked, said without its values (for withheld hidden tests).

숨은 테스트의 자세한 내용을 감출 때에도 무엇이 틀렸는지(값, dtype, 모양, 입력 변경, 설정 키, 경고,
예외)는 값 없이 알려 준다. A hidden test under ``feedback.hidden_tests: summary`` re-checks several
properties (value, config, mutation); its name alone blames the wrong one, so the summary names
the property that failed and the value it concerns (``adam: config['epsilon']``), never the
numbers.
"""

from __future__ import annotations

import re
from typing import Any

from grader.messages import Msg

# The failure's catalogue key -> (property, the parameter naming the value checked).
_PROPERTY = {
    "compare.value": ("value", "where"),
    "compare.not_finite": ("value", "where"),
    "gradcheck.direction": ("value", "name"),
    "gradcheck.not_finite": ("value", "name"),
    "compare.value_and_dtype": ("value_and_dtype", "path"),
    "compare.dtype": ("dtype", "path"),
    "gradcheck.dtype": ("dtype", "name"),
    "compare.shape": ("shape", "path"),
    "compare.length": ("shape", "path"),
    "gradcheck.shape": ("shape", "name"),
    "gradcheck.batch": ("type", "name"),
    "compare.type": ("type", "path"),
    "gradcheck.not_a": ("type", "name"),
    "compare.mutated": ("mutation", "name"),
    "compare.warning": ("warning", "name"),
    "compare.missing_keys": ("keys", "path"),
    "compare.extra_keys": ("keys", "path"),
    "compare.should_raise": ("exception", "name"),
    "compare.raised_other": ("exception", "name"),
    "error.raised": ("raised", "function"),
}

# An element's index ("[3, 1]") at the end of a name: which element is a detail of the test.
_INDEX = re.compile(r"(\[\d+(, \d+)*\])+$")
# Arguments with digits in a name ("relu([-1000, 1000])") may be a hidden test's inputs.
_NUMERIC_ARGS = re.compile(r"\(([^()]*\d[^()]*)\)")
_NAME_CHARS = 80


def failed_property(reason: Any) -> Msg | None:
    """What the failure concerned, as a message without values; None when the reason is not a
    comparison of the suite API (a suite's own ``fail`` text, a crash, a timeout)."""
    if not isinstance(reason, dict):  # plain text: not a comparison of the suite API
        return None
    found = _PROPERTY.get(str(reason.get("key", "")))
    if found is None:
        return None
    prop, param = found
    params = reason.get("params") or {}
    if prop == "dtype" and params.get("values_right") is True:
        prop = "dtype_only"
    name = params.get(param)
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        return Msg(f"feedback.property.{prop}", name=Msg("feedback.property.unnamed"))
    name = _NUMERIC_ARGS.sub("(…)", _INDEX.sub("", name))
    return Msg(f"feedback.property.{prop}", name=name[:_NAME_CHARS])
