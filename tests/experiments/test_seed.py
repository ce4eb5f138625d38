"""The experiments take a seed by `chipcredit.simulate`'s rule (0 to 2**63 - 1, the largest the
run store keeps), checked with their other arguments: the same one line, with the function's
name in front as in every experiment error. They used a plain whole-number check, so 2**63
passed it and was refused later by the first run, without the function's name; and delta's
bootstrap refused any seed from 2**32 with NumPy's bare ``ValueError``."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.experiments.indices import CONF_LEVEL, analyze, salib
from chipcredit.experiments.runner import run_variants

from ._world import LAB_CASH_END, world

TOO_BIG = 2**63
LARGEST = 2**63 - 1
CASH = "parties.xai.cash"

Call = Callable[[cc.Scenario, Any], object]
CALLS: dict[str, Call] = {
    "compare": lambda sc, seed: cc.compare(sc, sc, paths=8, seed=seed),
    "stress": lambda sc, seed: cc.stress(sc, "rate-shock", paths=8, seed=seed),
    "sensitivity": lambda sc, seed: cc.sensitivity(sc, LAB_CASH_END, [CASH], paths=8, seed=seed),
    "solve": lambda sc, seed: cc.solve(sc, CASH, f"{LAB_CASH_END} = 1300", paths=8, seed=seed,
                                       max_probes=6),
    "run_variants": lambda sc, seed: run_variants(sc, [CASH], np.array([[1000.0]]),
                                                  LAB_CASH_END, paths=8, seed=seed),
}


@pytest.fixture(scope="module")
def sc() -> cc.Scenario:
    return world()


def _simulate_refusal(sc: cc.Scenario, seed: Any) -> str:
    with pytest.raises(cc.UsageError) as err:
        cc.simulate(sc, paths=8, seed=seed)
    return str(err.value)


@pytest.mark.parametrize("function", list(CALLS))
@pytest.mark.parametrize("seed", [TOO_BIG, np.uint64(TOO_BIG), -1, 1.0, True])
def test_a_bad_seed_gets_simulates_line_with_the_function_name(
        sc: cc.Scenario, function: str, seed: object) -> None:
    with pytest.raises(cc.UsageError) as err:
        CALLS[function](sc, seed)
    assert str(err.value) == f"{function}: {_simulate_refusal(sc, seed)}"


def test_simulates_line_for_two_to_the_63(sc: cc.Scenario) -> None:
    # the line the experiments repeat, spelt out once
    assert _simulate_refusal(sc, TOO_BIG) == (
        "seed must be below 2**63 (the run store keeps it as a 64-bit integer); "
        "got 9223372036854775808")


@pytest.mark.parametrize("function", list(CALLS))
def test_the_largest_seed_runs(sc: cc.Scenario, function: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        done = CALLS[function](sc, np.int64(LARGEST))
    if function in ("compare", "stress"):
        assert done.base.seed == LARGEST  # type: ignore[attr-defined]
        assert type(done.base.seed) is int  # type: ignore[attr-defined]
    elif function != "run_variants":
        assert done.to_dict()["seed"] == LARGEST  # type: ignore[attr-defined]


def test_delta_takes_a_seed_above_two_to_the_32(sc: cc.Scenario) -> None:
    # before: ValueError: Seed must be between 0 and 2**32 - 1
    res = cc.sensitivity(sc, LAB_CASH_END, [CASH], method="delta", samples=32, paths=2,
                         seed=LARGEST, resamples=2)
    assert res.method == "delta" and res.to_dict()["seed"] == LARGEST
    assert np.isfinite(res.table["delta_conf"]).all()


def test_delta_bootstrap_is_seeded_by_every_seed_and_small_seeds_keep_their_numbers() -> None:
    _, module = salib("delta")
    problem = {"num_vars": 1, "names": ["x"], "bounds": [[0.0, 1.0]]}
    x = np.linspace(0.0, 1.0, 32).reshape(-1, 1)
    y = x[:, 0] ** 2

    def conf(seed: int) -> float:
        cols, _, _ = analyze("delta", module, problem, x, y, ["x"], second_order=False,
                             resamples=2, seed=seed)
        return float(cols["delta_conf"][0])

    big, small = conf(LARGEST), conf(2**32 - 1)
    assert conf(LARGEST) == big
    assert len({big, conf(2**32), small}) == 3
    # below 2**32, NumPy's global generator is seeded with the seed itself, as before
    np.random.seed(2**32 - 1)
    formatter = warnings.formatwarning  # SALib's delta replaces it (and the filters)
    try:
        with warnings.catch_warnings(record=True):
            plain = module.analyze(problem, x, y, num_resamples=2, conf_level=CONF_LEVEL,
                                   seed=None)
    finally:
        warnings.formatwarning = formatter
    raw = "delta" if "delta" in plain else "delta_raw"
    assert small == float(plain[raw + "_conf"][0])


@pytest.mark.parametrize("command", ["sensitivity", "solve", "stress", "compare"])
def test_the_commands_refuse_two_to_the_63_in_one_line(sc: cc.Scenario, command: str) -> None:
    args = {"sensitivity": ["seed-2025", "-m", "parties.xai.cash_end.mean"],
            "solve": ["seed-2025", "--vary", "parties.xai.cash",
                      "--target", "parties.xai.cash_end.mean = 1"],
            "stress": ["seed-2025", "--pack", "rate-shock"],
            "compare": ["seed-2025", "seed-2025"]}[command]
    result = CliRunner().invoke(cli.app, [command, *args, "--no-store", "-n", "8", "--seed",
                                          str(TOO_BIG)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {command}: {_simulate_refusal(sc, TOO_BIG)}\n"
