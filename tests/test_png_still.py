"""``report --png`` draws still images: the figures lose their sliders, buttons and menus,
which do nothing in a PNG, and keep the view they start on (`still_figure`; no Chromium
needed here: the drawing itself is tested in tests/browser)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

import chipcredit as cc
from chipcredit.report import charts
from chipcredit.report.png import still_figure


@pytest.fixture(scope="module")
def result() -> cc.Result:
    return cc.simulate("seed-2025", deterministic=True)


def test_the_sankey_loses_its_year_slider_and_says_which_period_it_shows(
        result: cc.Result) -> None:
    fig = charts.sankey_chart(result)
    assert fig.layout.sliders  # the interactive chart has one
    before = json.loads(fig.to_json())
    spec = still_figure(fig)
    assert "sliders" not in spec["layout"]
    assert fig.layout.sliders  # the figure itself is left as it was
    assert spec["data"] == before["data"]  # the view the slider starts on: all years
    notes = [a["text"] for a in spec["layout"]["annotations"]]
    assert notes[:-1] == [a["text"] for a in before["layout"]["annotations"]]
    assert notes[-1] == "Period: all years"
    visible = [t.get("visible", True) for t in spec["data"]]
    assert visible[0] is True and not any(v is True for v in visible[1:])


def test_the_outcome_chart_loses_its_metric_buttons(result: cc.Result) -> None:
    fig = charts.outcome_histogram(result, "colossus2-spv", "nvidia", ["moic", "npv"])
    assert fig.layout.updatemenus
    spec = still_figure(fig)
    assert "updatemenus" not in spec["layout"] and "sliders" not in spec["layout"]
    assert spec["layout"]["title"] == json.loads(fig.to_json())["layout"]["title"]


def test_axis_range_controls_and_frames_go_too() -> None:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]),
                    frames=[go.Frame(data=[go.Scatter(x=[1], y=[1])])])
    fig.update_xaxes(rangeslider={"visible": True},
                     rangeselector={"buttons": [{"step": "all"}]})
    fig.update_layout(sliders=[{"steps": [{"label": "a", "method": "skip"}],
                                "currentvalue": {"visible": False}}],
                      updatemenus=[{"buttons": [{"label": "b", "method": "skip"}]}])
    spec = still_figure(fig)
    assert "frames" not in spec
    assert not {"rangeslider", "rangeselector"} & set(spec["layout"]["xaxis"])
    assert "annotations" not in spec["layout"]  # a slider that shows no value leaves none
    assert spec["data"] == json.loads(fig.to_json())["data"]
