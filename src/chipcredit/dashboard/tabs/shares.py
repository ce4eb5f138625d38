"""Probabilities and shares of paths as the dashboard writes them, and which statistics of a
run are over only some of its paths (marked `PARTIAL_MARK`, as ``chipcredit run`` marks them)."""

from __future__ import annotations

import math

import chipcredit as cc
from chipcredit.report.i18n import Catalogue
from chipcredit.report.multiples import partial_share
from chipcredit.report.path_shares import near_end_percent

__all__ = ["PARTIAL_MARK", "partial_shares", "path_share_text", "probability_text"]


def probability_text(T: Catalogue, share: float | None) -> str:
    """A probability to 0.1 percentage point, always with one decimal (``27.3%``, ``38.0%``),
    so that KPIs and tables side by side read alike; n/a when there is none."""
    if share is None or not math.isfinite(share):
        return T.na()
    return T.t("number.percent", value=f"{share * 100:.1f}")


PARTIAL_MARK = "*"
"""Mark of a statistic over only some of the paths, as in ``chipcredit run``'s deal table."""


def partial_shares(result: cc.Result) -> dict[tuple[str, str, str], float]:
    """(deal, party, metric) to the share of the paths its statistics are over, for those
    over only some (strictly between 0 and 1), by the rule of ``chipcredit run``'s ``*``:
    for an IRR the paths it ranks (``ranked_share``), for any other metric those with a
    value (1 - ``nan_share``). A deal that did not close on a path has no IRR or MOIC there."""
    table = result.summary()
    table = table[table["deal"].notna()]
    out = {}
    for rec in table.to_dict("records"):
        share = partial_share(rec.get("ranked_share"), rec.get("nan_share"))
        if share is not None:
            out[(str(rec["deal"]), str(rec["party"]), str(rec["metric"]))] = share
    return out


def path_share_text(T: Catalogue, share: float) -> str:
    """A share of the paths to 0.1 percentage point, as ``chipcredit run`` prints it, except
    within 1% of none or all of them, where it has two significant figures of its distance
    from there (`chipcredit.report.path_shares.near_end_percent`, the rule of the CLI and
    the report): 1 path in 2,000 reads ``0.05%``, never ``0.0%`` or ``0.1%``."""
    near = near_end_percent(share) if math.isfinite(share) else None
    return probability_text(T, share) if near is None else T.t("number.percent", value=near)
