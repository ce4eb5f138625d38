"""A credit officer's words in a metric path (PD, EL, LGD, EAD, ES): the summary names them
otherwise, and spelling alone finds nothing near ``pd``, so the error suggests the figure
meant (`chipcredit.analytics.query._CREDIT_WORDS`) where the summary has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.query import metric_value

SUMMARY = {
    "parties": {"anthropic": {"kind": "lab", "default_probability": 0.04,
                              "cash_end": {"mean": 1.0, "p50": 1.0}}},
    "deals": {"loan": {"kind": "loan", "parties": {"bank": {
        "npv": {"mean": 0.1}, "loss": {"mean": 0.3, "p50": 0.0}}}}},
    "portfolios": {"bank": {"expected_loss": 0.3, "lgd": 0.45, "ead": 3.0, "var_95": 1.0,
                            "cvar_95": 1.5}},
    "spvs": {"gpu-spv": {"debt_impairment_probability": 0.1,
                         "lessee_default_probability": 0.2}},
}
PARTY_KEYS = "kind, default_probability, cash_end"
BOOK_KEYS = "expected_loss, lgd, ead, var_95, cvar_95"


@pytest.mark.parametrize(("path", "message"), [
    ("parties.anthropic.pd",
     "metric path 'parties.anthropic.pd': parties.anthropic has no 'pd' (did you mean "
     f"parties.anthropic.default_probability?); it has {PARTY_KEYS}"),
    ("parties.anthropic.PD",
     "metric path 'parties.anthropic.PD': parties.anthropic has no 'PD' (did you mean "
     f"parties.anthropic.default_probability?); it has {PARTY_KEYS}"),
    ("portfolios.bank.el",
     "metric path 'portfolios.bank.el': portfolios.bank has no 'el' (did you mean "
     f"portfolios.bank.expected_loss?); it has {BOOK_KEYS}"),
    ("portfolios.bank.loss_given_default",
     "metric path 'portfolios.bank.loss_given_default': portfolios.bank has no "
     f"'loss_given_default' (did you mean portfolios.bank.lgd?); it has {BOOK_KEYS}"),
    ("portfolios.bank.exposure",
     "metric path 'portfolios.bank.exposure': portfolios.bank has no 'exposure' (did you "
     f"mean portfolios.bank.ead?); it has {BOOK_KEYS}"),
    ("portfolios.bank.es",
     "metric path 'portfolios.bank.es': portfolios.bank has no 'es' (did you mean "
     f"portfolios.bank.cvar_95?); it has {BOOK_KEYS}"),
    # a deal's expected loss is the mean of its loss
    ("deals.loan.parties.bank.el",
     "metric path 'deals.loan.parties.bank.el': deals.loan.parties.bank has no 'el' (did "
     "you mean deals.loan.parties.bank.loss.mean?); it has npv, loss"),
    # an SPV's PD is its lessee's
    ("spvs.gpu-spv.pd",
     "metric path 'spvs.gpu-spv.pd': spvs.gpu-spv has no 'pd' (did you mean "
     "spvs.gpu-spv.lessee_default_probability?); it has debt_impairment_probability, "
     "lessee_default_probability"),
])
def test_a_credit_word_gets_the_summary_name_it_means(path: str, message: str) -> None:
    with pytest.raises(cc.UsageError) as caught:
        metric_value(SUMMARY, path)
    assert str(caught.value) == message


def test_no_credit_hint_where_the_figure_is_not_there() -> None:
    # a deal has no default probability: no PD to suggest, and nothing spelt near it
    with pytest.raises(cc.UsageError) as caught:
        metric_value(SUMMARY, "deals.loan.parties.bank.pd")
    assert str(caught.value) == ("metric path 'deals.loan.parties.bank.pd': "
                                 "deals.loan.parties.bank has no 'pd'; it has npv, loss")
    # the words are only hints: the path the user means still reads the number
    assert metric_value(SUMMARY, "parties.anthropic.default_probability") == 0.04


def test_solve_with_a_pd_target_suggests_default_probability() -> None:
    loan = Path(__file__).parents[1] / "fixtures_credit" / "minimal-loan.yaml"
    result = CliRunner().invoke(cli.app, [
        "solve", str(loan), "--vary", "deals.term-loan.rate",
        "--target", "parties.lab-a.pd <= 0.02", "--paths", "4", "--no-store"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stdout + result.stderr
    assert lines[0].startswith("error: ")
    assert ("parties.lab-a has no 'pd' (did you mean parties.lab-a.default_probability?)"
            in lines[0])
