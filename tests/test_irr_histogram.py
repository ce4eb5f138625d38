"""An IRR histogram shows every path: those whose IRR lies above the bracket it is searched
in, those below it, and those with no IRR at all, not only the solved IRRs.

The paths beyond the bracket get grey bars beside the solved IRRs, named by their tick labels
``>1000%`` and ``-100%`` (the deal tables' words); the percentile lines are the deal tables'
(`Result.describe`, which ranks those paths); the note above the plot gives the share above,
below and with no IRR, with why. Numbers worked by hand on a crafted outcome, then the AMD
warrant of seed-2025, whose holder's IRR is above the bracket on most paths.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.analytics.result import Result
from chipcredit.analytics.valuation import REASONS
from chipcredit.report import charts

pytest.importorskip("plotly")

PATHS, SEED = 300, 3
CODE = {name: code for code, name in REASONS.items()}
DEAL, PARTY = "colossus2-spv", "nvidia"


@pytest.fixture(scope="module")
def result() -> Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=PATHS, seed=SEED)


def crafted(result: Result) -> Result:
    """Nvidia's IRR in the SPV on 300 paths, every one with a position: 1%, 2%, ... 100% a
    year on 100 paths, above the bracket on 40, below it on 30, and no sign change on 130."""
    irr = np.full(PATHS, np.nan)
    irr[:100] = np.arange(1, 101) / 100
    reason = np.zeros(PATHS)
    reason[100:140] = CODE["above_bracket"]
    reason[140:170] = CODE["below_bracket"]
    reason[170:] = CODE["no_sign_change"]
    key = f"deal|{DEAL}|{PARTY}|"
    outcomes = {**result.outcomes, key + "irr": irr, key + "irr_reason": reason,
                key + "cash_in": np.ones(PATHS), key + "cash_out": np.ones(PATHS)}
    return dataclasses.replace(result, outcomes=outcomes)


def _ticks(fig: object) -> dict[str, float]:
    axis = fig.layout.xaxis  # type: ignore[attr-defined]
    return dict(zip(axis.ticktext, axis.tickvals, strict=True))


def test_the_paths_beyond_the_bracket_have_their_own_bars_worked_by_hand(result: Result) -> None:
    fig = charts.outcome_histogram(crafted(result), DEAL, PARTY, "irr")
    (bars,) = fig.data
    # the solved IRRs, 1..100 % a year: 40 bars between the 0.5th and 99.5th percentiles,
    # 1 + 0.005 * 99 = 1.495 and 1 + 0.995 * 99 = 99.505, each (99.505 - 1.495) / 40 wide
    lo, hi = 1.495, 99.505
    step = (hi - lo) / 40
    assert len(bars.x) == 42
    # the grey bars: below the bracket 30/300 (left, a bar's width from the first bar, two
    # bars wide), above it 40/300 (right)
    assert (bars.x[0], bars.width[0], bars.y[0]) == pytest.approx((lo - 2 * step, 2 * step, 0.1))
    assert (bars.x[-1], bars.width[-1], bars.y[-1]) == pytest.approx(
        (hi + 2 * step, 2 * step, 40 / 300))
    assert bars.marker.color[0] == bars.marker.color[-1] == charts.EDGE_COLOUR
    assert set(bars.marker.color[1:-1]) == {charts.PALETTE[0]}
    assert sum(bars.y) == pytest.approx(170 / 300)  # every path with an IRR or a side
    assert [bars.customdata[0], bars.customdata[-1]] == ["-100%", ">1000%"]
    # named on the axis where a rate would be, and no rate ticks under them
    ticks = _ticks(fig)
    assert ticks["-100%"] == pytest.approx(lo - 2 * step)
    assert ticks[">1000%"] == pytest.approx(hi + 2 * step)
    rates = sorted(v for t, v in ticks.items() if t not in ("-100%", ">1000%"))
    assert rates == [20, 40, 60, 80]  # round steps: span / 8 = 12.3 rounds up to 20
    # percentiles over the 170 ranked paths (30 at -100%, then 1..100%, then 40 above):
    # p05 at 0.05 * 169 = 8.45 (among the 30 below), p50 at 84.5 (the 55th and 56th
    # solved, 55% and 56%: 55.5%), p95 at 160.55 (among the 40 above)
    assert [s.x0 for s in fig.layout.shapes] == pytest.approx(
        [lo - 2 * step, 55.5, hi + 2 * step])
    texts = [a.text for a in fig.layout.annotations]
    assert {"p05 -100%", "p50 55.5%", "p95 >1000%"} <= set(texts)
    assert ("IRR >1000% (above the range searched) on 13% of paths · -100% (all or nearly all "
            "lost) on 10% of paths · no IRR on 43% of paths (flows never change sign 43%)") in texts


def test_the_warrant_s_holder_is_shown_above_the_bracket(result: Result) -> None:
    """The AMD-OpenAI warrant: bought for a cent, its holder's IRR has no number on most
    paths, only a side. The histogram once drew the few solved paths (none here) and said
    'no value'; now the bars are the shares the JSON summary gives, and the median reads as
    the deal table's >1000%."""
    deal, party = "amd-openai-warrant", "openai"
    irr = result.to_dict()["deals"][deal]["parties"][party]["irr"]
    assert irr["above_bracket_share"] > 0.5 and irr["outside_bracket"]["p50"] == "above"
    fig = charts.outcome_histogram(result, deal, party, "irr")
    (bars,) = fig.data
    shares = dict(zip(bars.customdata, bars.y, strict=True))
    assert shares[">1000%"] == irr["above_bracket_share"]
    assert shares.get("-100%", 0.0) == irr["below_bracket_share"]
    assert sum(bars.y) == pytest.approx(irr["ranked_share"])
    assert "p50 >1000%" in [a.text for a in fig.layout.annotations]
    assert fig.layout.xaxis.zeroline is False  # two bars, no scale: no zero line either
    zh = charts.outcome_histogram(result, deal, party, "irr", lang="zh")
    assert "内部收益率" in next(a.text for a in zh.layout.annotations if a.y == 1.08)


def test_switching_metric_resets_the_axis(result: Result) -> None:
    """With buttons, the IRR view names the grey bars on its axis, and NPV and MOIC get
    plotly's own ticks back."""
    fig = charts.outcome_histogram(crafted(result), DEAL, PARTY, ["npv", "irr", "moic"])
    (menu,) = fig.layout.updatemenus
    npv, irr, moic = (b.args[1] for b in menu.buttons)
    assert irr["xaxis.tickmode"] == "array" and ">1000%" in irr["xaxis.ticktext"]
    for view in (npv, moic):
        assert view["xaxis.tickmode"] == "auto" and view["xaxis.tickvals"] is None
    assert fig.layout.xaxis.tickmode is None  # the first view, NPV, as plotly draws it


def test_an_irr_without_paths_beyond_the_bracket_is_drawn_as_before(result: Result) -> None:
    deal, party = "xai-debt", "xai-bondholders"
    assert result.to_dict()["deals"][deal]["parties"][party]["irr"]["ranked_share"] == 1.0
    fig = charts.outcome_histogram(result, deal, party, "irr")
    assert fig.data[0].customdata is None and fig.layout.xaxis.tickvals is None
    assert sum(fig.data[0].y) == pytest.approx(1.0)
