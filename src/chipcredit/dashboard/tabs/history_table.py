"""The Overview's "Against history" table: each observation of the scenario's ``history:``
placed among the run's paths (`chipcredit.analytics.history_check`), cell for cell the HTML
report's section (`chipcredit.report.history.history_section`) and ``chipcredit run``'s
table, in the report catalogue's words (``history.*``)."""

from __future__ import annotations

import pandas as pd

import chipcredit as cc
from chipcredit.report.history import history_rows
from chipcredit.report.i18n import Catalogue

__all__ = ["history_table"]


def history_table(result: cc.Result, T: Catalogue) -> tuple[str, pd.DataFrame]:
    """The report's note on how to read the table (the paths and seed the bands are over,
    or the base case), and the table, the report's rows (`history_rows`) under its headers:
    one row per observation. ``""`` and an empty table when the scenario records no
    history."""
    intro, headers, rows = history_rows(result, T)
    return intro, pd.DataFrame(rows, columns=headers) if rows else pd.DataFrame()
