"""A target value written as a percent: the fraction is suggested only for a metric whose
unit is a fraction (a rate such as an IRR, a probability, a share, ``p_positive``); for an
amount in $B (where 0.02 is $20M) or a multiple the error names the metric's unit instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.experiments.target import parse_target

NPV = "deals.tpu-commit.parties.google.npv.p50"


@pytest.mark.parametrize(("target", "message"), [
    (f"{NPV} >= 2%", f"target value must be a number; got '2%'; {NPV} is in $B (US$ "
                     "billions), not a percent: write the amount in $B"),
    ("parties.anthropic.cash_end.mean >= 5%",
     "target value must be a number; got '5%'; parties.anthropic.cash_end.mean is in $B (US$ "
     "billions), not a percent: write the amount in $B"),
    ("deals.d.parties.p.moic.p50 >= 150%",
     "target value must be a number; got '150%'; deals.d.parties.p.moic.p50 is a multiple of "
     "money (x), not a percent: write the multiple"),
    # fractions: the percent as a fraction
    ("deals.d.parties.p.irr.p50 >= 12%", "target value must be a number; got '12%' (did you "
                                         "mean 0.12?)"),
    ("deals.d.parties.p.loss.p_positive <= 5%", "target value must be a number; got '5%' "
                                                "(did you mean 0.05?)"),
    ("parties.anthropic.default_probability <= 2%", "target value must be a number; got '2%' "
                                                    "(did you mean 0.02?)"),
    ("vendors.nvidia.self_funded_revenue_share.mean <= 1.5%",
     "target value must be a number; got '1.5%' (did you mean 0.015?)"),
    # a path whose unit is not known (it is checked against the run later): the fraction
    ("a.b.c = 12%", "target value must be a number; got '12%' (did you mean 0.12?)"),
])
def test_a_percent_target_is_read_in_the_metric_unit(target: str, message: str) -> None:
    with pytest.raises(cc.UsageError) as caught:
        parse_target(target)
    assert str(caught.value) == message


def test_solve_cli_names_the_unit_of_a_money_target() -> None:
    loan = Path(__file__).parents[1] / "fixtures_credit" / "minimal-loan.yaml"
    result = CliRunner().invoke(cli.app, [
        "solve", str(loan), "--vary", "deals.term-loan.rate",
        "--target", "deals.term-loan.parties.bank.npv.p50 >= 2%", "--paths", "4", "--no-store"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: target value must be a number; got '2%'; "
                     "deals.term-loan.parties.bank.npv.p50 is in $B (US$ billions), not a "
                     "percent: write the amount in $B"]
    assert "0.02" not in result.stderr
