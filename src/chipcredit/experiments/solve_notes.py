"""The notes and messages of a break-even search (`chipcredit.experiments.solve`): what
an answer rests on (a deal's close probability, a term counted in whole quarters, the share
of paths a statistic is over), when a root is no break-even, and why no root was found.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence

from chipcredit.scenario.model import Scenario

from .probe import P_POSITIVE, deal_metric
from .solution import SolveResult
from .solve_terms import quarters

__all__ = [
    "close_note",
    "edge_message",
    "holds_side",
    "no_root",
    "non_monotone",
    "share_notes",
    "term_note",
]


_NO_VALUE_UNCLOSED = ("irr", "moic", "moic_realised")
"""A deal's metrics that have no value (NaN) on a path on which the deal does not close;
the others are 0 there."""


def close_note(vary: str, metric: str) -> str | None:
    """A note when ``vary`` is a deal's close probability and the target is that deal's
    party metric (None otherwise): the metric counts the paths on which the deal does not
    close, so the close probability scales it (or, for a statistic over the paths with a
    value, only changes which paths those are) rather than taking it across a threshold.

    >>> close_note("deals.d.close_probability", "deals.d.parties.p.npv.mean")[:62]
    'deals.d.parties.p.npv.mean counts the paths on which d does no'
    """
    parts = vary.split(".")
    named = deal_metric(metric)
    if not (len(parts) == 3 and parts[0] == "deals" and parts[2] == "close_probability"
            and named is not None and named[0] == parts[1]):
        return None
    deal, _, name, stat = named
    given = (f"the metric given that {deal} closed is deals.{deal}.given_closed.PARTY "
             "(npv, loss, loss_probability), which the close probability does not move: to "
             "find a break-even given closing, target that metric and vary another number")
    if name in _NO_VALUE_UNCLOSED and stat != P_POSITIVE:
        return (f"{metric} has no value on the paths on which {deal} does not close, so its "
                f"{stat} is taken over the paths that closed: moving {vary} changes which "
                "paths those are, not what the deal pays on them, so a change of side is Monte "
                f"Carlo noise rather than a break-even; {given}")
    zero = (f"its {name} is 0 there" if stat != P_POSITIVE else
            f"its {name} is not above zero there")
    return (f"{metric} counts the paths on which {deal} does not close ({zero}), so moving "
            f"{vary} scales it (a mean about in proportion; a percentile stays at 0 while too "
            "few paths close to reach it) rather than taking it across a threshold; " + given)


def edge_message(vary: str, metric: str, op: str, goal: float, lo: float, hi: float,
                  root: float, shown: str, probes: Sequence[tuple[float, float]]) -> str | None:
    """The answer line when the root found is no break-even (None otherwise): the metric is
    the target at every probe, or it meets the target only at probes where it equals it
    exactly (for ``=``, an end of the bracket, with every other probe on one side), so it
    touches the target there without crossing it."""
    if not any(v == root and m == goal for v, m in probes):
        return None
    end = "low" if root == lo else "high" if root == hi else None
    others = [m for v, m in probes if v != root]
    if end is not None and all(m == goal for m in others):
        return (f"{metric} is {goal:g} at every probe, the target itself: no value of {vary} "
                f"in [{lo:.6g}, {hi:.6g}] moves it, so {vary} = {shown}, the bracket's {end} "
                "end, is no break-even")
    if op == "=":
        if end is None or (min(others) < goal < max(others)):
            return None
        where = f"only at the bracket's {end} end, {vary} = {shown}, where it is exactly {goal:g}"
    else:
        meets = holds_side(op)
        holding = sorted(v for v, m in probes if meets(m - goal))
        if any(m != goal for v, m in probes if meets(m - goal)):
            return None
        ends = [shown if v == root else f"{v:.6g}" for v in (holding[0], holding[-1])]
        where = (f"only where it is exactly {goal:g} (at {vary} = {ends[0]}"
                 + ("" if len(holding) == 1 else f" to {ends[1]}") + ")")
    rest = [m for m in others if m != goal]
    spread = (f"{rest[0]:.6g}" if min(rest) == max(rest) else
              f"from {min(rest):.6g} to {max(rest):.6g}")
    return (f"{metric} meets {goal:g} {where}, and at no other probe ({spread}): it touches "
            f"the target without crossing it, so {vary} = {shown} "
            "is no break-even")


def term_note(vary: str, op: str, root: float, a: float, b: float,
               probes: Sequence[tuple[float, float]]) -> str:
    """What a break-even on a term rests on: the engine counts it in whole quarters, so the
    metric moves in steps of a quarter and the answer is a whole quarter count."""
    def metric_at(q: int) -> str:
        found = next((m for v, m in probes if quarters(v) == q), None)
        return "" if found is None else f" (metric {found:.6g})"

    qa, qb = quarters(a), quarters(b)
    steps = (f"{vary} is a term the engine lays out in whole quarters (years x 4, rounded half "
             "up), so the metric moves in whole-quarter steps")
    if qa == qb:  # a probe on the target: every term of that quarter count hits it
        return (steps + f": {qa} quarters{metric_at(qa)} meets the target, as does every term "
                f"from {(qa - 0.5) / 4:g} years up to (not including) {(qa + 0.5) / 4:g} years")
    q = quarters(root)
    other = qa if q == qb else qb
    if op == "=":
        return (steps + f": no term meets the target exactly, and the answer is the whole "
                f"quarter count whose metric is closest to it, {q} quarters{metric_at(q)}; "
                f"{other} quarters{metric_at(other)} is no closer, and "
                + ("no term between them gives another value" if abs(qb - qa) == 1 else
                   "the search stopped before its ends were a quarter apart"))
    return (steps + f": the answer is the last whole quarter count at which the target holds, "
            f"{q} quarters{metric_at(q)}, not a fraction of a year; {other} quarters"
            f"{metric_at(other)} misses it, and {(q + other) / 8:g} years already counts as "
            f"{max(q, other)} quarters")


def share_notes(metric: str, vary: str, probes: Sequence[tuple[float, float]],
                 shares: Sequence[float | None]) -> list[str]:
    """A note when the target's statistic is taken over only some of the paths: the share
    of paths with no value of the metric, at the lowest and highest value probed."""
    known = sorted((x, s) for (x, _), s in zip(probes, shares, strict=True) if s is not None)
    if not known or all(s == 0 for _, s in known):
        return []
    (x0, s0), (x1, s1) = known[0], known[-1]
    where = (f"{s0:.1%} of the paths at every probe" if all(s == s0 for _, s in known) else
             f"{s0:.1%} of the paths at {vary} = {x0:.6g} and {s1:.1%} at {x1:.6g}")
    stat = metric.rsplit(".", 1)[1]
    return [f"{metric.rsplit('.', 1)[0]} has no value on {where}, so its {stat} is taken over "
            "the others, a set of paths that may move with the value (nan_share in the probe "
            "table and the JSON)"]


def holds_side(op: str) -> Callable[[float], bool]:
    """The side of the target a probe's gap (metric minus target) is on: for an inequality,
    whether it holds there (a metric equal to the target meets ``>=`` and ``<=`` alike); for
    ``=``, whether the metric is below the target (a gap of 0 is a root, found before)."""
    if op == ">=":
        return lambda gap: gap >= 0
    if op == "<=":
        return lambda gap: gap <= 0
    return lambda gap: gap < 0


def non_monotone(probes: Sequence[tuple[float, float]], vary: str, paths: int, *,
                 deterministic: bool = False) -> str | None:
    """A note when the metric at the probes, taken in the order of the value varied, is not
    monotone (None when it is): the root and its "holds for" side assume it is. With common
    random numbers the usual cause is Monte Carlo noise of a statistic over few paths (a
    median of a MOIC over the paths where a deal closed), larger near the root than the
    metric's own slope. The deterministic base case has no such noise: there the metric
    itself turns.

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
            why = ("(the deterministic base case has no Monte Carlo noise: the metric itself "
                   "turns there); a narrower bracket picks one crossing" if deterministic else
                   f"(likely Monte Carlo noise at {paths:,} path{'s' if paths != 1 else ''}); "
                   "more paths narrow it")
            return (f"the metric is not monotone in {vary} over the probes: {x0:.6g} gives "
                    f"{m0:.6g} but {x1:.6g} gives {m1:.6g}, so the root and the side on which "
                    f"the target holds are uncertain {why}")
    return None


def no_root(sc: Scenario, vary: str, metric: str, op: str, goal: float, lo: float, hi: float,
             probes: list[tuple[float, float]], notes: list[str], paths: int, seed: int,
             tol: float, began: float, shares: Sequence[float | None],
             deterministic: bool) -> SolveResult:
    values = [m for _, m in probes]
    m_lo, m_hi = min(values), max(values)
    holds = None
    if op != "=":
        everywhere = m_lo >= goal if op == ">=" else m_hi <= goal
        holds = "everywhere in the bracket" if everywhere else "nowhere in the bracket"
    if m_lo == m_hi:  # flat: a wider bracket is no more likely to move it than this one
        message = (f"{metric} is {m_lo:.6g} at every probe"
                   + (", the target itself" if m_lo == goal else "")
                   + f": no value of {vary} in [{lo:.6g}, {hi:.6g}] moves it")
    elif op != "=" and goal in values:  # it meets the target without crossing it
        past = "below" if op == ">=" else "above"
        message = (f"no value of {vary} in [{lo:.6g}, {hi:.6g}] takes {metric} {past} {goal:g} "
                   f"(it reaches the target without crossing it): over the bracket it ranges "
                   f"from {m_lo:.6g} to {m_hi:.6g}")
    else:
        message = (f"no value of {vary} in [{lo:.6g}, {hi:.6g}] gives {metric} = {goal:g}: "
                   f"over the bracket it ranges from {m_lo:.6g} to {m_hi:.6g}")
    if holds is not None:
        message += f"; {metric} {op} {goal:g} holds {holds}"
    if m_lo != m_hi:
        message += ("; give a wider bracket to look further (--low, --high; bracket= in "
                    "Python)")
    return SolveResult(
        scenario=sc.name, vary=vary, metric=metric, op=op, target=goal, status="no_root",
        root=None, bracket=(lo, hi), final_bracket=None, probes=tuple(probes),
        metric_range=(m_lo, m_hi), holds=holds, message=message, notes=tuple(notes),
        paths=paths, seed=seed, tol=float(tol), elapsed_seconds=time.perf_counter() - began,
        nan_shares=tuple(shares), deterministic=deterministic)
