"""Overview: headline numbers (KPIs), the plain-language summary, the deal and party tables,
the run's notes, and the downloads (JSON summary, HTML report, scenario YAML).

When a MOIC means nothing for a party (it pays and gets nothing back, it is the deal's
financed side, or it put in a token amount) is the rule of `chipcredit.report.multiples`,
which the ``chipcredit run`` table and the HTML report share: such a party's KPI is its NPV,
and the deal table shows its MOIC as n/m with the reason in a note under the table."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue
from chipcredit.report.multiples import (
    REASONS,
    closed_shares,
    financed_parties,
    irr_not_meaningful,
    irr_shown,
    pair_reason,
    partial_share,
)
from chipcredit.report.solvency import kind_label
from chipcredit.report.tables import irr_notes, irr_text, net_position
from chipcredit.report.vendors import VENDOR_COLUMNS, vendor_rows

__all__ = ["HEADLINE_SIDE", "KEY_METRICS", "OWN_MEASURE", "PARTIAL_MARK", "VENDOR_LABELS", "VENDOR_WIDTHS",
           "closed_notes", "deal_notes", "deal_table", "draw", "headline_kpis", "headline_metric",
           "headline_pairs", "kpi_text", "moic_reasons", "partial_shares", "party_table",
           "path_share_text", "probability_text", "vendor_columns", "vendor_table"]

KEY_METRICS = ("npv", "irr", "moic", "loss")
"""Deal metrics in the overview table."""
OWN_MEASURE = {"deployment_warrant": ("dilution_cost", "warrant_value")}
"""Deal kinds whose NPV and MOIC say nothing, and the outcomes ($B, median over paths) that
measure them instead, the first one the party has: a warrant's issuer puts no money in and
gets a strike of cents back (an NPV of about $0B), so its number is its dilution cost; the
holder's is its warrant value (sale proceeds and held shares less the strike paid)."""
_FINANCIERS = ("vendor", "investor", "lender")
_PER_ROW = 3


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
    """A share of the paths to 0.1 percentage point, as ``chipcredit run`` prints it; one
    that is neither none nor all of them never reads 0.0% or 100.0% (``<0.1%``, ``>99.9%``)."""
    text = probability_text(T, share)
    if 0.0 < share < 0.001:
        return "<" + probability_text(T, 0.001)
    if 0.999 < share < 1.0:
        return ">" + probability_text(T, 0.999)
    return text


HEADLINE_SIDE = {"loan_guarantee": "guarantor"}
"""Deal kinds whose KPI is the party named by this field of the deal, whatever its kind, and
is its expected loss (the mean over the paths of its ``loss``): a loan guarantee's story is
the guarantor's cost (Lucent's calls; it gets nothing back, so a MOIC would read 0x, and as
it is called on some paths only, its median NPV is often $0B), not the bank's, whose loan
the guarantee makes whole."""


def headline_pairs(result: cc.Result) -> list[tuple[str, str]]:
    """One (deal, party) per deal for the KPI row: the party `HEADLINE_SIDE` names where it
    has a position in the deal, else the first vendor, investor or lender that has one."""
    kinds = {p.id: p.kind for p in result.scenario.parties}
    pairs = set(result.deal_parties())
    out: dict[str, str] = {}
    for d in result.scenario.deals:
        side = getattr(d, HEADLINE_SIDE.get(d.kind, ""), None) if d.kind in HEADLINE_SIDE else None
        if side is not None and (d.id, str(side)) in pairs:
            out[d.id] = str(side)
    for deal, party in result.deal_parties():
        if deal not in out and kinds.get(party) in _FINANCIERS:
            out[deal] = party
    return list(out.items())


def moic_reasons(result: cc.Result) -> dict[tuple[str, str], str]:
    """(deal, party) to why its MOIC means nothing (one of `multiples.REASONS`, by
    `multiples.moic_reason`, as the CLI table and the HTML report decide), for the pairs
    whose MOIC means nothing."""
    financed = financed_parties(result.scenario.deals)
    out = {}
    for deal, party in result.deal_parties():
        reason = pair_reason(result, deal, party, financed)
        if reason is not None:
            out[(deal, party)] = reason
    return out


def headline_metric(result: cc.Result, deal: str, party: str) -> str:
    """``loss`` (shown as its mean, the expected loss) for a deal of `HEADLINE_SIDE` (a
    guarantee); else the outcome of the deal's own measure (`OWN_MEASURE`: a warrant's ``dilution_cost``
    or ``warrant_value``) where the party has one; else ``moic`` where the MOIC has a value
    and means something (`multiples.moic_reason` finds nothing: a lender, an SPV investor,
    an equity holder); else ``npv``: where the MOIC has no value on any path (the party put
    no money in, e.g. the seller in a take-or-pay) or means nothing (a backstop's cloud
    capacity or a take-or-pay's goods come back, not cash; the financed side; a token
    outlay)."""
    kinds = {d.id: d.kind for d in result.scenario.deals}
    if kinds.get(deal) in HEADLINE_SIDE:  # a guarantor gets nothing back: its number is its loss
        return "loss"
    for measure in OWN_MEASURE.get(kinds.get(deal, ""), ()):
        try:
            result.outcome(deal, party, measure)
        except cc.UsageError:  # this party's side of the deal has the other measure
            continue
        return measure
    moic = np.asarray(result.outcome(deal, party, "moic"), dtype=float)
    if not np.isfinite(moic).any():
        return "npv"
    meant = pair_reason(result, deal, party, financed_parties(result.scenario.deals)) is None
    return "moic" if meant else "npv"


def headline_kpis(result: cc.Result) -> list[tuple[str, str, str, float]]:
    """The KPI row: (deal, party, metric, median over paths) for each `headline_pairs` pair,
    metric from `headline_metric` (MOIC as a multiple, any other in $B; a loss is the mean,
    the expected loss). Pairs whose median has no
    value (the party has no position on most paths) are left out."""
    out = []
    for deal, party in headline_pairs(result):
        metric = headline_metric(result, deal, party)
        values = pd.Series(result.outcome(deal, party, metric))
        # a loss is a mean (an expected loss), as in the deal table's loss column
        value = float(values.mean() if metric == "loss" else values.median())
        if math.isfinite(value):
            out.append((deal, party, metric, value))
    return out


def _names(result: cc.Result, T: Catalogue, *, short: bool = False) -> dict[str, str]:
    parties = result.scenario.parties
    return {p.id: party_name(p.id, parties, T, short=short) for p in parties}


def _irr_unmeant(result: cc.Result, reasons: dict[tuple[str, str], str]) -> set[tuple[str, str]]:
    """(deal, party) whose IRR reads n/m (`multiples.irr_not_meaningful`: it pays and gets
    nothing back, or it is an equity investee), as in the CLI table and the HTML report."""
    kinds = {d.id: d.kind for d in result.scenario.deals}
    return {pair for pair, reason in reasons.items() if irr_not_meaningful(reason, kinds.get(pair[0]))}


def _irr_cell(T: Catalogue, rec: Mapping[Any, Any], stat: str) -> tuple[str, str]:
    """An IRR statistic of a `Result.summary` row as the deal table shows it, and the kind of
    `multiples.irr_shown` (``value`` for the mean, which has no side)."""
    if stat == "mean":
        return T.metric_value("irr", rec["mean"]), "value"
    shown = irr_shown(rec, stat)
    return irr_text(T, shown), shown[0]


def deal_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The key metrics of every deal and party (by its name), formatted for the language.
    A MOIC that means nothing for the party (`moic_reasons`) reads ``report.moic_nm`` (n/m)
    in every column, as in the CLI table and the HTML report, and so does the IRR of a party
    that pays and gets nothing back or of an equity investee
    (`multiples.irr_not_meaningful`); `deal_notes` says why. An IRR percentile beyond the
    bracket reads as the report has it (`chipcredit.report.tables.irr_text`: ``>1000%``,
    ``-100%``, n/a where withheld)."""
    names = _names(result, T)
    unmeant = moic_reasons(result)
    irr_nm = _irr_unmeant(result, unmeant)
    partial = partial_shares(result)
    table = result.summary()
    table = table[table["deal"].notna() & table["metric"].isin(KEY_METRICS)]
    rows = []
    for rec in table.to_dict("records"):
        metric = str(rec["metric"])
        pair = (rec["deal"], rec["party"])
        nm = (metric == "moic" and pair in unmeant) or (metric == "irr" and pair in irr_nm)
        # over only some paths: marked, as the CLI marks it; `deal_notes` gives the share
        mark = PARTIAL_MARK if (rec["deal"], rec["party"], metric) in partial else ""
        stats = {}
        for stat in ("mean", "p05", "p50", "p95"):
            text, kind = (_irr_cell(T, rec, stat) if metric == "irr"
                          else (T.metric_value(metric, rec[stat]), "value"))
            known = pd.notna(rec[stat]) and kind != "withheld"
            stats[stat] = T.t("report.moic_nm") if nm else text + (mark if known else "")
        rows.append({
            T.t("report.col_deal"): rec["deal"],
            T.t("report.col_party"): names.get(str(rec["party"]), str(rec["party"])),
            T.t("report.col_metric"): T.label("metric", metric),
            **{T.t(f"report.col_{stat}"): text for stat, text in stats.items()},
        })
    return pd.DataFrame(rows)


def deal_notes(result: cc.Result, T: Catalogue) -> list[str]:
    """The notes under the deal table: for each reason of `multiples.REASONS` some MOIC
    shows n/m for, the report's note (``report.moic_nm_<reason>``) naming its deals and
    parties (``deal · name``; a token outlay with its median multiple); the share of the
    paths behind each statistic marked `PARTIAL_MARK`; and `closed_notes`."""
    names = _names(result, T)
    unmeant: dict[str, list[str]] = {}
    nm = moic_reasons(result)
    irr_nm = _irr_unmeant(result, nm)
    for (deal, party), reason in nm.items():
        who = f"{deal} · {names.get(party, party)}"
        if reason == "token":
            who += f" ({T.multiple(result.describe(f'deal|{deal}|{party}|moic')['p50'])})"
        unmeant.setdefault(reason, []).append(who)
        if reason == "financed" and (deal, party) in irr_nm:  # pays_only's note names the IRR
            unmeant.setdefault("investee", []).append(who)
    sep = T.t("report.item_separator")
    notes = [T.t(f"report.moic_nm_{r}", parties=sep.join(unmeant[r])) for r in REASONS if r in unmeant]
    if "investee" in unmeant:
        notes.append(T.t("report.irr_nm_investee", parties=sep.join(unmeant["investee"])))
    table = result.summary()
    beyond = {irr_shown(rec, stat)[0]
              for rec in table[(table["metric"] == "irr") & table["deal"].notna()].to_dict("records")
              if (rec["deal"], rec["party"]) not in irr_nm for stat in ("p05", "p50", "p95")}
    notes += irr_notes(T, beyond)
    shown = [(deal, party, metric, share)
             for (deal, party, metric), share in partial_shares(result).items()
             if metric in KEY_METRICS and not (metric == "moic" and (deal, party) in nm)
             and not (metric == "irr" and (deal, party) in irr_nm)]
    if shown:  # one item per deal and party, as the CLI groups them
        grouped: dict[tuple[str, str], list[str]] = {}
        for deal, party, metric, share in shown:
            grouped.setdefault((deal, party), []).append(
                f"{T.label('metric_short', metric)} {path_share_text(T, share)}")
        items = [T.t("dashboard.overview.partial_item", deal=deal, party=names.get(party, party),
                     shares=T.t("number.list_separator").join(shares))
                 for (deal, party), shares in grouped.items()]
        notes.append(T.t("dashboard.overview.partial", mark=PARTIAL_MARK, items=sep.join(items)))
    return notes + closed_notes(result, T)


def closed_notes(result: cc.Result, T: Catalogue) -> list[str]:
    """The report's note for each deal that may not close and did not on every path
    (`chipcredit.report.multiples.closed_shares`): on what share of the paths it closed (in
    the base case, that it did not). Its figures count as 0 on the others, and it has no
    IRR or MOIC there, which is why they carry the `PARTIAL_MARK`."""
    notes = []
    for deal, share in closed_shares(result).items():
        if share < 1.0:
            notes.append(T.t("report.not_closed_base", deal=deal) if result.deterministic
                         else T.t("report.closed_share", deal=deal, share=path_share_text(T, share)))
    return notes


def party_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """Each party with outcomes of its own (by its name): its kind, probability of default
    (n/a for a party that cannot default), median total revenue and median cash at the
    horizon; every cell a string, n/a where the party has no such number."""
    table = result.summary()
    table = table[table["deal"].isna()]
    rows = []
    for party in result.scenario.parties:
        mine = table[table["party"] == party.id].set_index("metric")
        if mine.empty:
            continue
        row = {T.t("report.col_party"): party_name(party.id, result.scenario.parties, T),
               T.t("report.col_kind"): kind_label(party, T)}
        # only labs and clouds on their own balance sheet can default (as in the report)
        row[T.t("report.col_default")] = (probability_text(T, result.default_probability(party.id))
                                          if party.can_default else T.na())
        # each cell carries its own unit ($B or $T), so the headers name none
        for metric, header in (("revenue_total", "report.col_revenue"), ("cash_end", "report.col_cash_end")):
            value: Any = mine.at[metric, "p50"] if metric in mine.index else None
            row[T.t(header)] = T.money(None if value is None or pd.isna(value) else float(value))
        rows.append(row)
    return pd.DataFrame(rows)


_VENDOR_HEADERS = ("report.col_revenue_p50", "report.col_revenue_mean", "report.col_self_funded_p50",
                   "report.col_self_funded_mean", "report.col_self_funded_share",
                   "report.col_unit_share_end")


def vendor_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The vendors table of the HTML report and the CLI (`chipcredit.report.vendors`): per
    vendor by its name, total revenue and self-funded revenue (median and mean, in the page's
    money unit), the self-funded share (mean of the per-path shares, two decimals) and the
    share of units at the horizon; every cell a string, n/a where there is no number. Empty
    for a scenario without vendors."""
    parties = result.scenario.parties
    rows = []
    for row in vendor_rows(result.summary().to_dict("records"), [(p.id, p.kind) for p in parties]):
        out = {T.t("report.col_party"): party_name(row.party, parties, T)}
        for header, (metric, _, unit), value in zip(_VENDOR_HEADERS, VENDOR_COLUMNS, row.values,
                                                    strict=True):
            out[T.t(header)] = (T.na() if value is None else T.money(value) if unit == "money"
                                else T.t("number.percent", value=f"{value * 100:.2f}")
                                if metric.startswith("self") else T.percent(value))
        rows.append(out)
    return pd.DataFrame(rows)


VENDOR_WIDTHS = (106, 100, 98, 118, 125, 105, 84)
"""Width (px) of each column of the vendors table: 736 px, the page's main column at 1,280 px
wide, so the last column is not cut off. Each is wide enough for its short header
(`VENDOR_LABELS`) in either language (Chromium's 14 px Source Sans: "self-funded mean" is
108 px, plus 8 px of padding each side), so no header is cut; the full header, the
report's, reads on hover."""

VENDOR_LABELS = ("report.col_party", "dashboard.vendors.revenue_p50",
                 "dashboard.vendors.revenue_mean", "dashboard.vendors.self_funded_p50",
                 "dashboard.vendors.self_funded_mean", "dashboard.vendors.self_funded_share",
                 "dashboard.vendors.unit_share_end")
"""Catalogue keys of the vendors table's short headers, in `vendor_table`'s column order."""


def vendor_columns(T: Catalogue) -> dict[str, Any]:
    """``st.dataframe``'s column configuration of `vendor_table`: each column (keyed by its
    full header, the report's) shown under its short header (`VENDOR_LABELS`) at its width
    (`VENDOR_WIDTHS`), with the full header as its help (shown on hover)."""
    headers = [T.t("report.col_party"), *(T.t(h) for h in _VENDOR_HEADERS)]
    return {h: st.column_config.TextColumn(label=T.t(short), width=width, help=h)
            for h, short, width in zip(headers, VENDOR_LABELS, VENDOR_WIDTHS, strict=True)}


def kpi_text(T: Catalogue, result: cc.Result, deal: str, party: str, metric: str,
             value: float) -> tuple[str, str, str]:
    """A deal KPI of `headline_kpis` as the page shows it: (label, value, tooltip). The label
    names the party by its short name, the deal by its id and the metric; the value is a
    multiple for a MOIC, else money in the page's unit; the tooltip gives the party's full
    name and id and says what the number means (for an NPV, why there is no MOIC). A median
    over only some of the paths (`partial_shares`: the deal did not close on every path)
    carries `PARTIAL_MARK`, and the tooltip gives the share."""
    parties = result.scenario.parties
    label = T.t(f"dashboard.kpi.{metric}", deal=deal,
                party=party_name(party, parties, T, short=True))
    shown = T.metric_value(metric, value)  # a multiple for a MOIC, else money
    help_key = f"dashboard.kpi.help_{metric}"
    if metric == "npv":  # say why there is no MOIC: the financed side, a token outlay, or none
        reason = pair_reason(result, deal, party, financed_parties(result.scenario.deals))
        help_key = {"financed": "dashboard.kpi.help_npv_financed",
                    "token": "dashboard.kpi.help_npv_token"}.get(reason or "", help_key)
    tip = T.t(help_key, name=party_name(party, parties, T), id=party, deal=deal)
    share = partial_shares(result).get((deal, party, metric))
    if share is not None:  # a median over only some paths: marked, as in the deal table
        shown += PARTIAL_MARK
        tip += " " + T.t("dashboard.kpi.help_partial", mark=PARTIAL_MARK,
                         share=path_share_text(T, share))
    return label, shown, tip


def _card(where: Any, label: str, value: str, tip: str, key: str) -> None:
    # A metric's own label is one line, cut with an ellipsis where the card is narrower
    # ("xAI bondholders and term lender…" at 1,280 px): the label is a caption above it,
    # which wraps, and the metric keeps it only for screen readers.
    with where.container(border=True, key=key, height="stretch"):  # a row of cards alike
        st.caption(markdown_safe(label), help=tip)
        st.metric(label, value, label_visibility="collapsed")


def _summary_text(result: cc.Result, T: Catalogue) -> str | None:
    try:
        from chipcredit.report import summary_text
    except ImportError:
        return None
    return str(summary_text(result, lang=T.lang))


def _downloads(T: Catalogue, current: Current) -> None:
    result = current.result
    st.subheader(T.t("dashboard.download.title"))
    left, middle, right = st.columns(3)
    left.download_button(T.t("dashboard.download.json"), result.to_json,
                         file_name="chipcredit-summary.json", mime="application/json",
                         key="download_json", on_click="ignore")

    def html() -> bytes:
        return cache.report_html(current.key, current.paths, current.seed, T.lang, result)

    middle.download_button(T.t("dashboard.download.report"), html,
                           file_name="chipcredit-report.html", mime="text/html",
                           key="download_report", on_click="ignore")
    right.download_button(T.t("dashboard.download.scenario"), result.scenario.source_text,
                          file_name="scenario.yaml", mime="application/x-yaml",
                          key="download_yaml", on_click="ignore")


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    st.caption(T.t("dashboard.overview.about", scenario=markdown_safe(result.scenario.name),
                   sha=result.scenario_sha256[:12], paths=T.paths(result.paths),
                   seed=result.seed))
    short = _names(result, T, short=True)
    full = _names(result, T)
    labs = [p.id for p in result.scenario.parties if p.kind == "lab"]
    if labs:
        for col, lab in zip(st.columns(len(labs)), labs, strict=True):
            _card(col, T.t("dashboard.kpi.default", party=short[lab]),
                  probability_text(T, result.default_probability(lab)), f"{full[lab]} ({lab})",
                  key=f"kpi_default_{lab}")
    shown = headline_kpis(result)
    if shown:
        st.caption(T.t("dashboard.kpi.note"))
    for start in range(0, len(shown), _PER_ROW):  # rows of three
        row = shown[start:start + _PER_ROW]
        for col, (deal, party, metric, value) in zip(st.columns(_PER_ROW), row, strict=False):
            _card(col, *kpi_text(T, result, deal, party, metric, value),
                  key=f"kpi_{deal}_{party}")
    text = _summary_text(result, T)
    if text:
        st.markdown(text)
    st.subheader(T.t("report.headline_deals"))
    st.dataframe(deal_table(result, T), hide_index=True)
    for note in deal_notes(result, T):
        st.caption(markdown_safe(note))
    vendors = vendor_table(result, T)
    if not vendors.empty:  # the story's headline number: revenue paid with a vendor's own money
        st.subheader(T.t("report.headline_vendors"))
        st.dataframe(vendors, hide_index=True, column_config=vendor_columns(T))
        st.caption(markdown_safe(T.t("report.vendors_note")))
    st.subheader(T.t("report.headline_parties"))
    st.dataframe(party_table(result, T), hide_index=True)
    if any(net_position(p) for p in result.scenario.parties):  # as the report's note
        st.caption(markdown_safe(T.t("report.funded_cash_note")))
    if current.run.notes:
        with st.expander(T.t("dashboard.overview.notes", count=len(current.run.notes))):
            for note in current.run.notes:
                st.text(note)
    _downloads(T, current)
