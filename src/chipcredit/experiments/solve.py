"""Break-even solving: the value of one number at which a metric reaches a target.

::

    res = cc.solve("seed-2025", vary="parties.xai.revenue.growth.from",
                   target="deals.colossus2-spv.parties.nvidia.moic.p50 >= 1.0")
    res.status, res.root, res.probes

The target is ``METRIC = VALUE``, ``METRIC >= VALUE`` or ``METRIC <= VALUE``. An inequality
solves for its boundary and then says on which side it holds. The search is bracketed: it
probes both ends of the bracket (default p05..p95 of an uncertain number, ±50% of a fixed one)
and, when they are on the same side of the target, three points between them. For an
inequality the side is whether it holds, and a metric equal to the target meets it (``>=``
and ``<=`` alike), so a bracket whose every probe meets it is no root but "holds everywhere".
Without a change of side it answers ``no_root`` with the metric's range over the probes; it
never widens the bracket by itself. With a change of side it narrows the bracket by regula falsi,
falling back to bisection whenever a step does not halve it, until the bracket is narrower
than ``tol`` × its first width. Every probe runs with the same seed (common random numbers),
so the metric is a fixed function of the value; a metric over paths (a median) may move in
small steps, which is why the answer is a bracket as well as a value. With
``deterministic=True`` every probe is the deterministic base case instead (one path, every
shock zero, every uncertain number at its median, as ``chipcredit run --deterministic``):
the break-even an auditor computes by hand, free of Monte Carlo noise.

The root of an inequality is printed rounded toward the side where it holds (`digits.toward`),
so the printed value meets the target as the root does. Notes say what the answer rests on:
a number varied that also sets a contract's unwritten term (`scenario.defaulted`), the
convention of a rate (`conventions`) and the share of paths a statistic is taken over
(`probe`); a metric that no probe moves is said to be flat, not "give a wider bracket".
A deal's term (or the hardware's useful life) is laid out in whole quarters (`solve_terms`):
the search stops when its ends are a quarter apart, an inequality's answer is the quarter count
where it holds, and an equation's the quarter count whose metric is closest to the target, with
the metric at the two quarter counts it steps between.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from chipcredit.analytics.arguments import flag
from chipcredit.errors import ScenarioError, UsageError
from chipcredit.scenario.defaulted import moves_with
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.paths import get_number

from .arguments import seed_number, whole_number
from .conventions import rate_note
from .digits import significant, toward
from .probe import P_POSITIVE, deal_metric, run_probe
from .runner import central_range, check_paths_seed, correlated_with, scenario_data
from .solution import SolveResult
from .solve_notes import (
    close_note,
    edge_message,
    holds_side,
    no_root,
    non_monotone,
    share_notes,
    term_note,
)
from .solve_terms import quarter_term, quarters, quarters_text
from .target import check_reachable, parse_target
from .ties import tied_message

__all__ = ["SolveResult", "check_reachable", "close_note", "non_monotone", "parse_target",
           "solve"]

DEFAULT_TOL = 1e-3
DEFAULT_MAX_PROBES = 40
FIXED_BRACKET = 0.5
"""A fixed number's default bracket is its value ±50%."""


def _default_bracket(sc: Scenario, vary: str) -> tuple[float, float]:
    number = get_number(sc, vary)
    if number.is_uncertain:
        return central_range(number)
    assert number.value is not None
    if number.value == 0:
        raise UsageError(f"{vary} is fixed at 0, so it has no default bracket; give one "
                         "(--low, --high)")
    lo, hi = sorted((number.value * (1 - FIXED_BRACKET), number.value * (1 + FIXED_BRACKET)))
    return lo, hi


def solve(
    scenario: Scenario | str | os.PathLike[str],
    vary: str,
    target: str,
    paths: int = 2000,
    seed: int = 0,
    *,
    bracket: tuple[float | None, float | None] | None = None,
    tol: float = DEFAULT_TOL,
    max_probes: int = DEFAULT_MAX_PROBES,
    progress: Callable[[float, float], None] | None = None,
    scheduler: Any = None,
    deterministic: bool = False,
) -> SolveResult:
    """Find the value of ``vary`` at which the target holds with equality.

    Parameters
    ----------
    scenario : Scenario, str or os.PathLike
        A `Scenario`, a bundled scenario name (``"seed-2025"``) or a YAML file.
    vary : str
        Parameter path of the number to solve for, e.g. ``deals.colossus2-spv.lease.rate``.
    target : str
        ``"METRIC = VALUE"``, ``"METRIC >= VALUE"`` or ``"METRIC <= VALUE"``, with a metric
        path into the JSON summary and a number in the metric's unit.
    paths : int
        Monte Carlo paths of every probe (at least 1; a NumPy integer is accepted). Ignored
        when ``deterministic``, as `chipcredit.simulate` ignores it: each probe has one path.
    seed : int
        Seed of every probe, the same for all (common random numbers); from 0 to 2**63 - 1.
        Checked but ignored when ``deterministic`` (nothing is drawn); the result then says
        seed 0, as the run store records a deterministic run.
    bracket : tuple of 2 floats (or None), optional
        (low, high) to search, in ``vary``'s unit; default p05..p95 (uncertain) or ±50%
        (fixed); an end given as None takes its default.
    tol : float
        Stop when the bracket is narrower than ``tol`` × its first width (0 < tol < 1).
    max_probes : int
        At most this many simulations (at least 2).
    progress : callable, optional
        Called with ``(value, metric)`` after each probe.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address (``tcp://HOST:8786``) or client: each probe's stream
        blocks run there (docs/distributed.md); the result does not depend on it.
    deterministic : bool, default False
        Every probe runs the deterministic base case (``simulate(..., deterministic=True)``:
        one path, every shock zero, every uncertain number at its median, events iff
        p >= 0.5), so the root is the base case's break-even, the one ``chipcredit run
        --deterministic`` confirms; a statistic over paths is then that one path's value,
        and a ``p_positive`` is 0 or 1.

    Returns
    -------
    SolveResult
        ``status`` ``"found"`` with ``root`` and ``final_bracket``, or ``"no_root"`` with the
        metric's range over the probes.

    Raises
    ------
    UsageError
        A bad argument, a target that does not parse, a path that does not exist (with a
        did-you-mean), or a probe that breaks a scenario rule.
    """
    began = time.perf_counter()
    name = "solve"
    sc = load_scenario(scenario)
    deterministic = flag(f"{name}: deterministic", deterministic)
    if deterministic:  # one path and nothing drawn: recorded as 1 path, seed 0 (as `run` does)
        seed_number(name, seed)
        paths, seed = 1, 0
    else:
        paths, seed = check_paths_seed(paths, seed, name)
    if not isinstance(vary, str):
        raise UsageError(f"{name}: vary must be a parameter path (e.g. 'parties.xai.cash'); "
                         f"got {vary!r}")
    metric, op, goal = parse_target(target)
    check_reachable(metric, goal)
    get_number(sc, vary)
    tied = tied_message(sc, vary, name)
    if tied is not None:  # no bracket would help: say so, and what may move instead
        raise UsageError(tied)
    if (isinstance(tol, bool) or not isinstance(tol, int | float | np.integer | np.floating)
            or not 0 < tol < 1):
        raise UsageError(f"{name}: tol must be above 0 and below 1; got {tol!r}")
    max_probes = whole_number(name, "max_probes", max_probes, 2)
    if bracket is not None and (isinstance(bracket, str) or not hasattr(bracket, "__len__")):
        raise UsageError(f"{name}: bracket must be (low, high); got {bracket!r}")
    given = (None, None) if bracket is None else tuple(bracket)
    if len(given) != 2 or any(isinstance(g, bool) or not (
            g is None or isinstance(g, int | float | np.integer | np.floating)) for g in given):
        raise UsageError(f"{name}: bracket must be (low, high), two numbers or None; "
                         f"got {bracket!r}")
    if given[0] is None or given[1] is None:
        default = _default_bracket(sc, vary)
        given = tuple(d if g is None else g for g, d in zip(given, default, strict=True))
    lo, hi = float(given[0]), float(given[1])  # type: ignore[arg-type]
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise UsageError(f"the bracket must be two finite numbers, low below high; got "
                         f"({lo:g}, {hi:g})")
    notes = [f"fixing {vary} drops its correlation with {', '.join(partners)}, which keep "
             "their own distributions"
             for partners in correlated_with(sc, [vary]).values()]
    named = deal_metric(metric)
    if deterministic and named is not None and named[3] == P_POSITIVE:
        notes.append(f"{metric} on the one path of the deterministic base case is 0 or 1 "
                     f"(whether its {named[2]} is above zero there), not a share of many paths")
    notes += moves_with(sc, vary)  # a curve point that is also a contract's term
    closing = close_note(vary, metric)
    if closing is not None:
        notes.append(closing)
    term = quarter_term(sc, vary)  # counted in whole quarters: the metric moves in steps
    horizon = sc.horizon_note()  # the runs' own note is not passed on, one per probe
    if horizon is not None:
        notes.append(horizon)
    probes: list[tuple[float, float]] = []
    shares: list[float | None] = []
    data = scenario_data(sc)

    def f(x: float) -> float:
        try:
            reading = run_probe(sc, data, vary, x, metric, paths, seed, scheduler,
                                deterministic=deterministic)
        except ScenarioError as exc:
            p = exc.problems[0]
            raise UsageError(f"{vary} at {x:g} breaks a rule: {p.path} {p.rule}; "
                             "give a bracket inside the allowed range") from None
        value = reading.metric
        if math.isnan(value):
            # every statistic of it is NaN only where no path has a value (an IRR or MOIC
            # where no money went in), so another statistic of it would not help
            raise UsageError(f"the metric {metric} has no value with {vary} = {x:g}: no path "
                             "has one there; give a bracket where it has one (--low, --high), "
                             "or choose a metric every path has (e.g. npv or loss)")
        probes.append((x, value))
        shares.append(reading.nan_share)
        if progress is not None:
            progress(x, value)
        return value - goal

    width = hi - lo
    side = holds_side(op)

    def crosses(g0: float, g1: float) -> bool:  # a root of =, or a boundary of >= or <=
        return g0 * g1 <= 0 if op == "=" else side(g0) != side(g1)

    g_lo, g_hi = f(lo), f(hi)
    a, ga, b, gb = lo, g_lo, hi, g_hi
    if not crosses(ga, gb):  # same side at both ends: look between them before giving up
        points = [(lo, g_lo)]
        for k in (1, 2, 3):
            x = lo + width * k / 4
            points.append((x, f(x)))
        points.append((hi, g_hi))
        change = next((i for i in range(len(points) - 1)
                       if crosses(points[i][1], points[i + 1][1])), None)
        if change is None:
            return no_root(sc, vary, metric, op, goal, lo, hi, probes, notes + share_notes(
                metric, vary, probes, shares), paths, seed, tol, began, shares, deterministic)
        (a, ga), (b, gb) = points[change], points[change + 1]
        notes.append("the metric is not monotone over the bracket: the root given is the first "
                     "change of side found")
    # only an equation stops at a probe that hits its target: for an inequality the target
    # itself meets it, and the boundary may lie anywhere along a stretch where the metric
    # stays at the target, so the search goes on narrowing the bracket between an end where
    # the inequality holds and one where it does not
    exact: float | None = None if op != "=" else a if ga == 0 else b if gb == 0 else None
    ftol = 1e-12 * max(1.0, abs(goal), *(abs(m) for _, m in probes))
    secant = True  # regula falsi; after a step of it that does not halve the bracket, bisect

    def narrow(a: float, b: float) -> bool:  # a term's ends a quarter apart: nothing between
        return b - a <= tol * width or (term and quarters(b) - quarters(a) <= 1)

    while exact is None and not narrow(a, b) and len(probes) < max_probes:
        before = b - a
        if secant:  # kept 1% of the bracket inside its ends, so each step cuts it
            x = min(max(a - ga * before / (gb - ga), a + 0.01 * before), b - 0.01 * before)
        else:
            x = 0.5 * (a + b)
        gx = f(x)
        if op == "=" and abs(gx) <= ftol:
            exact = x
        elif side(gx) == side(ga):
            a, ga = x, gx
        else:
            b, gb = x, gx
        secant = not secant or b - a <= 0.5 * before
    holds = None
    above = False  # for an inequality: whether it holds above the root
    digits = significant([a, b])
    if exact is not None:
        root = exact
        a = b = exact
    elif op == "=" and term:  # the quarter count closer to the target (the shorter on a tie)
        root = b if abs(gb) < abs(ga) else a
    elif op == "=":
        root = a - ga * (b - a) / (gb - ga) if gb != ga else 0.5 * (a + b)
    else:  # the end of the final bracket at which the inequality holds, and its side
        above = side(gb)
        root = b if above else a
    converged = exact is not None or narrow(a, b)
    probed = root  # for an equation on a term, the value probed in its quarter count
    if term:  # the term the engine lays out: where it holds, or closest to the target
        root = quarters(root) / 4
        shown = quarters_text(root)
        if op != "=":
            holds = f"{vary} {'>=' if above else '<='} {shown}"
    elif op == "=":
        shown = f"{root:.{digits}g}"
    else:  # rounded toward where it holds, so the value printed meets the target too
        shown = toward(root, up=above, digits=digits)
        holds = f"{vary} {'>=' if above else '<='} {shown}"
    reached = ("" if converged else
               f" (stopped after {len(probes)} probes; the bracket is still "
               f"[{a:.{digits}g}, {b:.{digits}g}])")
    # a term's metric is the same over its whole quarter; an interpolated term has none
    at = next((m for v, m in probes if (quarters(v) == quarters(root) if term
                                        else v == root)), None)
    there = "" if at is None else f"metric there {at:.6g}"
    step = ""  # an equation on a term: the two quarter counts the metric steps between
    if term and op == "=" and exact is None and converged and quarters(a) != quarters(b):
        step = (f", the whole quarter count whose metric is closest to {goal:g}: it steps "
                f"from {ga + goal:.6g} at {quarters(a)} quarters to {gb + goal:.6g} at "
                f"{quarters(b)} quarters"
                + (" (both as close: the shorter term is given)" if abs(ga) == abs(gb) else ""))
    if term:
        notes.append(term_note(vary, op, root, a, b, probes))
    elif op != "=" and float(shown) != root:
        there = f"rounded {'up' if above else 'down'}, toward where it holds, from {root!r}" \
            + (f", where the metric is {at:.6g}" if at is not None else "")
    # the final bracket rounded outward, so the printed one holds the one found
    runs = ("the deterministic base case" if deterministic else
            f"{paths:,} path{'s' if paths != 1 else ''}, seed {seed}")
    message = (f"{metric} {op} {goal:g} at {vary} = {shown}"
               + (step if step else f" ({there})" if there else "")
               + ("" if a == b or not converged or step else
                  f", between {quarters(a)} and {quarters(b)} quarters" if term else
                  f", final bracket [{toward(a, up=False, digits=digits)}, "
                  f"{toward(b, up=True, digits=digits)}]")
               + f"{reached}; {len(probes)} probes, {runs}")
    if holds is not None:
        message += f"; holds for {holds}"
    # an equation's value probed, as before a term's answer was a quarter count
    edge = edge_message(vary, metric, op, goal, lo, hi,
                         float(probed if op == "=" else root), shown, probes)
    if edge is not None:  # no break-even: the metric only touches the target at an end
        message = (edge + f"; {len(probes)} probes, {runs}"
                   + (f"; holds for {holds}" if holds is not None else ""))
    wiggle = None if notes and notes[-1].startswith("the metric is not monotone") else \
        non_monotone(probes, vary, paths, deterministic=deterministic)
    if wiggle is not None:
        notes.append(wiggle)
    notes += share_notes(metric, vary, probes, shares)
    convention = rate_note(sc, vary, float(root) if term else float(shown))
    if convention is not None:
        notes.append(convention)
    values = [m for _, m in probes]
    return SolveResult(
        scenario=sc.name, vary=vary, metric=metric, op=op, target=goal, status="found",
        root=float(root), bracket=(lo, hi), final_bracket=(float(a), float(b)),
        probes=tuple(probes), metric_range=(min(values), max(values)), holds=holds,
        message=message, notes=tuple(notes), paths=paths, seed=seed, tol=float(tol),
        elapsed_seconds=time.perf_counter() - began, nan_shares=tuple(shares), shown=shown,
        deterministic=deterministic, touches=edge is not None)

