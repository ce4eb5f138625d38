"""The Compare tab shows no MOIC change for a pair whose MOIC a deal table shows as n/m in
either run (`chipcredit.report.multiples.unmeant_moic`, the rule of ``chipcredit stress``
and ``compare``), with the same note in both of its parts: the paired chart of the edited
scenario leaves the pair out, the stored-run table reads n/m; and an IRR median no path has
reads a dash there, as in the deal table (docs/dashboard.md, "Compare")."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

from streamlit.testing.v1 import AppTest

import chipcredit as cc
import chipcredit.cli.compare as cli_compare
import chipcredit.cli.stress as cli_stress
from chipcredit.cli import paired_tables
from chipcredit.dashboard.assumptions import apply_edits
from chipcredit.dashboard.launcher import APP_SCRIPT
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.tabs.comparison import (
    against_stored,
    paired_figure,
    paired_notes,
    stored_notes,
    unmeant_stored,
)
from chipcredit.dashboard.tabs.deal_table import moic_reasons, party_names
from chipcredit.dashboard.text import words
from chipcredit.report import multiples
from chipcredit.report.i18n import Catalogue
from chipcredit.report.irr_percentiles import irr_cell
from chipcredit.report.multiples import REASONS, first_reason, unmeant_moic

XAI_GROWTH = "parties.xai.revenue.growth.from"
PATHS = 100


@pytest.fixture(scope="module")
def found() -> Any:
    loaded = cc.load_scenario("seed-2025")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.compare(loaded, apply_edits(loaded, {XAI_GROWTH: 0.0}), paths=PATHS, seed=0)


def test_one_rule_for_the_cli_and_the_dashboard() -> None:
    # the CLI's paired tables use the report layer's rule and words, not a copy of them
    assert cli_compare.unmeant_moic is multiples.unmeant_moic
    assert cli_stress.unmeant_moic is multiples.unmeant_moic
    assert not hasattr(paired_tables, "unmeant_moic")  # no second name for the rule
    assert paired_tables.REASON_TEXT is multiples.REASON_TEXT
    assert set(multiples.REASON_TEXT) == set(REASONS)
    assert multiples.REASON_TEXT["token"] == "put in under 1% of what it got back"
    assert first_reason([None, "token", "financed"]) == "financed"  # REASONS' order
    assert first_reason([None, None]) is None and first_reason([]) is None


def test_the_pair_rule_by_hand() -> None:
    """`multiples.unmeant_pair`, the rule `unmeant_moic` (two runs) and `unmeant_stored` (a
    run and the store's rows) share: the first reason of either side, a token outlay's
    medians of both sides after the pair, and a side with no statistics judged by the
    financed test alone."""
    pays = {"moic_mean": 0.0, "moic_p50": 0.0, "loss_mean": 0.0}  # pays, no loss: pays_only
    token = {"moic_mean": 260.0, "moic_p50": 250.0, "loss_mean": 0.1}  # median above 100x
    plain = {"moic_mean": 1.3, "moic_p50": 1.25, "loss_mean": 0.1}
    assert multiples.unmeant_pair([plain, plain], False) is None
    assert multiples.unmeant_pair([token, plain], False) == ("token", " (A 250.00x, B 1.25x)")
    assert multiples.unmeant_pair([plain, token], False, lambda v: f"{v:g}×") == (
        "token", " (A 1.25×, B 250×)")
    assert multiples.unmeant_pair([token, pays], False) == ("pays_only", "")  # REASONS' order
    assert multiples.unmeant_pair([plain, {}], True) == ("financed", "")
    assert multiples.unmeant_pair([plain, {}], False) is None
    # a token median in one run, none in the other (the pair is missing there): a dash
    assert multiples.unmeant_pair([token, {}], False) == ("token", " (A 250.00x, B —)")


def test_irr_cell_is_a_dash_kind_where_no_path_has_an_irr() -> None:
    assert irr_cell({"p50": None, "ranked_share": 0.0}) == ("none", None)
    assert irr_cell({"p50": float("nan")}) == ("none", None)
    assert irr_cell({"p50": float("nan"), "ranked_share": 0.004}) == ("withheld", None)
    assert irr_cell({"p50": float("inf"), "ranked_share": 0.9}) == ("above", 10.0)
    assert irr_cell({"p05": 0.2, "p50": None}, "p05") == ("value", 0.2)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_paired_moic_chart_leaves_out_the_pairs_compare_calls_n_m(found: Any, lang: str) -> None:
    T = words(lang)
    unmeant = unmeant_moic(found.base, found.other)
    # the deal table's n/m pairs of either run are all left out (the financed side, the
    # lessee that pays rent, the warrant bought for a fraction of a cent)
    assert set(moic_reasons(found.base)) | set(moic_reasons(found.other)) == set(unmeant)
    assert {("colossus2-spv", "xai"), ("xai-debt", "xai"), ("amd-openai-warrant", "openai")} \
        <= set(unmeant)
    names = party_names(found.other, T, short=True)
    fig = paired_figure(found, "moic", T)
    shown = {str(y) for trace in fig.data for y in trace.y}
    for deal, party in unmeant:
        assert f"{deal} · {names[party]}" not in shown
    assert f"colossus2-spv · {names['nvidia']}" in shown  # a meaningful MOIC keeps its point
    rows = found.differences[found.differences["metric"] == "moic"]
    kept = {f"{d} · {names[p]}" for d, p in zip(rows["deal"], rows["party"], strict=True)
            if (d, p) not in unmeant}
    assert shown == kept and len(kept) < len(rows)
    notes = paired_notes(found, "moic", T)
    assert notes[0] == T.t("dashboard.compare.moic_nm", a=T.t("dashboard.compare.loaded"),
                           b=T.t("dashboard.compare.edited"))
    a, b = (T.multiple(run.describe("deal|amd-openai-warrant|openai|moic")["p50"])
            for run in (found.base, found.other))
    assert a != b  # each run's own median, the loaded one first
    assert T.t("report.moic_nm_token", parties=f"amd-openai-warrant · {names['openai']} (A {a}, B {b})") \
        in notes
    # every reason the pairs have gets its note, in REASONS' order; other metrics none
    assert len(notes) == 1 + len({r for r, _ in unmeant.values()})
    assert paired_notes(found, "npv", T) == []
    npv = paired_figure(found, "npv", T)
    assert len({str(y) for trace in npv.data for y in trace.y}) > len(shown)


def _saved(tmp_path: Path, result: cc.Result) -> tuple[int, dict[str, Any]]:
    pytest.importorskip("duckdb")
    from chipcredit import store

    runs = store.RunStore(tmp_path / "runs.duckdb")
    run_id = runs.save(result, kind="run")
    return run_id, runs.get_run(run_id)


def test_stored_table_reads_n_m_for_the_unmeant_moic(tmp_path: Path, found: Any) -> None:
    from chipcredit.dashboard.tabs.comparison import _formatted

    T = words("en")
    result = found.other
    run_id, stored = _saved(tmp_path, found.base)
    table = against_stored(result, stored["metrics"])
    unmeant = unmeant_stored(table, result, T)
    # the statistics the store keeps give the pairs the two runs give
    assert set(unmeant) == set(unmeant_moic(found.base, found.other))
    assert {pair: r for pair, (r, _) in unmeant.items()} == {
        pair: r for pair, (r, _) in unmeant_moic(found.base, found.other).items()}
    names = party_names(result, T)
    shown = _formatted(table, T, run_id, names, unmeant)
    moic = shown[shown[T.t("report.col_metric")] == T.label("metric", "moic")]
    values = [c for c in shown.columns if c not in (T.t("report.col_deal"), T.t("report.col_party"),
                                                    T.t("report.col_metric"))]
    nm = moic[(moic[values] == T.t("report.moic_nm")).all(axis=1)]
    assert {(d, p) for d, p in zip(nm[T.t("report.col_deal")], nm[T.t("report.col_party")],
                                   strict=True)} == {(d, names[p]) for d, p in unmeant}
    assert len(moic) > len(nm)  # the others keep their numbers
    # a party that only pays (a lessee, a take-or-pay buyer) reads n/m for its IRR as well,
    # as the note says, by the deal's kind: not -100%
    kinds = {d.id: d.kind for d in result.scenario.deals}
    pays_only = {pair for pair, (r, _) in unmeant.items() if r == "pays_only"}
    assert pays_only
    shown = _formatted(table, T, run_id, names, unmeant, kinds)
    irr_rows = shown[shown[T.t("report.col_metric")] == T.label("metric", "irr")]
    irr_nm = {(d, p) for d, p, *cells in irr_rows[[T.t("report.col_deal"), T.t("report.col_party"),
                                                   *values]].itertuples(index=False)
              if all(c == T.t("report.moic_nm") for c in cells)}
    assert {(d, names[p]) for d, p in pays_only} <= irr_nm
    notes = stored_notes(table, unmeant, T, run_id, names)
    assert notes[0] == T.t("dashboard.compare.moic_nm", a=T.t("dashboard.compare.this_run"),
                           b=T.t("dashboard.compare.stored_run", run=run_id))
    # the warrant's issuer has no IRR on any path: a dash, with the report's note
    irr = table[(table["metric"] == "irr") & (table["deal"] == "amd-openai-warrant")
                & (table["party"] == "amd")]
    assert irr["p50_this"].isna().all()
    assert not np.isfinite(result.outcome("amd-openai-warrant", "amd", "irr")).any()
    row = shown[(shown[T.t("report.col_deal")] == "amd-openai-warrant")
                & (shown[T.t("report.col_party")] == names["amd"])
                & (shown[T.t("report.col_metric")] == T.label("metric", "irr"))]
    assert row[T.t("dashboard.compare.this_p50")].tolist() == [T.t("report.no_value")]
    assert T.t("report.irr_none_note", value=T.t("report.no_value")) in notes


def _run_and_record(paths: int, T: Catalogue) -> AppTest:
    """The page after running seed-2025 at ``paths`` paths, seed 0, and recording that run
    on the Compare tab (the stored run the comparison is made with)."""
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    at.sidebar.number_input(key="paths").set_value(paths)
    at.sidebar.text_input(key="seed").input("0")
    at.sidebar.button(key="run").click().run()
    at.session_state["main_tab"] = T.t("dashboard.tab.compare")
    at.run()
    at.button(key="record").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_compare_tab_flags_a_stored_runs_unmeant_moic(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("duckdb")
    monkeypatch.setenv("CHIPCREDIT_STORE", str(tmp_path / "runs.duckdb"))
    T = words("en")
    at = _run_and_record(200, T)
    (frame,) = [f.value for f in at.dataframe]
    moic = frame[frame[T.t("report.col_metric")] == T.label("metric", "moic")]
    xai = moic[(moic[T.t("report.col_deal")] == "colossus2-spv")
               & moic[T.t("report.col_party")].str.startswith("xAI")]
    assert (xai.drop(columns=[T.t("report.col_deal"), T.t("report.col_party"),
                              T.t("report.col_metric")]) == T.t("report.moic_nm")).all(axis=None)
    captions = [c.value for c in at.caption]
    note = T.t("dashboard.compare.moic_nm", a=T.t("dashboard.compare.this_run"),
               b=T.t("dashboard.compare.stored_run", run=1))
    assert markdown_safe(note) in captions
    financed = markdown_safe(T.t("report.moic_nm_financed", parties="").rstrip("."))
    assert any(c.startswith(financed) and markdown_safe("xai-debt · xAI") in c for c in captions)
    # the warrant's issuer has no IRR on any path: its medians read a dash, with the note
    assert markdown_safe(T.t("report.irr_none_note", value=T.t("report.no_value"))) in captions


def test_points_text_by_hand() -> None:
    from chipcredit.dashboard.tabs.comparison import points_text

    en, zh = words("en"), words("zh")
    assert points_text(en, 0.274 - 0.273) == "+0.1 pp"
    assert points_text(en, -0.0123) == "-1.2 pp"
    assert points_text(en, 0.0004) == points_text(en, -0.0004) == "0.0 pp"  # no "-0.0"
    assert points_text(zh, 0.05) == "+5.0 个百分点"
    assert points_text(en, None) == points_text(en, float("nan")) == en.t("number.not_available")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stored_table_shows_probabilities_as_the_overview_and_their_difference_in_points(
        tmp_path: Path, found: Any, lang: str) -> None:
    """A stored run's default probabilities once read "27% | 27% | 0.1%": the Overview's 27.3%
    rounded away and a difference that read as a relative change."""
    from chipcredit.dashboard.tabs.comparison import _formatted
    from chipcredit.dashboard.tabs.shares import probability_text

    T = words(lang)
    result = found.other
    run_id, stored = _saved(tmp_path, found.base)
    table = against_stored(result, stored["metrics"])
    names = party_names(result, T)
    shown = _formatted(table, T, run_id, names, unmeant_stored(table, result, T))
    rows = shown[shown[T.t("report.col_metric")] == T.label("metric", "default_probability")]
    assert len(rows) >= 2
    changed = 0
    for _, row in rows.iterrows():
        party = {v: k for k, v in names.items()}[row[T.t("report.col_party")]]
        this, base = found.other.default_probability(party), found.base.default_probability(party)
        assert row[T.t("dashboard.compare.this_mean")] == probability_text(T, this)
        assert row[T.t("dashboard.compare.stored_mean", run=run_id)] == probability_text(T, base)
        points = round((this - base) * 100, 1)
        unit = "pp" if lang == "en" else "个百分点"
        assert row[T.t("dashboard.compare.diff_mean")] == (
            f"0.0 {unit}" if points == 0 else f"{points:+.1f} {unit}")
        changed += points != 0
    assert changed  # xAI's revenue growth set to 0 moves some lab's probability of default
    assert all(str(v).endswith("%") for v in rows[T.t("dashboard.compare.this_mean")])


def test_the_stored_run_comparison_is_marked_stale_after_an_edit_not_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a slider moved without a rerun, the banner said "changed since this run" but
    the stored-run comparison read "0 of 95 metrics differ" unmarked."""
    pytest.importorskip("duckdb")
    monkeypatch.setenv("CHIPCREDIT_STORE", str(tmp_path / "runs.duckdb"))
    T = words("en")
    stale = T.t("dashboard.compare.stored_stale")
    at = _run_and_record(60, T)
    assert stale not in [w.value for w in at.warning]
    assert T.t("dashboard.compare.changed", changed=0, total=len(at.dataframe[0].value)) in \
        [c.value for c in at.caption]
    (slider,) = [s for s in at.sidebar.slider if s.key and s.key.endswith(":" + XAI_GROWTH)]
    slider.set_value(0.0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert T.t("dashboard.run.stale") in [i.value for i in at.info]
    assert [w.value for w in at.warning].count(stale) == 1
    # run again: the run on show is the inputs' run, no mark
    at.sidebar.button(key="run").click().run()
    assert stale not in [w.value for w in at.warning]


@pytest.mark.parametrize(("lang", "edited"), [("en", "seed-2025 (edited)"),
                                              ("zh", "seed-2025（已修改）")])
def test_the_run_picker_marks_an_edited_copy_as_runs_list_does(
        tmp_path: Path, found: Any, lang: str, edited: str) -> None:
    """The picker named an edited copy of seed-2025 plainly ``seed-2025``, where ``runs
    list`` reads ``seed-2025 (edited)`` (`chipcredit.store.provenance.edited`)."""
    pytest.importorskip("duckdb")
    from chipcredit import store
    from chipcredit.dashboard.tabs.comparison import run_labels

    T = words(lang)
    runs = store.RunStore(tmp_path / "runs.duckdb")
    assert [runs.save(found.base), runs.save(found.other)] == [1, 2]
    listed = runs.list_runs()
    assert listed["scenario"].tolist() == ["seed-2025", "seed-2025"]
    assert listed["edited"].tolist() == [False, True]
    paths = T.paths(PATHS)
    assert run_labels(listed, T) == {
        1: T.t("dashboard.compare.run_label", run=1, scenario="seed-2025", paths=paths, seed=0),
        2: T.t("dashboard.compare.run_label", run=2, scenario=edited, paths=paths, seed=0)}
    if lang == "en":
        assert run_labels(listed, T)[2] == "run 2 · seed-2025 (edited) · 100 paths · seed 0"
