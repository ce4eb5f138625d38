"""The rate convention of a number varied, said beside an answer in its unit.

Interest on loans, leases and credit is nominal annual, compounded quarterly (docs/design.md
section 2a: ``r / 4`` a quarter), while IRRs are reported effective annual. A break-even debt
rate of 0.116728 is therefore 12.19% a year effective, not the 11.67% an IRR column
would mean: `rate_note` says so wherever the number solved for is such a rate (a `Rate`
field of the scenario).
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from chipcredit.scenario.model import Scenario
from chipcredit.scenario.number import Rate
from chipcredit.scenario.paths import split_path
from chipcredit.units import nominal_to_quarterly, quarterly_to_effective_annual

__all__ = ["is_rate", "rate_note"]


def _field(scenario: Scenario, path: str) -> Any:
    """The pydantic field at ``path`` (None where the path leads into a list or a map)."""
    parts = split_path(path)
    node: Any = scenario
    if len(parts) > 2 and parts[0] in ("parties", "deals"):  # addressed by id
        node = next((item for item in getattr(scenario, parts[0]) if item.id == parts[1]), None)
        parts = parts[2:]
    for i, part in enumerate(parts):
        if not isinstance(node, BaseModel) or not isinstance(part, str):
            return None
        fields = {(f.alias or name): (name, f) for name, f in type(node).model_fields.items()}
        if part not in fields:
            return None
        name, info = fields[part]
        if i == len(parts) - 1:
            return info
        node = getattr(node, name)
    return None


def is_rate(scenario: Scenario, path: str) -> bool:
    """Whether the number at ``path`` is an interest rate (a `Rate`: nominal annual,
    compounded quarterly), written or not (an unwritten ``rate`` field is still one)."""
    info = _field(scenario, path)
    if info is None:
        return False
    marks = tuple(Rate.__metadata__)  # type: ignore[attr-defined]
    if tuple(info.metadata) == marks:
        return True
    return any(getattr(arg, "__metadata__", None) == marks
               for arg in typing.get_args(info.annotation))


def rate_note(scenario: Scenario, path: str, value: float) -> str | None:
    """One line naming the convention of ``path`` at ``value``, with the effective annual
    equivalent (None when the number is not an interest rate).

    >>> from chipcredit.scenario.loader import load_scenario
    >>> rate_note(load_scenario("seed-2025"), "deals.colossus2-spv.debt.rate", 0.116728).split(": ")[1]
    '0.116728 is 0.029182 a quarter, 12.1938% a year effective ((1 + r/4)^4 - 1, the convention of IRRs)'
    """
    if not is_rate(scenario, path):
        return None
    effective = float(quarterly_to_effective_annual(nominal_to_quarterly(value)))
    return (f"{path} is a nominal annual rate, compounded quarterly (docs/design.md section 2a): "
            f"{value:.6g} is {value / 4:.6g} a quarter, {effective:.4%} a year effective "
            "((1 + r/4)^4 - 1, the convention of IRRs)")
