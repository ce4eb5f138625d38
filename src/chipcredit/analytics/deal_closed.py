"""A deal's party figures given it closed: the JSON summary's ``deals.DEAL.closed_share`` and
``deals.DEAL.given_closed`` (docs/output.md).

A deal that may not close (its ``close_probability`` is not a fixed 1: seed-2025's letter of
intent) counts its figures as 0 on the paths where it did not close, so its parties' NPV
and deal loss over all paths mix those zeros in (an NPV median of 0.0 where it closed on
under half the paths). The figures here are over the paths on which it closed
(`closing.closed_paths`: some party of it paid or received money there), as the SPVs'
credit figures are (`json_summary.spv_credit`).

Only deals that may not close get them: a deal that always closes can move no money on a
path and still be in force (a take-or-pay with no shortfall, a warrant's issuer), so the
flows' rule would call it unclosed there. Of those, a deal that closed on every path gets
neither field (its figures over all paths are the figures given it closed); one that closed
on none gets ``closed_share`` 0.0 and figures of None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .closing import closed_paths
from .stats import describe, share_se

if TYPE_CHECKING:
    from .result import Result

__all__ = ["deal_closed", "deals_closed", "given_closed", "may_not_close"]


def may_not_close(deals: Iterable[Any]) -> list[str]:
    """Ids of the deals whose ``close_probability`` is not a fixed 1 (the rule of
    `chipcredit.report.multiples.uncertain_close`), in scenario order."""
    out = []
    for d in deals:
        chance = d.close_probability
        if not (getattr(chance, "dist", None) == "fixed" and getattr(chance, "value", None) == 1.0):
            out.append(d.id)
    return out


def given_closed(npv: ArrayLike, loss: ArrayLike, closed: NDArray[np.bool_],
                 npv_mean: float | None = None, loss_mean: float | None = None
                 ) -> dict[str, Any]:
    """One party's figures over the paths on which its deal closed.

    Parameters
    ----------
    npv, loss : per-path NPV and deal loss ($B), shape (paths,)
    closed : the paths on which the deal closed (`closing.closed_paths`)
    npv_mean, loss_mean : the exact means over all paths (`Result.mean`), where known; each
        is used, over the closed share, only where the metric is 0 on every unclosed path
        (then the two agree but for rounding); otherwise the closed paths are averaged

    Returns
    -------
    dict
        ``npv`` and ``loss`` (`describe` over the closed paths, $B; all None where it
        closed on none), ``loss_probability`` (the share of the closed paths with a deal
        loss above 0; None where it closed on none) and ``loss_probability_se``
        (`share_se` over the closed paths).
    """
    share = float(np.mean(closed)) if closed.size else 0.0
    out: dict[str, Any] = {}
    for name, values, exact in (("npv", npv, npv_mean), ("loss", loss, loss_mean)):
        v = np.asarray(values)
        zero_elsewhere = not np.any(v[~closed] != 0)
        mean = (exact / share if exact is not None and share > 0 and zero_elsewhere
                and np.isfinite(exact) else None)
        out[name] = describe(v[closed], mean=mean)
    n = int(closed.sum())
    lost = np.asarray(loss)[closed] > 0
    out["loss_probability"] = float(np.mean(lost, dtype=np.float64)) if n else None
    out["loss_probability_se"] = share_se(out["loss_probability"], n)
    return out


def deal_closed(deals: Iterable[Any], deal: str, outcomes: Mapping[str, ArrayLike],
                means: Mapping[str, float] | None = None) -> dict[str, Any] | None:
    """The given-closed figures of one deal: ``closed_share`` (of all paths),
    ``closed_share_se`` (`share_se` over all paths) and ``given_closed``, party to
    `given_closed`; None for a deal that always closes (`may_not_close`), one that closed on
    every path, or one with no flows in ``outcomes``.

    Parameters
    ----------
    deals : the scenario's deal models
    deal : the deal's id
    outcomes : per-path outcomes keyed as `Result.outcomes` (the run store's too)
    means : exact means over all paths by outcome key (`Result.means`), where known
    """
    if deal not in may_not_close(deals):
        return None
    closed = closed_paths(deal, outcomes)
    if closed is None or closed.all():
        return None
    share = float(np.mean(closed))
    prefix = f"deal|{deal}|"
    parties: dict[str, Any] = {}
    for key in outcomes:
        if not (key.startswith(prefix) and key.endswith("|npv")):
            continue
        party = key[len(prefix):-len("|npv")]
        loss_key = f"{prefix}{party}|loss"
        if loss_key not in outcomes:
            continue
        parties[party] = given_closed(outcomes[key], outcomes[loss_key], closed,
                                      None if means is None else means.get(key),
                                      None if means is None else means.get(loss_key))
    return {"closed_share": share, "closed_share_se": share_se(share, int(closed.size)),
            "given_closed": parties}


def deals_closed(result: Result) -> dict[str, dict[str, Any]]:
    """`deal_closed` of every deal of ``result`` that has figures given it closed, by deal
    id in scenario order: the fields the JSON summary adds to ``deals.DEAL``."""
    means = {key: result.mean(key) for key in result.outcomes
             if key.startswith("deal|") and key.endswith(("|npv", "|loss"))}
    out = {}
    for d in result.scenario.deals:
        entry = deal_closed(result.scenario.deals, d.id, result.outcomes, means)
        if entry is not None:
            out[d.id] = entry
    return out
