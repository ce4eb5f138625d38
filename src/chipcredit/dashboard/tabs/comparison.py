"""Compare: the run on show against the scenario as loaded (`chipcredit.compare`: paired,
with common random numbers) and against any run in the run store.

The run store is the one the CLI uses (``$CHIPCREDIT_STORE`` or ``./chipcredit.duckdb``);
the page never takes a store path or SQL from the browser, only a run id from a list.

A MOIC that a deal table shows as n/m (not meaningful: the party pays and gets nothing back,
is the deal's financed side, or put in a token amount) in either run has no paired change,
as in ``chipcredit stress`` and ``compare`` (`chipcredit.report.multiples.unmeant_moic`):
the paired chart leaves it out and the stored-run table reads n/m, and a note under each
says why, with the reasons of the deal table's notes (`moic_notes`). An IRR median that no
path has reads a dash, n/a one withheld (`chipcredit.report.irr_percentiles.irr_cell`). A
probability reads as in the Overview (``27.3%``) and its difference in percentage points
(``+0.1 pp``), never as a relative change.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit import store
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue
from chipcredit.report.irr_percentiles import irr_cell
from chipcredit.report.multiples import (
    REASONS,
    financed_parties,
    irr_not_meaningful,
    unmeant_moic,
    unmeant_pair,
)
from chipcredit.report.problem_text import error_text
from chipcredit.report.tables import irr_notes, irr_text

from .shares import probability_text

__all__ = ["METRICS", "PROBABILITIES", "against_stored", "draw", "moic_notes", "paired_figure",
           "paired_notes", "points_text", "run_labels", "stored_notes", "unmeant_stored"]

Unmeant = dict[tuple[str, str], tuple[str, str]]
"""(deal, party) to (reason, text after the pair), as `unmeant_moic` gives them."""

METRICS = ("npv", "irr", "moic", "loss", "default_probability", "revenue_total", "cash_end")
"""Metrics compared with a stored run."""
PROBABILITIES = ("default_probability",)
"""The probabilities of `METRICS`: shown as the Overview shows them (`probability_text`),
their difference in percentage points (`points_text`)."""


def points_text(T: Catalogue, difference: float | None) -> str:
    """The difference of two probabilities in percentage points, signed, to 0.1 point as the
    probabilities are shown (0.274 - 0.273: ``+0.1 pp``), so that it never reads as a
    relative change; n/a where either side has none."""
    if difference is None or not np.isfinite(difference):
        return T.na()
    points = round(difference * 100, 1)
    return T.t("dashboard.compare.points", value="0.0" if points == 0 else f"{points:+.1f}")


def against_stored(result: cc.Result, stored: pd.DataFrame) -> pd.DataFrame:
    """This run's means and medians beside a stored run's (its ``metrics`` table, variant
    ``main``), for `METRICS`: deal, party, metric, mean_this, mean_stored, mean_diff (this -
    stored), and the same for p50 (an IRR median above its bracket is inf on both sides,
    `chipcredit.store.stored_summary`), ranked_share_this and ranked_share_stored (an IRR's,
    for `irr_shown`; NaN on other rows), and in_both. Rows present in only one run (a metric added
    since, or a default probability the store does not keep for a party that cannot default)
    have NaN on the other side and in_both False."""
    this = result.summary()
    this = this[this["metric"].isin(METRICS)].copy()
    # the stored rows as Result.summary has them: an IRR median above its bracket is inf
    stored = store.stored_summary(
        stored[(stored["variant"] == store.MAIN) & stored["metric"].isin(METRICS)])
    if "ranked_share" not in stored.columns:  # a frame without the schema 4 columns
        stored = stored.assign(ranked_share=np.nan)
    keys = ["deal", "party", "metric"]
    left = this.assign(deal=this["deal"].fillna(""))[[*keys, "mean", "p50", "ranked_share"]]
    right = stored.assign(deal=stored["deal"].fillna(""))[[*keys, "mean", "p50", "ranked_share"]]
    both = left.merge(right, on=keys, how="outer", suffixes=("_this", "_stored"), sort=False,
                      indicator=True)
    for stat in ("mean", "p50"):
        with np.errstate(invalid="ignore"):  # inf - inf: two medians above the bracket
            both[f"{stat}_diff"] = both[f"{stat}_this"] - both[f"{stat}_stored"]
    both["in_both"] = both.pop("_merge") == "both"
    return both[[*keys, "mean_this", "mean_stored", "mean_diff", "p50_this", "p50_stored",
                 "p50_diff", "ranked_share_this", "ranked_share_stored", "in_both"]]


def unmeant_stored(table: pd.DataFrame, result: cc.Result, T: Catalogue) -> Unmeant:
    """The (deal, party) pairs of an `against_stored` table whose MOIC a deal table shows as
    n/m in this run (``A``) or the stored one (``B``), with the text a note adds after the
    pair (a token outlay's medians in both runs, in ``T``'s language; else ""): the rule of
    `unmeant_moic` (`unmeant_pair`) on each side's mean and median MOIC and mean loss, the
    statistics the store keeps. The financed side is this run's scenario's
    (`financed_parties`; the deal ids are shared)."""
    financed = financed_parties(result.scenario.deals)
    stats: dict[tuple[str, str, str], dict[Any, Any]] = {
        (str(r["deal"]), str(r["party"]), str(r["metric"])): r
        for r in table[table["metric"].isin(("moic", "loss"))].to_dict("records")}

    def value(row: dict[Any, Any] | None, column: str) -> Any:
        return None if row is None or pd.isna(row[column]) else row[column]

    out: Unmeant = {}
    for (deal, party, metric), moic in stats.items():
        if metric != "moic" or not deal:
            continue
        loss = stats.get((deal, party, "loss"))
        # a side without the row has no values: only the financed test
        sides = [{"moic_mean": value(moic, f"mean_{side}"), "moic_p50": value(moic, f"p50_{side}"),
                  "loss_mean": value(loss, f"mean_{side}")} for side in ("this", "stored")]
        if (got := unmeant_pair(sides, (deal, party) in financed, T.multiple)) is not None:
            out[(deal, party)] = got
    return out


def moic_notes(unmeant: Unmeant, T: Catalogue, names: dict[str, str], a: str, b: str) -> list[str]:
    """The notes under a comparison that shows no MOIC change for the pairs of ``unmeant``
    (`unmeant_moic`, `unmeant_stored`): that their MOIC is n/m in run ``A`` (``a``) or ``B``
    (``b``), then for each reason of `REASONS` the deal table's note
    (``report.moic_nm_<reason>``) naming its pairs (``deal · name``, a token outlay with
    both runs' medians). None where ``unmeant`` is empty."""
    if not unmeant:
        return []
    sep = T.t("report.item_separator")
    notes = [T.t("dashboard.compare.moic_nm", a=a, b=b)]
    for reason in REASONS:
        pairs = [f"{deal} · {names.get(party, party)}{text}"
                 for (deal, party), (r, text) in unmeant.items() if r == reason]
        if pairs:
            notes.append(T.t(f"report.moic_nm_{reason}", parties=sep.join(pairs)))
    return notes


def _formatted(table: pd.DataFrame, T: Catalogue, run_id: int, names: dict[str, str],
               unmeant: Unmeant, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The stored-run table in ``T``'s words. A pair of ``unmeant`` reads n/m in every
    MOIC cell, and in every IRR cell too where the deal table shows its IRR n/m
    (`irr_not_meaningful`, by the deal's kind in ``kinds``, deal id -> kind), as its note
    says: a lessee's or a buyer's -100% is no return."""
    rows = []
    for rec in table.to_dict("records"):
        metric = str(rec["metric"])
        pair = (rec["deal"], rec["party"])
        nm = pair in unmeant and (metric == "moic" or (
            metric == "irr" and irr_not_meaningful(unmeant[pair][0],
                                                   (kinds or {}).get(str(rec["deal"])))))

        def shown(value: Any, metric: str = metric, nm: bool = nm) -> str:
            if nm:  # no paired change for a MOIC n/m in either run (`moic_notes` says why)
                return T.t("report.moic_nm")
            if metric in PROBABILITIES:  # as the Overview: 27.3%, not 27%
                return probability_text(T, None if pd.isna(value) else float(value))
            return T.metric_value(metric, None if pd.isna(value) else float(value))

        def difference(value: Any, metric: str = metric) -> str:
            if metric in PROBABILITIES:
                return points_text(T, None if pd.isna(value) else float(value))
            return shown(value)

        def median(value: Any, ranked: Any, metric: str = metric, nm: bool = nm) -> str:
            # an IRR median as the deal table shows it: >1000% above the bracket (inf in
            # the summary, and in the stored rows by `store.stored_summary`), n/a withheld,
            # a dash where no path has one
            return (irr_text(T, irr_cell({"p50": value, "ranked_share": ranked}))
                    if metric == "irr" and not nm else shown(value))

        rows.append({
            T.t("report.col_deal"): rec["deal"],
            T.t("report.col_party"): names.get(str(rec["party"]), str(rec["party"])),
            T.t("report.col_metric"): T.label("metric", metric),
            T.t("dashboard.compare.this_mean"): shown(rec["mean_this"]),
            T.t("dashboard.compare.stored_mean", run=run_id): shown(rec["mean_stored"]),
            T.t("dashboard.compare.diff_mean"): difference(rec["mean_diff"]),
            T.t("dashboard.compare.this_p50"): median(rec["p50_this"], rec["ranked_share_this"]),
            T.t("dashboard.compare.stored_p50", run=run_id): median(rec["p50_stored"],
                                                                     rec["ranked_share_stored"]),
        })
    return pd.DataFrame(rows)


def stored_notes(table: pd.DataFrame, unmeant: Unmeant, T: Catalogue, run_id: int,
                 names: dict[str, str]) -> list[str]:
    """The notes under the stored-run table: `moic_notes` (``A`` this run, ``B`` the stored
    one), then what an IRR median beyond a number means (`irr_notes`: ``>1000%``, n/a,
    a dash), for those the table shows."""
    kinds = {irr_cell({"p50": rec[f"p50_{side}"], "ranked_share": rec[f"ranked_share_{side}"]})[0]
             for rec in table[table["metric"] == "irr"].to_dict("records")
             for side in ("this", "stored")}
    return (moic_notes(unmeant, T, names, T.t("dashboard.compare.this_run"),
                       T.t("dashboard.compare.stored_run", run=run_id))
            + irr_notes(T, kinds))


def _brief_names(found: Any, T: Catalogue) -> dict[str, str]:
    parties = found.other.scenario.parties
    return {p.id: party_name(p.id, parties, T, short=True) for p in parties}


def paired_notes(found: Any, metric: str, T: Catalogue) -> list[str]:
    """The notes under `paired_figure`: for the MOIC, `moic_notes` of the pairs it leaves
    out (`unmeant_moic`; ``A`` the scenario as loaded, ``B`` the edited one); none for
    another metric."""
    if metric != "moic":
        return []
    return moic_notes(unmeant_moic(found.base, found.other, T.multiple), T, _brief_names(found, T),
                      T.t("dashboard.compare.loaded"), T.t("dashboard.compare.edited"))


def paired_figure(found: Any, metric: str, T: Catalogue) -> Any:
    """The paired-difference chart of a `chipcredit.compare` of the scenario as loaded
    (``found.base``) with the edited one (``found.other``), titled as such, with the parties
    by name and a source line that gives both scenarios' sha256 (the edited run's is the one
    the Overview shows). For the MOIC, no point for a pair whose MOIC is n/m in either run
    (`unmeant_moic`, as ``chipcredit compare``; `paired_notes` says why)."""
    from chipcredit.report.charts import paired_difference_chart

    names = _brief_names(found, T)
    table = found.differences
    if metric == "moic":
        unmeant = unmeant_moic(found.base, found.other)
        keep = [not (m == "moic" and (d, p) in unmeant)
                for d, p, m in zip(table["deal"], table["party"], table["metric"], strict=True)]
        table = table[keep]
    table = table.assign(party=table["party"].map(lambda p: names.get(str(p), str(p))))
    fig = paired_difference_chart(table, metric, lang=T.lang)
    fig.update_layout(title_text=T.t("dashboard.compare.paired_chart",
                                     metric=T.label("metric_short", metric)))
    other = found.other
    fig.update_annotations(
        selector={"name": "source"},
        text=T.t("dashboard.compare.paired_source", version=cc.__version__,
                 scenario=other.scenario.name, edited=other.scenario_sha256[:12],
                 loaded=found.base.scenario_sha256[:12], paths=T.paths(other.paths),
                 seed=other.seed))
    return fig


def _paired(T: Catalogue, current: Current, choice: Choice) -> None:
    """The scenario with the sidebar's edits now (``choice.scenario``, run or not) against
    the same scenario as loaded (``choice.base``), at the sidebar's paths and seed: never the
    last run, whose scenario may be another (a bundled scenario switched since) or lack the
    edits made since."""
    st.subheader(T.t("dashboard.compare.paired_title"))
    if choice.base is None:
        return
    if not (choice.edits or choice.fixed):
        st.info(T.t("dashboard.compare.paired_no_edits"))
        return
    if not choice.runnable or choice.scenario is None or choice.seed is None:
        st.info(T.t("dashboard.compare.paired_refused"))
        return
    edited, paths, seed = choice.scenario, choice.paths, choice.seed
    wanted = (cache.scenario_key(choice.base), cache.scenario_key(edited), paths, seed)
    if st.button(T.t("dashboard.compare.paired_button"), key="compare_run"):
        with st.spinner(T.t("dashboard.compare.paired_running")), warnings.catch_warnings():
            warnings.simplefilter("ignore", cc.ChipcreditWarning)  # shown for the run already
            found = cc.compare(choice.base, edited, paths=paths, seed=seed)
        st.session_state["compare_result"] = (wanted, found)
    kept = st.session_state.get("compare_result")
    if kept is None or kept[0] != wanted:  # a comparison of other inputs is not shown
        return
    metric = st.radio(T.t("dashboard.deals.metric"), ("npv", "moic", "irr", "loss"),
                      format_func=lambda m: T.label("metric", m), horizontal=True,
                      key="compare_metric")
    st.plotly_chart(paired_figure(kept[1], metric, T), key="paired")
    for note in paired_notes(kept[1], metric, T):  # names from the scenario file: inert
        st.caption(markdown_safe(note))


def run_labels(listed: pd.DataFrame, T: Catalogue) -> dict[int, str]:
    """The run picker's label of each run of ``listed`` (`RunStore.list_runs`' rows), by
    id: ``run 3 · seed-2025 · 2,000 paths · seed 8``, the scenario as ``runs list`` names
    it: ``seed-2025 (edited)`` (``dashboard.compare.scenario_edited``, in ``T``'s language)
    where its name is a bundled scenario's but its text was not that scenario's (the
    ``edited`` column, `chipcredit.store.provenance.edited`)."""
    labels = {}
    for r in listed.to_dict("records"):
        name = "—" if r["scenario"] is None else str(r["scenario"])
        if bool(r.get("edited", False)):
            name = T.t("dashboard.compare.scenario_edited", scenario=name)
        labels[int(r["id"])] = T.t("dashboard.compare.run_label", run=int(r["id"]),
                                   scenario=name, paths=T.paths(int(r["paths"])),
                                   seed=int(r["seed"]))
    return labels


def _stored(T: Catalogue, current: Current, stale: bool) -> None:
    """The run on show against a stored run; ``stale`` where the sidebar's inputs no longer
    make the run on show (an edit not yet run): the comparison says it is of the run on
    show, not of the inputs now, as the page's banner says of the tabs."""
    st.subheader(T.t("dashboard.compare.stored_title"))
    if stale:
        st.warning(T.t("dashboard.compare.stored_stale"))
    if not store.available():
        st.info(T.t("dashboard.compare.no_duckdb", hint=store.INSTALL_HINT))
        return
    runs = store.RunStore(read_only=False)
    if st.button(T.t("dashboard.compare.record"), key="record"):
        try:
            runs.check()
            run_id = runs.save(current.result, kind="run", extra={"source": "dashboard"})
            st.success(T.t("dashboard.compare.recorded", run=run_id))
        except cc.UsageError as exc:
            st.error(error_text(exc, T))
    if not runs.path.exists():
        st.info(T.t("dashboard.compare.no_store"))
        return
    try:
        listed = runs.list_runs()
    except cc.UsageError as exc:
        st.error(error_text(exc, T))
        return
    listed = listed[listed["status"] == "complete"]
    if listed.empty:
        st.info(T.t("dashboard.compare.no_store"))
        return
    labels = run_labels(listed, T)
    ids = list(labels)[::-1]
    run_id = st.selectbox(T.t("dashboard.compare.pick"), ids, format_func=labels.__getitem__,
                          key="stored_run")
    try:
        stored = runs.get_run(int(run_id))
    except cc.UsageError as exc:
        st.error(error_text(exc, T))
        return
    table = against_stored(current.result, stored["metrics"])
    paired = table[table["in_both"]]  # a row one run lacks is not a difference
    changed = paired[~np.isclose(paired["mean_this"].astype(float),
                                 paired["mean_stored"].astype(float), equal_nan=True)]
    st.caption(T.t("dashboard.compare.changed", changed=len(changed), total=len(paired)))
    parties = current.result.scenario.parties
    names = {p.id: party_name(p.id, parties, T) for p in parties}
    unmeant = unmeant_stored(table, current.result, T)
    kinds = {d.id: d.kind for d in current.result.scenario.deals}
    st.dataframe(_formatted(table, T, int(run_id), names, unmeant, kinds), hide_index=True)
    for note in stored_notes(table, unmeant, T, int(run_id), names):
        st.caption(markdown_safe(note))


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    _paired(T, current, choice)
    _stored(T, current, not choice.produces(current.key, current.paths, current.seed))
