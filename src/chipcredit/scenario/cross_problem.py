"""A problem found by a rule that spans a scenario's fields (`cross_rules`), and the wording
those rules share: a quarter outside the horizon, a kind with its article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["CrossProblem", "article", "quarter_label", "within"]


@dataclass(frozen=True)
class CrossProblem:
    """A rule that spans fields, located by its path tuple in the scenario document."""

    path: tuple[str | int, ...]
    rule: str
    value: object = None
    suggestion: str | None = None
    earlier: tuple[str | int, ...] | None = None
    """Where the entry this one repeats is (a duplicate id's first use): the loader adds its
    path and line to the rule."""


def within(sc: Scenario) -> str:
    """The rule of a quarter outside the horizon, with the horizon's first and last quarter."""
    return f"must fall within the horizon, {sc.start} to {quarter_label(sc, sc.horizon_quarters - 1)}"


def quarter_label(sc: Scenario, offset: int) -> str:
    from chipcredit.units import format_quarter

    return format_quarter(sc.start_index + offset)


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
