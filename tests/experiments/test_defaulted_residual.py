"""An SPV lease's unwritten residual: varied by its own path, and named when a curve point
moves it.

The SPV of tests/deals/test_spv_waterfall.py ($20B of GPUs, a 5-year lease at 16%) with no
``lease.residual``: on each path it assumes the market's age-5 value, triangular 0.1 / 0.2 /
0.3. The lessee (rich, never defaults) pays 20 level rents that amortise $20B down to
``20 r`` at 4% a quarter, and the SPV sells the GPUs at term end, so the lessee's cash out on
the deal is ``20 x rent(r)`` with ``rent(r) = (20 - 20 r 1.04^-20) 0.04 / (1 - 1.04^-20)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.deals import _build as b
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.paths import get_number

CURVE5 = "market.hardware.residual_value_by_age[5]"
RESIDUAL = "deals.spv.lease.residual"
RENT_OUT = "deals.spv.parties.xai.cash_out.mean"
NOTE = (f"{CURVE5} also sets {RESIDUAL} (not written in the scenario): the rent and the "
        f"purchase price move with it; write lease.residual to hold it fixed, or vary "
        f"{RESIDUAL} to move the contract alone")
V = 1.04**-20


def rent(r: float) -> float:
    return (20 - 20 * r * V) * 0.04 / (1 - V)


def spv_world(residual: float | None = None, term_years: float = 5) -> cc.Scenario:
    lease: dict[str, Any] = {"term_years": term_years, "rate": 0.16}
    if residual is not None:
        lease["residual"] = residual
    deal = {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 20,
            "equity": {"nvidia": 2, "valor": 5.5},
            "debt": {"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 5},
            "lease": lease, "at_end": "sell"}
    curve = [1.0, 0.8, 0.6, 0.45, 0.3, {"dist": "triangular", "low": 0.1, "mode": 0.2,
                                        "high": 0.3}]
    return cc.load_scenario(b.scenario(deals=[deal], horizon=24, residual_value_by_age=curve))


def test_the_unwritten_residual_is_the_curve_number_at_the_term() -> None:
    sc = spv_world()
    assert get_number(sc, RESIDUAL) == get_number(sc, CURVE5)
    # a 4.5-year lease reads the curve halfway between ages 4 and 5: a fixed number at the
    # weighted medians (0.3 and 0.2), not one point's distribution
    half = get_number(spv_world(term_years=4.5), "deals.spv.lease.residual")
    assert half.dist == "fixed" and half.value == pytest.approx(0.25, abs=1e-12)
    written = cc.set_number(sc, RESIDUAL, 0.25)
    lease = next(d for d in written.deals if d.id == "spv").lease  # type: ignore[union-attr]
    assert lease.residual is not None and lease.residual.value == 0.25


def test_solve_varies_the_unwritten_residual_alone() -> None:
    goal = 20 * rent(0.25)
    res = cc.solve(spv_world(), RESIDUAL, f"{RENT_OUT} = {goal!r}", paths=4, tol=1e-9)
    assert res.status == "found"
    assert res.root == pytest.approx(0.25, abs=1e-9)
    # the default bracket is the curve point's p05..p95; every probe is 20 rents at x
    low, high = get_number(spv_world(), CURVE5).ppf([0.05, 0.95])  # type: ignore[arg-type]
    assert res.bracket == pytest.approx((low, high), abs=1e-12)
    for x, metric in res.probes:
        assert metric == pytest.approx(20 * rent(x), rel=1e-12)
    assert NOTE not in res.notes  # the term itself moves nothing else


def test_a_curve_point_that_sets_the_term_says_so() -> None:
    sc = spv_world()
    res = cc.solve(sc, CURVE5, f"{RENT_OUT} = {20 * rent(0.22)!r}", paths=4, tol=1e-9)
    # the rent moves with the market's number, as the note says
    assert res.status == "found" and res.root == pytest.approx(0.22, abs=1e-9)
    assert NOTE in res.notes
    assert NOTE in json.loads(json.dumps(res.to_dict()))["notes"]
    tornado = cc.sensitivity(sc, RENT_OUT, [CURVE5], paths=4)
    assert NOTE in tornado.notes and NOTE in tornado.to_dict()["notes"]


def test_written_the_term_holds_and_the_flat_metric_is_named() -> None:
    # with lease.residual written, the curve point no longer moves the rent: the cash out is
    # 20 rents at 0.2 at every probe, and no wider bracket would move it
    sc = spv_world(residual=0.2)
    res = cc.solve(sc, CURVE5, f"{RENT_OUT} = 30", paths=4)
    flat = 20 * rent(0.2)
    assert res.status == "no_root"
    assert [m for _, m in res.probes] == pytest.approx([flat] * 5, rel=1e-12)
    assert res.message == (f"{RENT_OUT} is {res.probes[0][1]:.6g} at every probe: no value of "
                           f"{CURVE5} in [{res.bracket[0]:.6g}, {res.bracket[1]:.6g}] moves it")
    assert not any("also sets" in n for n in res.notes)


def test_the_command_prints_the_note_and_writes_it(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIPCREDIT_STORE", str(tmp_path / "store.duckdb"))
    path = tmp_path / "spv.yaml"
    path.write_text(yaml.safe_dump(spv_world().model_dump(mode="json", by_alias=True,
                                                          exclude_none=True)), encoding="utf-8")
    out_file = tmp_path / "solve.json"
    result = CliRunner().invoke(cli.app, [
        "solve", str(path), "--vary", CURVE5, "--target", f"{RENT_OUT} = {20 * rent(0.22)!r}",
        "--paths", "4", "--json", str(out_file)])
    assert result.exit_code == 0, result.stderr
    assert f"note: {NOTE}" in result.stderr.splitlines()
    assert NOTE in json.loads(out_file.read_text())["notes"]
