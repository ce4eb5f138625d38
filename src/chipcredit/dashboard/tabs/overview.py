"""Overview: headline numbers (KPIs), the plain-language summary, the deal and party tables,
the credit section (the report's: claim holders' books and the SPVs' debt), the run against
the scenario's history (where it records one), the run's notes,
and the downloads (JSON summary, HTML report, scenario YAML).

This module draws the tab; its parts are their own modules: the KPIs (`headline`), the deal
table and its notes (`deal_table`), the vendors table and its split by year (`vendor_table`),
the parties table (`party_table`), the "Against history" table (`history_table`) and how
probabilities and shares of paths read (`shares`)."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue
from chipcredit.report.tables import net_position
from chipcredit.report.vendors import horizon

from .credit_tables import credit_blocks
from .deal_table import deal_notes, deal_table
from .headline import default_kpis, headline_kpis, kpi_text
from .history_table import history_table
from .party_table import party_table
from .vendor_table import (
    vendor_buyers_text,
    vendor_columns,
    vendor_table,
    vendor_years_columns,
    vendor_years_table,
    vendor_years_text,
    vendors_text,
)

__all__ = ["download_name", "draw"]

_PER_ROW = 3


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


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_CHARS = 40


def download_name(result: cc.Result, what: str) -> str:
    """A download's file name: the scenario's name, the seed and the path count, then
    ``what`` (``summary.json``, ``report.html``, ``scenario.yaml``), so that files of
    several runs kept side by side say which run they are:
    ``chipcredit-seed-2025-seed0-300paths-summary.json``. A scenario name (free text in an
    upload) keeps only letters, digits, ``.``, ``_`` and ``-``, at most 40 of them (others
    become ``-``; an empty name reads ``scenario``)."""
    name = _UNSAFE.sub("-", result.scenario.name).strip("-.")[:_NAME_CHARS].strip("-.") or "scenario"
    return f"chipcredit-{name}-seed{result.seed}-{result.paths}paths-{what}"


def _downloads(T: Catalogue, current: Current) -> None:
    result = current.result
    st.subheader(T.t("dashboard.download.title"))
    left, middle, right = st.columns(3)
    left.download_button(T.t("dashboard.download.json"), result.to_json,
                         file_name=download_name(result, "summary.json"), mime="application/json",
                         key="download_json", on_click="ignore")

    def html() -> bytes:
        return cache.report_html(current.key, current.paths, current.seed, T.lang, result)

    middle.download_button(T.t("dashboard.download.report"), html,
                           file_name=download_name(result, "report.html"), mime="text/html",
                           key="download_report", on_click="ignore")
    right.download_button(T.t("dashboard.download.scenario"), result.scenario.source_text,
                          file_name=download_name(result, "scenario.yaml"),
                          mime="application/x-yaml",
                          key="download_yaml", on_click="ignore")


def _credit(T: Catalogue, result: cc.Result) -> None:
    """The report's credit section (`credit_tables.credit_blocks`): who loses if a borrower
    defaults, with the report's numbers and notes."""
    st.subheader(T.t("report.credit"))
    for block in credit_blocks(result, T):
        if block.kind == "heading":
            st.markdown(f"**{markdown_safe(block.text)}**")
        elif block.kind == "table":
            st.dataframe(block.table, hide_index=True)
        else:
            st.caption(markdown_safe(block.text))


def _history(T: Catalogue, result: cc.Result) -> None:
    """The report's "Against history" section (`history_table`), where the scenario records
    a history: its note, then the table."""
    intro, table = history_table(result, T)
    if table.empty:
        return
    st.subheader(T.t("history.title"))
    st.caption(markdown_safe(intro))
    st.dataframe(table, hide_index=True)


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    st.caption(T.t("dashboard.overview.about", scenario=markdown_safe(result.scenario.name),
                   sha=result.scenario_sha256[:12], paths=T.paths(result.paths),
                   seed=result.seed))
    cards = default_kpis(T, result)  # each party that can default: labs, and own-book clouds
    for start in range(0, len(cards), _PER_ROW):  # rows of at most three
        odds = cards[start:start + _PER_ROW]
        for col, (party, label, shown_odds, tip) in zip(st.columns(len(odds)), odds, strict=True):
            _card(col, label, shown_odds, tip, key=f"kpi_default_{party}")
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
        first, last, _ = horizon(result.scenario)
        st.subheader(T.t("report.headline_vendors", first=first, last=last))
        st.dataframe(vendors, hide_index=True, column_config=vendor_columns(T))
        st.caption(markdown_safe(vendors_text(result, T)))
        years = vendor_years_table(result, T)
        if not years.empty:  # the totals split by year: the first year's money coming back
            title, note = vendor_years_text(result, T)
            st.markdown(f"**{markdown_safe(title)}**")
            st.dataframe(years, hide_index=True, column_config=vendor_years_columns(result, T))
            st.caption(markdown_safe(note))
        buyers = vendor_buyers_text(result, T)
        if buyers:  # the same money by the buyer that paid it
            st.caption(markdown_safe(buyers))
    st.subheader(T.t("report.headline_parties"))
    st.dataframe(party_table(result, T), hide_index=True)
    for p in result.scenario.parties:  # the caveat beside the party's odds, as the report
        if p.note and T.lang == "en":  # the scenario's words, English as the report has them
            st.caption(markdown_safe(T.t("report.party_note", party=p.id, note=p.note)))
    if not result.deterministic and any(p.can_default for p in result.scenario.parties):
        st.caption(markdown_safe(T.t("report.mc_error_note")))  # what the table's ± is
    if any(net_position(p) for p in result.scenario.parties):  # as the report's note
        st.caption(markdown_safe(T.t("report.funded_cash_note")))
    if any(p.kind == "vendor" for p in result.scenario.parties):
        st.caption(markdown_safe(T.t("report.vendor_cash_note")))
    _credit(T, result)
    _history(T, result)
    if current.run.notes:
        with st.expander(T.t("dashboard.overview.notes", count=len(current.run.notes))):
            for note in current.run.notes:
                st.text(note)
    _downloads(T, current)
