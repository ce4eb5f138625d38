"""The written forms of a scenario number, and the refusals of a number written wrong.

A number is written bare (``0.3``), as a map of one of the forms in `KEYS_BY_DIST` (``{p05:
0.1, p95: 0.6}``), or mistakenly as text (``"11%"``). This module knows the keys of each
form and words the one-line refusals (rule, bad value, "did you mean") that `Number` and
the bound checks of `chipcredit.scenario.bound` raise; `Number` itself lives in
`chipcredit.scenario.number`.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

__all__ = ["KEYS_BY_DIST", "Real", "Spec", "plain", "refusal", "refuse_mixed_forms", "short",
           "text_refusal"]

KEYS_BY_DIST: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "lognormal": ("p05", "p95"),
    "normal": ("p05", "p95"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
}
"""The keys that state a number of each ``dist``."""


def refusal(rule: str, value: object = None, suggestion: str | None = None) -> PydanticCustomError:
    """The error for a number that breaks ``rule``: the loader words it as one line with the
    file:line, the field path, ``value`` and the ``suggestion`` (see chipcredit.errors)."""
    return PydanticCustomError(
        "chipcredit", "{rule}", {"rule": rule, "value": value, "suggestion": suggestion}
    )


def short(x: float) -> str:
    """``x`` in at most ten significant digits (``0.11``, not ``0.11000000000000001``)."""
    return f"{x:.10g}"


def plain(value: object) -> object:
    """A whole float as an int (``5`` for 5.0), for a refusal to show as written."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_MONEY = re.compile(r"^(us\$|usd|\$)?\s*([0-9][0-9.,]*)\s*"
                    r"(bn|b|m|mm|mn|t|tn|billions?|millions?|trillions?)?\s*(?:usd|dollars)?$",
                    re.IGNORECASE)
"""An amount written with a currency or a unit, as a spreadsheet or a press release shows
it: ``$5B``, ``5bn``, ``$500M``, ``5 billion``, ``USD 5B``, ``US$ 5bn``."""
_SCALE = {"": 1.0, "b": 1.0, "bn": 1.0, "billion": 1.0, "billions": 1.0, "m": 1e-3, "mm": 1e-3,
          "mn": 1e-3, "million": 1e-3, "millions": 1e-3, "t": 1e3, "tn": 1e3, "trillion": 1e3,
          "trillions": 1e3}
"""Each unit in $B."""
_THOUSANDS = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_DECIMAL_COMMA = re.compile(r"^[0-9]+,[0-9]+$")
_MINUSES = "\u2212\u2013\u2014\u2012\ufe63\uff0d"
"""Characters a word processor or spreadsheet puts for a minus sign: the minus sign, en and
em dashes, the figure dash, small and full-width hyphen-minus."""


def _plain_number(text: str) -> str:
    """``text`` with a decimal comma (``0,08``) or thousands commas (``10,000``) read as a
    YAML number would be written."""
    if _THOUSANDS.match(text):
        return text.replace(",", "")
    if _DECIMAL_COMMA.match(text):
        return text.replace(",", ".")
    return text


def text_refusal(raw: str) -> PydanticCustomError:
    """A number written as text (``"0.125"``, ``"11%"``, ``$5B``, ``0,08``, ``−2``, with a
    Unicode minus): refused, with the number meant as the hint."""
    stripped = raw.strip()
    sign = ""
    if stripped[:1] in _MINUSES or stripped[:1] == "-":
        sign, stripped = "-", stripped[1:].strip()
    body = stripped.removesuffix("%").strip()
    try:
        number = float(sign + _plain_number(body))
    except ValueError:
        money = _MONEY.match(stripped)
        if money is None or (money.group(1) is None and money.group(3) is None
                             and not stripped.lower().endswith(("usd", "dollars"))):
            return refusal("must be a number", raw)
        try:
            amount = float(sign + _plain_number(money.group(2)))
        except ValueError:
            return refusal("must be a number", raw)
        scaled = amount * _SCALE[(money.group(3) or "").lower()]
        return refusal("must be a number, not text (amounts are in $B)", raw, short(scaled))
    if not math.isfinite(number):
        return refusal("must be a number, not text", raw)
    hint = short(number / 100) if stripped.endswith("%") else short(number)
    return refusal("must be a number, not text", raw, hint)


_FORMS: dict[str, tuple[str, ...]] = {
    "value": ("value",),
    "p05/p95": ("p05", "p95"),
    "low/high": ("low", "mode", "high"),
}
"""The ways a number without ``dist`` may be written, by the keys each uses."""


def refuse_mixed_forms(data: dict[Any, Any]) -> None:
    """Refuse a map that mixes the keys of two forms (``{low: 5, high: 7, p05: 6}``),
    naming the stray key rather than blaming the form the writer meant."""
    used = {form: [k for k in keys if k in data] for form, keys in _FORMS.items()}
    used = {form: keys for form, keys in used.items() if keys}
    if len(used) < 2:
        return
    # the form meant is the one written in full (low and high, or p05 and p95), else the
    # one with most keys; every other key is stray
    def fullness(form: str) -> tuple[bool, int]:
        needed = [k for k in _FORMS[form] if k != "mode"]
        return all(k in data for k in needed), len(used[form])

    meant = max(used, key=fullness)
    stray = [k for form, keys in used.items() if form != meant for k in keys]
    others = " and ".join(form for form in used if form != meant)
    kept = ", ".join(f"{k}: {_short_any(v)}" for k, v in data.items() if k not in stray)
    raise refusal(f"mixes two forms of number, {meant} and {others}: "
                  f"{' and '.join(repr(k) for k in stray)} is stray",
                  {k: data[k] for k in stray} if len(stray) > 1 else data[stray[0]],
                  "{" + kept + "}")


def _short_any(value: object) -> str:
    """A value as the user wrote it: ``5`` for 5.0, the shortest exact form otherwise."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _real(raw: Any) -> Any:
    """Refuse text and true/false where a number is due: pydantic would turn ``"0.125"`` into
    0.125 and ``true`` into 1.0 without a word (a loan at a 100% rate)."""
    if isinstance(raw, bool):
        raise refusal("must be a number", raw)  # as the bare `rate: true` is
    if isinstance(raw, str):
        raise text_refusal(raw)
    return raw


Real = Annotated[float, BeforeValidator(_real)]
"""A plain float field that refuses text and booleans (YAML numbers only)."""
Spec = Annotated[float | None, BeforeValidator(_real)]
"""One key of a number's map (``p05``, ``low``, ...): a YAML number or absent."""
