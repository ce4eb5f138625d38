"""The dashboard at unit level: Streamlit's AppTest drives the script without a browser.

Covers the widgets (scenario choice, sliders, paths, language), the refusals (bad YAML, an
alias bomb, an oversize upload, a path count over the limit, an edit the schema refuses),
and the launcher's safe command line. Every page is checked for the absence of exception
elements: a user never sees a traceback.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

from streamlit.testing.v1 import AppTest

import chipcredit as cc
from chipcredit.dashboard import limits
from chipcredit.dashboard.assumptions import apply_edits, knobs, moved_spec
from chipcredit.dashboard.launcher import APP_SCRIPT, exposure_warning, streamlit_argv
from chipcredit.dashboard.tabs.shares import probability_text
from chipcredit.dashboard.text import dashboard_entries, words
from chipcredit.report.i18n import placeholders
from chipcredit.report.vendors import outside_funding, unmodelled_funding

PATHS = 300
XAI_GROWTH = "parties.xai.revenue.growth.from"
BOMB = b"""name: bomb
a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""
"""A "billion laughs" document: 10^7 values from a few hundred bytes."""


def _app() -> AppTest:
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    return at


def _no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _run(at: AppTest, paths: int = PATHS, seed: int = 0) -> None:
    at.sidebar.number_input(key="paths").set_value(paths)
    at.sidebar.text_input(key="seed").input(str(seed))
    at.sidebar.button(key="run").click().run()
    _no_traceback(at)


def _metric(at: AppTest, label_start: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert len(found) == 1, [m.label for m in at.metric]
    return str(found[0])


def _upload(at: AppTest, name: str, data: bytes) -> None:
    at.sidebar.radio(key="source").set_value("upload").run()
    at.sidebar.file_uploader(key="upload").upload(name, data, "application/x-yaml")
    at.run()
    _no_traceback(at)


def _simulated(scenario: cc.Scenario, paths: int = PATHS, seed: int = 0) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(scenario, paths=paths, seed=seed)


# --- the page -----------------------------------------------------------------------------


def test_first_page_asks_for_a_run_and_offers_bundled_scenarios() -> None:
    at = _app()
    _no_traceback(at)
    assert at.title[0].value == words("en").t("dashboard.title")
    assert [i.value for i in at.info] == [words("en").t("dashboard.run.first")]
    assert list(at.sidebar.selectbox(key="bundled").options) == cc.bundled_names()
    assert not at.tabs  # nothing to show before a run


def test_run_shows_the_same_numbers_as_the_api_and_every_tab() -> None:
    at = _app()
    _run(at)
    expected = _simulated(cc.load_scenario("seed-2025"))
    T = words("en")
    for lab, name in (("xai", "xAI"), ("openai", "OpenAI")):  # KPIs name parties by name
        assert _metric(at, f"{name}:") == probability_text(T, expected.default_probability(lab))
    assert [t.label for t in at.tabs] == [T.t(f"dashboard.tab.{name}") for name in (
        "overview", "flows", "labs", "deals", "market", "sensitivity", "compare", "registry")]
    assert not at.error
    # Each KPI's label is a caption above it, which wraps (a metric's own label is cut with
    # an ellipsis at 1,280 px); the metric keeps the label, hidden, for screen readers.
    captions = [c.value for c in at.main.caption]
    assert len(at.metric) >= 4
    for metric in at.metric:
        assert metric.proto.label_visibility.value == metric.proto.label_visibility.COLLAPSED
        assert limits.markdown_safe(metric.label) in captions
    # a MOIC that means nothing reads n/m, as in `chipcredit run` and the report, with why
    from chipcredit.dashboard.tabs.deal_table import deal_notes

    deals = at.dataframe[0].value
    moic = deals[deals[T.t("report.col_metric")] == T.label("metric", "moic")]
    assert T.t("report.moic_nm") in set(moic[T.t("report.col_p50")])
    notes = deal_notes(expected, T)
    assert notes and all(limits.markdown_safe(n) in captions for n in notes)
    assert T.t("report.mark_note") in notes  # the horizon mark, as the report says it
    # the story's headline number: the vendors table of the report and the CLI, with its note
    from chipcredit.dashboard.tabs.vendor_table import vendor_table

    assert T.t("report.headline_vendors", first="2025Q4", last="2035Q3") in [
        h.value for h in at.main.subheader]
    assert at.dataframe[1].value.to_numpy().tolist() == \
        vendor_table(expected, T).to_numpy().tolist()
    # the report's caption, with the registry's vendor funding the scenario leaves out
    from chipcredit.dashboard.tabs.vendor_table import vendors_text

    caption = vendors_text(expected, T)
    assert caption.startswith("Every figure here is a total over the whole horizon, 2025Q4 to "
                              "2035Q3 (40 quarters, 10 years)")
    assert T.t("report.vendors_note") in caption
    assert "Not in this scenario, so not in its self-funded revenue" in caption
    assert "Outside the model" in caption and "nvidia-nebius" in caption
    assert limits.markdown_safe(caption) in captions
    # under it the totals split by calendar year, the report's and the CLI's table
    from chipcredit.dashboard.tabs.vendor_table import vendor_years_table

    years = at.dataframe[2].value
    assert years.to_numpy().tolist() == vendor_years_table(expected, T).to_numpy().tolist()
    assert years.iloc[0, 0] == "2025 (Q4)" and len(years) == 11  # 2025Q4 to 2035Q3
    title = limits.markdown_safe(T.t("report.vendor_years_title"))
    assert f"**{title}**" in [m.value for m in at.main.markdown]
    assert limits.markdown_safe(T.t("report.vendor_years_note")) in captions
    # and the same money by the buyer that paid it, the report's and the CLI's line
    from chipcredit.dashboard.tabs.vendor_table import vendor_buyers_text

    buyers = vendor_buyers_text(expected, T)
    assert buyers is not None and buyers.startswith("Self-funded revenue by buyer")
    assert limits.markdown_safe(buyers) in captions
    # and the deal notes end with each party's discount rate, the report's note
    assert notes[-1].startswith("NPV is each party's own") and "xAI 20%" in notes[-1]


def test_moving_the_xai_growth_slider_to_zero_raises_its_default_probability() -> None:
    at = _app()
    _run(at)
    before = float(_metric(at, "xAI:").rstrip("%"))
    prefix = [k for k in at.sidebar.slider if k.key and k.key.endswith(":" + XAI_GROWTH)]
    assert len(prefix) == 1
    prefix[0].set_value(0.0).run()
    assert words("en").t("dashboard.run.stale") in [i.value for i in at.info]
    at.sidebar.button(key="run").click().run()
    _no_traceback(at)
    after = float(_metric(at, "xAI:").rstrip("%"))
    assert after > before + 10  # same seed: common random numbers, so no flakiness
    # The Compare tab pairs the edited scenario with the one loaded, path by path.
    _open_tab(at, "compare")
    at.button(key="compare_run").click().run()
    _no_traceback(at)
    (figure,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert figure["data"][0]["type"] == "scatter"
    edited = apply_edits(cc.load_scenario("seed-2025"), {XAI_GROWTH: 0.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        paired = cc.compare(cc.load_scenario("seed-2025"), edited, paths=PATHS, seed=0)
    # The page showed the API's numbers, to the displayed precision.
    assert words("en").t("number.percent", value=f"{before:.1f}") == \
        probability_text(words("en"), paired.base.default_probability("xai"))
    assert words("en").t("number.percent", value=f"{after:.1f}") == \
        probability_text(words("en"), paired.other.default_probability("xai"))
    row = paired.party("xai").set_index("metric").loc["default_probability"]
    # each percentage is shown to 0.1 point, so their difference is within 0.1 point
    assert row["difference"] == pytest.approx((after - before) / 100, abs=0.001 + 1e-9)


def test_language_switch_translates_the_page() -> None:
    at = _app()
    at.sidebar.radio(key="lang").set_value("zh").run()
    _run(at)
    zh = words("zh")
    assert at.title[0].value == zh.t("dashboard.title")
    assert at.sidebar.button(key="run").label == zh.t("dashboard.run.button")
    assert next(t.label for t in at.tabs) == zh.t("dashboard.tab.overview")
    label = next(m.label for m in at.metric if m.label.startswith("xAI"))
    assert label == zh.t("dashboard.kpi.default", party="xAI", last="2035Q3")
    assert label == "xAI：截至 2035Q3 的违约概率"  # dated, as the parties table's header
    # No English leaks into the Chinese page: every label and text, less ids (and the
    # company names made of them), acronyms and hashes, has no Latin word left.
    sc = cc.load_scenario("seed-2025")
    # party names come from the scenario file, so they stay as written there
    allowed = {p.id for p in sc.parties} | {p.name for p in sc.parties} | {d.id for d in sc.deals} | {
        sc.name, "chipcredit", "sha256", "MOIC", "NPV", "IRR", "YAML", "JSON", "HTML", "MB",
        "GW", "AI", "Language", "English", "p05", "p50", "p95",
        "GPU",  # the credit section's SPV note, as the report's Chinese has it
        "ead_pv"}  # a JSON field the credit note names, code in either language
    # the vendors caption names the registry's deals the scenario leaves out by their ids,
    # as the report does (nvidia-xai-series-e)
    allowed |= {f["id"] for f in unmodelled_funding(sc)}
    # and the stakes in companies that are not parties (nvidia-nebius: Nebius)
    allowed |= {f["id"] for f in outside_funding(sc)}
    texts = [e.value for kind in ("title", "caption", "info", "subheader", "markdown")
             for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [t.label for t in at.tabs]
    texts += [w.label for kind in ("radio", "selectbox", "number_input", "slider", "button",
                                   "expander") for w in getattr(at.sidebar, kind)]
    for text in texts:
        words_left = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]", str(text))
                      if not any(w.lower() in a.lower() for a in allowed)
                      and not re.search(r"\d", w)]
        assert not words_left, (text, words_left)


# --- refusals: clear text, never a traceback ------------------------------------------------


def test_bad_yaml_upload_shows_the_loaders_error_lines_not_a_traceback() -> None:
    text = (Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text("utf-8")
    bad = text.replace("horizon_quarters: 40", "horizon_quarters: forty", 1)
    assert bad != text
    at = _app()
    _upload(at, "../../etc/my scenario.yaml", bad.encode())
    with pytest.raises(cc.ScenarioError) as caught:
        cc.parse_scenario_text(bad.encode(), "my_scenario.yaml")
    expected = [str(p) for p in caught.value.problems]
    assert [e.value for e in at.error] == [
        words("en").t("dashboard.source.invalid", file="my_scenario.yaml")]
    assert at.code[0].value.splitlines() == expected
    assert expected[0].startswith("my_scenario.yaml:")
    assert "horizon_quarters" in expected[0]
    assert "Traceback" not in at.code[0].value
    assert not at.tabs


def test_bad_yaml_upload_in_chinese_shows_the_rule_in_chinese() -> None:
    text = (Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text("utf-8")
    bad = text.replace("horizon_quarters: 40", "horizon_quarters: forty", 1)
    at = _app()
    at.sidebar.radio(key="lang").set_value("zh").run()
    _upload(at, "bad.yaml", bad.encode())
    with pytest.raises(cc.ScenarioError) as caught:
        cc.parse_scenario_text(bad.encode(), "bad.yaml")
    problem = caught.value.problems[0]
    assert problem.rule == "must be a whole number"  # the English the page must not show
    zh = words("zh")
    assert [e.value for e in at.error] == [zh.t("dashboard.source.invalid", file="bad.yaml")]
    line = at.code[0].value.splitlines()[0]
    assert line.startswith(str(problem).split(" must ")[0] + " ")  # where and path verbatim
    assert zh.t("error.rule.whole") in line and "'forty'" in line
    assert problem.rule not in line and "Traceback" not in at.code[0].value


def test_alias_bomb_upload_is_refused_by_the_limited_loader() -> None:
    at = _app()
    _upload(at, "bomb.yaml", BOMB)
    assert [e.value for e in at.error] == [
        words("en").t("dashboard.source.invalid", file="bomb.yaml")]
    assert "aliases" in at.code[0].value and "expand" in at.code[0].value


def test_oversize_upload_is_refused_before_it_is_read() -> None:
    at = _app()
    _upload(at, "big.yaml", b"#" * (limits.MAX_UPLOAD_BYTES + 1))
    assert [e.value for e in at.error] == [words("en").t(
        "dashboard.limit.upload_too_big", size="10.0", limit=str(limits.MAX_UPLOAD_MB))]


def test_paths_over_the_limit_get_a_clear_message_and_no_run() -> None:
    at = _app()
    _run(at, paths=limits.MAX_PATHS + 1)
    assert [e.value for e in at.error] == [words("en").t(
        "dashboard.limit.paths", paths=f"{limits.MAX_PATHS + 1:,}",
        limit=f"{limits.MAX_PATHS:,}")]
    assert not at.tabs


def test_an_edit_the_schema_refuses_is_shown_with_its_path() -> None:
    at = _app()
    at.sidebar.selectbox(key=next(s.key for s in at.sidebar.selectbox
                              if s.key and s.key.endswith(":any"))) \
        .set_value("deals.xai-debt.rate").run()
    box = [n for n in at.sidebar.number_input if n.key and n.key.endswith(":deals.xai-debt.rate")]
    box[0].set_value(12.5).run()
    _no_traceback(at)
    assert [e.value for e in at.error] == [words("en").t("dashboard.assumptions.invalid")]
    # the number by its parameter path (the deal by its id) and the control that set it
    assert at.code[0].value == "deals.xai-debt.rate (Any other number) must be between 0 and 1; " \
        "got 12.5 (did you mean 0.125?)"
    assert at.sidebar.button(key="run").disabled


# --- the pieces -----------------------------------------------------------------------------


def test_catalogues_have_the_same_keys_and_placeholders_and_cover_the_code() -> None:
    en, zh = dashboard_entries("en"), dashboard_entries("zh")
    assert en.keys() == zh.keys()
    for key in en:
        assert placeholders(str(en[key])) == placeholders(str(zh[key])), key
    source = "\n".join(p.read_text("utf-8") for p in APP_SCRIPT.parent.rglob("*.py"))
    used = set(re.findall(r'"(dashboard\.[a-z0-9_.]+)"', source))
    assert used and used <= en.keys(), used - en.keys()
    assert not [v for v in zh.values() if re.search(r"\b(the|and|of)\b", str(v))]


def test_launcher_binds_to_loopback_with_safe_settings() -> None:
    argv = streamlit_argv(8765)
    flags = dict(zip(argv[5::2], argv[6::2], strict=True))
    assert argv[1:5] == ["-m", "streamlit", "run", str(APP_SCRIPT)]
    assert flags == {
        "--server.address": "127.0.0.1", "--server.port": "8765",
        "--server.headless": "true", "--browser.gatherUsageStats": "false",
        "--server.maxUploadSize": str(limits.MAX_UPLOAD_MB),
        "--server.fileWatcherType": "none", "--server.runOnSave": "false",
        "--client.showErrorDetails": "none", "--client.toolbarMode": "minimal"}
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert exposure_warning(host) is None
    for host in ("0.0.0.0", "192.168.1.5", "::", "example.org"):
        warning = exposure_warning(host)
        assert warning is not None and warning.startswith(f"warning: the dashboard listens on {host}")
        assert "\n" not in warning
    with pytest.raises(cc.UsageError, match="--port must be between 1 and 65535; got 0"):
        streamlit_argv(0)


def test_upload_names_are_only_shown_cut_to_safe_characters() -> None:
    assert limits.display_name("../../etc/passwd") == "passwd"
    assert limits.display_name("C:\\x\\my scen;rm -rf.yaml") == "my_scen_rm_-rf.yaml"
    assert limits.display_name("$(reboot)`x`.yml") == "reboot_x_.yml"
    assert limits.display_name("") == "upload.yaml"
    assert len(limits.display_name("a" * 500)) == 60
    # A scenario's name is free text; in the page's Markdown it stays text.
    assert limits.markdown_safe("![x](http://e.test/a.png)\n<b>$1$</b>") == \
        r"\!\[x\]\(http\://e.test/a.png\) \<b\>\$1\$\</b\>"


def test_moved_spec_keeps_the_shape_and_lands_on_the_new_median() -> None:
    numbers = cc.parameter_paths(cc.load_scenario("seed-2025"))
    growth = numbers[XAI_GROWTH]  # triangular 1.2..5.0, positive: scaled
    moved = moved_spec(growth, growth.median() / 2)
    assert moved["dist"] == "triangular"
    assert moved["low"] == pytest.approx(growth.low / 2)
    assert moved["high"] == pytest.approx(growth.high / 2)
    price = numbers["parties.nvidia.price_change_per_year"]  # -0.08..0.02: shifted
    shifted = moved_spec(price, price.median() + 0.05)
    assert shifted["low"] == pytest.approx(price.low + 0.05)
    assert shifted["high"] == pytest.approx(price.high + 0.05)
    assert moved_spec(growth, 0.0) == {"value": 0.0}
    edited = apply_edits(cc.load_scenario("seed-2025"), {XAI_GROWTH: 1.0})
    after = cc.parameter_paths(edited)[XAI_GROWTH]
    assert after.median() == pytest.approx(1.0)
    assert after.source == growth.source and after.basis == growth.basis


def test_every_knob_starts_inside_its_range_on_every_bundled_scenario() -> None:
    for name in cc.bundled_names():
        for knob in knobs(cc.load_scenario(name)):
            assert knob.low <= knob.base <= knob.high, knob
            assert not knob.changed(knob.base)


# --- the tabs -------------------------------------------------------------------------------


def _open_tab(at: AppTest, name: str, lang: str = "en") -> list[dict[str, object]]:
    """Switch to a tab (as a click does: the tabs rerun the page) and return the figures
    drawn, as Plotly JSON."""
    at.session_state["main_tab"] = words(lang).t(f"dashboard.tab.{name}")
    at.run()
    _no_traceback(at)
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _title(figure: dict[str, object]) -> str:
    layout = figure["layout"]
    assert isinstance(layout, dict)
    return str(layout["title"]["text"])


def test_each_tab_draws_its_charts_only_when_open() -> None:
    at = _app()
    _run(at)
    T = words("en")
    assert not at.get("plotly_chart")  # the overview has numbers and tables, no figures
    flows = _open_tab(at, "flows")
    assert [_title(f) for f in flows] == [T.t("chart.sankey_title")]
    assert flows[0]["data"][0]["type"] == "sankey"  # type: ignore[index]
    labs = _open_tab(at, "labs")
    assert [_title(f) for f in labs][1] == T.t("chart.default_title", party="OpenAI") or \
        len(labs) == 2
    assert len(_open_tab(at, "deals")) == 1
    assert len(_open_tab(at, "market")) == 2
    network = _open_tab(at, "registry")
    assert [_title(f) for f in network] == [T.t("dashboard.registry.title")]
    assert len(at.dataframe[0].value) == len(cc.deal_registry())
    assert [i.value for i in (at.info)] == []


def test_sensitivity_tab_asks_first_then_draws_a_tornado() -> None:
    at = _app()
    _run(at, paths=100)
    _open_tab(at, "sensitivity")
    assert [i.value for i in at.info] == [words("en").t("dashboard.sensitivity.first")]
    offered = at.multiselect(key="tornado_params").value
    assert XAI_GROWTH in offered and "deals.colossus2-spv.amount" not in offered  # fixed
    at.multiselect(key="tornado_params").set_value([XAI_GROWTH])
    at.selectbox(key="tornado_metric").set_value("parties.xai.default_probability")
    at.button(key="tornado_run").click().run()
    _no_traceback(at)
    (figure,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert len(bars) == 2  # low end and high end
    assert all(len(b["y"]) == 1 for b in bars)  # one bar per assumption varied
    assert not at.info


def test_compare_tab_records_a_run_and_compares_with_it() -> None:
    at = _app()
    _run(at)
    _open_tab(at, "compare")
    T = words("en")
    assert T.t("dashboard.compare.no_store") in [i.value for i in at.info]
    at.button(key="record").click().run()
    _no_traceback(at)
    assert [s.value for s in at.success] == [T.t("dashboard.compare.recorded", run=1)]
    caption = [c.value for c in at.caption if "metrics differ" in c.value]
    assert len(caption) == 1 and caption[0].startswith("0 of ")  # the same run: no change


def test_the_command_warns_when_exposed_and_execs_streamlit(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from chipcredit.cli import main

    seen: list[list[str]] = []

    def fake_exec(path: str, argv: list[str]) -> None:
        seen.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr("os.execv", fake_exec)
    with pytest.raises(SystemExit) as done:
        main(["dashboard", "--host", "0.0.0.0", "--port", "8600"])
    assert done.value.code == 0
    (argv,) = seen
    assert argv[argv.index("--server.address") + 1] == "0.0.0.0"
    assert argv[argv.index("--server.port") + 1] == "8600"
    err = capsys.readouterr().err.splitlines()
    assert err[0] == exposure_warning("0.0.0.0")
    with pytest.raises(SystemExit) as done:
        main(["dashboard"])
    assert seen[-1][seen[-1].index("--server.address") + 1] == "127.0.0.1"
    assert not capsys.readouterr().err.startswith("warning")
    with pytest.raises(SystemExit) as done:
        main(["dashboard", "--port", "0"])
    assert done.value.code == 2
    assert capsys.readouterr().err.startswith("error:")


def test_without_streamlit_the_command_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from chipcredit.dashboard.launcher import launch

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "streamlit" else real(name, *a))
    with pytest.raises(cc.UsageError, match=r"^the dashboard needs streamlit, which is not "
                                            r"installed: pip install 'chipcredit\[dashboard\]'$"):
        launch()


def test_overview_party_table_shows_who_can_default_with_the_reports_labels() -> None:
    from chipcredit.dashboard.tabs.party_table import party_table
    from chipcredit.report.i18n import catalogue

    res = cc.simulate("seed-2025", paths=200, seed=3)
    table = party_table(res, catalogue("en")).set_index("Party")  # parties by name
    clouds = "Microsoft Azure, Oracle OCI and AWS (as OpenAI's landlords)"
    # dated with the horizon's last quarter, as the report's and the CLI's headers are
    assert list(table.columns[:2]) == ["Kind", "P(default) by 2035Q3"]
    default = table["P(default) by 2035Q3"]
    p = res.default_probability("coreweave")  # with one Monte Carlo s.e. after it
    assert default["CoreWeave"] == (f"{probability_text(catalogue('en'), p)} "
                                    f"±{math.sqrt(p * (1 - p) / 200) * 100:.1f}")
    assert default[clouds] == "n/a" and default["Nvidia"] == "n/a"  # they cannot default
    assert table.at[clouds, "Kind"] == "hyperscale cloud"
    assert table.at["CoreWeave", "Kind"] == "neocloud"
    assert "total revenue (median)" in table.columns
    assert not any("($B" in c for c in table.columns)  # cells say $B or $T themselves


def test_tornado_metrics_cover_clouds_vendors_and_portfolios() -> None:
    from chipcredit.analytics.query import metric_value
    from chipcredit.dashboard.tabs.sensitivity import metric_choices

    res = cc.simulate("seed-2025", paths=200, seed=3)
    choices = metric_choices(res)
    assert "parties.coreweave.default_probability" in choices
    assert "parties.hyperscale-clouds.default_probability" not in choices  # never defaults
    assert "vendors.nvidia.market_share_end.p50" in choices
    assert "vendors.amd.self_funded_revenue_share.p50" in choices
    assert "portfolios.nvidia.expected_loss" in choices
    summary = res.to_dict()
    for path in choices:  # every choice is a metric path of this run's summary
        assert isinstance(metric_value(summary, path), float), path


def test_a_bad_upload_disables_run_and_does_not_ask_for_one() -> None:
    text = (Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text("utf-8")
    at = _app()
    assert [i.value for i in at.info] == [words("en").t("dashboard.run.first")]  # Run possible
    _upload(at, "bad.yaml", text.replace("horizon_quarters: 40", "horizon_quarters: x", 1).encode())
    assert at.sidebar.button(key="run").disabled
    assert words("en").t("dashboard.run.first") not in [i.value for i in at.info]
    assert at.error  # the loader's problem is what the page shows


def test_chinese_overview_kpis_fit_the_deal_and_tables_say_n_a() -> None:
    at = _app()
    at.sidebar.radio(key="lang").set_value("zh").run()
    _run(at, paths=200)
    zh = words("zh")
    expected = _simulated(cc.load_scenario("seed-2025"), paths=200)
    backstop = zh.t("dashboard.kpi.npv", party="Nvidia", deal="nvidia-coreweave-backstop")
    median_npv = float(pd.Series(expected.outcome("nvidia-coreweave-backstop", "nvidia",
                                                  "npv")).median())
    assert _metric(at, backstop) == zh.money(median_npv)
    assert not any("nvidia-coreweave-backstop" in m.label and "资金倍数" in m.label
                   for m in at.metric)  # no 0x MOIC for a deal that returns compute
    for frame in at.dataframe:  # deals and parties: every cell a Chinese string, never None
        cells = frame.value.to_numpy().ravel().tolist()
        assert not any(c is None or str(c) in ("None", "nan", "n/a") for c in cells)


def test_chinese_money_flows_and_real_deals_tables_are_translated() -> None:
    at = _app()
    at.sidebar.radio(key="lang").set_value("zh").run()
    _run(at, paths=100)
    zh = words("zh")
    (sankey_fig,) = _open_tab(at, "flows", "zh")
    assert "colossus2-spv" not in sankey_fig["data"][0]["node"]["label"]  # type: ignore[index]
    assert at.toggle(key="flow_outside").value  # the full picture first; the loop is kept
    assert zh.t("chart.sankey_colours") in [c.value for c in at.main.caption]
    flows = at.dataframe[0].value
    assert list(flows.columns) == [zh.t(f"report.col_{c}") for c in ("from", "to", "kind", "total")]
    assert set(flows[zh.t("report.col_kind")]) <= {v for k, v in zh.entries.items()
                                                   if k.startswith("kind.")}  # labels, no ids
    assert all(str(v).endswith(("亿美元", "万亿美元")) for v in flows[zh.t("report.col_total")])
    at.toggle(key="flow_outside").set_value(False).run()
    (inside,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert _title(inside) == zh.t("chart.sankey_title_inside")
    _open_tab(at, "registry", "zh")
    deals = at.dataframe[0].value
    assert zh.t("report.col_amount") in deals.columns and "amount" not in deals.columns
    loi = deals[deals[zh.t("report.col_deal")] == "nvidia-openai-loi"].iloc[0]
    assert loi[zh.t("report.col_amount")] == zh.money(100.0) == "1,000亿美元"


def _slider(at: AppTest, path: str) -> Any:
    found = [s for s in at.sidebar.slider if s.key and (s.key.endswith(":" + path)
                                                       or s.key.rsplit(":", 1)[0].endswith(":" + path))]
    assert len(found) == 1, [s.key for s in at.sidebar.slider]
    return found[0]


def test_chinese_money_sliders_are_in_yi_dollars_and_edit_the_scenario_in_billions() -> None:
    content = "parties.nvidia.content_per_unit"
    at = _app()
    at.sidebar.radio(key="lang").set_value("zh").run()
    slider = _slider(at, content)
    # in the page's unit: Nvidia's chip content per GW, triangular (22, 35, 38) $B, has the
    # median 22 + sqrt(16 * 13 / 2) = 32.2 $B, 32 on the slider's $0.5B grid: 320 亿美元
    assert slider.value == 320.0 and slider.label.endswith("（亿美元）")
    assert slider.step == 5.0  # $0.5B
    slider.set_value(300.0).run()
    _run(at, paths=100)
    ran = at.session_state["current_run"].result.scenario
    assert cc.parameter_paths(ran)[content].median() == pytest.approx(30.0)  # in $B
    # back in English the slider shows the same number in $B
    at.sidebar.radio(key="lang").set_value("en").run()
    _no_traceback(at)
    assert _slider(at, content).value == pytest.approx(30.0)


def test_the_deals_histogram_and_labs_fan_are_drawn_readable() -> None:
    """The Deals tab's histogram leaves room above its tallest bar for the percentile labels,
    and the Labs tab's fan separates thousands (``1,000``, not ``1000``)."""
    from chipcredit.dashboard.fan import THOUSANDS
    from chipcredit.dashboard.tabs.deals import LABEL_ROOM

    at = _app()
    _run(at, paths=100)
    (histogram,) = _open_tab(at, "deals")
    layout = histogram["layout"]
    assert isinstance(layout, dict)
    tallest = max(max(v for v in t["y"] if v is not None)  # type: ignore[index]
                  for t in histogram["data"] if t["type"] == "bar")  # type: ignore[index, union-attr]
    assert layout["yaxis"]["range"][1] == pytest.approx(tallest / (1 - LABEL_ROOM))
    fan, _ = _open_tab(at, "labs")
    layout = fan["layout"]
    assert isinstance(layout, dict) and layout["yaxis"]["tickformat"] == THOUSANDS
