"""Numbers a rule ties to others, which no experiment can move alone.

An SPV's ``amount``, its ``equity`` stakes and its ``debt.amount`` must add up: moving any
one of them breaks the rule at every value but the one it has, so `solve` or a sweep over
it fails on its first probe whatever the bracket. `tied_rule` finds such a number by
moving it a little either way and seeing the same rule break both times, so the error can
say that the field is tied (not that the bracket is wrong) and name numbers of the same
deal or party that move freely.

A point of the used-GPU value curve (``market.hardware.residual_value_by_age[k]``) is
moved as every experiment moves it (`runner.apply_numbers`): the curve's points are drawn
together, so fixing one fixes the others at the same quantile. Moved alone, a point in the
middle of the curve would break the rule that the curve falls with age, and would read as
tied though `solve` and `sensitivity` can vary it.
"""

from __future__ import annotations

import re

from chipcredit.errors import Problem, ScenarioError
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.paths import get_number, parameter_paths, set_number
from chipcredit.scenario.residual_curve import point_of_curve

from .runner import apply_numbers

__all__ = ["free_neighbours", "tied_message", "tied_rule", "tied_with"]

_STEP = 1e-3
"""Relative move (absolute at 0) that tests whether a number is free."""
_QUOTED_NUMBER = re.compile(r"\s*\([-+0-9.e]+\)$")
"""A rule's closing ``(4.3043)``: the total with the number moved, not the scenario's."""


def _moved(scenario: Scenario, path: str, factor: float) -> Problem | None:
    """The first rule broken with the number at ``path`` moved by ``factor`` (None: none);
    a point of the used-GPU value curve moves the curve with it, as an experiment does."""
    number = get_number(scenario, path)
    x = number.median() if number.is_uncertain else float(number.value)  # type: ignore[arg-type]
    moved = x * (1 + factor) if x else factor
    try:
        if point_of_curve(path):
            apply_numbers(scenario, {path: moved})
        else:
            set_number(scenario, path, moved)
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


def _owner_numbers(scenario: Scenario, path: str) -> list[str]:
    """The other numbers of the deal or party of ``path``, in document order."""
    owner = ".".join(path.split(".")[:2]) + "."
    return [other for other in parameter_paths(scenario)
            if other != path and other.startswith(owner)]


def free_neighbours(scenario: Scenario, path: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` other numbers of the same deal or party as ``path`` that no rule
    ties, in document order: those of the same part of it first and alone where it has
    any (``deals.gpu-spv.debt.rate`` and ``.debt.term_years`` for
    ``deals.gpu-spv.debt.amount``, not the deal's ``close_probability``, which has nothing
    to do with the debt's size)."""
    free = [other for other in _owner_numbers(scenario, path)
            if tied_rule(scenario, other) is None]
    part = path.rsplit(".", 1)[0] + "."
    near = [other for other in free if other.startswith(part)]
    return (near or free)[:limit]


def tied_with(scenario: Scenario, path: str, tied: Problem) -> list[str]:
    """The other numbers of the same deal or party that the rule ``tied`` ties as it ties
    ``path`` (an SPV's ``amount`` and ``equity`` stakes for its ``debt.amount``)."""
    return [other for other in _owner_numbers(scenario, path)
            if (rule := tied_rule(scenario, other)) is not None and rule.path == tied.path]


def _listed(paths: list[str], last: str = "and") -> str:
    return paths[0] if len(paths) == 1 else f"{', '.join(paths[:-1])} {last} {paths[-1]}"


def tied_message(scenario: Scenario, path: str, who: str) -> str | None:
    """The one-line error of ``who`` (``solve``, ``sensitivity``) for a number that
    `tied_rule` finds tied: the rule, the numbers it ties ``path`` to (`tied_with`), how to
    move them together, and up to three `free_neighbours` to vary instead; None for a
    number that may move alone."""
    tied = tied_rule(scenario, path)
    if tied is None:
        return None
    partners = tied_with(scenario, path, tied)
    free = free_neighbours(scenario, path)
    to = f" to {_listed(partners)}" if partners else " to other numbers"
    stakes = [other for other in partners if ".equity." in other]
    if path.endswith(".debt.amount") and stakes:  # an SPV's debt, sized against its equity
        together = (f"to size the debt, edit it together with an equity stake "
                    f"({_listed(stakes, 'or')}) in the scenario file, one up and the other "
                    "down by as much, so that the rule still holds")
    elif partners:
        together = (f"to move it, edit it together with "
                    f"{'one of them' if len(partners) > 1 else 'it'} in the scenario file, "
                    "so that the rule still holds")
    else:
        together = "to move it, edit the tied numbers together in the scenario file"
    return (f"{who}: {path} is tied{to} by the rule "
            f"'{_QUOTED_NUMBER.sub('', tied.rule)}': at any value but its own it breaks the "
            f"rule, so it cannot be varied alone; {together}; or vary "
            + (f"a related number that is free: {_listed(free, 'or')}" if free
               else "a number that no rule ties to others"))
