"""What a result record shows in a REPL or notebook: a short card (`analytics.card`), not the
dataclass repr of every array, which ran to megabytes and seconds at 1,000 paths."""

from __future__ import annotations

import dataclasses
import time
import warnings

import pandas as pd
import pytest

import chipcredit as cc
from chipcredit.analytics.card import Card

LIMIT = 2_000


@pytest.fixture(scope="module")
def run() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=1_000, seed=7)


@pytest.fixture(scope="module")
def stressed() -> cc.StressResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.stress("seed-2025", "gpu-glut", paths=1_000, seed=7)


def _timed_repr(obj: object) -> tuple[str, float]:
    started = time.perf_counter()
    text = repr(obj)
    return text, time.perf_counter() - started


def test_result_repr_is_short_fast_and_names_the_run(run: cc.Result) -> None:
    text, seconds = _timed_repr(run)
    assert len(text) < LIMIT
    assert seconds < 0.5  # the dataclass repr took about 3 s here
    assert text == (
        "<Result of seed-2025: paths 1,000; seed 7; horizon 2025Q4–2035Q3 (40 quarters); "
        f"outcomes {len(run.outcomes):,}; parties 14; deals 8; scenario_sha256 "
        f"{run.scenario_sha256[:8]}; numbers: .summary(), .outcome(deal, party, metric), "
        ".default_probability(party), .flows(), .to_dict()>")


def test_result_html_is_a_small_table(run: cc.Result) -> None:
    page = run._repr_html_()
    assert len(page) < LIMIT
    assert page.startswith("<table><caption") and page.endswith("</table>")
    assert "<th style='text-align:left'>paths</th><td style='text-align:left'>1,000</td>" in page


def test_stress_result_repr_is_short_and_keeps_dataclass_equality(
        stressed: cc.StressResult) -> None:
    text, seconds = _timed_repr(stressed)
    assert len(text) < LIMIT and seconds < 0.5
    assert text.startswith("<StressResult of seed-2025 under gpu-glut: paths 1,000; seed 7; "
                           "horizon 2025Q4–2035Q3 (40 quarters); shocks ")
    assert f"differences {len(stressed.differences):,} rows" in text
    assert len(stressed._repr_html_()) < LIMIT
    # equality is still the dataclass's, field by field (not identity)
    assert dataclasses.replace(stressed) == stressed
    assert dataclasses.replace(stressed, notes=("other",)) != stressed


def test_sensitivity_and_solve_results_show_cards() -> None:
    table = pd.DataFrame({"parameter": [f"deals.d{k}.rate" for k in range(500)],
                          "swing": [float(k) for k in range(500)]})
    sens = cc.SensitivityResult(
        scenario="seed-2025", metric="m", method="tornado", requested="tornado",
        params=tuple(table["parameter"]), table=table, baseline=1.5, notes=(), runs=1001,
        paths=200, seed=3, samples=None, spread=0.2, elapsed_seconds=1.0)
    assert repr(sens) == ("<SensitivityResult of seed-2025: metric m; method tornado; "
                          "parameters 500; runs 1001; paths 200; seed 3; baseline 1.5; notes 0; "
                          "numbers: .table, .notes, .to_dict()>")
    probes = tuple((float(k), float(k)) for k in range(2_000))
    solved = cc.SolveResult(
        scenario="seed-2025", vary="v", metric="m", op="=", target=2.0, status="found",
        root=2.0, bracket=(0.0, 4.0), final_bracket=(1.9, 2.1), probes=probes,
        metric_range=(0.0, 4.0), holds=None, message="ok", notes=(), paths=100, seed=1,
        tol=1e-3, elapsed_seconds=1.0, shown="2")
    assert repr(solved) == ("<SolveResult of seed-2025: status found; vary v; target m = 2; "
                            "root 2; probes 2000; paths 100; seed 1; numbers: .message, "
                            ".probes_frame(), .to_dict()>")
    assert len(sens._repr_html_()) < LIMIT and len(solved._repr_html_()) < LIMIT


def test_scenario_repr_counts_instead_of_dumping() -> None:
    sc = cc.load_scenario("seed-2025")
    assert repr(sc) == ("<Scenario seed-2025: 2025Q4, 40 quarters; 14 parties, 8 deals, "
                        "0 shocks; the YAML: .source_text>")


def test_card_html_escapes_every_text() -> None:
    page = Card.of("Result of <a&b>", [("x<y", "1&2")], ".f()<").html()
    assert "<a&b>" not in page and "&lt;a&amp;b&gt;" in page
    assert "x&lt;y" in page and "1&amp;2" in page and ".f()&lt;" in page
