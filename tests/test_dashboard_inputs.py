"""The dashboard never shows a run the sidebar's inputs do not make, and never runs another.

A credit officer's review found the page showing an earlier run's numbers, unmarked, under a
refused upload or edit; a Run button that did nothing; a Paths or Seed box whose refused
value was silently replaced by the last valid one; a "paired" comparison of the last run
with itself. These tests drive the page with Streamlit's AppTest (no browser): one session
each, small runs, so they stay quick.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

from streamlit.testing.v1 import AppTest

import chipcredit as cc
from chipcredit.dashboard.assumptions import EditRefused, apply_edits, knobs
from chipcredit.dashboard.cache import scenario_key
from chipcredit.dashboard.launcher import APP_SCRIPT
from chipcredit.dashboard.limits import seed_number
from chipcredit.dashboard.text import words

PATHS = 100
XAI_GROWTH = "parties.xai.revenue.growth.from"
T = words("en")
STALE = T.t("dashboard.run.stale")
STALE_REFUSED = T.t("dashboard.run.stale_refused")


def _app() -> AppTest:
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def _run_button_disabled(at: AppTest) -> bool:
    return bool(at.sidebar.button(key="run").disabled)


def _any_other_number(at: AppTest, path: str, value: float) -> None:
    at.sidebar.selectbox(key=next(s.key for s in at.sidebar.selectbox
                                  if s.key and s.key.endswith(":any"))).set_value(path).run()
    box = [n for n in at.sidebar.number_input if n.key and n.key.endswith(f":{path}")]
    box[0].set_value(value).run()
    _ok(at)


def test_refused_inputs_mark_the_shown_run_and_disable_run() -> None:
    text = (Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text("utf-8")
    at = _app()
    at.sidebar.number_input(key="paths").set_value(PATHS)
    at.sidebar.button(key="run").click().run()
    _ok(at)
    assert at.tabs and STALE not in _infos(at) and STALE_REFUSED not in _infos(at)
    # upload chosen, no file yet: the run on show is not of these inputs
    at.sidebar.radio(key="source").set_value("upload").run()
    _ok(at)
    assert STALE_REFUSED in _infos(at) and _run_button_disabled(at)
    # a bad file: its lines, the notice, Run off
    bad = text.replace("horizon_quarters: 40", "horizon_quarters: 4O", 1).encode()
    at.sidebar.file_uploader(key="upload").upload("bad.yaml", bad, "application/x-yaml")
    at.run()
    _ok(at)
    assert at.error and STALE_REFUSED in _infos(at) and _run_button_disabled(at)
    # back to the scenario run: its run is current again, no notice
    at.sidebar.radio(key="source").set_value("bundled").run()
    _ok(at)
    assert STALE not in _infos(at) and STALE_REFUSED not in _infos(at)
    assert not _run_button_disabled(at)
    # an edit the schema refuses: named by its path and control; the run on show is marked
    _any_other_number(at, "deals.xai-debt.rate", 12.5)
    assert [c.value for c in at.code] == [
        "deals.xai-debt.rate (Any other number) must be between 0 and 1; got 12.5 "
        "(did you mean 0.125?)"]
    assert STALE_REFUSED in _infos(at) and _run_button_disabled(at)
    ran = at.session_state["current_run"].result.scenario  # still the run made before
    rate = "deals.xai-debt.rate"
    assert cc.parameter_paths(ran)[rate].median() == \
        cc.parameter_paths(cc.load_scenario("seed-2025"))[rate].median()


def test_a_paths_or_seed_the_cli_refuses_disables_run_and_says_the_rule() -> None:
    at = _app()
    at.sidebar.number_input(key="paths").set_value(0).run()
    _ok(at)
    assert [e.value for e in at.error] == [T.t("dashboard.limit.paths_low", paths="0")]
    assert _run_button_disabled(at)
    at.sidebar.number_input(key="paths").set_value(PATHS).run()
    at.sidebar.text_input(key="seed").input("99999999999999999999").run()
    _ok(at)
    rule = ("seed must be below 2**63 (the run store keeps it as a 64-bit integer); "
            "got 99999999999999999999")
    assert [e.value for e in at.error] == [T.t("dashboard.run.seed_invalid", reason=rule)]
    assert _run_button_disabled(at)
    # above 2**53, below 2**63: the CLI takes it, and so does the page, to the last digit
    at.sidebar.text_input(key="seed").input("9007199254740993").run()
    assert not at.error and not _run_button_disabled(at)
    at.sidebar.button(key="run").click().run()
    _ok(at)
    assert at.session_state["current_run"].result.seed == 9007199254740993


def test_seed_text_is_read_by_the_clis_rule() -> None:
    assert seed_number(" 42 ") == 42
    assert seed_number(str(2**63 - 1)) == 2**63 - 1
    for text, rule in (("", "seed must be a whole number at least 0; got ''"),
                       ("1.5", "seed must be a whole number at least 0; got '1.5'"),
                       ("-1", "seed must be a whole number at least 0; got -1"),
                       (str(2**63), f"seed must be below 2**63 (the run store keeps it as a "
                                    f"64-bit integer); got {2**63}")):
        with pytest.raises(cc.UsageError) as caught:
            seed_number(text)
        assert str(caught.value) == rule


def test_compare_pairs_the_edited_sidebar_with_the_loaded_scenario_not_the_last_run() -> None:
    at = _app()
    at.sidebar.number_input(key="paths").set_value(PATHS)
    at.sidebar.button(key="run").click().run()
    slider = [s for s in at.sidebar.slider if s.key and s.key.endswith(":" + XAI_GROWTH)]
    slider[0].set_value(0.0).run()  # moved, not run
    at.session_state["main_tab"] = T.t("dashboard.tab.compare")
    at.run()
    at.button(key="compare_run").click().run()
    _ok(at)
    (figure,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    base = cc.load_scenario("seed-2025")
    edited = apply_edits(base, {XAI_GROWTH: 0.0})
    source = next(a["text"] for a in figure["layout"]["annotations"] if a.get("name") == "source")
    assert f"sha256 {scenario_key(edited)[:12]}" in source
    assert f"sha256 {scenario_key(base)[:12]}" in source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        paired = cc.compare(base, edited, paths=PATHS, seed=0)
    row = paired.party("xai").set_index("metric").loc["default_probability"]
    assert row["difference"] > 0.1  # xAI without growth defaults more: not a zero chart
    xs = [x for trace in figure["data"] for x in trace.get("x", []) if isinstance(x, float)]
    assert any(x != 0 for x in xs)


def test_spv_amounts_get_no_slider_and_refusals_name_the_deal_and_control() -> None:
    base = cc.load_scenario("seed-2025")
    paths = [k.path for k in knobs(base)]
    assert "deals.colossus2-spv.amount" not in paths  # its equity and debt must add up to it
    assert "deals.xai-debt.amount" in paths  # a loan's amount stands alone
    with pytest.raises(EditRefused) as caught:
        apply_edits(base, {}, {"deals.colossus2-spv.amount": 30.0},
                    {"deals.colossus2-spv.amount": "Any other number"})
    with pytest.raises(cc.ScenarioError) as schema:  # the schema's own line, by file place
        cc.set_number(base, "deals.colossus2-spv.amount", 30.0)
    (problem,) = schema.value.problems
    assert problem.path.startswith("deals[0]")  # colossus2-spv is the first deal
    named = "deals.colossus2-spv" + problem.path.removeprefix("deals[0]")
    rest = str(problem).split(problem.path, 1)[1]  # " RULE; got VALUE ..."
    assert caught.value.lines == (f"{named} (Any other number){rest}",)


def test_rate_sliders_read_in_percent_and_edit_the_scenario_in_fractions() -> None:
    at = _app()
    (slider,) = [s for s in at.sidebar.slider if s.key and s.key.endswith(":" + XAI_GROWTH)]
    (knob,) = [k for k in knobs(cc.load_scenario("seed-2025")) if k.path == XAI_GROWTH]
    assert slider.value == pytest.approx(knob.base * 100) and slider.proto.format == "%.0f%%"
    slider.set_value(100.0).run()  # +100% a year
    at.sidebar.number_input(key="paths").set_value(20)
    at.sidebar.button(key="run").click().run()
    _ok(at)
    ran = at.session_state["current_run"].result.scenario
    assert cc.parameter_paths(ran)[XAI_GROWTH].median() == pytest.approx(1.0)
