"""The Market tab's table of each vendor's revenue where a buyer defaults and where it does
not: the HTML report's and ``chipcredit run``'s
(`chipcredit.report.default_exposure.exposure_rows`), read from the JSON summary, with the
report's title and caption (`chipcredit.report.default_exposure.exposure_note`)."""

from __future__ import annotations

import pandas as pd

import chipcredit as cc
from chipcredit.dashboard.names import party_name
from chipcredit.report.default_exposure import EXPOSURE_COLUMNS, exposure_note, exposure_rows
from chipcredit.report.i18n import Catalogue
from chipcredit.report.vendors import horizon

__all__ = ["exposure_table", "exposure_text", "exposure_title"]


def exposure_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The table, cell for cell the report's (`exposure_html`): the vendor by its name (on
    its first row only), the party by its name, its probability of default, then the
    vendor's median and mean revenue over the horizon where the party defaults and where it
    does not, in the page's unit. Empty where no party defaults on some paths and not on
    others (a deterministic run)."""
    parties = result.scenario.parties
    out = []
    last = None
    for row in exposure_rows(result.to_dict()):
        cells = {T.t("report.col_party"): party_name(row.vendor, parties, T)
                 if row.vendor != last else "",
                 T.t("report.col_exposure_party"): party_name(row.party, parties, T)}
        for k in EXPOSURE_COLUMNS:
            cells[T.t(f"report.col_exposure_{k}")] = T.path_value(row.path(k), row.figures[k])
        out.append(cells)
        last = row.vendor
    return pd.DataFrame(out)


def exposure_title(result: cc.Result, T: Catalogue) -> str:
    """The report's title of the table, with the horizon it is over."""
    first, last, _ = horizon(result.scenario)
    return T.t("report.exposure_title") + T.t("report.vendor_financials_span", first=first,
                                              last=last)


def exposure_text(T: Catalogue) -> str:
    """The report's caption under `exposure_table`: what the split is, and that its gap is
    not what one party's default alone costs the vendor."""
    return exposure_note(T)
