"""The Overview's downloads are named by their run: scenario, seed and path count (they were
chipcredit-summary.json, chipcredit-report.html and scenario.yaml for every run)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

import chipcredit as cc
from chipcredit.dashboard.launcher import APP_SCRIPT
from chipcredit.dashboard.tabs.overview import download_name


class _Named:
    def __init__(self, name: str, seed: int, paths: int) -> None:
        self.scenario = type("S", (), {"name": name})()
        self.seed, self.paths = seed, paths


@pytest.mark.parametrize(("name", "expected"), [
    ("seed-2025", "chipcredit-seed-2025-seed7-300paths-report.html"),
    ("My scenario: <b>x</b>/../etc", "chipcredit-My-scenario-b-x-b-..-etc-seed7-300paths-report.html"),
    ("算力", "chipcredit-scenario-seed7-300paths-report.html"),
    ("a" * 60, f"chipcredit-{'a' * 40}-seed7-300paths-report.html"),
])
def test_download_name_by_hand(name: str, expected: str) -> None:
    result: Any = _Named(name, 7, 300)
    assert download_name(result, "report.html") == expected
    assert "/" not in download_name(result, "report.html")


def test_the_overview_offers_its_files_under_the_runs_names(monkeypatch: pytest.MonkeyPatch) -> None:
    names: dict[str, str] = {}
    original = DeltaGenerator.download_button

    def recording(self: DeltaGenerator, *args: Any, **kwargs: Any) -> Any:
        names[str(kwargs["key"])] = str(kwargs["file_name"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    at.sidebar.number_input(key="paths").set_value(60)
    at.sidebar.text_input(key="seed").input("11")
    at.sidebar.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    scenario = at.sidebar.selectbox(key="bundled").value
    assert scenario in cc.bundled_names()
    assert names == {
        "download_json": f"chipcredit-{scenario}-seed11-60paths-summary.json",
        "download_report": f"chipcredit-{scenario}-seed11-60paths-report.html",
        "download_yaml": f"chipcredit-{scenario}-seed11-60paths-scenario.yaml"}
