"""What a deal's row must say beside its figures: its status, its parties' discount rates,
and the odds its statistics over all paths hide.

Shared by ``chipcredit run`` (and ``runs show``) and the HTML report, so both say the same:

- `hypothetical_deals`: the deals a scenario marks ``status: hypothetical`` (no such deal
  is reported; every term is assumed), which every table that lists deals marks;
- `discount_rates`: the rate each party's NPV discounts at (a deal's NPV is the party's own,
  so the same flows read differently to two parties: a lender at 9% and an investor at 15%);
- `path_odds`: per (deal, party), the share of all paths with NPV below 0, and for a deal
  that closed on only some paths the same odds and those of a deal loss given it closed
  (a row's NPV and loss count the paths where it did not close as 0, its IRR and MOIC
  leave them out: these put the row on one basis).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from chipcredit.analytics.closing import closed_paths
from chipcredit.analytics.deal_closed import given_closed

__all__ = ["PathOdds", "discount_rates", "hypothetical_deals", "path_odds"]

DUST = 1e-9
"""$B: an NPV above minus one dollar is not below 0 (a deal's sums leave rounding dust)."""
HYPOTHETICAL = "hypothetical"
"""The deal status of a deal that no report describes (`chipcredit.scenario.deals`)."""


def hypothetical_deals(deals: Iterable[Any]) -> list[str]:
    """Ids of the deals with ``status: hypothetical``, in scenario order.

    ``deals`` are the scenario's deal models (``Scenario.deals``)."""
    return [d.id for d in deals if getattr(d, "status", None) == HYPOTHETICAL]


def discount_rates(parties: Iterable[Any]) -> dict[str, tuple[float, bool]]:
    """Each party's discount rate (effective annual, a fraction) and whether it is uncertain
    (then the value is its median, and each path draws its own).

    ``parties`` are the scenario's party models (``Scenario.parties``)."""
    out = {}
    for p in parties:
        rate = p.discount_rate
        uncertain = bool(rate.is_uncertain)
        out[p.id] = (float(rate.median() if uncertain or rate.value is None else rate.value),
                     uncertain)
    return out


class PathOdds(dict[str, float]):
    """The odds of one (deal, party), each a share in [0, 1]: ``npv_negative`` over all
    paths, and where the deal closed on only some paths ``closed`` (the share of all paths
    on which it did), ``loss_closed`` and ``npv_negative_closed`` (over those paths).

    ``given`` is then the party's figures given the deal closed, as the JSON summary's
    ``deals.DEAL.given_closed.PARTY`` has them (`chipcredit.analytics.deal_closed.
    given_closed`: its NPV's and deal loss's statistics, $B, and ``loss_probability``, the
    ``loss_closed`` above); None otherwise. It is not one of the odds, so not a key."""

    given: dict[str, Any] | None = None


def path_odds(deals: Iterable[Any], outcomes: Mapping[str, ArrayLike]
              ) -> dict[tuple[str, str], PathOdds]:
    """`PathOdds` of every (deal, party) the per-path outcomes have an NPV for.

    Parameters
    ----------
    deals : the scenario's deal models (their ids and order)
    outcomes : per-path outcomes keyed as `Result.outcomes` (``deal|DEAL|PARTY|npv``, $B,
        shape (paths,)); the run store's ``RunStore.outcomes`` gives them too

    Returns
    -------
    dict of (deal, party) to `PathOdds`; a deal that closed on every path, or on none, has
    no ``closed`` odds (its statistics are on one basis already)
    """
    out: dict[tuple[str, str], PathOdds] = {}
    for d in deals:
        closed = closed_paths(d.id, outcomes)
        partial = closed is not None and 0 < closed.sum() < closed.size
        prefix = f"deal|{d.id}|"
        for key, values in outcomes.items():
            if not (key.startswith(prefix) and key.endswith("|npv")):
                continue
            party = key[len(prefix):-len("|npv")]
            npv = np.asarray(values, dtype=np.float64)
            odds = PathOdds(npv_negative=float(np.mean(npv < -DUST)))
            loss_key = f"{prefix}{party}|loss"
            if partial and closed is not None and loss_key in outcomes:
                loss = np.asarray(outcomes[loss_key], dtype=np.float64)
                odds.update(closed=float(closed.mean()),
                            loss_closed=float(np.mean(loss[closed] > 0)),
                            npv_negative_closed=float(np.mean(npv[closed] < -DUST)))
                odds.given = given_closed(npv, loss, closed)
            out[(d.id, party)] = odds
    return out
