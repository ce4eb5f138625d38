"""Overview: headline numbers (KPIs), the plain-language summary, the deal and party tables,
the run's notes, and the downloads (JSON summary, HTML report, scenario YAML)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue
from chipcredit.report.solvency import kind_label

__all__ = ["KEY_METRICS", "deal_table", "draw", "headline_pairs"]

KEY_METRICS = ("npv", "irr", "moic", "loss")
"""Deal metrics in the overview table."""
_FINANCIERS = ("vendor", "investor", "lender")
_PER_ROW = 3


def headline_pairs(result: cc.Result) -> list[tuple[str, str]]:
    """One (deal, party) per deal for the KPI row: the first vendor, investor or lender that
    has a position in it."""
    kinds = {p.id: p.kind for p in result.scenario.parties}
    out: dict[str, str] = {}
    for deal, party in result.deal_parties():
        if deal not in out and kinds.get(party) in _FINANCIERS:
            out[deal] = party
    return list(out.items())


def deal_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The key metrics of every deal and party, formatted for the language."""
    table = result.summary()
    table = table[table["deal"].notna() & table["metric"].isin(KEY_METRICS)]
    rows = []
    for rec in table.to_dict("records"):
        metric = str(rec["metric"])
        rows.append({
            T.t("report.col_deal"): rec["deal"],
            T.t("report.col_party"): rec["party"],
            T.t("report.col_metric"): T.label("metric", metric),
            T.t("report.col_mean"): T.metric_value(metric, rec["mean"]),
            T.t("report.col_p05"): T.metric_value(metric, rec["p05"]),
            T.t("report.col_p50"): T.metric_value(metric, rec["p50"]),
            T.t("report.col_p95"): T.metric_value(metric, rec["p95"]),
        })
    return pd.DataFrame(rows)


def _party_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    table = result.summary()
    table = table[table["deal"].isna()]
    rows = []
    for party in result.scenario.parties:
        mine = table[table["party"] == party.id].set_index("metric")
        if mine.empty:
            continue
        row = {T.t("report.col_party"): party.id, T.t("report.col_kind"): kind_label(party, T)}
        # only labs and clouds on their own balance sheet can default (as in the report)
        row[T.t("report.col_default")] = (T.percent(result.default_probability(party.id), 3)
                                          if party.can_default else "")
        # each cell carries its own unit ($B or $T), so the headers name none
        for metric, header in (("revenue_total", "report.col_revenue"), ("cash_end", "report.col_cash_end")):
            if metric in mine.index:
                row[T.t(header)] = T.money(float(mine.at[metric, "p50"]))  # type: ignore[arg-type]
        rows.append(row)
    return pd.DataFrame(rows)


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
    labs = [p.id for p in result.scenario.parties if p.kind == "lab"]
    if labs:
        for col, lab in zip(st.columns(len(labs)), labs, strict=True):
            col.metric(T.t("dashboard.kpi.default", party=lab),
                       T.percent(result.default_probability(lab), 3), border=True)
    medians = {(deal, party): float(pd.Series(result.outcome(deal, party, "moic")).median())
               for deal, party in headline_pairs(result)}
    shown = [(pair, value) for pair, value in medians.items() if math.isfinite(value)]
    for start in range(0, len(shown), _PER_ROW):  # rows of three, so labels are not cut
        row = shown[start:start + _PER_ROW]
        for col, ((deal, party), value) in zip(st.columns(_PER_ROW), row, strict=False):
            col.metric(T.t("dashboard.kpi.moic", deal=deal, party=party), T.multiple(value),
                       border=True)
    text = _summary_text(result, T)
    if text:
        st.markdown(text)
    st.subheader(T.t("report.headline_deals"))
    st.dataframe(deal_table(result, T), hide_index=True)
    st.subheader(T.t("report.headline_parties"))
    st.dataframe(_party_table(result, T), hide_index=True)
    if current.run.notes:
        with st.expander(T.t("dashboard.overview.notes", count=len(current.run.notes))):
            for note in current.run.notes:
                st.text(note)
    _downloads(T, current)
