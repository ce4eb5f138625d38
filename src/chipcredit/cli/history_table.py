"""``chipcredit run``'s "Against history" table: each observation of the scenario's
``history:`` placed among the run's paths (`chipcredit.analytics.history_check`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from rich.table import Table

from chipcredit.analytics.history_check import HistoryCheck, fewer_paths, spans_zero, table_paths

from .captions import NotedTable
from .formats import DASH, compact, path_share, paths_count

__all__ = ["IN_SAMPLE", "checks_from_summary", "history_table", "quarter_text", "spans_zero_note"]


def quarter_text(offset: float | None, labels: Sequence[str]) -> str:
    """A default-quarter percentile (an offset from the start, a float) as a quarter label:
    the whole quarter it falls in (as docs/validation.md reads them); `DASH` for none."""
    if offset is None:
        return DASH
    return labels[min(max(int(offset), 0), len(labels) - 1)]


def checks_from_summary(summary: Mapping[str, Any] | None) -> list[HistoryCheck]:
    """The checks a run's JSON summary keeps (its ``history`` entries, `HistoryCheck.to_dict`),
    so that ``runs show`` prints the table ``run`` printed; empty without history."""
    names = {f.name for f in fields(HistoryCheck)}
    text = {"series": None, "event": None, "party": None, "source": None}
    return [HistoryCheck(**{**text, **{k: v for k, v in entry.items() if k in names}})
            for entry in (summary or {}).get("history") or ()]


IN_SAMPLE = " (in-sample: the inputs were set from it)"
"""Added to ``where`` on a row whose observation the scenario's inputs were set from."""


def spans_zero_note(check: HistoryCheck) -> str:
    """Added to ``where`` on a series row whose band runs from 0 to above 0 (`spans_zero`),
    naming the band's paths on which the series' party has defaulted by then, if any;
    ``""`` on any other row."""
    if not spans_zero(check):
        return ""
    if not check.defaulted_paths:
        return "; the band spans 0: placing the observation in it tests little"
    party = str(check.series).split(".")[1]
    return (f"; the band spans 0 ({party} has defaulted by then on {check.defaulted_paths:,} "
            f"of its {paths_count(check.paths)}): placing the observation in it tests little")


def _row(check: HistoryCheck, labels: Sequence[str], deterministic: bool,
         total: int) -> list[str]:
    where = check.where + spans_zero_note(check) + (IN_SAMPLE if check.in_sample else "")
    own = None if deterministic else fewer_paths(check, total)
    over = "" if own is None else f" (over {paths_count(own)})"
    if check.event == "default":
        by = (f"P(by {check.quarter}) {path_share(check.default_probability_by)}; "
              f"in the horizon {path_share(check.default_probability)}")
        if deterministic:
            model = ("defaults in " + quarter_text(check.p50, labels) if check.p50 is not None
                     else "does not default")
            by = ""
        else:
            model = " / ".join(quarter_text(v, labels) for v in (check.p05, check.p50, check.p95))
        row = [check.label, f"{check.party} defaults", check.quarter, model + over, check.quarter]
        return row + ([] if deterministic else [by]) + [where]
    if deterministic:
        model = compact(check.p50)
    else:
        model = " / ".join(compact(v) for v in (check.p05, check.p50, check.p95))
    rank = DASH if check.rank is None else f"{check.rank:.1f}"
    row = [check.label, str(check.series), check.quarter, model + over, compact(check.observed)]
    return row + ([] if deterministic else [rank]) + [where]


def history_table(checks: Sequence[HistoryCheck], labels: Sequence[str], *,
                  deterministic: bool, seed: int) -> Table | None:
    """The "Against history" table: one row per observation, in the scenario's order; None
    when the scenario records no history.

    Parameters
    ----------
    checks : the run's `history_check`
    labels : the run's quarter labels (`Result.quarter_labels`)
    deterministic : whether the run is the base case (one path: its value, no band)
    seed : the run's seed, named in the title
    """
    if not checks:
        return None
    headers: tuple[str, ...]
    paths = 0
    if deterministic:
        title = ("Against history: each observation in the scenario's history beside the "
                 "deterministic base case")
        headers = ("observation", "series", "quarter", "base case", "observed", "where")
    else:
        paths = table_paths(checks)
        title = ("Against history: each observation in the scenario's history placed among "
                 f"the run's paths, over {paths_count(paths)}, seed {seed}")
        headers = ("observation", "series", "quarter", "model p05 / p50 / p95", "observed",
                   "rank or P(default)", "where")
    table = NotedTable(title=title, caption=(
        "rank: the percentile of the observed value among the paths (the share below it, "
        "ties counted half). inside the band: from p05 to p95. A row over fewer paths than "
        "the title's (a deal's variable where the deal is open, a default) names its own "
        "count. A default row gives the quarter of the party's default over the paths on "
        "which it defaults (where it falls among those paths, given a default), and P(by "
        "QUARTER), the share of all paths on which it has defaulted by the end of that "
        "quarter: how likely it was. in-sample: the scenario's inputs were set from the "
        "observation, so it tests nothing. the band spans 0: it runs from 0 (p05) to above "
        "0, so almost any value is inside it.") if not deterministic else (
        "above (below) the base case: the observed value is above (below) the one path's."))
    for header in headers:
        table.add_column(header, overflow="fold")
    for check in checks:
        table.add_row(*_row(check, labels, deterministic, paths))
    return table
