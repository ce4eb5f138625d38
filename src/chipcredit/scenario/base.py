"""Shared pieces of the scenario models: the frozen base class, ids and quarters."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chipcredit.units import parse_quarter

from .number import Growth, Positive

__all__ = ["BUILTIN_IDS", "Flag", "GrowthPath", "Id", "Model", "QuarterLabel", "Whole"]

BUILTIN_IDS = ("customers", "market", "founders")
"""Accounts every scenario has: end users and suppliers, outside equity, and founders."""


class Model(BaseModel):
    """Frozen, strict base of every scenario model: unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


_DATE = re.compile(r"^\s*(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?\s*$")
"""A date, ``2025-10-01`` or ``2025-10``: the quarter it falls in is the likely meaning."""


def _quarter(text: str) -> str:
    try:
        parse_quarter(text)
    except ValueError:
        from chipcredit.units import _LOOSE_QUARTER_RE

        loose = _LOOSE_QUARTER_RE.match(text)
        date = _DATE.match(text)
        hint = (f"{loose.group(1)}Q{loose.group(2)}" if loose
                else f"{date.group(1)}Q{(int(date.group(2)) - 1) // 3 + 1}" if date else None)
        raise PydanticCustomError(
            "chipcredit",
            "{rule}",
            {"rule": "must be a quarter written like 2025Q4", "value": text, "suggestion": hint},
        ) from None
    return text


def _refuse(rule: str, value: object, hint: str | None = None) -> PydanticCustomError:
    return PydanticCustomError("chipcredit", "{rule}",
                               {"rule": rule, "value": value, "suggestion": hint})


def _whole(raw: Any) -> Any:
    """Refuse text and true/false where a count is due (pydantic would read ``"40"`` as 40
    and ``true`` as 1); a whole float such as 40.0 passes, 40.5 is refused after."""
    if isinstance(raw, bool):
        raise _refuse("must be a whole number", raw)
    if isinstance(raw, str):
        text = raw.strip()
        if text.lstrip("+-").isdigit() and text.isascii():
            raise _refuse("must be a whole number", raw, str(int(text)))
        raise _refuse("must be a whole number", raw)
    return raw


def _flag(raw: Any) -> Any:
    """Only a YAML true or false: ``1`` or ``"yes"`` is not silently read as true."""
    if isinstance(raw, bool):
        return raw
    hint = None
    if isinstance(raw, int | float) and raw in (0, 1):
        hint = "true" if raw else "false"
    elif isinstance(raw, str) and raw.strip().lower() in ("yes", "true", "on", "y", "1"):
        hint = "true"
    elif isinstance(raw, str) and raw.strip().lower() in ("no", "false", "off", "n", "0"):
        hint = "false"
    raise _refuse("must be true or false", raw, hint)


Whole = Annotated[int, BeforeValidator(_whole)]
"""A count (quarters): a YAML whole number, never text or true/false."""
Flag = Annotated[bool, BeforeValidator(_flag)]
"""A yes/no field: only YAML ``true`` or ``false``."""

QuarterLabel = Annotated[str, AfterValidator(_quarter)]
"""A quarter written ``2025Q4``."""

Id = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", min_length=1, max_length=64)]
"""An id: lower-case letters, digits, ``_`` and ``-``."""


class GrowthPath(Model):
    """A growth rate that decays from ``from`` towards ``to`` with a half-life.

    ``g(t) = to + (from - to) * 0.5 ** (t / half_life)``, effective annual, with ``t`` in
    years since the scenario start.
    """

    start: Growth = Field(alias="from")
    end: Growth = Field(alias="to")
    half_life_years: Positive
