"""Shared pieces of the scenario models: the frozen base class, ids and quarters."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chipcredit.units import parse_quarter

from .number import Growth, Positive

__all__ = ["BUILTIN_IDS", "GrowthPath", "Id", "Model", "QuarterLabel"]

BUILTIN_IDS = ("customers", "market", "founders")
"""Accounts every scenario has: end users and suppliers, outside equity, and founders."""


class Model(BaseModel):
    """Frozen, strict base of every scenario model: unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _quarter(text: str) -> str:
    try:
        parse_quarter(text)
    except ValueError:
        from chipcredit.units import _LOOSE_QUARTER_RE

        loose = _LOOSE_QUARTER_RE.match(text)
        hint = f"{loose.group(1)}Q{loose.group(2)}" if loose else None
        raise PydanticCustomError(
            "chipcredit",
            "{rule}",
            {"rule": "must be a quarter written like 2025Q4", "value": text, "suggestion": hint},
        ) from None
    return text


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
