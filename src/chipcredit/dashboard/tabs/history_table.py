"""The Overview's "Against history" table: each observation of the scenario's ``history:``
placed among the run's paths (`chipcredit.analytics.history_check`), cell for cell the HTML
report's section (`chipcredit.report.history.history_section`) and ``chipcredit run``'s
table, in the report catalogue's words (``history.*``)."""

from __future__ import annotations

import pandas as pd

import chipcredit as cc
from chipcredit.analytics import history_check as hc
from chipcredit.report.history import WHERE_KEYS
from chipcredit.report.i18n import Catalogue

__all__ = ["history_table"]


def _quarter(offset: float | None, labels: list[str], T: Catalogue) -> str:
    if offset is None:
        return T.na()
    return labels[min(max(int(offset), 0), len(labels) - 1)]


def history_table(result: cc.Result, T: Catalogue) -> tuple[str, pd.DataFrame]:
    """The report's note on how to read the table (the paths and seed the bands are over,
    or the base case), and the table: one row per observation: its label, the series (or
    "PARTY defaults"), the quarter, the model's p05 / p50 / p95 (the base case's value in a
    deterministic run), the observed value, its percentile rank (for a default, P(by the quarter) and in the
    horizon), where it falls, and its source. ``""`` and an empty table when the scenario
    records no history."""
    checks = hc.history_check(result)
    if not checks:
        return "", pd.DataFrame()
    labels = result.quarter_labels()
    det = result.deterministic
    rows = []
    for c in checks:
        if c.event == "default":
            series = T.t("history.default_of", party=c.party)
            if det:
                model = (T.t("history.defaults_in", quarter=_quarter(c.p50, labels, T))
                         if c.p50 is not None else T.t("history.no_default"))
            else:
                model = " / ".join(_quarter(v, labels, T) for v in (c.p05, c.p50, c.p95))
            observed = c.quarter
            rank = T.t("history.default_by", quarter=c.quarter,
                       by=T.path_share(c.default_probability_by),
                       all=T.path_share(c.default_probability))
        else:
            series = str(c.series)
            model = (T.number(c.p50, 4) if det
                     else " / ".join(T.number(v, 4) for v in (c.p05, c.p50, c.p95)))
            observed = T.number(c.observed, 4)
            rank = T.na() if c.rank is None else f"{c.rank:.1f}"
        row = {T.t("history.col_observation"): c.label, T.t("history.col_series"): series,
               T.t("history.col_quarter"): c.quarter,
               T.t("history.col_base" if det else "history.col_model"): model,
               T.t("history.col_observed"): observed}
        if not det:
            row[T.t("history.col_rank")] = rank
        row[T.t("history.col_where")] = T.t(f"history.where.{WHERE_KEYS[c.where]}")
        row[T.t("history.col_source")] = c.source or ""
        rows.append(row)
    intro = (T.t("history.intro_deterministic") if det else
             T.t("history.intro", paths=T.paths(max(c.paths for c in checks)), seed=result.seed))
    return intro, pd.DataFrame(rows)
