"""The dashboard end to end: ``chipcredit dashboard`` on a free localhost port, driven by
headless Chromium.

One server for the module, started through the real command (so the launcher's flags are
what is tested), waited for on ``/_stcore/health``, and killed with its whole process group
in teardown whatever happened. Screenshots go to ``test-artifacts/``; with
``CHIPCREDIT_UPDATE_SCREENSHOTS=1`` the README's docs/img/dashboard.png is rewritten too
(test_report_browser.py rewrites docs/img/report-sankey.png).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.test_dashboard_app import BOMB

from .conftest import require_browser

START_TIMEOUT = 60.0
"""Seconds the server may take to answer its health check (a cold import is ~5 s)."""
STEP_TIMEOUT = 90_000
"""Milliseconds one page step (a run, a rerun) may take before the test fails."""
XAI_KPI = "xAI: probability of default"
XAI_SLIDER = "xAI: revenue growth now (a year)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server and anything it started (its own process group)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a dashboard served by ``chipcredit dashboard --port N`` for this module."""
    require_browser()
    folder = tmp_path_factory.mktemp("dashboard")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CHIPCREDIT_STORE": str(folder / "runs.duckdb")}
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "chipcredit", "dashboard", "--port", str(port)],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("the dashboard did not start:\n"
                            + (folder / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        _stop(proc)
        log.close()


def _idle(page: Any) -> None:
    """Wait until the page's script has finished its run: clicking while it reruns may hit
    an element that is about to be replaced."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def _kpi(page: Any, label: str) -> Any:
    # a KPI is a card (a keyed container, "kpi_..."): its label a caption, then the number
    card = page.locator("[class*='st-key-kpi_']").filter(has_text=label)
    return card.get_by_test_id("stMetricValue")


_CUT = """() => [...document.querySelectorAll("[class*='st-key-kpi_'] [data-testid=stCaptionContainer]")]
    .map(e => [e.innerText, e.scrollWidth > e.clientWidth + 1,
               e.getBoundingClientRect().right > e.closest("[class*='st-key-kpi_']")
                   .getBoundingClientRect().right])"""
"""Each KPI label's text, whether it overflows its box, and whether it runs past its card."""

_LABEL_BOXES = """() => [...document.querySelectorAll('.sankey-node .node-label')]
    .filter(e => e.textContent).map(e => {const r = e.getBoundingClientRect();
        return [e.textContent, r.left, r.top, r.right, r.bottom]})"""
"""Text and box (left, top, right, bottom in px) of each visible Sankey node label."""


_LEGEND_BOX = """() => {
    const svg = document.querySelector('[role=tabpanel]:not([hidden]) .js-plotly-plot .main-svg');
    const chart = svg.getBoundingClientRect();
    const notes = [...document.querySelectorAll('.js-plotly-plot .annotation-text')]
        .filter(e => e.textContent.includes('\u25a0'));
    return [chart.left, chart.right, chart.bottom, notes.map(e => {const r = e.getBoundingClientRect();
        return [e.textContent, r.left, r.right, r.bottom]})] }"""
"""The Sankey's box (left, right, bottom) and its legend's text and box (left, right, bottom)."""


def _overlapping(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]


def _percent(text: str) -> float:
    return float(text.strip().rstrip("%"))


def _sidebar(page: Any) -> Any:
    return page.get_by_test_id("stSidebar")


def test_run_seed_2025_then_a_slider_moves_xai_default_probability(
        browser_page: Any, dashboard: str, screenshot: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.set_default_timeout(STEP_TIMEOUT)
    page.goto(dashboard)
    _idle(page)
    side = _sidebar(page)
    side.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="seed-2025", exact=True).click()
    _idle(page)
    side.get_by_role("button", name="Run", exact=True).click()
    kpi = _kpi(page, XAI_KPI)
    kpi.wait_for()
    _idle(page)
    before = _percent(kpi.inner_text())
    assert 0 < before < 100
    assert page.get_by_test_id("stMetric").count() >= 4  # two labs, and deals
    assert page.get_by_test_id("stException").count() == 0
    page.wait_for_timeout(500)  # let the KPI cards settle before the picture
    screenshot(page, "dashboard-overview", readme="dashboard.png")

    # At 1,280 px (a laptop) no KPI label is cut: long names and deal ids wrap in the card.
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.wait_for_timeout(500)
    labels = page.evaluate(_CUT)
    assert len(labels) >= 4 and any("xAI bondholders and term lenders · xai-debt" in text
                                    for text, _, _ in labels), labels
    assert not [text for text, cut, past in labels if cut or past or "…" in text], labels
    screenshot(page, "dashboard-overview-1280")

    page.get_by_role("tab", name="Money flows").click()
    panel = page.get_by_role("tabpanel", name="Money flows")
    panel.locator(".js-plotly-plot .sankey-node").first.wait_for()
    _idle(page)
    page.wait_for_timeout(800)  # plotly's node transition
    assert panel.locator(".js-plotly-plot .sankey-node").count() >= 5
    assert panel.locator(".js-plotly-plot .sankey-link").count() >= 5
    boxes = page.evaluate(_LABEL_BOXES)
    assert len(boxes) >= 10 and not _overlapping(boxes), _overlapping(boxes)
    # its legend inside the chart at 1,280 px: "debt service, repayments, payouts" whole
    # (the report's two rows ran past the right edge, cut after "repayments,")
    left, right, bottom, legend = page.evaluate(_LEGEND_BOX)
    (text, start, end, low), = legend
    assert "debt service, repayments, payouts" in text and "vendor's own money" in text, text
    assert left <= start and end <= right - 4 and low <= bottom, (left, right, legend)
    screenshot(page, "dashboard-money-flows")
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.get_by_role("tab", name="Overview").click()
    kpi = _kpi(page, XAI_KPI)
    kpi.wait_for()
    _idle(page)
    before_text = kpi.inner_text()
    slider = side.get_by_test_id("stSlider").filter(has_text=XAI_SLIDER).get_by_role("slider")
    slider.focus()
    page.keyboard.press("Home")  # from its base (about 3.05, +305% a year) to 0
    page.get_by_text("press Run to update it").wait_for()
    _idle(page)
    side.get_by_role("button", name="Run", exact=True).click()
    expect(kpi).not_to_have_text(before_text, timeout=STEP_TIMEOUT)
    _idle(page)
    after = _percent(kpi.inner_text())
    # Same seed, so common random numbers: slower growth can only add defaults here.
    assert after > before + 10, (before, after)
    screenshot(page, "dashboard-xai-growth-zero")

    with page.expect_download() as download:
        page.get_by_role("button", name="HTML report").click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    html = report.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "seed-2025" in html


def test_alias_bomb_and_a_50_mb_file_are_refused(
        browser_page: Any, dashboard: str, screenshot: Any, tmp_path: Path) -> None:
    page = browser_page
    page.set_default_timeout(STEP_TIMEOUT)
    page.goto(dashboard)
    _idle(page)
    side = _sidebar(page)
    side.get_by_text("upload", exact=True).click()
    chooser = side.locator("input[type=file]")
    chooser.set_input_files({"name": "bomb.yaml", "mimeType": "application/x-yaml",
                             "buffer": BOMB})
    page.get_by_text("The scenario bomb.yaml has problems; nothing was run:").wait_for()
    code = page.get_by_test_id("stCode").first.inner_text()
    assert re.search(r"aliases here expand to more than [\d,]+ values", code), code
    assert page.get_by_test_id("stException").count() == 0
    screenshot(page, "dashboard-bomb-refused")

    big = tmp_path / "big.yaml"
    with big.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # 50 MB of zero bytes, sparse on disk
    side.locator("input[type=file]").set_input_files(str(big))
    page.get_by_text(re.compile(r"must be 10(\.0)?\s*MB or smaller", re.I)).wait_for()
    assert page.get_by_test_id("stException").count() == 0
    screenshot(page, "dashboard-50mb-refused")
