"""Metric paths address every number of the JSON summary, and sensitivity and solve take
them all (vendors, SPVs and portfolios included), reading the same number as the JSON."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest
from tests.deals._build import FLAT, lab, scenario, vendor

import chipcredit as cc
from chipcredit.analytics.query import METADATA, metric_paths, metric_value
from chipcredit.experiments.runner import fast_metric

PATHS, SEED = 100, 4
VENDOR = "vendors.nvidia.market_share_end.p50"
SPV = "spvs.colossus2-spv.debt_impairment_probability"
PORTFOLIO = "portfolios.nvidia.expected_loss"


def _run(scenario: cc.Scenario | str, **kwargs: object) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # paths without an IRR
        return cc.simulate(scenario, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed() -> cc.Scenario:
    return cc.load_scenario("seed-2025")


@pytest.fixture(scope="module")
def res(seed: cc.Scenario) -> cc.Result:
    return _run(seed, paths=PATHS, seed=SEED)


def _walk(data: dict, path: str) -> object:
    """The JSON's own value at a path, by plain indexing (ids here have no dots)."""
    node: object = data
    for part in path.split("."):
        name, *indices = part.replace("]", "").split("[")
        node = node[name]  # type: ignore[index]
        for i in indices:
            node = node[int(i)]  # type: ignore[index]
    return node


def test_every_number_in_the_json_is_a_metric_path(res: cc.Result) -> None:
    data = json.loads(res.to_json())
    paths = metric_paths(data)
    assert metric_paths(res) == paths
    sections = {p.split(".")[0].split("[")[0] for p in paths}
    assert sections == set(data) - set(METADATA)
    assert {"deals", "parties", "spvs", "vendors", "portfolios", "ledger"} <= sections
    assert "portfolios.nvidia.pd_term_structure.xai[3]" in paths
    for path in paths:
        want = _walk(data, path)
        got = metric_value(data, path)
        assert (math.isnan(got) and want is None) or got == want, path
    # and nothing numeric is left out: count the JSON's numbers outside the metadata
    def count(node: object) -> int:
        if isinstance(node, dict):
            return sum(count(v) for v in node.values())
        if isinstance(node, list):
            return sum(count(v) for v in node)
        return int(node is None or (isinstance(node, int | float) and not isinstance(node, bool)))
    assert len(paths) == count({k: v for k, v in data.items() if k not in METADATA})


def test_a_bad_path_names_the_real_sections_and_the_closest(res: cc.Result) -> None:
    with pytest.raises(cc.UsageError, match=r"the summary has no 'vendor' \(did you mean "
                       r"vendors\?\); it has deals, parties, spvs, vendors, portfolios, ledger, history$"):
        metric_value(res, "vendor.nvidia.market_share_end.p50")
    with pytest.raises(cc.UsageError, match=r"it has deals, parties, spvs, vendors, portfolios"):
        metric_value(res, "xyzzy.a")
    with pytest.raises(cc.UsageError, match=r"did you mean vendors\.nvidia\.market_share_end\?"):
        metric_value(res, "vendors.nvidia.market_share.p50")
    with pytest.raises(cc.UsageError, match=r"names a list of 10 numbers; add an index, \[0\]"):
        metric_value(res, "portfolios.nvidia.pd_term_structure.xai")
    with pytest.raises(cc.UsageError, match=r"has 10 items \(\[0\] to \[9\]\); got \[10\]"):
        metric_value(res, "portfolios.nvidia.pd_term_structure.xai[10]")
    with pytest.raises(cc.UsageError, match="names text"):
        metric_value(res, "deals.colossus2-spv.kind")
    with pytest.raises(cc.UsageError, match="the summary has no 'seed'"):
        metric_value(res, "seed")  # metadata: the run's input, not an outcome


def test_the_documented_metric_paths_exist(res: cc.Result) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "sensitivity.md").read_text("utf-8")
    section = text.split("### Metric paths")[1].split("```")[1]
    documented = [line.split()[0] for line in section.strip().splitlines()]
    assert len(documented) >= 10 and {p.split(".")[0] for p in documented} >= {
        "deals", "parties", "vendors", "spvs", "portfolios"}
    for path in documented:
        metric_value(res, path)  # raises for an address the summary does not have


def test_fast_metric_reads_what_metric_value_reads(res: cc.Result) -> None:
    for path in (VENDOR, SPV, PORTFOLIO, "deals.nvidia-openai-loi.parties.nvidia.moic.nan_share",
                 "deals.nvidia-openai-loi.parties.nvidia.moic_realised.nan_share",
                 "deals.colossus2-spv.parties.nvidia.irr.nan_share"):
        assert fast_metric(res, path) == metric_value(res, path), path


def _world() -> cc.Scenario:
    """A lab that may fail to pay its SPV lease, in a deal that closes on half the paths: the
    vendor's sales move with the closing probability, the SPV's debt loss and its lender's
    expected loss with the lease rate."""
    spv = {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia",
           "amount": 20.0, "equity": {"nvidia": 4.0, "valor": 6.0}, "close_probability": 0.5,
           "debt": {"lender": "apollo", "amount": 10.0, "rate": 0.1, "term_years": 2},
           "lease": {"term_years": 2, "rate": 0.3}}
    buyer = lab(cash={"dist": "uniform", "low": 0.0, "high": 12.0},
                revenue={"run_rate": {"dist": "uniform", "low": 0.0, "high": 8.0},
                         "growth": dict(FLAT)})
    parties = [vendor(), buyer, {"id": "valor", "kind": "investor"},
               {"id": "apollo", "kind": "lender"}]
    return cc.load_scenario(scenario(parties, [spv], horizon=12))


CLOSE = "deals.spv.close_probability"
SMALL = ("vendors.nvidia.revenue_total.mean", "spvs.spv.debt_loss.mean",
         "portfolios.apollo.expected_loss")


def test_sensitivity_takes_every_section() -> None:
    sc = _world()
    high = _run(cc.set_number(sc, CLOSE, 0.6), paths=PATHS, seed=SEED).to_dict()
    base = _run(sc, paths=PATHS, seed=SEED).to_dict()
    for metric in SMALL:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cc.ChipcreditWarning)
            out = cc.sensitivity(sc, metric, [CLOSE, "deals.spv.lease.rate"], paths=PATHS,
                                 seed=SEED)
        row = out.table.set_index("parameter").loc[CLOSE]
        assert row["high"] == pytest.approx(0.6, abs=1e-12)  # 0.5 + 20%
        assert out.baseline == _walk(base, metric), metric
        assert row["metric_high"] == _walk(high, metric), metric
        if metric == SMALL[0]:  # the closing moves the vendor's sales
            assert out.table["swing"].max() > 0, metric
        else:  # the SPV's debt is repaid in full on every path: its loss is exactly 0 (its
            # 5e-17 of rounding residue once moved with the rent; docs/model.md, "Dust")
            assert out.baseline == 0.0 and out.table["swing"].max() == 0.0, metric


def test_solve_takes_a_vendor_metric() -> None:
    # the SPV buys $20B of GPUs from the vendor on the paths where it closes: sales of 10 at
    # the mean need half of the paths to close (a step function of the probability over
    # 100 paths, so the root is where the 50th path's closing draw lies)
    sc = _world()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        out = cc.solve(sc, CLOSE, f"{SMALL[0]} = 10", paths=PATHS, seed=SEED)
    assert out.status == "found"
    assert any(metric == 10.0 for _, metric in out.probes)  # 50 of 100 paths close
    for value, metric in out.probes[:2]:
        probe = _run(cc.set_number(sc, CLOSE, value), paths=PATHS, seed=SEED)
        assert metric == probe.to_dict()["vendors"]["nvidia"]["revenue_total"]["mean"]


def test_the_cli_takes_a_vendor_path_and_names_the_sections(tmp_path: Path) -> None:
    import yaml
    from typer.testing import CliRunner

    from chipcredit import cli

    world = tmp_path / "world.yaml"
    world.write_text(yaml.safe_dump(_world().model_dump(mode="json", exclude_none=True)),
                     encoding="utf-8")
    runner = CliRunner()
    args = ["sensitivity", str(world), "-p", CLOSE, "--paths", str(PATHS), "--no-store",
            "--json", str(tmp_path / "out.json")]
    ok = runner.invoke(cli.app, [*args, "-m", SMALL[0]])
    assert ok.exit_code == 0, ok.stderr
    base = _run(_world(), paths=PATHS, seed=0).to_dict()
    assert json.loads((tmp_path / "out.json").read_text())["baseline"] == _walk(base, SMALL[0])
    bad = runner.invoke(cli.app, [*args, "-m", "vendor.nvidia.revenue_total.mean"])
    assert bad.exit_code == 2
    assert bad.stderr.strip() == (
        "error: metric path 'vendor.nvidia.revenue_total.mean': the summary has no 'vendor' "
        "(did you mean vendors?); it has deals, parties, spvs, vendors, portfolios, ledger")
