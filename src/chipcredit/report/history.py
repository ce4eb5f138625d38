"""The report's "Against history" section: each observation of the scenario's ``history:``
placed among the run's paths (`chipcredit.analytics.history_check`), as ``chipcredit run``'s
table has it (`chipcredit.cli.history_table`), in the catalogue's language."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from chipcredit.analytics import history_check as hc
from chipcredit.analytics.history_check import fewer_paths, spans_zero, table_paths

from .i18n import Catalogue
from .tables import Cell, table

if TYPE_CHECKING:
    from chipcredit.analytics.result import Result

__all__ = ["WHERE_KEYS", "history_rows", "history_section"]

WHERE_KEYS = {hc.INSIDE: "inside", hc.BELOW: "below", hc.ABOVE: "above", hc.AT_BASE: "at_base",
              hc.BELOW_BASE: "below_base", hc.ABOVE_BASE: "above_base",
              hc.EARLIER_BASE: "earlier_base", hc.LATER_BASE: "later_base",
              hc.NOT_RECORDED: "not_recorded", hc.NO_DEFAULT: "no_default",
              hc.INSIDE_DEFAULTS: "inside_defaults", hc.BEFORE_DEFAULTS: "before_defaults",
              hc.AFTER_DEFAULTS: "after_defaults"}
"""The catalogue key (``history.where.KEY``) of each of `history_check`'s placements."""


def _quarter(offset: float | None, labels: list[str], cat: Catalogue) -> str:
    if offset is None:
        return cat.na()
    return labels[min(max(int(offset), 0), len(labels) - 1)]


def _spans_zero(check: hc.HistoryCheck, where: str, cat: Catalogue) -> str:
    """``where`` with the note that the band spans 0 (`spans_zero`), naming the band's
    paths on which the series' party has defaulted by then where there are any."""
    if not check.defaulted_paths:
        return cat.t("history.spans_zero", where=where)
    party = str(check.series).split(".")[1]
    return cat.t("history.spans_zero_defaults", where=where, party=party,
                 defaulted=f"{check.defaulted_paths:,}", paths=cat.paths(check.paths))


def history_rows(result: Result, cat: Catalogue) -> tuple[str, list[str], list[list[str]]]:
    """The note on how to read the table (the paths and seed the bands are over, or the
    base case), the headers, and one row of text per observation: its label, the series (or
    "PARTY defaults"), the quarter, the model's p05 / p50 / p95 (the base case's value in a
    deterministic run), the observed value, its percentile rank (for a default, P(by the
    quarter) and in the horizon; not in a deterministic run), where it falls (and that it
    is in-sample, where the scenario's inputs were set from it; that the band spans 0, where
    it runs from 0 to above it, so placing the observation tests little), and its source. A row whose
    band is over fewer paths than the note names (a deal's variable where the deal is open,
    a default over the paths that default) gives its own count beside the model's figures.
    The report's section and the dashboard's table are both built from it; ``""``
    and no rows when the scenario records no history."""
    checks = hc.history_check(result)
    if not checks:
        return "", [], []
    labels = result.quarter_labels()
    det = result.deterministic
    rows = []
    total = 0 if det else table_paths(checks)
    for c in checks:
        where = cat.t(f"history.where.{WHERE_KEYS[c.where]}")
        if spans_zero(c):
            where = _spans_zero(c, where, cat)
        if c.in_sample:
            where = cat.t("history.in_sample", where=where)
        own = None if det else fewer_paths(c, total)
        over = "" if own is None else cat.t("history.over_paths", paths=cat.paths(own))
        if c.event == "default":
            series = cat.t("history.default_of", party=c.party)
            if det:
                model = (cat.t("history.defaults_in", quarter=_quarter(c.p50, labels, cat))
                         if c.p50 is not None else cat.t("history.no_default"))
            else:
                model = " / ".join(_quarter(v, labels, cat) for v in (c.p05, c.p50, c.p95))
            observed = c.quarter
            rank = cat.t("history.default_by", quarter=c.quarter,
                         by=cat.path_share(c.default_probability_by),
                         all=cat.path_share(c.default_probability))
        else:
            series = str(c.series)
            model = (cat.number(c.p50, 4) if det
                     else " / ".join(cat.number(v, 4) for v in (c.p05, c.p50, c.p95)))
            observed = cat.number(c.observed, 4)
            rank = cat.na() if c.rank is None else f"{c.rank:.1f}"
        row = [c.label, series, c.quarter, model + over, observed]
        rows.append(row + ([] if det else [rank]) + [where, c.source or ""])
    headers = [cat.t("history.col_observation"), cat.t("history.col_series"),
               cat.t("history.col_quarter"),
               cat.t("history.col_base" if det else "history.col_model"),
               cat.t("history.col_observed")]
    headers += ([] if det else [cat.t("history.col_rank")]) + [cat.t("history.col_where"),
                                                               cat.t("history.col_source")]
    intro = (cat.t("history.intro_deterministic") if det else
             cat.t("history.intro", paths=cat.paths(total),
                   seed=result.seed))
    return intro, headers, rows


def history_section(result: Result, cat: Catalogue) -> str:
    """The section's HTML: a note on how to read it and one row per observation; empty
    when the scenario records no history."""
    intro, headers, rows = history_rows(result, cat)
    if not rows:
        return ""
    # the label, series and source are the scenario's words; the model and observed
    # values (and a rank) are numbers
    kinds = ["data", "data", "", "num", "num"] + ["num"] * (len(headers) - 7) + ["", "data"]
    cells = [[Cell(text, kind) if kind else Cell(text) for text, kind in zip(row, kinds, strict=True)]
             for row in rows]
    return f'<p class="note">{html.escape(intro)}</p>' + table(headers, cells)
