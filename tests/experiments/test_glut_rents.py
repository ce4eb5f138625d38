"""A GPU glut lowers the used-GPU index ``R_t``, and cloud spot rents are ``P_s R_t`` × an
oversupply factor (docs/model.md, "Clouds"): so a glut cuts rents as well as used-GPU
values, and a lab that rents pays less (docs/stress.md, "Shocks"). On seed-2025's
deterministic base case, with a 70% glut from 2026Q4."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.experiments.stress import stressed
from chipcredit.scenario.shocks import load_pack

SIZE = 0.7
CLOUDS = ("coreweave", "hyperscale-clouds")
FIRST = 4  # 2026Q4, four quarters after the 2025Q4 start


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[cc.Result, cc.Result]:
    path = Path(tmp_path_factory.mktemp("glut")) / "glut.yaml"
    path.write_text("name: glut70\nshocks:\n"
                    f"  - {{kind: gpu_glut, start: 2026Q4, size: {SIZE}}}\n", encoding="utf-8")
    sc = cc.load_scenario("seed-2025")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return (cc.simulate(sc, deterministic=True),
                cc.simulate(stressed(sc, load_pack(path)), deterministic=True))


def _rent(res: cc.Result, payer: str) -> float:
    flows = res.flows()
    rows = flows[(flows["from"] == payer) & (flows["kind"] == "cloud_rent")]
    return float(rows["mean"].sum())


def test_a_glut_cuts_cloud_spot_rents_by_its_size(runs: tuple[cc.Result, cc.Result]) -> None:
    base, glut = runs
    for cloud in CLOUDS:
        before = base.bands(cloud, "spot_price")["mean"].to_numpy()
        after = glut.bands(cloud, "spot_price")["mean"].to_numpy()
        np.testing.assert_array_equal(after[:FIRST], before[:FIRST])  # before the shock
        assert before[FIRST:].min() > 0
        np.testing.assert_allclose(after[FIRST:] / before[FIRST:], 1 - SIZE, rtol=1e-12)
        # the clouds' rental revenue falls with the rents
        assert glut.mean(f"party|{cloud}|revenue_total") < base.mean(f"party|{cloud}|revenue_total")


def test_a_lab_that_rents_pays_less_under_a_glut(runs: tuple[cc.Result, cc.Result]) -> None:
    base, glut = runs
    assert _rent(glut, "openai") < 0.5 * _rent(base, "openai")
