"""The engine against the plain-Python oracle (benchmarks/plainmodel), path by path.

The oracle is an independent per-path implementation of seed-2025 with Python floats: it
reads the validated scenario, takes the engine's own random numbers (`ChunkDraws`) and
returns the same outcome columns as `reduce_chunk`. Given the same shocks, every column
must agree on every path: money, NPVs, MOICs and shares to 1e-9 (relative, or absolute
near 0), IRRs to 1e-7, NaN where the engine gives NaN, and integer-like columns
(quarters, causes, IRR reasons, flags) exactly; so must the quarterly variables the engine
records. The Mesa 3 baseline (benchmarks/mesa_model.py) passes the same check. There are no
known gaps: both treat rounding residuals as exactly zero by the same dust rule
(`chipcredit.engine.dust`, `plainmodel.dust`), so no path's result turns on rounding noise.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.analytics.metrics import reduce_chunk
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

sys.path.append(str(Path(__file__).resolve().parent.parent / "benchmarks"))  # the oracle lives there

from plainmodel.oracle import columns, run_worlds
from plainmodel.world import World

SEED, PATHS = 2025, 400
# the Mesa version is slower per path: it checks a chunk of its own, 64 paths in make test (a
# bounded version, for the CI budget) and 200 in make check-long
MESA_PATHS = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 64
EXACT = ("default_quarter", "default_cause", "second_source_quarter", "irr_reason", "irr_multiple",
         "debt_impaired", "lessee_default", "covenant_breach", "first_breach_quarter",
         "event_of_default")

def _engine(seed: int, paths: int, deterministic: bool = False) -> tuple[Sim, dict[str, np.ndarray]]:
    sim = Sim(cc.load_scenario("seed-2025"), ChunkDraws(seed, paths, 0, 1, deterministic))
    sim.run()
    return sim, reduce_chunk(sim)


@pytest.fixture(scope="module")
def engine_run() -> tuple[Sim, dict[str, np.ndarray]]:
    return _engine(SEED, PATHS)


@pytest.fixture(scope="module")
def oracle_run() -> tuple[list[World], dict[str, np.ndarray]]:
    worlds, sizes = run_worlds(cc.load_scenario("seed-2025"), SEED, PATHS)
    return worlds, columns(worlds, sizes)


def disagreements(engine: dict[str, np.ndarray], oracle: dict[str, np.ndarray]) -> list[str]:
    """One line per column that differs on some path."""
    lines = [f"{key}: missing in the oracle" for key in engine if key not in oracle]
    lines += [f"{key}: not an engine column" for key in oracle if key not in engine]
    for key in sorted(set(engine) & set(oracle)):
        e, o = engine[key], oracle[key]
        if key.rsplit("|", 1)[-1] in EXACT:
            ok = (e == o) | (np.isnan(e) & np.isnan(o))
        else:
            tol = 1e-7 if key.endswith("|irr") else 1e-9
            ok = np.isclose(o, e, rtol=tol, atol=tol, equal_nan=True)
        if not ok.all():
            bad = np.flatnonzero(~ok)
            lines.append(f"{key}: {bad.size} paths differ, e.g. path {bad[0]}: engine "
                         f"{engine[key][bad[0]]!r}, oracle {oracle[key][bad[0]]!r}")
    return lines


def test_every_outcome_column_agrees_path_by_path(engine_run, oracle_run) -> None:
    _, engine = engine_run
    _, oracle = oracle_run
    assert len(engine) > 250  # every deal, party, portfolio and SPV column of seed-2025
    problems = disagreements(engine, oracle)
    assert not problems, "\n".join(problems)


def test_quarterly_series_agree(engine_run, oracle_run) -> None:
    """Phase 9: every quarterly variable the engine records (for the bands) agrees too."""
    sim, _ = engine_run
    worlds, _ = oracle_run
    assert set(sim.series) == set(worlds[0].series)
    problems = []
    for key, engine in sim.series.items():
        oracle = np.array([w.series[key] for w in worlds])
        ok = np.isclose(oracle, engine, rtol=1e-9, atol=1e-9, equal_nan=True)
        if not ok.all():
            path, q = np.argwhere(~ok)[0]
            problems.append(f"{key}: {int((~ok).sum())} values differ, e.g. path {path} "
                            f"quarter {q}: engine {engine[path, q]!r}, oracle {oracle[path, q]!r}")
    assert not problems, "\n".join(problems)


def test_deterministic_base_case_agrees() -> None:
    _, engine = _engine(SEED, 1, deterministic=True)
    worlds, sizes = run_worlds(cc.load_scenario("seed-2025"), SEED, 1, deterministic=True)
    problems = disagreements(engine, columns(worlds, sizes))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("field", "limit"), [
    # every lab's and cloud's rounds capped at 3% of the company: a cap that binds on most
    # rounds, so capped rounds, the arrears they leave and the defaults that follow are all
    # compared
    pytest.param("max_dilution", 0.03, id="per-round"),
    # the rounds of four trailing quarters limited to 6% of the company: a limit that binds
    # on most rounds, so capped rounds, quarters with no room left, the window rolling on,
    # and the defaults that follow are all compared
    pytest.param("max_dilution_per_year", 0.06, id="per-year"),
])
def test_rounds_capped_by_a_dilution_limit_agree(field: str, limit: float) -> None:
    """seed-2025 with every lab's and cloud's ``funding.<field>`` set to ``limit``, engine
    against oracle on 40 paths."""
    import yaml

    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    capped = 0
    for party in data["parties"]:
        if party.get("funding") is not None:
            party["funding"][field] = limit
            capped += 1
    assert capped >= 3  # OpenAI, xAI, CoreWeave
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(SEED, 40, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    free = _engine(SEED, 40)[1]
    assert any(not np.array_equal(engine[k], free[k], equal_nan=True) for k in engine
               if k.endswith("default_quarter"))  # the limit changed who defaults, and when
    worlds, sizes = run_worlds(scenario, SEED, 40)
    problems = disagreements(engine, columns(worlds, sizes))
    assert not problems, "\n".join(problems)


def test_spv_gpus_retiring_mid_lease_agree() -> None:
    """seed-2025 with GPUs that last 3 to 4 years, under the Colossus 2 SPV's 5-year lease:
    its GPUs, in use and idle, retire before the term ends on every path, the rent runs on,
    and at term end there is nothing to sell or buy; engine against oracle on 40 paths."""
    import yaml

    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    life = data["market"]["hardware"]["useful_life_years"]
    life.update(low=3, mode=3.5, high=4)
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(SEED, 40, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    spv = next(d for d in sim.deals if d.spec.id == "colossus2-spv")
    assert (spv.units == 0.0).all() and (spv.idle == 0.0).all()
    worlds, sizes = run_worlds(scenario, SEED, 40)
    problems = disagreements(engine, columns(worlds, sizes))
    assert not problems, "\n".join(problems)


def test_spv_debt_paid_late_is_impaired_in_both() -> None:
    """seed-2025 with the Colossus 2 SPV's debt over 2 years instead of 5: its debt service
    (12.5 x 0.0275 / (1 - 1.0275^-8) = $1.77B a quarter at 11%) is above the rent, so
    arrears build for 8 quarters and the rent after them pays them off, late and without
    interest. Such a path has a debt loss at the debt rate and nothing written off: its debt
    is impaired (`debt_impaired` is `debt_loss` > 0), in the engine and in the oracle, on
    40 paths."""
    import yaml

    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    deal = next(d for d in data["deals"] if d["id"] == "colossus2-spv")
    deal["debt"]["term_years"] = 2
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(SEED, 40, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    spv = next(d for d in sim.deals if d.spec.id == "colossus2-spv")
    impaired = engine["spv|colossus2-spv|debt_impaired"] == 1.0
    assert np.array_equal(impaired, engine["spv|colossus2-spv|debt_loss"] > 0)
    late_only = impaired & (spv.debt.written_off == 0.0)
    assert late_only.sum() >= 20  # paid in full, late: 31 of the 40 paths
    worlds, sizes = run_worlds(scenario, SEED, 40)
    problems = disagreements(engine, columns(worlds, sizes))
    assert not problems, "\n".join(problems)


def test_a_committed_vendor_with_idle_financed_gpus_agrees() -> None:
    """seed-2025 with the chips on credit ($40-80B) lent to OpenAI, which also has AMD's
    take-or-pay (AMD's performance per unit 0.45-0.9): the idle build-out's reserve for the
    committed units counts their useful capacity (units x perf, as the purchase does), in
    the engine and in the oracle, on 40 paths. (Reserving units as capacity, 101 of the
    columns on these paths came out otherwise.)"""
    import yaml

    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    deal = next(d for d in data["deals"] if d["id"] == "xai-chips-on-credit")
    deal["borrower"] = "openai"
    deal["amount"] = {"p05": 40, "p95": 80}
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(SEED, 40, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    worlds, sizes = run_worlds(scenario, SEED, 40)
    problems = disagreements(engine, columns(worlds, sizes))
    assert not problems, "\n".join(problems)


def test_a_financed_vendor_with_performance_agrees() -> None:
    """seed-2025 with Nvidia's unit giving 1.5 units of useful capacity and an Nvidia
    facility that draws for 60% of xAI's purchases: the Colossus 2 SPV's GPUs and the
    chips on credit, built out, count 1.5 each (leased and in the fleet), and the draws
    price the need at content / 1.5, in the engine and in the oracle, on 40 paths."""
    import yaml

    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    nvidia = next(p for p in data["parties"] if p["id"] == "nvidia")
    nvidia["choice"]["performance_per_unit"] = 1.5
    data["deals"].append({"id": "nvidia-xai-line", "kind": "credit_facility", "lender": "nvidia",
                          "vendor": "nvidia", "borrower": "xai", "rate": 0.09,
                          "commitment": 20.0, "max_outstanding": 12.0, "term_years": 4,
                          "drawing": {"purchases": 0.6, "shortfall": False}})
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(SEED, 40, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    assert engine["spv|nvidia-xai-line|drawn_total"].max() > 0
    worlds, sizes = run_worlds(scenario, SEED, 40)
    problems = disagreements(engine, columns(worlds, sizes))
    for key, values in sim.series.items():  # capacity, leased and cash quarter by quarter
        oracle = np.array([w.series[key] for w in worlds])
        if not np.isclose(oracle, values, rtol=1e-9, atol=1e-9, equal_nan=True).all():
            problems.append(f"series {key}")
    assert not problems, "\n".join(problems)


def _biting_rule() -> dict:
    """seed-2025's data with a spending rule on both labs that bites often: up to 50-90% cut
    under 8 quarters of runway."""
    import yaml

    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    labs = [p for p in data["parties"] if p["kind"] == "lab"]
    assert len(labs) == 2  # OpenAI, xAI
    for lab in labs:
        lab["compute"]["spending"] = {"runway_quarters": 8, "max_cut": {"dist": "uniform",
                                                                        "low": 0.5, "high": 0.9}}
    return data


def test_the_spending_rule_agrees() -> None:
    """seed-2025 with a spending rule on both labs (cut up to 80% under 8 quarters of
    runway, so it bites often), engine against oracle on 16 paths: the deferred
    capacity, the cash kept back and the defaults that follow are all compared."""
    scenario = cc.load_scenario(_biting_rule())
    sim = Sim(scenario, ChunkDraws(SEED, 16, 0, 1, False))
    cuts = []
    for q in range(sim.n_quarters):
        sim.step(q)
        cuts += [lab.spending.cut.copy() for lab in sim.labs if lab.spending is not None]
    for deal in sim.deals:
        deal.at_horizon(sim)
    assert np.mean(np.concatenate(cuts) > 0) > 0.1  # the rule bit, often
    engine = reduce_chunk(sim)
    worlds, sizes = run_worlds(scenario, SEED, 16)
    problems = disagreements(engine, columns(worlds, sizes))
    for key, values in sim.series.items():  # the quarterly records too: capacity, cash
        oracle = np.array([w.series[key] for w in worlds])
        if not np.isclose(oracle, values, rtol=1e-9, atol=1e-9, equal_nan=True).all():
            problems.append(f"series {key}")
    assert not problems, "\n".join(problems)


def test_the_spending_rule_with_purchase_draws_agrees() -> None:
    """The biting rule above, plus Nvidia credit facilities that draw for purchases: to
    OpenAI (it rents and chooses vendors; its facility also draws for a shortfall, so its
    headroom is runway) and to xAI (purchases only). Engine against oracle on 8 paths:
    the draws after the cut, the tied money spent first, the rule's series and every
    outcome column of the facilities."""
    data = _biting_rule()
    terms = {"kind": "credit_facility", "lender": "nvidia", "vendor": "nvidia", "rate": 0.09,
             "commitment": 20.0, "max_outstanding": 12.0, "term_years": 4}
    data["deals"] += [
        dict(terms, id="nvidia-openai-line", borrower="openai",
             drawing={"purchases": 0.6, "shortfall": True}),
        dict(terms, id="nvidia-xai-line", borrower="xai", secured=True,
             drawing={"purchases": 0.5, "shortfall": False})]
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(SEED, 8, 0, 1, False))
    facilities = sim.deals[-2:]
    both = 0  # path-quarters in which a lab both cut and drew for purchases
    for q in range(sim.n_quarters):
        before = [f.drawn_total.copy() for f in facilities]
        sim.step(q)
        for f, drawn in zip(facilities, before, strict=True):
            assert f.lab.spending is not None
            both += int(((f.lab.spending.cut > 0) & (f.drawn_total > drawn)).sum())
    for deal in sim.deals:
        deal.at_horizon(sim)
    assert both > 10, both  # the cut and the draws meet often
    engine = reduce_chunk(sim)
    assert engine["spv|nvidia-xai-line|drawn_total"].min() > 0
    worlds, sizes = run_worlds(scenario, SEED, 8)
    problems = disagreements(engine, columns(worlds, sizes))
    assert "deal|nvidia-openai-line|nvidia|tied_gross_profit" in engine
    for key, values in sim.series.items():  # the facilities' drawn and the rule's series too
        oracle = np.array([w.series[key] for w in worlds])
        if not np.isclose(oracle, values, rtol=1e-9, atol=1e-9, equal_nan=True).all():
            problems.append(f"series {key}")
    assert ("openai", "spending_cut") in sim.series and ("nvidia-xai-line", "drawn") in sim.series
    assert not problems, "\n".join(problems)


def test_a_shortfall_draw_pays_on_the_paths_that_drew_only() -> None:
    """The one-quarter world of tests/deals/test_credit_facility.py with D ~ uniform(0.5, 2):
    on about a third of the 40 paths the lab draws and pays its costs at once; on the
    others it has the cash, draws nothing, and its arrears wait for the funding phase (a
    round), as on a path alone (the oracle). The engine once paid them from cash on every
    path of a chunk in which some path drew."""
    from tests.deals.test_credit_facility import cushioned_world

    scenario = cushioned_world(2.0)
    sim = Sim(scenario, ChunkDraws(SEED, 40, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    drew = engine["spv|fac|drawn_total"] > 0
    assert 5 < drew.sum() < 35  # both kinds of path in the one chunk
    worlds, sizes = run_worlds(scenario, SEED, 40)
    problems = disagreements(engine, columns(worlds, sizes))
    assert not problems, "\n".join(problems)


def test_the_oracle_is_independent_of_the_engine() -> None:
    """The oracle takes only the engine's random numbers (`ChunkDraws`, the stream block
    size) and the scenario's input models; none of its model logic comes from the engine."""
    import ast

    allowed = {"chipcredit.engine.draws", "chipcredit.engine.streams", "chipcredit.scenario.parties",
               "chipcredit.scenario.clouds"}
    folder = Path(__file__).resolve().parent.parent / "benchmarks" / "plainmodel"
    for source in folder.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                assert not name.startswith("chipcredit") or name in allowed, f"{source.name}: {name}"


def test_the_check_is_sharp(engine_run, oracle_run, monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine formula off by one part in a million makes columns disagree."""
    from chipcredit.engine import claims

    # the factor the claims' bookkeeping multiplies by (`Claim.discount` is its (n,) form)
    exact = claims.Claim._factor
    monkeypatch.setattr(claims.Claim, "_factor", lambda self, time: exact(self, time) * (1 + 1e-6))
    _, perturbed = _engine(SEED, PATHS)
    problems = disagreements(perturbed, oracle_run[1])
    assert any(line.startswith("deal|xai-debt|xai-bondholders|loss") for line in problems)


def test_mesa_baseline_agrees_path_by_path() -> None:
    """The Mesa 3 version (one model per path, agents stepped through the phases by agent
    set; benchmarks/mesa_model.py) passes the same check, its `DataCollector`'s quarterly
    series and the base case included."""
    from mesa_model import run_mesa, run_models

    sim, engine = _engine(SEED, MESA_PATHS)
    scenario = cc.load_scenario("seed-2025")
    models, sizes = run_models(scenario, SEED, MESA_PATHS)
    problems = disagreements(engine, columns([m.world for m in models], sizes))
    for path in (0, 1, 2):  # the DataCollector's records of a few paths
        series = models[path].series()
        assert set(series) == set(sim.series)
        for key, values in series.items():
            ok = np.isclose(values, sim.series[key][path], rtol=1e-9, atol=1e-9, equal_nan=True)
            if not ok.all():
                problems.append(f"series {key} of path {path}, quarters {np.flatnonzero(~ok)}")
    _, base = _engine(SEED, 1, deterministic=True)
    problems += disagreements(base, run_mesa(scenario, SEED, 1, deterministic=True))
    assert not problems, "\n".join(problems)


def _agree_on_40_paths(scenario: cc.Scenario) -> tuple[Sim, dict[str, np.ndarray]]:
    """Engine against oracle on 40 paths of ``scenario``, series included; the engine's
    chunk and outcome columns."""
    sim = Sim(scenario, ChunkDraws(SEED, 40, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    worlds, sizes = run_worlds(scenario, SEED, 40)
    problems = disagreements(engine, columns(worlds, sizes))
    for key, values in sim.series.items():
        oracle = np.array([w.series[key] for w in worlds])
        if not np.isclose(oracle, values, rtol=1e-9, atol=1e-9, equal_nan=True).all():
            problems.append(f"series {key}")
    assert not problems, "\n".join(problems)
    return sim, engine


def test_a_warrant_vesting_in_the_first_quarter_agrees() -> None:
    """tests/test_deployment_warrant.py's first-quarter world (tranche 1 vests in 2025Q4,
    before the issuer's first close), its other value uniform on $300-450B so the opening
    price differs by path: both value the vesting, the sale and the pull at the opening
    price, 1000 x other value / 1,500M shares."""
    from tests.test_deployment_warrant import first_quarter_world

    data = first_quarter_world("on_vest")
    data["parties"][1]["financials"]["other_value"] = {"dist": "uniform", "low": 300.0,
                                                       "high": 450.0}
    with warnings.catch_warnings():  # a strike of a cent has no IRR in the bracket
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        _, engine = _agree_on_40_paths(cc.load_scenario(data))
    dilution = engine["deal|w|amd|dilution_cost"]
    assert dilution.min() > 40.0 * (200.0 - 0.01) / 1000.0  # priced, not at $0
    assert np.unique(dilution).size == 40


def test_a_facility_whose_interest_meets_its_cap_agrees() -> None:
    """tests/deals/test_credit_facility.py's broke borrower with the rate uniform on 4-12%:
    the cap binds in quarter 2 on every path, and in both the room left counts the interest
    just accrued, so the peak exposure is the $0.5B cap."""
    from tests.deals.test_credit_facility import broke_world, facility

    data = broke_world(facility(rate={"dist": "uniform", "low": 0.04, "high": 0.12}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        _, engine = _agree_on_40_paths(cc.load_scenario(data))
    np.testing.assert_allclose(engine["deal|fac|nvidia|peak_exposure"], 0.5, rtol=0, atol=1e-12)


def test_a_purchase_draw_capped_by_the_interest_due_agrees() -> None:
    """tests/deals/test_credit_facility.py's growing buyer, its facility capped at $55-65B
    outstanding: the second quarter's purchase draw is the room the interest due leaves,
    60 - 49.497 x 1.02 = 9.513 where the cap is 60, on every path in both."""
    from tests.deals._build import lab, scenario, vendor
    from tests.deals.test_credit_facility import facility

    grower = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                          "training_growth": {"from": 3.0, "to": 3.0, "half_life_years": 1.0}})
    deal = facility(commitment=200.0, max_outstanding={"dist": "uniform", "low": 55.0,
                                                       "high": 65.0},
                    vendor="nvidia", drawing={"purchases": 1.0, "shortfall": False})
    data = scenario(parties=[vendor(), grower], deals=[deal], horizon=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditNote)  # the deal runs past the horizon
        sim, engine = _agree_on_40_paths(cc.load_scenario(data))
    cap = sim.deals[0].max_out
    assert np.unique(cap).size == 40
    first = 35.0 * 2.0 ** 0.5  # drawn in q0; q1's interest on it is first x 0.02
    np.testing.assert_allclose(engine["spv|fac|drawn_total"], cap - first * 0.02, rtol=0,
                               atol=1e-9)
