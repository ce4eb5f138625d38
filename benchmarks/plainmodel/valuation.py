"""NPV and IRR of one party's quarterly cash flows, with Python floats.

Flows are a list indexed by quarters after the scenario start ($B, positive = received).
Rates are effective annual: a flow at quarter ``k`` is discounted by ``(1 + r) ** (-k/4)``;
the IRR is solved per quarter and reported as ``(1 + q) ** 4 - 1``.
"""

from __future__ import annotations

import itertools
import math

__all__ = ["REASONS", "irr", "npv"]

REASONS = {"ok": 0, "no_sign_change": 1, "no_root_in_bracket": 2, "not_converged": 3,
           "above_bracket": 4, "below_bracket": 5}
LOWER, UPPER = -0.99, 10.0
"""The IRR's bracket, effective annual."""


def npv(flows: list[float], annual_rate: float) -> float:
    return sum(f * (1.0 + annual_rate) ** (-k / 4.0) for k, f in enumerate(flows))


def _value(flows: list[float], q: float) -> float:
    """NPV at the quarterly rate ``q``."""
    return sum(f * (1.0 + q) ** -k for k, f in enumerate(flows))


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _root(flows: list[float], a: float, b: float, fa: float) -> float:
    """The root in ``[a, b]`` (the NPV differs in sign at the ends): bisection, refined by
    Newton steps that stay inside the bracket."""
    lo_neg = fa < 0  # the NPV is negative at a
    x = 0.5 * (a + b)
    for _ in range(400):
        f = _value(flows, x)
        if f == 0.0:
            return x
        if (f < 0) == lo_neg:
            a = x
        else:
            b = x
        df = sum(-k * c * (1.0 + x) ** (-k - 1) for k, c in enumerate(flows))
        newton = x - f / df if df else math.nan
        x_new = newton if min(a, b) < newton < max(a, b) else 0.5 * (a + b)
        if abs(x_new - x) <= 1e-15 or abs(b - a) <= 1e-15:
            return x_new
        x = x_new
    return x


def irr(flows: list[float]) -> tuple[float, int, bool]:
    """(effective annual IRR or NaN, reason code of `REASONS`, several sign changes)."""
    signs = [_sign(f) for f in flows if f != 0]
    if -1 in signs and 1 not in signs:  # only money out: -100% by definition
        return math.nan, REASONS["below_bracket"], False
    if 1 not in signs or -1 not in signs:
        return math.nan, REASONS["no_sign_change"], False
    changes = sum(1 for s, t in itertools.pairwise(signs) if s != t)
    lq, uq = (1.0 + LOWER) ** 0.25 - 1.0, (1.0 + UPPER) ** 0.25 - 1.0
    f_lo, f_hi, f_zero = _value(flows, lq), _value(flows, uq), sum(flows)
    if _sign(f_lo) == _sign(f_hi) and f_lo != 0:
        reason = REASONS["no_root_in_bracket"]
        # beyond the bracket the NPV tends to the first flow's sign as the rate grows, and to
        # the last flow's as it falls to -100%: an NPV of the other sign at a bound proves a
        # root beyond it; a side is named when only one side is proved
        above, below = _sign(f_hi) == -signs[0], _sign(f_lo) == -signs[-1]
        if above != below:
            reason = REASONS["above_bracket"] if above else REASONS["below_bracket"]
        return math.nan, reason, changes > 1
    if f_lo == 0:
        q = lq
    elif f_hi == 0:
        q = uq
    elif f_zero == 0:
        q = 0.0
    elif _sign(f_zero) != _sign(f_hi):  # the upper half first, as the engine keeps it
        q = _root(flows, 0.0, uq, f_zero)
    else:
        q = _root(flows, lq, 0.0, f_lo)
    return (1.0 + q) ** 4 - 1.0, REASONS["ok"], changes > 1
