"""IRR statistics that count the paths whose IRR is known to lie beyond the bracket.

A path's IRR is solved between -99% and +1000% a year (`valuation.irr`). Where it provably
lies above (``above_bracket``: a warrant bought for a cent) or below (``below_bracket``: a
stake written off, whose flows only go out, is -100% by definition) the path has no number,
but its rank among the paths is known. Leaving such paths out would bias every percentile:
the median of a warrant that pays off a thousandfold on most paths would be the one odd
path with a solved IRR. So the percentiles here rank

- ``above_bracket`` paths as +inf: a percentile whose linear interpolation puts any weight
  on one is above the bracket (there is no number for it, only its side);
- ``below_bracket`` paths as -100% (-1.0): an IRR cannot be lower (a return below -100%
  would lose more than everything), a written-off stake's IRR is exactly that, and a path
  proved below -99% lies within a point of it; so -100% ranks them below every solved IRR
  (as -inf would) and still interpolates to a meaningful number beside a solved one.

Paths with no IRR and no known side (``no_sign_change`` with only money in,
``no_root_in_bracket``, ``not_converged``, ``no_position``) are left out. When the paths
ranked are fewer than `MIN_RANKED_SHARE` of the paths with a position in the deal, the
statistics would rest on a handful of paths among many with no answer, and are withheld
(None), with ``withheld`` set.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .stats import describe
from .valuation import IRR_BRACKET, REASONS

__all__ = ["ABOVE_RANK", "BELOW_RANK", "BRACKET_SIDES", "IRR_LOWER", "IRR_UPPER", "MIN_RANKED_SHARE",
           "bracket_shares", "describe_irr", "irr_series", "outside_bracket"]

_CODE = {name: code for code, name in REASONS.items()}
IRR_LOWER, IRR_UPPER = IRR_BRACKET
ABOVE_RANK = float("inf")
"""The rank value of an ``above_bracket`` path, and of a percentile among such paths."""
BELOW_RANK = -1.0
"""The rank value of a ``below_bracket`` path (-100%), and of a percentile among them."""
MIN_RANKED_SHARE = 0.01
"""Percentiles need at least this share of the paths with a position to have an IRR or a
known side of the bracket; below it they are withheld (None)."""
_SENTINEL = 1e300
"""Stands for +inf inside numpy's quantile, whose interpolation would give NaN between two
infinities; any interpolation towards it lands far above `IRR_UPPER`."""
_STATS, _LEVELS = ("p05", "p50", "p95"), (0.05, 0.5, 0.95)
BRACKET_SIDES = ("above_bracket", "below_bracket")
"""The ``irr_reason`` names (`valuation.REASONS`) of the paths whose IRR is known to lie
beyond the bracket, above it then below it."""


def bracket_shares(reason: NDArray[np.number]) -> dict[str, float]:
    """The shares of all paths whose IRR lies above and below the bracket.

    The one count behind the JSON summary's ``above_bracket_share`` and
    ``below_bracket_share``, the run store's columns of those names and the IRR histogram's
    grey bars, so the three agree to the bit.

    Parameters
    ----------
    reason : ndarray, shape (paths,)
        Each path's ``irr_reason`` code (`valuation.REASONS`), as numbers.

    Returns
    -------
    dict
        ``above_bracket_share`` and ``below_bracket_share``, each a fraction of
        ``reason.size`` in [0, 1]; 0.0 over no paths.
    """
    if not reason.size:
        return {f"{name}_share": 0.0 for name in BRACKET_SIDES}
    return {f"{name}_share": float(np.mean(reason == _CODE[name])) for name in BRACKET_SIDES}


def irr_series(irr: NDArray[np.floating], reason: NDArray[np.floating]) -> NDArray[np.float64]:
    """Per-path IRRs as the mean of `describe_irr` counts them: the solved IRR, -100%
    (`BELOW_RANK`) on the paths whose IRR lies below the bracket (a total loss), NaN on the
    rest (above the bracket, which has no number, and no IRR at all).

    Parameters
    ----------
    irr : ndarray, shape (paths,)
        Effective annual IRR; NaN where a path has none (float32 or float64).
    reason : ndarray, shape (paths,)
        The path's ``irr_reason`` code (`valuation.REASONS`), as numbers.

    Returns
    -------
    ndarray, shape (paths,), float64
        Its mean over the finite paths is the ``mean`` of `describe_irr` whenever that is a
        number (no path above the bracket, none withheld): what paired differences of two
        runs take (`chipcredit.experiments.paired`), so that a path that becomes a total
        loss counts at -100% instead of dropping out.
    """
    out = np.asarray(irr, dtype=np.float64).copy()
    out[np.asarray(reason) == _CODE["below_bracket"]] = BELOW_RANK
    return out


def outside_bracket(value: float | None) -> str | None:
    """``"above"`` for a percentile above the bracket (+inf), ``"below"`` for one at -100%,
    else None (a solved IRR, or no value)."""
    if value is None or np.isnan(value):
        return None
    if value > IRR_UPPER:
        return "above"
    return "below" if value <= BELOW_RANK else None


def describe_irr(irr: NDArray[np.floating], reason: NDArray[np.floating], active: NDArray[np.bool_],
                 mean: float | None = None) -> dict[str, float | str | bool | None]:
    """Mean and percentiles of per-path IRRs, with the paths beyond the bracket ranked.

    Parameters
    ----------
    irr : ndarray, shape (paths,)
        Effective annual IRR; NaN where a path has none (float32 or float64).
    reason : ndarray, shape (paths,)
        The path's ``irr_reason`` code (`valuation.REASONS`), as numbers.
    active : ndarray of bool, shape (paths,)
        The party has flows in the deal on the path (``cash_in + cash_out > 0``).
    mean : float, optional
        The exact mean of the solved IRRs (`Result.means`); else averaged here.

    Returns
    -------
    dict
        ``mean`` (the paths below the bracket at -100%; None where any path is above it,
        whose IRR has no number to average), ``p05``, ``p50``, ``p95`` (effective annual;
        ``inf`` for a percentile above the bracket, -1.0 for one among the paths below it;
        None where none or withheld),
        ``ranked_share`` (the share of all paths with an IRR or a known side, what the
        percentiles are over) and ``withheld`` (True when those are under
        `MIN_RANKED_SHARE` of the paths with a position, so the statistics are None).
    """
    solved = describe(irr, mean=mean)
    above = reason == _CODE["above_bracket"]
    below = reason == _CODE["below_bracket"]
    finite = np.isfinite(irr)
    ranked = int(np.count_nonzero(finite | above | below))
    out: dict[str, float | str | bool | None] = {
        **solved, "ranked_share": ranked / irr.size if irr.size else 0.0, "withheld": False}
    if ranked and ranked < MIN_RANKED_SHARE * int(np.count_nonzero(active)):
        out.update({"mean": None, "p05": None, "p50": None, "p95": None, "withheld": True})
        return out
    n_above, n_below = int(np.count_nonzero(above)), int(np.count_nonzero(below))
    if not n_above and not n_below:
        return out  # nothing beyond the bracket: the plain percentiles, to the bit
    n_solved = ranked - n_above - n_below
    if n_above:  # some IRRs have no number, only a lower bound: their mean is unknown
        out["mean"] = None
    elif n_solved:  # the paths below count at -100%, as in the percentiles
        out["mean"] = (float(solved["mean"]) * n_solved + BELOW_RANK * n_below) / ranked  # type: ignore[arg-type]
    else:
        out["mean"] = BELOW_RANK
    values = np.sort(np.concatenate([irr[finite].astype(np.float64), np.full(n_above, _SENTINEL),
                                     np.full(n_below, BELOW_RANK)]))
    for name, level, q in zip(_STATS, _LEVELS, np.quantile(values, _LEVELS), strict=True):
        value = float(q)
        if value > IRR_UPPER:
            # a position (n - 1) * level that missed a whole number by an ulp would give the
            # sentinel a sliver of weight and make the percentile "above" (none does up to
            # a million paths, but the guard costs nothing): on a path, it is that path
            h = level * (values.size - 1)
            at = round(h)
            value = float(values[at]) if abs(h - at) < 1e-9 and values[at] <= IRR_UPPER else ABOVE_RANK
        out[name] = 0.0 if value == 0 else value
    return out
