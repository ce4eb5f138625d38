"""Compare: the run on show against the scenario as loaded (`chipcredit.compare`: paired,
with common random numbers) and against any run in the run store.

The run store is the one the CLI uses (``$CHIPCREDIT_STORE`` or ``./chipcredit.duckdb``);
the page never takes a store path or SQL from the browser, only a run id from a list.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit import store
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue
from chipcredit.report.multiples import irr_shown
from chipcredit.report.problem_text import error_text
from chipcredit.report.tables import irr_text

__all__ = ["METRICS", "against_stored", "draw", "paired_figure"]

METRICS = ("npv", "irr", "moic", "loss", "default_probability", "revenue_total", "cash_end")
"""Metrics compared with a stored run."""


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


def _formatted(table: pd.DataFrame, T: Catalogue, run_id: int,
               names: dict[str, str]) -> pd.DataFrame:
    rows = []
    for rec in table.to_dict("records"):
        metric = str(rec["metric"])

        def shown(value: Any, metric: str = metric) -> str:
            return T.metric_value(metric, None if pd.isna(value) else float(value))

        def median(value: Any, ranked: Any, metric: str = metric) -> str:
            # an IRR median as the deal table shows it: >1000% above the bracket (inf in
            # the summary, and in the stored rows by `store.stored_summary`), n/a withheld
            return (irr_text(T, irr_shown({"p50": value, "ranked_share": ranked}))
                    if metric == "irr" else shown(value))

        rows.append({
            T.t("report.col_deal"): rec["deal"],
            T.t("report.col_party"): names.get(str(rec["party"]), str(rec["party"])),
            T.t("report.col_metric"): T.label("metric", metric),
            T.t("dashboard.compare.this_mean"): shown(rec["mean_this"]),
            T.t("dashboard.compare.stored_mean", run=run_id): shown(rec["mean_stored"]),
            T.t("dashboard.compare.diff_mean"): shown(rec["mean_diff"]),
            T.t("dashboard.compare.this_p50"): median(rec["p50_this"], rec["ranked_share_this"]),
            T.t("dashboard.compare.stored_p50", run=run_id): median(rec["p50_stored"],
                                                                     rec["ranked_share_stored"]),
        })
    return pd.DataFrame(rows)


def paired_figure(found: Any, metric: str, T: Catalogue) -> Any:
    """The paired-difference chart of a `chipcredit.compare` of the scenario as loaded
    (``found.base``) with the edited one (``found.other``), titled as such, with the parties
    by name and a source line that gives both scenarios' sha256 (the edited run's is the one
    the Overview shows)."""
    from chipcredit.report.charts import paired_difference_chart

    parties = found.other.scenario.parties
    names = {p.id: party_name(p.id, parties, T, short=True) for p in parties}
    table = found.differences.assign(party=found.differences["party"].map(
        lambda p: names.get(str(p), str(p))))
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


def _stored(T: Catalogue, current: Current) -> None:
    st.subheader(T.t("dashboard.compare.stored_title"))
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
    labels = {int(r["id"]): T.t("dashboard.compare.run_label", run=int(r["id"]),
                                scenario=r["scenario"], paths=T.paths(int(r["paths"])),
                                seed=int(r["seed"]))
              for r in listed.to_dict("records")}
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
    st.dataframe(_formatted(table, T, int(run_id), names), hide_index=True)


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    _paired(T, current, choice)
    _stored(T, current)
