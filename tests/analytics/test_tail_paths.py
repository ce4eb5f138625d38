"""A credit book's VaR and CVaR say how many paths they rest on (JSON ``tail_paths_95`` and
``tail_paths_99``), and one that rests on fewer than 10 is marked, with a note, in the
report's credit table (which the dashboard shows) and in the tables of compare and stress."""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from tests.deals._build import lab, scenario, vendor

import chipcredit as cc
from chipcredit.analytics.portfolio import MIN_TAIL_PATHS, expected_shortfall, held_paths, tail_paths
from chipcredit.cli.paired_tables import paired_table
from chipcredit.experiments.paired import COLUMNS
from chipcredit.report.credit import TAIL_MARK, credit_section
from chipcredit.report.i18n import catalogue


def _run(spec: cc.Scenario | str, **kwargs: Any) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(spec, **kwargs)


@pytest.fixture(scope="module")
def loan() -> cc.Result:
    """A loan that closes on about half of 400 paths: the lender's book is held on ~200,
    so its 95% tail holds ~10 paths and its 99% tail ~2."""
    deal = {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai",
            "amount": 10.0, "rate": 0.1, "term_years": 2, "amortisation": "bullet",
            "close_probability": 0.5}
    parties = [vendor(), lab(), {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]
    return _run(cc.load_scenario(scenario(parties, [deal], horizon=12)), paths=400, seed=11)


def test_tail_paths_is_the_held_paths_times_the_tail_share() -> None:
    assert MIN_TAIL_PATHS == 10
    assert tail_paths(100, 0.95) == 5.0 and tail_paths(100, 0.99) == 1.0
    assert tail_paths(3, 0.99) == 0.03 and tail_paths(2000, 0.99) == 20.0


def test_five_paths_of_seed_2025_give_a_var_from_three_held_paths() -> None:
    run = _run("seed-2025", paths=5, seed=0)
    book = run.to_dict()["portfolios"]["colossus2-lenders"]
    held = held_paths(run.outcomes, "colossus2-lenders", 5)
    loss = run.outcomes["portfolio|colossus2-lenders|loss"][held].astype(np.float64)
    assert held.sum() == 3 and book["tail_paths_99"] == 0.03 and book["tail_paths_95"] == 0.15
    assert book["var_99"] == pytest.approx(float(np.quantile(loss, 0.99)), rel=1e-12)
    assert book["cvar_99"] == pytest.approx(float(loss.max()), rel=1e-12)  # the worst path alone
    assert book["cvar_99"] == pytest.approx(expected_shortfall(loss, 0.99), rel=1e-12)


def test_the_report_marks_a_tail_of_under_ten_paths(loan: cc.Result) -> None:
    book = loan.to_dict()["portfolios"]["apollo"]
    n = int(held_paths(loan.outcomes, "apollo", 400).sum())
    assert (book["tail_paths_95"], book["tail_paths_99"]) == (round(n * 0.05, 9), round(n * 0.01, 9))
    assert book["tail_paths_95"] >= MIN_TAIL_PATHS > book["tail_paths_99"]
    cat = catalogue("en")
    page = credit_section(loan, cat)
    money = {k: cat.money(book[k]) for k in ("var_95", "cvar_95", "var_99", "cvar_99")}
    assert f">{money['var_99']}{TAIL_MARK}<" in page and f">{money['cvar_99']}{TAIL_MARK}<" in page
    assert f">{money['var_95']}<" in page  # ten paths or more: no mark
    item = cat.t("report.tail_few_item", party="apollo", level="99%", paths=f"{book['tail_paths_99']:g}")
    assert item in page and "95% (paths in the tail" not in page
    assert "a few paths&#x27; losses, not a tail" in page


def _frame(paths: int) -> pd.DataFrame:
    rows = [{"deal": None, "party": "apollo", "metric": m, "base": 1.0, "other": 1.5,
             "difference": 0.5, "ci_low": None, "ci_high": None, "median_difference": None,
             "share_higher": None, "share_lower": None, "paths": paths, "unit": "$B"}
            for m in ("var_95", "var_99")]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_the_paired_tables_mark_a_tail_of_under_ten_paths() -> None:
    console = Console(width=200, record=True, file=io.StringIO())
    # 300 paths held in both: 15 in the 95% tail, 3 in the 99%
    console.print(paired_table(_frame(300), ("var_95", "var_99"), 400, "t", "A", "B"))
    text = console.export_text()
    assert f"var_99{TAIL_MARK}" in text and f"var_95{TAIL_MARK}" not in text
    assert f"{TAIL_MARK} a VaR or CVaR whose tail holds fewer than 10 paths" in text
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(paired_table(_frame(2000), ("var_95", "var_99"), 2000, "t", "A", "B"))
    assert TAIL_MARK not in console.export_text()  # 20 paths in the 99% tail
