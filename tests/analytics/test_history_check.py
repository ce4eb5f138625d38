"""`history_check`: a run held against the history its scenario records."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from tests.scenario.conftest import BASE

import chipcredit as cc
from chipcredit.analytics.history_check import percentile_rank, quarter_in_band, where_in_band
from chipcredit.scenario.history import series_variables
from chipcredit.scenario.loader import parse_scenario_text

# xai's revenue does not grow: a run rate of $0.5B a year is $0.125B in every quarter
FLAT = BASE.replace("growth: {from: 3.0, to: 0.3, half_life_years: 2}",
                    "growth: {from: 0.0, to: 0.0, half_life_years: 2}") + """\
history:
  - label: "xAI's revenue in 2026Q1"
    series: parties.xai.revenue
    quarter: 2026Q1
    observed: {value: 0.2, source: "a made-up filing", basis: fact}
  - label: "xAI defaulted"
    event: default
    party: xai
    quarter: 2026Q2
    source: "a made-up docket"
"""


@pytest.fixture(scope="module")
def flat() -> cc.Scenario:
    return parse_scenario_text(FLAT, "flat.yaml")


@pytest.fixture(scope="module")
def runs(flat: cc.Scenario) -> tuple[cc.Result, cc.Result]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cc.simulate(flat, deterministic=True), cc.simulate(flat, paths=500, seed=3)


def test_percentile_rank_counts_ties_as_half() -> None:
    values = np.array([1.0, 2.0, 2.0, 3.0, np.nan])
    assert percentile_rank(values, 2.0) == 50.0  # (1 below + 0.5 x 2 equal) / 4
    assert percentile_rank(values, 0.5) == 0.0
    assert percentile_rank(values, 9.0) == 100.0
    assert percentile_rank(np.array([np.nan]), 1.0) is None


def test_where_in_band_keeps_the_ends_inside() -> None:
    assert where_in_band(1.0, 1.0, 3.0) == "inside the band"
    assert where_in_band(3.0, 1.0, 3.0) == "inside the band"
    assert where_in_band(0.99, 1.0, 3.0) == "below the band"
    assert where_in_band(3.01, 1.0, 3.0) == "above the band"


def test_the_base_case_is_a_hand_computed_value(runs: tuple[cc.Result, cc.Result]) -> None:
    revenue, default = cc.history_check(runs[0])
    assert (revenue.p05, revenue.p50, revenue.p95) == (0.125, 0.125, 0.125)  # 0.5 / 4
    assert revenue.paths == 1 and revenue.rank is None and revenue.observed == 0.2
    assert revenue.where == "above the base case"
    assert revenue.source == "a made-up filing"
    assert default.where == "no path defaults"
    assert (default.default_probability_by, default.default_probability) == (0.0, 0.0)


def test_monte_carlo_figures_are_those_of_the_reservoir(runs: tuple[cc.Result, cc.Result]) -> None:
    res = runs[1]
    revenue, default = cc.history_check(res)
    values = res.reservoir["xai", "revenue"][:, 1].astype(np.float64)  # 2026Q1 = quarter 1
    assert revenue.paths == revenue.band_paths == revenue.run_paths == 500
    assert revenue.p05 == pytest.approx(np.quantile(values, 0.05), rel=1e-12)
    assert revenue.p50 == pytest.approx(np.quantile(values, 0.5), rel=1e-12)
    assert revenue.p95 == pytest.approx(np.quantile(values, 0.95), rel=1e-12)
    assert revenue.rank == pytest.approx(100 * np.mean(values < 0.2))
    assert revenue.where == ("above the band" if 0.2 > revenue.p95 else "inside the band")
    dq = res.outcome(None, "xai", "default_quarter")
    assert default.default_probability_by == pytest.approx(np.mean((dq >= 0) & (dq <= 2)))
    assert default.default_probability == pytest.approx(np.mean(dq >= 0))
    assert default.p50 == pytest.approx(np.percentile(dq[dq >= 0], 50))


def test_json_summary_carries_the_checks(runs: tuple[cc.Result, cc.Result]) -> None:
    doc = runs[1].to_dict()
    assert [h["label"] for h in doc["history"]] == ["xAI's revenue in 2026Q1", "xAI defaulted"]
    assert doc["history"][0]["where"] == cc.history_check(runs[1])[0].where


def test_seed_2025_json_has_its_history() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cc.simulate("seed-2025", paths=500, seed=11)
    history = res.to_dict()["history"]
    assert {h["series"] for h in history} >= {"parties.openai.valuation",
                                              "parties.xai.valuation",
                                              "parties.coreweave.revenue"}
    for h in history:
        assert h["where"] in ("inside the band", "below the band", "above the band")
        assert h["paths"] == 500
    # every series the schema accepts is one the run records
    for owner, names in series_variables(res.scenario).items():
        for name in names:
            if owner.startswith("parties.") and name == "self_funded_share":
                continue  # recorded with money provenance only
            assert (owner.split(".")[1], name) in res.reservoir, (owner, name)


def test_json_entries_leave_out_text_that_does_not_apply(runs: tuple[cc.Result, cc.Result]) -> None:
    series, default = runs[1].to_dict()["history"]
    assert "event" not in series and "party" not in series and series["unit"] == "$B a quarter"
    assert "series" not in default and default["observed"] is None
    assert default["unit"] == "quarters from start"


def test_a_default_in_the_quarter_the_p05_falls_in_is_inside_the_band() -> None:
    # the default quarter is whole: a p05 of 2.3 is printed as the third quarter, and a
    # default observed in it is inside the band, as the table shows it, not before it; the
    # band is over the paths that default, and the words say so
    inside = "inside the band of the paths on which it defaults"
    assert quarter_in_band(2, 2.3, 8.0) == inside
    assert quarter_in_band(1, 2.3, 8.0) == "before the band of the paths on which it defaults"
    assert quarter_in_band(8, 2.3, 7.9) == "after the band of the paths on which it defaults"
    assert quarter_in_band(7, 2.3, 7.9) == inside


def test_winstar_s_default_quarter_is_read_in_whole_quarters() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate("telecom-2000", paths=300, seed=0)
    (check,) = [c for c in cc.history_check(res) if c.event == "default"]
    assert check.party == "winstar" and check.quarter == "2001Q2"
    assert check.p05 is not None and 2.0 < check.p05 < 3.0  # 2001Q2 is offset 2
    assert check.where == "inside the band of the paths on which it defaults"
    dq = res.outcome(None, "winstar", "default_quarter")
    # the band is over the paths that default; the probabilities over all 300
    assert check.band_paths == int(np.count_nonzero(dq >= 0)) < 300
    assert check.run_paths == check.paths == 300
    assert check.in_sample is False  # Winstar's default set no input


def test_in_sample_is_carried_to_the_check_and_the_json() -> None:
    sc = parse_scenario_text(FLAT.replace('made-up filing", basis: fact}\n',
                                          'made-up filing", basis: fact}\n    in_sample: true\n'),
                             "flat.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cc.simulate(sc, paths=200, seed=3)
    revenue, default = cc.history_check(res)
    assert revenue.in_sample is True and default.in_sample is False
    assert [h["in_sample"] for h in res.to_dict()["history"]] == [True, False]


def test_an_spv_variable_is_over_the_paths_with_the_spv() -> None:
    # colossus2-spv closes with probability 0.8 to 1 in BASE: its LTV is defined only on
    # the paths where it closed, fewer than the reservoir's
    sc = parse_scenario_text(BASE + """\
history:
  - label: "The SPV's LTV"
    series: deals.colossus2-spv.ltv
    quarter: 2026Q2
    observed: {value: 0.5, source: "a made-up report", basis: fact}
""", "spv.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cc.simulate(sc, paths=400, seed=5)
    (ltv,) = cc.history_check(res)
    column_q = res.reservoir["colossus2-spv", "ltv"][:, 2]
    assert ltv.band_paths == ltv.paths == int(np.count_nonzero(~np.isnan(column_q)))
    assert ltv.run_paths == 400 and ltv.band_paths < 400


def test_a_band_that_spans_zero_says_placing_it_tests_little() -> None:
    """xAI's valuation in 2034Q4 in seed-2025 (2,000 paths, seed 11) is 0 on the paths where
    xAI has defaulted by then, over 5% of them: the band runs from 0, so the row says placing
    the observation tests little, and how many of its paths xAI has defaulted on; CoreWeave's
    2025Q4 revenue (p05 above 0) gets no note."""
    from pathlib import Path

    import yaml

    from chipcredit.analytics.history_check import spans_zero
    from chipcredit.cli.history_table import spans_zero_note
    from chipcredit.report.history import history_rows
    from chipcredit.report.i18n import catalogue

    bundled = Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml"
    data = yaml.safe_load(bundled.read_text(encoding="utf-8"))
    data["history"].append({"label": "xAI at $100B", "series": "parties.xai.valuation",
                            "quarter": "2034Q4",
                            "observed": {"value": 100, "source": "a made-up round",
                                         "basis": "fact"}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cc.simulate(cc.load_scenario(data), paths=2000, seed=11)
    checks = cc.history_check(res)
    late, coreweave = checks[-1], checks[-2]
    q = res.scenario.quarter_of("2034Q4")
    value = res.reservoir["xai", "valuation"][:, q]
    dq = np.asarray(res.outcomes["party|xai|default_quarter"])
    defaulted = (dq >= 0) & (dq <= q)
    assert late.defaulted_paths == int(np.count_nonzero(defaulted)) > 100  # over 5% of 2,000
    assert np.all(value[defaulted] == 0)  # why the band starts at 0
    assert late.p05 == 0.0 < late.p95  # type: ignore[operator]
    assert spans_zero(late) and not spans_zero(coreweave) and coreweave.p05 > 0  # type: ignore[operator]
    n = f"{late.defaulted_paths:,}"
    assert spans_zero_note(late) == (f"; the band spans 0 (xai has defaulted by then on {n} of "
                                     "its 2,000 paths): placing the observation in it tests "
                                     "little")
    assert spans_zero_note(coreweave) == ""
    en = history_rows(res, catalogue("en"))[2]
    assert en[-1][-2] == ("inside the band; the band spans 0 (xai has defaulted by then on "
                          f"{n} of its 2,000 paths): placing the observation in it tests little")
    assert en[-2][-2] == "inside the band (in-sample: the inputs were set from it)"
    zh = history_rows(res, catalogue("zh"))[2]
    assert zh[-1][-2] == (f"分位带内；分位带跨越 0（其 2,000 条路径中有 {n} 条路径上 xai "
                          "截至该季度已违约）：观测落在其中几乎不构成检验")
    assert res.to_dict()["history"][-1]["defaulted_paths"] == late.defaulted_paths
    assert res.to_dict()["history"][-2]["defaulted_paths"] == 0  # CoreWeave: none by 2025Q4
