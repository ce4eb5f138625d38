"""A sensitivity run says what its intervals leave out (the metric's path noise: the indices
depend on the seed), and a Sobol run whose estimates contradict what indices are (an S1
above its ST, first-order indices summing above 1, beyond their intervals) says so, in its
notes, its JSON, a ChipcreditWarning and once on the command line."""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.experiments.index_checks import CONTRADICTION, interval_note, sobol_contradictions

from ._world import LAB_CASH_END, world, world_data

PARAMS = ["parties.xai.cash", "parties.xai.revenue.run_rate"]
sensitivity_module = sys.modules["chipcredit.experiments.sensitivity"]  # not the function


def test_an_s1_above_its_st_beyond_both_intervals_is_a_contradiction() -> None:
    cols = {"S1": [0.62, 0.30], "S1_conf": [0.05, 0.04], "ST": [0.48, 0.52], "ST_conf": [0.04, 0.05]}
    (note,) = sobol_contradictions(cols, ["a", "b"])  # 0.62 - 0.48 = 0.14 > 0.05 + 0.04
    assert note == (f"{CONTRADICTION}: S1 of a is 0.620 and its ST 0.480, beyond their 95% "
                    "intervals (±0.050, ±0.040), but an effect alone cannot exceed the effect "
                    "with every interaction: these indices are noise at this sample size; use "
                    "more --samples and more --paths")
    # within the intervals (0.14 <= 0.08 + 0.06): noise that says nothing, no note
    assert sobol_contradictions({**cols, "S1_conf": [0.08, 0.04], "ST_conf": [0.06, 0.05]},
                                ["a", "b"]) == []


def test_first_order_indices_summing_above_one_beyond_their_interval() -> None:
    # 0.6 + 0.475 = 1.075; the interval of the sum: sqrt(0.05^2 + 0.05^2) = 0.0707 < 0.075
    cols = {"S1": [0.6, 0.475], "S1_conf": [0.05, 0.05], "ST": [0.7, 0.6], "ST_conf": [0.1, 0.1]}
    (note,) = sobol_contradictions(cols, ["a", "b"])
    assert note.startswith(f"{CONTRADICTION}: the first-order indices sum to 1.075, above 1 "
                           f"beyond their 95% interval (±{math.sqrt(0.005):.3f}, ")
    # an interval of sqrt(2) x 0.06 = 0.085 covers the 0.075: no note
    assert sobol_contradictions({**cols, "S1_conf": [0.06, 0.06]}, ["a", "b"]) == []
    # Morris and delta have no ST: nothing to contradict
    assert sobol_contradictions({"delta": [0.3], "S1": [1.4]}, ["a"]) == []


def test_every_sampled_run_says_its_intervals_leave_out_the_path_noise() -> None:
    sc = world()
    res = cc.sensitivity(sc, LAB_CASH_END, PARAMS, method="sobol", samples=16, paths=2, seed=0,
                         resamples=10)
    assert interval_note("sobol", 2, 0) in res.notes
    assert interval_note("sobol", 2, 0) in res.to_dict()["notes"]
    assert "rerun with another --seed to see that noise" in interval_note("sobol", 2, 0)
    tornado = cc.sensitivity(sc, LAB_CASH_END, PARAMS, paths=2, seed=0)
    assert not any("sampling only" in n for n in tornado.notes)  # no sample, no interval


def _contradicting(*_: Any, **__: Any) -> tuple[dict[str, np.ndarray], str, None]:
    """SALib's answer replaced by indices that contradict: S1 of the first 0.9 above its
    ST 0.5, and S1 summing to 1.2, with intervals of 0.01."""
    return ({"S1": np.array([0.9, 0.3]), "S1_conf": np.array([0.01, 0.01]),
             "ST": np.array([0.5, 0.4]), "ST_conf": np.array([0.01, 0.01])}, "ST", None)


def test_a_contradiction_is_a_note_and_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sensitivity_module, "analyze", _contradicting)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        res = cc.sensitivity(world(), LAB_CASH_END, PARAMS, method="sobol", samples=16,
                             paths=2, seed=0, resamples=10)
    said = [str(w.message) for w in caught if issubclass(w.category, cc.ChipcreditWarning)
            and str(w.message).startswith(CONTRADICTION)]
    notes = [n for n in res.notes if n.startswith(CONTRADICTION)]
    assert len(notes) == 2 and said == notes
    assert "S1 of parties.xai.cash is 0.900 and its ST 0.500" in notes[0]
    assert "sum to 1.200" in notes[1]


def test_the_command_line_prints_a_contradiction_once(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(sensitivity_module, "analyze", _contradicting)
    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(world_data()), encoding="utf-8")
    out_json = tmp_path / "s.json"
    result = CliRunner().invoke(cli.app, ["sensitivity", str(path), "-m", LAB_CASH_END,
                                          "-p", PARAMS[0], "-p", PARAMS[1], "--method", "sobol",
                                          "--samples", "16", "--paths", "2", "--resamples", "10",
                                          "--no-store", "--json", str(out_json)])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    lead = [ln for ln in lines if CONTRADICTION in ln]
    assert len(lead) == 2 and all(ln.startswith("warning: ") for ln in lead)
    assert sum(ln.startswith("note: the 95% intervals are sobol sampling only") for ln in lines) == 1
    notes = json.loads(out_json.read_text(encoding="utf-8"))["notes"]
    assert sum(n.startswith(CONTRADICTION) for n in notes) == 2
