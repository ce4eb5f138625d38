"""A break-even on a deal's term: the engine counts a term in whole quarters.

A `chipcredit.scenario.number.Term` (a loan's, a vendor credit's, an SPV's debt and lease, a
credit facility's term and availability, a cloud contract's) is given in years and laid out
as ``years * 4`` quarters rounded half up (`whole_quarters`), so a metric moves in steps of
a quarter and 2.87478 years (11 quarters) and 2.875 (12 quarters) are different deals. So is
the hardware's ``useful_life_years``, which may be uncertain (so it is no `Term`) but which the
engine rounds the same way on each path; the model marks it with `whole_quarters` itself. A
search over such a number stops when its bracket spans two neighbouring quarter counts, and
the answer is the quarter count at which the target holds (an inequality) or whose metric is
closest to it (an equation), with its years (``11 quarters (2.75 years)``): a fraction of a
quarter would be read as a term the model cannot tell apart from its neighbours.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from chipcredit.scenario.model import Scenario
from chipcredit.scenario.number import Term, whole_quarters
from chipcredit.scenario.paths import split_path

__all__ = ["quarter_term", "quarters", "quarters_text"]

_TERM = typing.get_args(Term)[-1]
"""The validator that makes a number a `Term` (one number, counted in whole quarters)."""


def _field_is_term(field: Any) -> bool:
    if any(m is _TERM or m is whole_quarters for m in field.metadata):
        return True
    # an optional term (a credit facility's availability_years) keeps it in its annotation
    return any(any(m is _TERM for m in typing.get_args(arg)[1:])
               for arg in typing.get_args(field.annotation))


def quarter_term(scenario: Scenario, path: str) -> bool:
    """Whether the number at ``path`` is a term in years that the engine rounds to whole
    quarters (a field declared a `Term`, or marked with `whole_quarters` as the hardware's
    ``useful_life_years``); False for any other number, or a path that names none."""
    node: Any = scenario
    parts = split_path(path)
    for i, part in enumerate(parts):
        if isinstance(node, BaseModel):
            fields = {f.alias or name: (name, f) for name, f in type(node).model_fields.items()}
            if part not in fields:
                return False
            name, field = fields[part]
            if i == len(parts) - 1:
                return _field_is_term(field)
            node = getattr(node, name)
        elif isinstance(node, tuple | list) and isinstance(part, str):  # parties, deals by id
            node = next((item for item in node if getattr(item, "id", None) == part), None)
        elif isinstance(node, tuple | list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return False


def quarters(years: float) -> int:
    """``years`` as the engine counts it: whole quarters, half up, at least one."""
    return int(whole_quarters(years))


def quarters_text(years: float) -> str:
    """``2.87478`` -> ``'11 quarters (2.75 years)'``: the term the engine lays out."""
    q = quarters(years)
    return f"{q} quarter{'s' if q != 1 else ''} ({q / 4:g} year{'s' if q != 4 else ''})"
