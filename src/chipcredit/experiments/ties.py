"""Numbers a rule ties to others, which no experiment can move alone.

An SPV's ``amount``, its ``equity`` stakes and its ``debt.amount`` must add up: moving any
one of them breaks the rule at every value but the one it has, so `solve` or a sweep over
it fails on its first probe whatever the bracket. `tied_rule` finds such a number by
moving it a little either way and seeing the same rule break both times, so the error can
say that the field is tied (not that the bracket is wrong) and name numbers of the same
deal or party that move freely.
"""

from __future__ import annotations

import re

from chipcredit.errors import Problem, ScenarioError
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.paths import get_number, parameter_paths, set_number

__all__ = ["free_neighbours", "tied_message", "tied_rule"]

_STEP = 1e-3
"""Relative move (absolute at 0) that tests whether a number is free."""
_QUOTED_NUMBER = re.compile(r"\s*\([-+0-9.e]+\)$")
"""A rule's closing ``(4.3043)``: the total with the number moved, not the scenario's."""


def _moved(scenario: Scenario, path: str, factor: float) -> Problem | None:
    """The first rule broken with the number at ``path`` moved by ``factor`` (None: none)."""
    number = get_number(scenario, path)
    x = number.median() if number.is_uncertain else float(number.value)  # type: ignore[arg-type]
    try:
        set_number(scenario, path, x * (1 + factor) if x else factor)
    except ScenarioError as exc:
        return exc.problems[0]
    return None


def tied_rule(scenario: Scenario, path: str) -> Problem | None:
    """The rule that ties the number at ``path`` to other numbers: broken both when it
    moves up and when it moves down by `_STEP` (as ``equity plus debt must add up to
    amount``), a rule on the same field both times; None where it may move alone
    one way at least (a number at a bound of its own range moves away from it)."""
    up, down = _moved(scenario, path, _STEP), _moved(scenario, path, -_STEP)
    # the same field both times (the rule's own words may quote the moved total)
    if up is None or down is None or up.path != down.path:
        return None
    return up


def free_neighbours(scenario: Scenario, path: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` other numbers of the same deal or party as ``path``
    (``deals.gpu-spv.debt.rate`` for ``deals.gpu-spv.debt.amount``) that no rule ties, in
    document order."""
    owner = ".".join(path.split(".")[:2]) + "."
    out = []
    for other in parameter_paths(scenario):
        if other != path and other.startswith(owner) and tied_rule(scenario, other) is None:
            out.append(other)
            if len(out) == limit:
                break
    return out


def tied_message(scenario: Scenario, path: str, who: str) -> str | None:
    """The one-line error of ``who`` (``solve``, ``sensitivity``) for a number that
    `tied_rule` finds tied, naming the rule and up to three `free_neighbours` to vary
    instead; None for a number that may move alone."""
    tied = tied_rule(scenario, path)
    if tied is None:
        return None
    free = free_neighbours(scenario, path)
    return (f"{who}: {path} is tied to other numbers by the rule "
            f"'{_QUOTED_NUMBER.sub('', tied.rule)}': at any value but its own it breaks the "
            "rule, so it cannot be varied alone"
            + (f"; vary a number that is free, e.g. {', '.join(free)}" if free
               else "; vary a number that no rule ties to others")
            + ", or edit the tied numbers together in the scenario file")
