"""The HTML report in a real browser: opened from a file:// URL with the network cut, every
chart renders, nothing is fetched, no JavaScript error. Also: charts exported as PNG."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path
from typing import Any

import pytest

import chipcredit as cc
from chipcredit.report import charts, write_report
from chipcredit.report.png import write_pngs


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # NaN IRRs on a few paths
        return cc.simulate("seed-2025", paths=300, seed=11)


def test_report_renders_every_chart_offline(browser_page: Any, result: cc.Result, tmp_path: Path,
                                            screenshot: Any) -> None:
    """English only: the Chinese report is the same charts with other strings (checked as
    text in tests/test_report.py), and each rendering costs seconds."""
    page = browser_page
    lang = "en"
    report = write_report(result, tmp_path / f"report-{lang}.html", lang=lang)
    expected = report.read_text("utf-8").count('class="plotly-graph-div"')
    fetched: list[str] = []

    def refuse(route: Any) -> None:  # anything but the file itself is a failure
        fetched.append(route.request.url)
        route.abort()

    page.context.route("http*://**/*", refuse)
    page.context.set_offline(True)
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n && "
        "Array.from(document.querySelectorAll('.plotly-graph-div'))"
        ".every(d => d.querySelector('.main-svg'))", arg=expected, timeout=60_000)
    assert page.locator(".plotly-graph-div").count() == expected
    assert page.locator(".js-plotly-plot").count() == expected
    # the Sankeys drew their nodes, the histograms their bars, the fans their lines
    assert page.locator(".sankey .sankey-node").count() > 0
    assert page.locator(".barlayer .point").count() > 0
    assert page.locator(".scatterlayer .js-line").count() > 0
    assert not fetched, fetched
    assert not page.errors, page.errors
    assert not console_errors, console_errors
    page.evaluate("document.getElementById('chart-1').scrollIntoView()")
    screenshot(page, "report-sankey", readme="report-sankey.png")


def test_charts_export_as_png_with_the_system_chromium(result: cc.Result, tmp_path: Path,
                                                       browser: Any) -> None:
    """``--png`` draws with Plotly.js in the system Chromium (the `browser` fixture skips or
    fails the test, as for every browser test, when Chromium is missing)."""
    figs = [("sankey", charts.sankey_chart(result, outside=False))]
    written = write_pngs(figs, tmp_path / "png")
    assert [p.name for p in written] == ["sankey.png"]
    for path, (_, fig) in zip(written, figs, strict=True):
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (2000, 2 * int(fig.layout.height))
