"""The HTML report in a real browser: opened from a file:// URL with the network cut, every
chart renders, nothing is fetched, no JavaScript error. Also: charts exported as PNG."""

from __future__ import annotations

import json
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
    # no wider than a 1,280 px window: a long number cell (the SPV table's worst LTV with its
    # note) wraps; before it did not and the page was 2,115 px wide at 2,000 paths, seed 7
    assert page.locator("td.num.long").count() > 0
    page.set_viewport_size({"width": 1280, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


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


def test_sankey_bands_stay_clear_of_the_title_and_inside_the_chart(
        browser_page: Any, result: cc.Result) -> None:
    """Drawn by Plotly.js: no band (the loops plotly draws for money flowing back included)
    runs over the title or off the chart's left or right edge, and every node label has the
    white halo that keeps it legible where a band passes under it. Whether a band passes
    under a label at all is not checked: in a Sankey of thirty bands some must, and the halo
    is what keeps the label readable there."""
    from plotly.offline import get_plotlyjs

    page = browser_page
    page.set_content(f"<html><body style='margin:20px'><div id='c'></div>"
                     f"<script>{get_plotlyjs()}</script></body></html>")
    # a PNG's width, and the dashboard's at 1,280 px (where the loops have least room)
    for width, outside in ((1000, True), (820, True), (820, False)):
        fig = charts.sankey_chart(result, outside=outside)
        fig.update_layout(width=width)
        page.evaluate("fig => Plotly.newPlot('c', fig.data, fig.layout)", json.loads(fig.to_json()))
        page.wait_for_selector(".sankey-link")
        found = page.evaluate("""() => {
            const box = e => { const r = e.getBoundingClientRect();
                               return [r.left, r.top, r.right, r.bottom]; };
            return {title: box(document.querySelector('.gtitle')),
                    svg: box(document.querySelector('.main-svg')),
                    links: Array.from(document.querySelectorAll('.sankey-link'))
                                .filter(e => e.getBBox().width > 0).map(box),
                    shadows: Array.from(document.querySelectorAll('.sankey-node .node-label'))
                                  .map(e => getComputedStyle(e).textShadow)};
        }""")
        _, _, _, title_bottom = found["title"]
        left, _, right, _ = found["svg"]
        assert found["links"]
        for x0, y0, x1, _ in found["links"]:
            assert y0 >= title_bottom - 1, (outside, y0, title_bottom)
            assert x0 >= left - 1 and x1 <= right + 1, (outside, x0, x1, left, right)
        assert found["shadows"] and all("255, 255, 255" in s for s in found["shadows"]), \
            found["shadows"][:3]
