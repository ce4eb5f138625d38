"""``chipcredit run``'s deals table gives, for a deal that closed on only some paths, each
party's NPV mean and median given it closed beside its odds given it closed, for every party
the JSON summary's ``deals.DEAL.given_closed`` has (the investor, and the borrower, lessee or
investee): a row's NPV over all paths counts the unclosed paths as 0 (seed-2025's letter of
intent reads an NPV p50 of 0.00)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from tests.cli.test_deal_notes import flat, render, rows
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.deal_table import deals_table
from chipcredit.report.deal_odds import PathOdds

runner = CliRunner()
LOAN = Path(__file__).parents[1] / "fixtures_credit" / "minimal-loan.yaml"


def test_the_line_gives_the_npv_given_it_closed() -> None:
    summary = rows("loi", "vendor", npv={"p50": 0.0, "mean": 23.0}, loss={"mean": 2.15},
                   moic={"p50": 1.71, "mean": 2.0, "nan_share": 0.722})
    odds = PathOdds(npv_negative=0.106, closed=0.278, loss_closed=0.315, npv_negative_closed=0.381)
    odds.given = {"npv": {"mean": 83.04, "p50": 7.265}, "loss": {"mean": 8.26},
                  "loss_probability": 0.315}
    text = flat(render(deals_table(summary, {"loi": "milestone_equity"}, {("loi", "vendor"): 0.088},
                                   "medians over 10 paths", closed={"loi": 0.278},
                                   odds={("loi", "vendor"): odds})))
    assert ("loi: closed on 27.8% of the paths; given it closed, vendor P(deal loss>0) 31.5%, "
            "P(NPV<0) 38.1%, NPV mean 83.04 (p50 7.26)") in text  # 7.265 is 7.26499... in binary
    # odds without the figures (a plain dict): the line as before
    plain = flat(render(deals_table(summary, {"loi": "milestone_equity"}, {("loi", "vendor"): 0.088},
                                    "medians over 10 paths", closed={"loi": 0.278},
                                    odds={("loi", "vendor"): dict(odds)})))  # type: ignore[dict-item]
    assert "vendor P(deal loss>0) 31.5%, P(NPV<0) 38.1% " in plain and "NPV mean 83" not in plain


def test_a_loan_that_closes_on_half_the_paths(tmp_path: Path) -> None:
    """minimal-loan.yaml, its lab with $500B of cash, the loan closing with probability 0.5:
    on every closed path the bank's NPV is the loan's, 0.1956 ($3B at 11% over 16 quarters
    discounted at 8%; tests/analytics/test_deal_closed.py works it by hand)."""
    data = yaml.safe_load(LOAN.read_text(encoding="utf-8"))
    data["parties"][1]["cash"] = 500
    data["deals"][0]["close_probability"] = 0.5
    path = tmp_path / "loan-half.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = runner.invoke(cli.app, ["run", str(path), "--paths", "400", "--seed", "3",
                                   "--no-store", "--json", str(tmp_path / "out.json")])
    assert done.exit_code == 0, done.stderr
    loan = json.loads((tmp_path / "out.json").read_text())["deals"]["term-loan"]
    share = loan["closed_share"]
    assert 0.4 < share < 0.6
    # every party the JSON's given_closed has, the borrower too (review finding 8): lab-a
    # pays the loan's 11% against its own discount rate, so its NPV is below 0 on every
    # closed path
    lab = loan["given_closed"]["lab-a"]["npv"]
    assert set(loan["given_closed"]) == {"bank", "lab-a"}
    assert (f"term-loan: closed on {share * 100:.1f}% of the paths; given it closed, bank "
            "P(deal loss>0) 0.0%, P(NPV<0) 0.0%, NPV mean 0.20 (p50 0.20); lab-a P(deal "
            f"loss>0) 0.0%, P(NPV<0) 100.0%, NPV mean {lab['mean']:.2f} (p50 {lab['p50']:.2f})"
            ) in flat(done.stdout)
