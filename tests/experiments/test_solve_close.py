"""`solve` over a deal's close probability for that deal's own metric: a note that the metric
counts the paths on which the deal does not close, and a root that only touches the target
(r-compete finding 3) is said to be no break-even instead of a plain "found"."""

from __future__ import annotations

import warnings

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.query import metric_value
from chipcredit.experiments.solve_notes import close_note, edge_message

VARY = "deals.nvidia-openai-loi.close_probability"
NPV = "deals.nvidia-openai-loi.parties.nvidia.npv"
GIVEN = ("the metric given that nvidia-openai-loi closed is "
         "deals.nvidia-openai-loi.given_closed.PARTY (npv, loss, loss_probability), which the "
         "close probability does not move: to find a break-even given closing, target that "
         "metric and vary another number")


@pytest.fixture(scope="module")
def mean_at_one() -> float:
    """The LOI's mean NPV to Nvidia with every path closing (200 paths, seed 0)."""
    sc = cc.set_number(cc.load_scenario("seed-2025"), VARY, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return float(metric_value(cc.simulate(sc, paths=200, seed=0), f"{NPV}.mean"))


def _solve(target: str) -> cc.SolveResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.solve("seed-2025", VARY, target, paths=200, seed=0, bracket=(0, 1))


def test_the_close_note_says_the_metric_counts_unclosed_paths() -> None:
    assert close_note(VARY, f"{NPV}.mean") == (
        f"{NPV}.mean counts the paths on which nvidia-openai-loi does not close (its npv is 0 "
        f"there), so moving {VARY} scales it (a mean about in proportion; a percentile stays "
        "at 0 while too few paths close to reach it) rather than taking it across a "
        "threshold; " + GIVEN)
    moic = "deals.nvidia-openai-loi.parties.nvidia.moic.p50"
    assert close_note(VARY, moic) == (
        f"{moic} has no value on the paths on which nvidia-openai-loi does not close, so its "
        f"p50 is taken over the paths that closed: moving {VARY} changes which paths those "
        "are, not what the deal pays on them, so a change of side is Monte Carlo noise rather "
        "than a break-even; " + GIVEN)
    assert "(its npv is not above zero there)" in close_note(VARY, f"{NPV}.p_positive")  # type: ignore[operator]
    assert close_note(VARY, "deals.colossus2-spv.parties.nvidia.npv.mean") is None
    assert close_note("deals.nvidia-openai-loi.amount_per_unit", f"{NPV}.mean") is None


def test_a_mean_that_is_0_only_at_the_low_end_is_no_break_even(mean_at_one: float) -> None:
    res = _solve(f"{NPV}.mean = 0")
    assert res.status == "found" and res.touches and res.to_dict()["touches"] is True
    assert res.probes == ((0.0, 0.0), (1.0, mean_at_one))
    assert res.message == (
        f"{NPV}.mean meets 0 only at the bracket's low end, {VARY} = 0, where it is exactly 0, "
        f"and at no other probe ({mean_at_one:.6g}): it touches the target without crossing "
        f"it, so {VARY} = 0 is no break-even; 2 probes, 200 paths, seed 0")
    assert close_note(VARY, f"{NPV}.mean") in res.notes


def test_a_median_at_0_at_every_probe_is_no_break_even() -> None:
    res = _solve(f"{NPV}.p50 = 0")
    assert res.status == "found" and res.touches
    assert res.message == (
        f"{NPV}.p50 is 0 at every probe, the target itself: no value of {VARY} in [0, 1] moves "
        f"it, so {VARY} = 0, the bracket's low end, is no break-even; 2 probes, 200 paths, "
        "seed 0")


def test_an_inequality_that_holds_only_at_exactly_0_is_no_break_even() -> None:
    res = _solve(f"{NPV}.mean <= 0")
    held = sorted(v for v, m in res.probes if m <= 0)
    rest = [m for _, m in res.probes if m > 0]
    assert res.touches and all(m == 0 for v, m in res.probes if v in held)
    assert res.message.startswith(
        f"{NPV}.mean meets 0 only where it is exactly 0 (at {VARY} = 0 to {res.shown}), and at "
        f"no other probe (from {min(rest):.6g} to {max(rest):.6g}): it touches the target "
        f"without crossing it, so {VARY} = {res.shown} is no break-even; ")


def test_a_root_that_crosses_the_target_is_a_plain_found() -> None:
    # an equation hit exactly inside a bracket whose ends lie on either side
    assert edge_message("x", "m", "=", 0.0, 0.0, 1.0, 0.5, "0.5",
                         [(0.0, -1.0), (1.0, 1.0), (0.5, 0.0)]) is None
    # an inequality holding at a probe above the target
    assert edge_message("x", "m", ">=", 0.0, 0.0, 1.0, 1.0, "1",
                         [(0.0, -1.0), (1.0, 0.5), (0.5, 0.0)]) is None
    # an equation at an end, with the other probes on both sides of it
    assert edge_message("x", "m", "=", 0.0, 0.0, 1.0, 0.0, "0",
                         [(0.0, 0.0), (1.0, 1.0), (0.5, -1.0)]) is None


def test_the_cli_says_degenerate() -> None:
    out = CliRunner().invoke(cli.app, [
        "solve", "seed-2025", "--vary", VARY, "--target", f"{NPV}.p50 = 0", "--low", "0",
        "--high", "1", "-n", "200", "--no-store", "-q"])
    assert out.exit_code == 0, out.output
    assert f"found, degenerate: {NPV}.p50 is 0 at every probe" in out.output


def test_a_metric_no_path_has_at_a_probe_asks_for_another_bracket_or_metric() -> None:
    """At close_probability 0 no path closes, so the LOI's MOIC has no value on any path and
    every statistic of it is NaN: the message does not suggest another statistic of it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        with pytest.raises(cc.UsageError) as caught:
            cc.solve("seed-2025", "deals.nvidia-openai-loi.close_probability",
                     "deals.nvidia-openai-loi.parties.nvidia.moic.p50 >= 1", paths=100, seed=0,
                     bracket=(0.0, 1.0))
    assert str(caught.value) == (
        "the metric deals.nvidia-openai-loi.parties.nvidia.moic.p50 has no value with "
        "deals.nvidia-openai-loi.close_probability = 0: no path has one there; give a bracket "
        "where it has one (--low, --high), or choose a metric every path has (e.g. npv or loss)")
