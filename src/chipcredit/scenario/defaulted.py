"""Contract terms a scenario leaves unwritten, which take their value from other numbers.

An SPV lease without ``lease.residual`` assumes, on each path, the market's used-GPU value
at the lease's term (``market.hardware.residual_value_by_age`` at ``term_years``,
interpolated between whole years as the engine's curve is): that one draw sets the rent and
the lessee's purchase price. So moving a point of the curve also moves the contract, and an
experiment on the curve measures both at once. This module names such terms so that

- a break-even search or a tornado may vary the term itself even where it is not written
  (`get_number` answers for ``deals.ID.lease.residual`` with the curve's number at the
  term, which is what the term is on each path; fixing it writes it into the deal), and
- an experiment that varies a curve point says which terms move with it (`moves_with`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Scenario
from .number import Number, whole_quarters
from .residual_curve import curve_through

__all__ = ["DefaultedTerm", "defaulted_terms", "moves_with"]

CURVE = "market.hardware.residual_value_by_age"


@dataclass(frozen=True)
class DefaultedTerm:
    """A contract term not written in the scenario, and the numbers it is taken from.

    Attributes
    ----------
    path : str
        Its parameter path, e.g. ``deals.colossus2-spv.lease.residual``.
    sources : tuple of (str, float)
        The parameter paths it is taken from with their weights (adding up to 1): one curve
        point at a whole-year term, two neighbours otherwise.
    number : Number
        What the term is on each path: the source's own number where there is one source;
        else a fixed number at the weighted medians of the two.
    """

    path: str
    sources: tuple[tuple[str, float], ...]
    number: Number


def _curve_sources(scenario: Scenario, term_years: float) -> tuple[tuple[str, float], ...]:
    """The curve points a lease of ``term_years`` reads (as `engine.market` interpolates:
    the term in whole quarters, a quarter of a year each, flat after the last point)."""
    points = len(scenario.market.hardware.residual_value_by_age)
    years = min(float(whole_quarters(term_years)) / 4.0, points - 1)
    low = math.floor(years)
    frac = years - low
    if frac == 0.0:
        return ((f"{CURVE}[{low}]", 1.0),)
    return ((f"{CURVE}[{low}]", 1.0 - frac), (f"{CURVE}[{low + 1}]", frac))


def defaulted_terms(scenario: Scenario) -> dict[str, DefaultedTerm]:
    """Every unwritten contract term that takes its value from other numbers, by path.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    dict of str to DefaultedTerm
        In deal order: for each ``spv_lease`` deal with no ``lease.residual``, the term at
        ``deals.ID.lease.residual`` (a share of cost).
    """
    curve = scenario.market.hardware.residual_value_by_age
    out: dict[str, DefaultedTerm] = {}
    for deal in scenario.deals:
        lease = getattr(deal, "lease", None)
        if deal.kind != "spv_lease" or lease is None or lease.residual is not None:
            continue
        assert lease.term_years.value is not None  # a Term is a single number
        sources = _curve_sources(scenario, lease.term_years.value)
        numbers = [curve[int(path[len(CURVE) + 1:-1])] for path, _ in sources]
        if len(sources) == 1:
            number = numbers[0]
        else:
            median = sum(w * n.median() for (_, w), n in zip(sources, numbers, strict=True))
            number = Number(value=median, source=f"interpolated between {sources[0][0]} and "
                                                 f"{sources[1][0]}", basis="assumed")
        path = f"deals.{deal.id}.lease.residual"
        out[path] = DefaultedTerm(path, sources, number)
    return out


def moves_with(scenario: Scenario, varied: str) -> list[str]:
    """One line per unwritten term that the number at ``varied`` also sets (a curve point the
    term reads, or an uncertain point of the used-GPU value curve whose one draw fixes the
    uncertain point the term reads), and one when it is an uncertain point of the curve with
    other uncertain points (none when it sets nothing else): the notes of `solve` and
    `sensitivity`."""
    notes = []
    # the curve's points are drawn together: fixing one fixes the others, so a term read
    # from another uncertain point moves with it too
    together = curve_through(scenario, varied, 0.0)
    for term in defaulted_terms(scenario).values():
        weight = dict(term.sources).get(varied)
        through = [p for p, _ in term.sources if p in together]
        if weight is None and not through:
            continue
        share = ("" if weight is None or weight == 1.0
                 else f" (with weight {weight:g}, interpolated by term)")
        via = "" if weight is not None else f" through {' and '.join(through)}, drawn with it"
        field = term.path.split(".", 2)[2]
        notes.append(f"{varied} also sets {term.path}{share} (not written in the scenario){via}: "
                     f"the rent and the purchase price move with it; write {field} to hold "
                     f"it fixed, or vary {term.path} to move the contract alone")
    if together:  # an uncertain point, and another beside it
        notes.append(f"{varied} is a point of the used-GPU value curve, whose points are drawn "
                     "together: fixing it fixes the curve's other uncertain points at the same "
                     "quantile")
    return notes
