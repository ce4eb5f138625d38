"""HTML tables of the report: the cells and markup every table shares, IRR cells and their
notes, parties, vendors, sensitivity and run metadata (the deals table is
`chipcredit.report.deal_table`)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chipcredit._version import __version__
from chipcredit.analytics.irr_stats import BELOW_RANK, IRR_UPPER
from chipcredit.analytics.lab_purchases import purchases_by_vendor
from chipcredit.analytics.result import Result
from chipcredit.analytics.stats import describe

from .i18n import Catalogue
from .lab_purchases import lab_purchases, purchases_line
from .monte_carlo_error import share_error
from .solvency import kind_label
from .theme import display_name
from .vendors import (
    BASE_CASE_COLUMNS,
    VENDOR_COLUMNS,
    horizon,
    outside_funding,
    unmodelled_funding,
    vendor_rows,
    vendors_caption,
)

__all__ = ["Cell", "irr_notes", "irr_text", "metadata_table", "net_position",
           "parties_table", "sensitivity_table", "table", "vendors_table"]

_VENDOR_HEADERS = ("report.col_revenue_p50", "report.col_revenue_mean", "report.col_self_funded_p50",
                   "report.col_self_funded_mean", "report.col_self_funded_share",
                   "report.col_self_funded_share_pooled", "report.col_unit_share_end")
"""Headers of the `VENDOR_COLUMNS`, in their order."""
_BASE_CASE_VENDOR_HEADERS = ("report.col_revenue_base", "report.col_self_funded_base",
                             "report.col_self_funded_share_base", "report.col_unit_share_end_base")
"""Headers of the `BASE_CASE_COLUMNS` (a deterministic run's one path), in their order."""


@dataclass(frozen=True)
class Cell:
    """One table cell: ``kind`` is ``num`` (right-aligned), ``data`` (text from the scenario,
    left as written: ids, sources) or ``""``."""

    text: str
    kind: str = ""


LONG_CELL = 40
"""A number cell longer than this many characters (the SPV table's worst LTV with its
quarter, paths and note) gets class ``long``, which the report's stylesheet lets wrap: a
number cell otherwise never wraps, and one such cell made the page 2,115 px wide at a
1,280 px window."""


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            attrs = {"num": ' class="num"', "data": ' class="data" translate="no"'}.get(cell.kind, "")
            if cell.kind == "num" and len(cell.text) > LONG_CELL:
                attrs = ' class="num long"'
            cells.append(f"<td{attrs}>{html.escape(cell.text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def irr_text(cat: Catalogue, shown: tuple[str, float | None]) -> str:
    """An IRR percentile as `irr_percentiles.irr_shown` sees it, in the language of ``cat``: above
    the bracket ``>1000%`` (its bound), among the paths below it ``-100%``, withheld n/a,
    else the annual rate to three figures (as ``chipcredit run``'s ``irr_text``). The kind
    ``none`` (a table's own, for a row where no path has an IRR: `irr_shown` gives
    ``("value", None)``, n/a) reads ``report.no_value``, a dash, as in ``chipcredit run``."""
    kind, value = shown
    if kind == "none":
        return cat.t("report.no_value")
    if kind == "above" and value is not None:
        return cat.t("number.over", value=cat.t("number.percent", value=f"{value * 100:.0f}"))
    if kind == "below":
        return cat.percent(value, 3)
    if kind == "withheld":
        return cat.na()
    return cat.metric_value("irr", value)


def irr_notes(cat: Catalogue, kinds: set[str]) -> list[str]:
    """The notes under a table whose IRR cells (`irr_text`) show the ``kinds`` of
    `irr_percentiles.irr_shown` beyond a number (``above``, ``below``, ``withheld``), or ``none``
    (no path has an IRR): what each means, in that order."""
    bound = cat.t("number.percent", value=f"{IRR_UPPER * 100:.0f}")
    return [cat.t(f"report.irr_{kind}_note", value=irr_text(cat, (kind, value)), bound=bound)
            for kind, value in (("above", IRR_UPPER), ("below", BELOW_RANK), ("withheld", None),
                                ("none", None))
            if kind in kinds]


def _median(result: Result, party: str, metric: str, cat: Catalogue) -> str:
    key = f"party|{party}|{metric}"
    if key not in result.outcomes:
        return ""
    return cat.money(describe(result.outcomes[key])["p50"])


def parties_table(result: Result, cat: Catalogue) -> str:
    """Per party: its kind, its default probability (every party that can default: labs and
    clouds on their own balance sheet; blank for the others, which never default), median
    total revenue and median cash at the horizon. Each cell carries its unit; the default
    header is dated with the horizon's last quarter (``P(default) by 2035Q3``), as the CLI's. Where a party's
    cash is a net position (`net_position`: a cloud funded by its parent, a lender), a note
    under the table says so: it runs negative by what was put in or lent. A deterministic
    run's one path has no probability or median: whether the party defaults (yes or no),
    its revenue and its cash, under headers that name no statistic. A default probability
    carries its Monte Carlo standard error (``27.3% ±2.6``, `monte_carlo_error.share_error`)
    and a note says what ± is (``report.mc_error_note``). A lab that bought from two vendors
    or more, or whose spend a vendor's money partly covers, gets a note line of its own
    hardware purchases by vendor (`lab_purchases.purchases_line`, the line ``chipcredit run``
    prints under its parties table, from the JSON summary's ``purchases_by_vendor``)."""
    base = "_base" if result.deterministic else ""
    headers = [cat.t("report.col_party"), cat.t("report.col_kind"),
               # dated as the CLI's: the odds run to the horizon's last quarter
               cat.t(f"report.col_default{base}_by", last=horizon(result.scenario)[1]),
               cat.t(f"report.col_revenue{base}"),
               cat.t(f"report.col_cash_end{base}")]
    rows = []
    for p in result.scenario.parties:
        share = result.default_probability(p.id) if p.can_default else None
        default = ("" if share is None
                   else cat.t("report.answer_yes" if share > 0 else "report.answer_no")
                   if result.deterministic
                   # one Monte Carlo standard error after it, as chipcredit run writes it
                   else f"{cat.path_share(share)} {share_error(share, result.paths)}".rstrip())
        rows.append([Cell(display_name(result, p.id, cat), "data"),
                     Cell(kind_label(p, cat)), Cell(default, "num"),
                     Cell(_median(result, p.id, "revenue_total", cat), "num"),
                     Cell(_median(result, p.id, "cash_end", cat), "num")])
    # a party's note is the scenario's own words, in English like its other free text, which
    # the Chinese page leaves out (it shows the scenario's names only)
    notes = [cat.t("report.party_note", party=display_name(result, p.id, cat), note=p.note)
             for p in result.scenario.parties if p.note and cat.lang == "en"]
    # whom each lab bought its hardware from, read as the JSON summary has it
    bought = {"parties": {p.id: {"purchases_by_vendor": purchases_by_vendor(result, p.id)}
                          for p in result.scenario.parties if p.kind == "lab"}}
    notes += [purchases_line(lab, split, cat, deterministic=result.deterministic,
                             name=lambda party: display_name(result, party, cat))
              for lab, split in lab_purchases(bought).items()]
    if not result.deterministic and any(p.can_default for p in result.scenario.parties):
        notes.append(cat.t("report.mc_error_note"))
    if any(net_position(p) for p in result.scenario.parties):
        notes.append(cat.t("report.funded_cash_note"))
    if any(p.kind == "vendor" for p in result.scenario.parties):
        notes.append(cat.t("report.vendor_cash_note"))
    return table(headers, rows) + "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)


def net_position(party: Any) -> bool:
    """Whether a party's cash at the horizon is a net position, not a balance: a cloud with
    ``balance_sheet: funded`` (its parent pays its bills, so its cash runs negative by what it
    was funded with) or a lender (it starts with no cash, so it runs negative by what it has
    lent and not yet got back)."""
    return party.kind == "lender" or (party.kind == "cloud"
                                      and getattr(party, "balance_sheet", "") == "funded")


def vendors_table(result: Result, cat: Catalogue) -> str:
    """Per vendor: total revenue, self-funded revenue (median and mean), the self-funded
    share (mean of the per-path shares) and the share of units at the horizon (median): the
    rows of `vendors.vendor_rows`, as the CLI's vendors table has them, then the note of what
    self-funded revenue counts. Empty for a scenario without vendors. A deterministic run's
    one path has each figure once (`BASE_CASE_COLUMNS`), under headers that name no
    statistic."""
    parties = [(p.id, p.kind) for p in result.scenario.parties]
    rows = vendor_rows(result.summary().to_dict("records"), parties,
                       deterministic=result.deterministic)
    if not rows:
        return ""
    columns, names = ((BASE_CASE_COLUMNS, _BASE_CASE_VENDOR_HEADERS) if result.deterministic
                      else (VENDOR_COLUMNS, _VENDOR_HEADERS))
    headers = [cat.t("report.col_party"), *(cat.t(h) for h in names)]
    body = []
    for row in rows:
        cells = [Cell(display_name(result, row.party, cat), "data")]
        for (metric, _, unit), value in zip(columns, row.values, strict=True):
            text = cat.na() if value is None else (
                cat.money(value) if unit == "money"
                # two decimals, as in the CLI: self-funded shares are fractions of 1%
                else cat.t("number.percent", value=f"{value * 100:.2f}") if metric.startswith("self")
                else cat.percent(value))
            cells.append(Cell(text, "num"))
        body.append(cells)
    note = vendors_caption(result.summary().to_dict("records"), parties,
                           unmodelled_funding(result.scenario), cat,
                           lambda party: display_name(result, party, cat),
                           outside=outside_funding(result.scenario), horizon=horizon(result.scenario))
    return table(headers, body) + f'<p class="note">{html.escape(note)}</p>'



_METRIC_COLUMNS = ("metric_low", "metric_high", "swing")
"""Columns of a tornado's table in the unit of its metric."""


def sensitivity_table(sensitivity: Any, cat: Catalogue) -> str:
    """The ranked parameters of a sensitivity run with their ranges and effects."""
    frame = sensitivity.table
    named = {"parameter": cat.t("report.col_parameter"), "low": cat.t("report.col_low"),
             "high": cat.t("report.col_high"), "metric_low": cat.t("report.col_metric_low"),
             "metric_high": cat.t("report.col_metric_high"), "swing": cat.t("report.col_swing")}
    columns = [c for c in frame.columns if c not in ("basis",)]
    rows = []
    for rec in frame.to_dict("records"):
        # the metric's values in its unit (a share price in $, P(default) in %); a parameter's
        # ends and an importance index as plain numbers
        rows.append([Cell(str(rec[c]), "data") if c == "parameter"
                     else Cell(cat.na() if rec[c] is None
                               else cat.path_value(sensitivity.metric, float(rec[c]))
                               if c in _METRIC_COLUMNS else cat.number(float(rec[c])), "num")
                     for c in columns])
    return table([named.get(c, c) for c in columns], rows)


def metadata_table(result: Result, cat: Catalogue) -> str:
    sc = result.scenario
    labels = result.quarter_labels()
    answer = cat.t("report.answer_yes") if result.deterministic else cat.t("report.answer_no")
    rows = [
        # the code that simulated the run (stamped on the Result), not the one writing the page
        ("report.meta_version", Cell(result.version or __version__, "num")),
        ("report.meta_code", Cell(result.code_sha256 or cat.na(), "data")),
        ("report.meta_scenario", Cell(sc.name, "data")),
        ("report.meta_description", Cell(sc.description, "data")),
        ("report.meta_sha", Cell(result.scenario_sha256, "data")),
        ("report.meta_paths", Cell(f"{result.paths:,}", "num")),
        ("report.meta_seed", Cell(str(result.seed), "num")),
        ("report.meta_deterministic", Cell(answer)),
        ("report.meta_start", Cell(labels[0], "num")),
        ("report.meta_quarters", Cell(str(sc.horizon_quarters), "num")),
        # in the catalogue's money unit ($B; 亿美元 is $0.1B), as its label says
        ("report.meta_imbalance",
         Cell(f"{result.max_abs_imbalance * cat.money_scale:.1e}", "num")),
    ]
    return table([cat.t("report.col_field"), cat.t("report.col_value")],
                 [[Cell(cat.t(key)), cell] for key, cell in rows])
