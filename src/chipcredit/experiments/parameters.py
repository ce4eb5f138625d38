"""The parameters a sensitivity analysis varies: each number with its range, and the choice.

A `Parameter` is one number of the scenario moved by `chipcredit.experiments.sensitivity`,
between its p05 and p95 when it is uncertain or within ±``spread`` of its value when it is
fixed. `choose_parameters` picks them (every uncertain number when none is named), checks
that both ends of each range keep the scenario's rules, and says what the choice implies;
`correlation_notes` says which correlations among them the analysis keeps or drops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from chipcredit.errors import ScenarioError, UsageError
from chipcredit.scenario.defaulted import moves_with
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.number import Number
from chipcredit.scenario.paths import get_number, parameter_paths
from chipcredit.scenario.residual_curve import CURVE, point_of_curve

from .runner import apply_numbers, central_range, correlated_with
from .ties import tied_message

__all__ = ["DEFAULT_SPREAD", "Parameter", "choose_parameters", "correlation_notes"]

DEFAULT_SPREAD = 0.2


@dataclass(frozen=True)
class Parameter:
    """A number varied by an analysis, with its range.

    ``low``/``high`` are its p05/p95 (uncertain) or its value ∓ spread (fixed); ``basis`` says
    which.
    """

    path: str
    number: Number
    low: float
    high: float
    basis: str

    def at(self, q: NDArray[np.float64]) -> NDArray[np.float64]:
        """Values at fractions ``q`` in [0, 1] of the range: through the number's own
        inverse CDF between p05 and p95 when uncertain, linearly when fixed."""
        q = np.asarray(q, dtype=np.float64)
        if self.number.is_uncertain:
            return self.number.ppf(0.05 + 0.9 * q)
        return self.low + q * (self.high - self.low)


def _check_range(sc: Scenario, param: Parameter) -> None:
    for value in (param.low, param.high):
        try:
            apply_numbers(sc, {param.path: value})
        except ScenarioError as exc:
            tied = tied_message(sc, param.path, "sensitivity")  # no spread would help
            if tied is not None:
                raise UsageError(tied) from None
            problem = exc.problems[0]
            raise UsageError(f"{param.path} at {value:g} ({param.basis}) breaks a rule: "
                             f"{problem.path} {problem.rule}; use a smaller spread") from None


def choose_parameters(scenario: Scenario, params: Sequence[str] | None,
                      spread: float = DEFAULT_SPREAD) -> tuple[list[Parameter], list[str]]:
    """The parameters to vary with their ranges, and notes on the choice.

    ``params=None`` takes every uncertain number in the scenario. A contract term left
    unwritten (an SPV lease's ``residual``, `chipcredit.scenario.defaulted`) may be named;
    a number that also sets one gets a note saying so.
    """
    notes: list[str] = []
    numbers = parameter_paths(scenario)
    if params is None:
        chosen = [p for p, n in numbers.items() if n.is_uncertain]
        if not chosen:
            raise UsageError("the scenario has no uncertain numbers; name the parameters to "
                             "vary (--param PATH)")
        notes.append(f"parameters: every uncertain number in the scenario ({len(chosen)})")
        points = [p for p in chosen if point_of_curve(p)]
        if len(points) > 1:  # one draw moves them all: one parameter, the first point
            chosen = [p for p in chosen if p not in points[1:]]
            notes.append(f"{points[0]} stands for the whole used-GPU value curve: the other "
                         "points are not varied on their own")
    else:
        chosen = list(dict.fromkeys(params))
        if not chosen:
            raise UsageError("name at least one parameter to vary")
        points = [p for p in chosen if point_of_curve(p)
                  and get_number(scenario, p).is_uncertain]
        if len(points) > 1:
            raise UsageError(f"name one uncertain point of {CURVE}, not {len(points)} "
                             f"({', '.join(points)}): its points are drawn together, so "
                             "fixing one fixes the others at the same quantile")
    out: list[Parameter] = []
    for path in chosen:
        number = get_number(scenario, path)
        if number.is_uncertain:
            lo, hi = central_range(number)
            param = Parameter(path, number, lo, hi, "p05/p95")
        else:
            assert number.value is not None
            if number.value == 0:
                raise UsageError(f"{path} is fixed at 0, so ±{spread:.0%} does not move it; "
                                 "write it as an uncertain number in the scenario instead")
            lo, hi = sorted((number.value * (1 - spread), number.value * (1 + spread)))
            param = Parameter(path, number, lo, hi, f"±{spread:.0%}")
        _check_range(scenario, param)
        out.append(param)
        notes += moves_with(scenario, path)  # a curve point that is also a contract's term
    return out, notes


def correlation_notes(sc: Scenario, paths: list[str]) -> tuple[list[tuple[str, str, float]],
                                                               list[str]]:
    """The scenario's correlations between two of ``paths`` as ``(a, b, rho)``, and a note for
    each of ``paths`` whose correlation with a number outside them is dropped."""
    chosen = set(paths)
    inside = [(c.a, c.b, c.rho) for c in sc.correlations if c.a in chosen and c.b in chosen]
    notes = []
    for path, partners in correlated_with(sc, paths).items():
        outside = [p for p in partners if p not in chosen]
        if outside:
            notes.append(f"fixing {path} drops its correlation with {', '.join(outside)}, which "
                         "keep their own distributions")
    return inside, notes
