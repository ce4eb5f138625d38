"""The used-GPU value curve (``market.hardware.residual_value_by_age``) as one uncertain shape.

The engine draws the curve's points together: every uncertain point takes its quantile from
the curve's one uniform per path (keyed by `CURVE`), so a path whose GPUs lose value fast
loses it fast at every age, and each point keeps its own distribution. A path's curve then
falls with age exactly when each point's quantile function lies at or below the one before
it. `curve_problems` checks that at every quantile level, so that no path can see a used
GPU gain value as it ages; `point_of_curve` names a correlation on one point, which must
name the curve as a whole instead.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import TYPE_CHECKING

import numpy as np

from .cross_problem import CrossProblem
from .numberform import plain, short

if TYPE_CHECKING:
    from .model import Scenario
    from .number import Number

__all__ = ["CURVE", "TOLERANCE", "curve_problems", "curve_rise", "curve_through", "level_of",
           "point_of_curve"]

CURVE = "market.hardware.residual_value_by_age"
"""The curve's parameter path, and the key of its one uniform per path."""
TOLERANCE = 1e-9
"""A rise smaller than this share of cost is rounding: two points with the same range
can differ by a few units in the last place where one formula's branch meets the other."""
_POINT = re.compile(re.escape(CURVE) + r"\[(\d+)\]")
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def point_of_curve(path: str) -> bool:
    """Whether ``path`` names one point of the curve (``...residual_value_by_age[2]``)."""
    return _POINT.fullmatch(path) is not None


def curve_rise(before: Number, after: Number) -> tuple[float, float]:
    """The quantile level at which ``after`` lies furthest above ``before``, and by how much.

    Each of the fixed, uniform and triangular quantile functions (the only ones a share of
    cost may have) is constant, linear, concave (a triangular's left branch) or convex (its
    right branch) between the levels where a triangular changes branch, so their difference
    is concave, monotone or convex there: its largest value lies at an end of such a span or
    at the one turning point a golden-section search finds.

    Parameters
    ----------
    before, after : Number
        A point of the curve and the next older one.

    Returns
    -------
    (level, rise) : (float, float)
        The level in [0, 1] and ``after``'s quantile minus ``before``'s there (a share of
        cost). Where ``after`` never lies above ``before`` the rise is zero or below: the
        largest, or, where no search is needed (`_dominated`), the one at level 0.
    """
    if _dominated(before, after):
        return 0.0, float(after.ppf(np.array([0.0]))[0] - before.ppf(np.array([0.0]))[0])
    cuts = {0.0, 1.0}
    for n in (before, after):
        if n.dist == "triangular":
            assert n.low is not None and n.mode is not None and n.high is not None
            cuts.add((n.mode - n.low) / (n.high - n.low))
    ends = sorted(cuts)

    def rise(u: float) -> float:
        level = np.array([u])
        return float(after.ppf(level)[0] - before.ppf(level)[0])

    best = max(((u, rise(u)) for u in ends), key=lambda found: found[1])
    for lo, hi in itertools.pairwise(ends):
        a, b = lo, hi
        left, right = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
        at_left, at_right = rise(left), rise(right)
        for _ in range(80):  # the span shrinks by 0.618 a step: 80 steps reach 1e-16 of it
            if at_left >= at_right:
                b, right, at_right = right, left, at_left
                left = b - _GOLDEN * (b - a)
                at_left = rise(left)
            else:
                a, left, at_left = left, right, at_right
                right = a + _GOLDEN * (b - a)
                at_right = rise(right)
        middle = 0.5 * (a + b)
        found = rise(middle)
        if found > best[1]:
            best = (middle, found)
    return best


def _dominated(before: Number, after: Number) -> bool:
    """Whether ``after`` lies at or below ``before`` at every level for a reason that needs
    no search: its whole range at or below ``before``'s lowest value, or the same dist with
    each number (low, mode, high; or the value) at most ``before``'s, as lowering any of a
    uniform's or triangular's numbers lowers its quantile at every level."""
    if after.support()[1] <= before.support()[0]:
        return True
    if before.dist != after.dist:
        return False
    keys = {"fixed": ("value",), "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high")}.get(after.dist)
    # a normal or lognormal with both ends lower can still rise in its wider tail: search
    return keys is not None and all(getattr(after, k) <= getattr(before, k) for k in keys)


def curve_problems(sc: Scenario) -> list[CrossProblem]:
    """One problem for each point of the curve that lies above the point before it at some
    quantile level (by more than `TOLERANCE`), at that point's path."""
    points = sc.market.hardware.residual_value_by_age
    out: list[CrossProblem] = []
    for k in range(1, len(points)):
        level, rise = curve_rise(points[k - 1], points[k])
        if rise <= TOLERANCE:
            continue
        at = np.array([level])
        here, there = float(points[k].ppf(at)[0]), float(points[k - 1].ppf(at)[0])
        out.append(CrossProblem(
            ("market", "hardware", "residual_value_by_age", k),
            f"must not rise with age: at quantile {level:.3g} it is {here:.4g}, above the "
            f"{there:.4g} of {CURVE}[{k - 1}] at the same quantile (the curve's points are "
            "drawn together, one quantile per path, so that path would see its GPUs gain "
            "value as they age); lower this point or raise the one before it",
            points[k].describe(), _lowered(points[k - 1], points[k])))
    return out


def _lowered(before: Number, after: Number) -> str | None:
    """``after`` with each of its numbers at most ``before``'s, where both are written the
    same way (the same dist): that range never lies above ``before``'s."""
    if before.dist != after.dist:
        return None
    if after.dist == "fixed":
        assert before.value is not None and after.value is not None
        return short(min(before.value, after.value))
    keys = ("low", "mode", "high") if after.dist == "triangular" else ("low", "high")
    parts = []
    for key in keys:
        mine, theirs = getattr(after, key), getattr(before, key)
        parts.append(f"{key}: {plain(float(short(min(mine, theirs))))}")
    return "{" + ", ".join(parts) + "}"


def level_of(number: Number, value: float) -> float:
    """The quantile level in [0, 1] at which ``number`` (fixed, uniform or triangular) takes
    ``value``: its CDF, 0 below its range and 1 above it."""
    if number.dist == "fixed" or number.low is None or number.high is None:
        return 0.5
    a, b = number.low, number.high
    v = min(max(value, a), b)
    if number.dist == "uniform":
        return (v - a) / (b - a)
    assert number.mode is not None
    c = number.mode
    if v < c:
        return (v - a) ** 2 / ((b - a) * (c - a))
    return 1.0 - (b - v) ** 2 / ((b - a) * (b - c)) if b > c else 1.0


def curve_through(sc: Scenario, path: str, value: float) -> dict[str, float]:
    """The other uncertain points of the curve, fixed where the curve passes ``value`` at
    the point ``path``: each at its own quantile at that point's level of ``value``.

    The points are drawn together, so fixing one uncertain point fixes the curve's one draw:
    the curve given that point. Empty when ``path`` is no uncertain point of the curve.

    Returns
    -------
    dict of str to float
        Parameter path to value (a share of cost), for each other uncertain point.
    """
    match = _POINT.fullmatch(path)
    points = sc.market.hardware.residual_value_by_age
    if match is None or int(match.group(1)) >= len(points):
        return {}
    k = int(match.group(1))
    if not points[k].is_uncertain:
        return {}
    level = np.array([level_of(points[k], value)])
    return {f"{CURVE}[{j}]": float(n.ppf(level)[0])
            for j, n in enumerate(points) if j != k and n.is_uncertain}
