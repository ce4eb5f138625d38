"""`solve(..., deterministic=True)` and ``chipcredit solve --deterministic``: every probe is
the deterministic base case, so the break-even is the one found by hand (and by ``chipcredit
run --deterministic``), and the answer, its JSON and its stored record say so."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.experiments.solve import non_monotone
from chipcredit.store import RunStore

from ._world import world_data

LENDER_NPV = "deals.loan.parties.apollo.npv.mean"
VARY = "deals.loan.rate"
BRACKET = (0.0, 0.3)
TOL = 1e-6


def _defaulting_world(discount_rate: float) -> dict[str, Any]:
    """The linear world's bullet loan, lent by a lender discounting at ``discount_rate``
    (effective annual), to a lab that cannot raise and whose revenue growth is uncertain:
    at its median growth the lab repays, on paths with low growth it runs out of cash and
    defaults (about a fifth of the paths)."""
    data = world_data()
    lab, lender = data["parties"][1], data["parties"][2]
    lender["discount_rate"] = discount_rate
    lab["cash"] = 4.0
    lab["revenue"] = {"run_rate": 8.0, "growth": {
        "from": {"dist": "triangular", "low": -0.6, "mode": 0.3, "high": 0.6},
        "to": 0.0, "half_life_years": 1.0}}
    lab["costs"] = {"fixed_per_year": 8.0}
    lab["funding"]["success"] = {"base": -30.0}  # every round fails, so a shortfall defaults
    return data


def _par_rate(d: float) -> float:
    """By hand: the loan is drawn at the start of the first quarter and pays ``r/4`` at the
    end of each quarter (docs/design.md 2a, docs/deals.md), the principal at the end of the
    eighth; discounted at the quarterly ``(1 + d)**(1/4) - 1`` its NPV is zero exactly when
    ``r/4`` equals that rate."""
    return 4 * ((1 + d) ** 0.25 - 1)


@pytest.mark.parametrize("d", [0.09, 0.15])
def test_the_deterministic_break_even_is_the_hand_computed_par_rate(d: float) -> None:
    sc = cc.load_scenario(_defaulting_world(d))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        base = cc.simulate(sc, deterministic=True)
        many = cc.simulate(sc, paths=200, seed=0)
    assert base.outcome("loan", "apollo", "loss")[0] == 0  # the base case repays
    assert 0.1 < float((many.outcome("loan", "apollo", "loss") > 0).mean()) < 0.4
    # paths and seed are ignored, as simulate ignores them: the answer is the base case's
    res = cc.solve(sc, VARY, f"{LENDER_NPV} = 0", paths=7, seed=5, bracket=BRACKET, tol=TOL,
                   deterministic=True)
    assert res.status == "found" and res.root is not None
    assert abs(res.root - _par_rate(d)) <= TOL * (BRACKET[1] - BRACKET[0])
    assert (res.paths, res.seed, res.deterministic) == (1, 0, True)
    assert res.message.endswith(f"; {len(res.probes)} probes, the deterministic base case")
    assert "path" not in res.message and "seed" not in res.message
    again = cc.solve(sc, VARY, f"{LENDER_NPV} = 0", bracket=BRACKET, tol=TOL,
                     deterministic=True)
    assert again.probes == res.probes
    # over paths, the defaults cost the lender: its break-even rate is well above par
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        mc = cc.solve(sc, VARY, f"{LENDER_NPV} = 0", paths=50, bracket=BRACKET, tol=TOL)
    assert mc.status == "found" and mc.root is not None
    assert mc.root > _par_rate(d) + 0.01
    assert not mc.deterministic and mc.message.endswith("50 paths, seed 0")


def test_the_record_says_deterministic() -> None:
    sc = cc.load_scenario(_defaulting_world(0.09))
    res = cc.solve(sc, VARY, f"{LENDER_NPV} = 0", bracket=BRACKET, deterministic=True)
    record = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert (record["deterministic"], record["paths"], record["seed"]) == (True, 1, 0)
    assert record["message"] == res.message
    assert {"root", "root_shown", "probes", "notes", "tol"} <= set(record)
    plain = cc.solve(sc, VARY, f"{LENDER_NPV} = 0", paths=4, bracket=BRACKET)
    assert plain.to_dict()["deterministic"] is False


def test_a_bad_flag_is_refused_in_one_line() -> None:
    with pytest.raises(cc.UsageError, match=r"^solve: deterministic must be True or False; "
                       r"got 'yes'$"):
        cc.solve(cc.load_scenario(world_data()), VARY, f"{LENDER_NPV} = 0",
                 deterministic="yes")  # type: ignore[arg-type]


def test_notes_on_one_path_do_not_speak_of_shares_or_noise() -> None:
    # a share over one path is 0 or 1, and non-monotone is no Monte Carlo noise there
    target = "deals.loan.parties.apollo.loss.p_positive <= 0.2"
    res = cc.solve(cc.load_scenario(world_data()), "parties.xai.cash", target,
                   deterministic=True)
    assert res.status == "no_root" and res.holds == "everywhere in the bracket"
    # the world's cash (up to $1,100B, "more than it can spend") also has the $M-as-$B note
    notes = tuple(n for n in res.notes if "typed as $B" not in n)
    assert notes == ("deals.loan.parties.apollo.loss.p_positive on the one path of the "
                     "deterministic base case is 0 or 1 (whether its loss is above zero "
                     "there), not a share of many paths",)
    mc = cc.solve(cc.load_scenario(world_data()), "parties.xai.cash", target, paths=4)
    assert not any("one path" in n for n in mc.notes)
    probes = [(1.0, 0.5), (2.0, 1.5), (1.5, 0.9), (1.6, 0.8)]
    assert non_monotone(probes, "x", 1, deterministic=True) == (
        "the metric is not monotone in x over the probes: 1.5 gives 0.9 but 1.6 gives 0.8, so "
        "the root and the side on which the target holds are uncertain (the deterministic base "
        "case has no Monte Carlo noise: the metric itself turns there); a narrower bracket "
        "picks one crossing")
    assert non_monotone(probes, "x", 500) == (
        "the metric is not monotone in x over the probes: 1.5 gives 0.9 but 1.6 gives 0.8, so "
        "the root and the side on which the target holds are uncertain (likely Monte Carlo "
        "noise at 500 paths); more paths narrow it")


# --- the command line ---------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def loan_file(tmp_path: Path) -> Path:
    path = tmp_path / "loan.yaml"
    path.write_text(yaml.safe_dump(_defaulting_world(0.09), sort_keys=False), encoding="utf-8")
    return path


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def test_cli_says_deterministic_and_records_one_path(loan_file: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "solve.json"
    code, out, err = _invoke("solve", str(loan_file), "--vary", VARY, "--target",
                             f"{LENDER_NPV} = 0", "--low", "0", "--high", "0.3",
                             "--deterministic", "--paths", "50", "--json", str(out_file))
    assert code == 0, err
    heading = out.splitlines()[0]
    assert heading == (f"Solving {LENDER_NPV} = 0 over {VARY} in [0, 0.3] (the deterministic "
                       "base case per probe: one path, every shock zero, medians)")
    answer = next(line for line in out.splitlines() if line.startswith("found: "))
    assert answer.endswith("probes, the deterministic base case")
    assert f"{VARY} = 0.0871127" in answer
    assert "seed" not in out and "2,000" not in out
    assert ("note: --deterministic runs the base case (one path, no random draws): --paths 50 "
            "not used; the run is recorded with 1 path and seed 0") in err.splitlines()
    data = json.loads(out_file.read_text())
    assert (data["deterministic"], data["paths"], data["seed"]) == (True, 1, 0)
    assert data["root"] == pytest.approx(_par_rate(0.09), abs=1e-6)
    runs = RunStore(os.environ["CHIPCREDIT_STORE"])
    listed = runs.list_runs()
    assert list(listed["kind"]) == ["solve"]
    assert (bool(listed["deterministic"][0]), int(listed["paths"][0]),
            int(listed["seed"][0])) == (True, 1, 0)
    stored = runs.get_run(int(listed["id"][0]))["run"]["extra"]["experiment"]
    assert stored == data


def test_cli_monte_carlo_solve_is_recorded_as_before(loan_file: Path) -> None:
    code, out, err = _invoke("solve", str(loan_file), "--vary", VARY, "--target",
                             f"{LENDER_NPV} = 0", "--low", "0", "--high", "0.3",
                             "--paths", "20", "--seed", "3", "--max-probes", "2")
    assert code == 0, err
    assert "(20 paths per probe, seed 3, common random numbers)" in out.splitlines()[0]
    assert "--deterministic" not in err
    listed = RunStore(os.environ["CHIPCREDIT_STORE"]).list_runs()
    assert (bool(listed["deterministic"][0]), int(listed["paths"][0]),
            int(listed["seed"][0])) == (False, 20, 3)


def test_cli_bad_combination_is_the_same_line_as_run(loan_file: Path) -> None:
    args = ("--deterministic", "--scheduler", " ", "--no-store")
    code, _, solve_err = _invoke("solve", str(loan_file), "--vary", VARY, "--target",
                                 f"{LENDER_NPV} = 0", *args)
    assert code == 2
    code, _, run_err = _invoke("run", str(loan_file), *args)
    assert code == 2
    assert solve_err.strip() == run_err.strip()
    assert len(solve_err.strip().splitlines()) == 1 and solve_err.startswith("error: ")


def test_run_and_solve_give_the_same_note_for_unused_paths_and_seed(loan_file: Path) -> None:
    note = ("note: --deterministic runs the base case (one path, no random draws): --paths 5 "
            "and --seed 3 not used; the run is recorded with 1 path and seed 0")
    code, _, run_err = _invoke("run", str(loan_file), "--deterministic", "-n", "5", "-s", "3",
                               "--quiet", "--no-store")
    assert code == 0, run_err
    code, _, solve_err = _invoke("solve", str(loan_file), "--vary", VARY, "--target",
                                 f"{LENDER_NPV} = 0", "--deterministic", "-n", "5", "-s", "3",
                                 "--quiet", "--no-store", "--max-probes", "2")
    assert code == 0, solve_err
    assert run_err.splitlines()[0] == note == solve_err.splitlines()[0]
