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
small steps, which is why the answer is a bracket as well as a value.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.unit import summary_range, summary_unit
from chipcredit.errors import ScenarioError, UsageError
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.paths import get_number

from .arguments import whole_number
from .runner import central_range, check_paths_seed, correlated_with, run_variants
from .ties import tied_message

__all__ = ["SolveResult", "check_reachable", "non_monotone", "parse_target", "solve"]

_TARGET = re.compile(r"^\s*(?P<metric>[^\s=<>]+)\s*(?P<op>>=|<=|==|=)\s*(?P<value>\S+)\s*$")
DEFAULT_TOL = 1e-3
DEFAULT_MAX_PROBES = 40
FIXED_BRACKET = 0.5
"""A fixed number's default bracket is its value ±50%."""


def parse_target(text: str) -> tuple[str, str, float]:
    """``"M >= 1.0"`` -> ``("M", ">=", 1.0)``; ``==`` is read as ``=``."""
    match = _TARGET.match(text) if isinstance(text, str) else None
    if match is None:
        raise UsageError(f"target must read 'METRIC = VALUE', 'METRIC >= VALUE' or "
                         f"'METRIC <= VALUE'; got {text!r}")
    raw = match["value"]
    try:
        value = float(raw)
    except ValueError:
        hint = ""
        if raw.endswith("%"):
            hint = f" (did you mean {float(raw[:-1]) / 100:g}?)" if _is_float(raw[:-1]) else ""
        elif raw.lower().endswith("x") and _is_float(raw[:-1]):
            hint = f" (did you mean {float(raw[:-1]):g}?)"
        raise UsageError(f"target value must be a number; got {raw!r}{hint}") from None
    if not math.isfinite(value):
        raise UsageError(f"target value must be finite; got {raw!r}")
    op = "=" if match["op"] == "==" else match["op"]
    return match["metric"], op, value


def check_reachable(metric: str, goal: float) -> None:
    """Refuse, before any run, a target value that the metric can never take: one outside
    the range of its unit (a probability or a share from 0 to 1; `summary_range`), which
    no bracket would reach (the search would only spend its probes to say "no root"). A
    value between 1 and 100 is likely a percent, and the hint says so.

    Raises
    ------
    UsageError
        One line: the target value, the rule with the metric and its unit, the value given
        and, for a percent, the fraction meant.
    """
    bounds = summary_range(metric)
    if bounds is None or bounds[0] <= goal <= bounds[1]:
        return
    low, high = bounds
    hint = f" (did you mean {goal / 100:g}?)" if high == 1.0 and 1.0 < goal <= 100.0 else ""
    raise UsageError(f"target value must be between {low:g} and {high:g}, the range of "
                     f"{metric} (a {summary_unit(metric)}); got {goal:g}{hint}")


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, eq=False)
class SolveResult:
    """What `solve` found.

    Attributes
    ----------
    scenario : str
        The scenario's name.
    vary : str
        The parameter path solved for.
    metric : str
        The metric path of the target.
    op : str
        ``"="``, ``">="`` or ``"<="``.
    target : float
        The target value, in the metric's unit.
    status : str
        ``"found"`` or ``"no_root"``.
    root : float or None
        The value of ``vary`` at the target, in the number's own unit (None when
        ``no_root``). For ``=`` it is interpolated inside the final bracket; for ``>=``/``<=``
        it is the end of the final bracket at which the inequality holds, so the metric there
        is known to meet it.
    bracket : tuple of 2 floats
        The bracket searched, (low, high).
    final_bracket : tuple of 2 floats or None
        The last bracket holding the root (None when ``no_root``).
    probes : tuple of (float, float)
        Every (value, metric) probed, in order.
    metric_range : tuple of 2 floats
        (min, max) of the metric over the probes.
    holds : str or None
        For an inequality, where it holds: ``"VARY >= ROOT"``, ``"VARY <= ROOT"``,
        ``"everywhere in the bracket"`` or ``"nowhere in the bracket"``; None for ``=``.
    message : str
        One line that says it all.
    notes : tuple of str
        What the user should know (correlations dropped, a non-monotone metric, deals
        that run past the horizon).
    paths, seed : int
        Of every probe.
    tol : float
        The relative bracket width at which the search stops.
    elapsed_seconds : float
        Wall-clock time (left out of `to_dict`).
    """

    scenario: str
    vary: str
    metric: str
    op: str
    target: float
    status: str
    root: float | None
    bracket: tuple[float, float]
    final_bracket: tuple[float, float] | None
    probes: tuple[tuple[float, float], ...]
    metric_range: tuple[float, float]
    holds: str | None
    message: str
    notes: tuple[str, ...]
    paths: int
    seed: int
    tol: float
    elapsed_seconds: float

    def probes_frame(self) -> pd.DataFrame:
        """The probes as a table.

        Returns
        -------
        DataFrame
            One row per probe, in the order probed (index ``probe`` from 1); columns
            ``value`` (of ``vary``, in its own unit), ``metric`` (in the metric's unit) and
            ``gap`` (metric minus target).
        """
        frame = pd.DataFrame(list(self.probes), columns=["value", "metric"])
        frame["gap"] = frame["metric"] - self.target
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="probe")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record, without wall-clock times (two runs give equal records).

        Returns
        -------
        dict
            Keys ``scenario``, ``vary``, ``metric``, ``op``, ``target``, ``status``, ``root``
            (None when ``no_root``), ``bracket`` ([low, high]), ``final_bracket`` ([low,
            high] or None), ``probes`` (list of ``{"value", "metric"}`` in probe order),
            ``metric_range`` ([min, max]), ``holds``, ``message``, ``notes`` (list of str),
            ``paths``, ``seed`` and ``tol``. A metric with no value is None, never NaN.
        """
        def clean(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else float(x)

        return {"scenario": self.scenario, "vary": self.vary, "metric": self.metric,
                "op": self.op, "target": self.target, "status": self.status,
                "root": clean(self.root), "bracket": list(self.bracket),
                "final_bracket": None if self.final_bracket is None else list(self.final_bracket),
                "probes": [{"value": v, "metric": clean(m)} for v, m in self.probes],
                "metric_range": [clean(x) for x in self.metric_range],
                "holds": self.holds, "message": self.message, "notes": list(self.notes),
                "paths": self.paths, "seed": self.seed, "tol": self.tol}


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
    scenario: Scenario | str,
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
        Monte Carlo paths of every probe (at least 1; a NumPy integer is accepted).
    seed : int
        Seed of every probe, the same for all (common random numbers); from 0 to 2**63 - 1.
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
    horizon = sc.horizon_note()  # the runs' own note is not passed on, one per probe
    if horizon is not None:
        notes.append(horizon)
    probes: list[tuple[float, float]] = []

    def f(x: float) -> float:
        try:
            value = float(run_variants(sc, [vary], [[x]], metric, paths=paths, seed=seed,
                                       scheduler=scheduler).values[0])
        except ScenarioError as exc:
            p = exc.problems[0]
            raise UsageError(f"{vary} at {x:g} breaks a rule: {p.path} {p.rule}; "
                             "give a bracket inside the allowed range") from None
        if math.isnan(value):
            raise UsageError(f"the metric {metric} has no value with {vary} = {x:g}; choose a "
                             "statistic that always has one (e.g. mean or p50)")
        probes.append((x, value))
        if progress is not None:
            progress(x, value)
        return value - goal

    width = hi - lo
    side = _side(op)

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
            return _no_root(sc, vary, metric, op, goal, lo, hi, probes, notes, paths, seed,
                            tol, began)
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
    while exact is None and b - a > tol * width and len(probes) < max_probes:
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
    if exact is not None:
        root = exact
        a = b = exact
    elif op == "=":
        root = a - ga * (b - a) / (gb - ga) if gb != ga else 0.5 * (a + b)
    else:  # the end of the final bracket at which the inequality holds, and its side
        above = side(gb)
        root = b if above else a
        holds = f"{vary} {'>=' if above else '<='} {root:.6g}"
    converged = exact is not None or b - a <= tol * width
    reached = ("" if converged else
               f" (stopped after {len(probes)} probes; the bracket is still "
               f"[{a:.6g}, {b:.6g}])")
    at = next((m for v, m in probes if v == root), None)
    message = (f"{metric} {op} {goal:g} at {vary} = {root:.6g}"
               + (f" (metric there {at:.6g})" if at is not None else "")
               + (f", final bracket [{a:.6g}, {b:.6g}]" if a != b and converged else "")
               + f"{reached}; {len(probes)} probes, {paths:,} path{'s' if paths != 1 else ''}, "
               f"seed {seed}")
    if holds is not None:
        message += f"; holds for {holds}"
    wiggle = None if notes and notes[-1].startswith("the metric is not monotone") else \
        non_monotone(probes, vary, paths)
    if wiggle is not None:
        notes.append(wiggle)
    values = [m for _, m in probes]
    return SolveResult(
        scenario=sc.name, vary=vary, metric=metric, op=op, target=goal, status="found",
        root=float(root), bracket=(lo, hi), final_bracket=(float(a), float(b)),
        probes=tuple(probes), metric_range=(min(values), max(values)), holds=holds,
        message=message, notes=tuple(notes), paths=paths, seed=seed, tol=float(tol),
        elapsed_seconds=time.perf_counter() - began)


def _side(op: str) -> Callable[[float], bool]:
    """The side of the target a probe's gap (metric minus target) is on: for an inequality,
    whether it holds there (a metric equal to the target meets ``>=`` and ``<=`` alike); for
    ``=``, whether the metric is below the target (a gap of 0 is a root, found before)."""
    if op == ">=":
        return lambda gap: gap >= 0
    if op == "<=":
        return lambda gap: gap <= 0
    return lambda gap: gap < 0


def non_monotone(probes: Sequence[tuple[float, float]], vary: str, paths: int) -> str | None:
    """A note when the metric at the probes, taken in the order of the value varied, is not
    monotone (None when it is): the root and its "holds for" side assume it is. With common
    random numbers the usual cause is Monte Carlo noise of a statistic over few paths (a
    median of a MOIC over the paths where a deal closed), larger near the root than the
    metric's own slope.

    ``probes`` are (value, metric) pairs in the order tried; the note names the first
    adjacent pair (by value) that moves against the metric's direction from the lowest to
    the highest value probed.

    >>> non_monotone([(1.0, 0.5), (2.0, 1.5), (1.5, 0.9), (1.6, 0.8)], "x", 500)[:58]
    'the metric is not monotone in x over the probes: 1.5 gives'
    """
    ordered = sorted(probes)
    rising = ordered[-1][1] >= ordered[0][1]
    for (x0, m0), (x1, m1) in itertools.pairwise(ordered):
        if m1 != m0 and (m1 > m0) != rising:
            return (f"the metric is not monotone in {vary} over the probes: {x0:.6g} gives "
                    f"{m0:.6g} but {x1:.6g} gives {m1:.6g}, so the root and the side on which "
                    f"the target holds are uncertain (likely Monte Carlo noise at {paths:,} "
                    f"path{'s' if paths != 1 else ''}); more paths narrow it")
    return None


def _no_root(sc: Scenario, vary: str, metric: str, op: str, goal: float, lo: float, hi: float,
             probes: list[tuple[float, float]], notes: list[str], paths: int, seed: int,
             tol: float, began: float) -> SolveResult:
    values = [m for _, m in probes]
    m_lo, m_hi = min(values), max(values)
    holds = None
    if op != "=":
        everywhere = m_lo >= goal if op == ">=" else m_hi <= goal
        holds = "everywhere in the bracket" if everywhere else "nowhere in the bracket"
    if op != "=" and goal in values:  # it meets the target without crossing it
        past = "below" if op == ">=" else "above"
        message = (f"no value of {vary} in [{lo:.6g}, {hi:.6g}] takes {metric} {past} {goal:g} "
                   f"(it reaches the target without crossing it): over the bracket it ranges "
                   f"from {m_lo:.6g} to {m_hi:.6g}")
    else:
        message = (f"no value of {vary} in [{lo:.6g}, {hi:.6g}] gives {metric} = {goal:g}: "
                   f"over the bracket it ranges from {m_lo:.6g} to {m_hi:.6g}")
    if holds is not None:
        message += f"; {metric} {op} {goal:g} holds {holds}"
    message += "; give a wider bracket to look further"
    return SolveResult(
        scenario=sc.name, vary=vary, metric=metric, op=op, target=goal, status="no_root",
        root=None, bracket=(lo, hi), final_bracket=None, probes=tuple(probes),
        metric_range=(m_lo, m_hi), holds=holds, message=message, notes=tuple(notes),
        paths=paths, seed=seed, tol=float(tol), elapsed_seconds=time.perf_counter() - began)
