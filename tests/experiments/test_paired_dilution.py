"""A vendor's warrant cost and share price in the paired differences of ``compare`` and
``stress``: the vendor row ``dilution_cost`` (its warrants' per-path cost, 0 in a run in which
it issues none) and ``share_price_end``, in the frame and in the CLI table, with the caption
that says equity value and share price can move in opposite directions."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest
from rich.console import Console

import chipcredit as cc
from chipcredit.cli.paired_tables import HEADLINE_METRICS, paired_table
from chipcredit.experiments.compare import CompareResult
from chipcredit.experiments.paired import paired_differences

CAPTION = ("equity_value_end is the whole company's value ($B); share_price_end is one "
           "share's, after the shares its warrants give away (the vendor's dilution_cost), so "
           "the two can move in opposite directions")
PATHS = 500


@pytest.fixture(scope="module")
def without_warrant() -> CompareResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cc.compare("seed-2025", without="amd-openai-warrant", paths=PATHS, seed=0)


def _row(frame: Any, party: str, metric: str) -> dict[str, Any]:
    rows = [r for r in frame.to_dict("records")
            if not isinstance(r["deal"], str) and r["party"] == party and r["metric"] == metric]
    assert len(rows) == 1, (party, metric, rows)
    return rows[0]


def test_rows_equal_the_two_runs_json(without_warrant: CompareResult) -> None:
    res = without_warrant
    a, b = res.base.to_dict(), res.other.to_dict()
    assert "amd-openai-warrant" not in b["deals"]
    cost = _row(res.differences, "amd", "dilution_cost")
    # A: the warrant's JSON dilution cost; B, without the warrant, gives no share away
    a_cost = a["deals"]["amd-openai-warrant"]["parties"]["amd"]["dilution_cost"]["mean"]
    assert cost["base"] == pytest.approx(a_cost, rel=1e-12)
    assert cost["other"] == 0.0
    assert cost["difference"] == pytest.approx(-a_cost, rel=1e-12)
    assert cost["unit"] == "$B" and cost["paths"] == PATHS
    # paired per path: B - A is minus A's cost on each path
    per_path = res.base.outcomes["deal|amd-openai-warrant|amd|dilution_cost"].astype(np.float64)
    half = 1.959963984540054 * per_path.std(ddof=1) / np.sqrt(PATHS)
    assert (cost["ci_low"], cost["ci_high"]) == pytest.approx((-a_cost - half, -a_cost + half))
    assert cost["median_difference"] == pytest.approx(-float(np.median(per_path)))
    assert cost["share_higher"] == 0.0
    assert cost["share_lower"] == pytest.approx(float(np.mean(per_path > 0)))
    price = _row(res.differences, "amd", "share_price_end")
    assert price["base"] == pytest.approx(a["vendors"]["amd"]["share_price_end"]["mean"], rel=1e-12)
    assert price["other"] == pytest.approx(b["vendors"]["amd"]["share_price_end"]["mean"], rel=1e-12)
    assert price["unit"] == "$ per share"
    # fewer shares without the warrant: AMD's price is higher (seed 0, 500 paths: +11.74
    # $ a share, 95% CI +5.60 .. +17.88), its equity value lower (-14.77 $B)
    assert price["difference"] > 0 and price["ci_low"] > 0
    assert price["share_higher"] > price["share_lower"]
    assert _row(res.differences, "amd", "equity_value_end")["difference"] < 0
    # Nvidia issues no warrant: no dilution row
    assert not any(r["party"] == "nvidia" and r["metric"] == "dilution_cost"
                   for r in res.differences.to_dict("records"))


def test_the_table_shows_both_rows_and_the_caption(without_warrant: CompareResult) -> None:
    table = paired_table(without_warrant.differences, HEADLINE_METRICS, PATHS, "t", "A", "B")
    console = Console(width=400, record=True)
    console.print(table)
    text = console.export_text()
    lines = [line for line in text.splitlines() if "│ amd " in line]
    assert any("│ share_price_end " in line and "│ $ per share " in line for line in lines)
    assert any("│ dilution_cost " in line and line.split("│")[1].strip() == "" for line in lines)
    assert CAPTION in text
    assert "$ per share: US$ a share" in text


def test_no_caption_without_a_share_price_row(without_warrant: CompareResult) -> None:
    frame = without_warrant.differences
    table = paired_table(frame[frame["metric"] != "share_price_end"], HEADLINE_METRICS,
                         PATHS, "t", "A", "B")
    assert CAPTION not in str(table.caption)
    assert "$ per share" not in str(table.caption)


@dataclass
class _Run:
    outcomes: dict[str, np.ndarray]
    deals: list[Any]
    paths: int = 4
    seed: int = 0
    scenario: Any = field(init=False)

    def __post_init__(self) -> None:
        self.scenario = SimpleNamespace(parties=[], deals=self.deals)

    def mean(self, key: str) -> float:
        return float(np.mean(self.outcomes[key], dtype=np.float64))


def _warrant(deal: str, issuer: str) -> Any:
    return SimpleNamespace(id=deal, kind="deployment_warrant", issuer=issuer, holder="lab")


def test_a_vendor_row_sums_its_warrants_per_path_and_is_zero_without_them() -> None:
    # A: two warrants of the vendor; B: one of them. Per path A = [3, 1, 0, 6],
    # B = [1, 0, 0, 2]: differences [-2, -1, 0, -4], mean -1.75, median -1.5
    base = _Run({"party|amd|revenue_total": np.array([1, 2, 3, 4], np.float32),
                 "deal|w1|amd|dilution_cost": np.array([1, 0, 0, 2], np.float32),
                 "deal|w2|amd|dilution_cost": np.array([2, 1, 0, 4], np.float32)},
                [_warrant("w1", "amd"), _warrant("w2", "amd")])
    other = _Run({"party|amd|revenue_total": np.array([1, 2, 3, 4], np.float32),
                  "deal|w1|amd|dilution_cost": np.array([1, 0, 0, 2], np.float32)},
                 [_warrant("w1", "amd")])
    frame = paired_differences(cast(cc.Result, base), cast(cc.Result, other))
    rows = frame.to_dict("records")
    # after the vendor's own rows (the deal row of the warrant in both runs comes after them)
    assert [(r["deal"] if isinstance(r["deal"], str) else None, r["metric"]) for r in rows] == [
        (None, "revenue_total"), (None, "dilution_cost"), ("w1", "dilution_cost")]
    row = rows[1]
    assert (row["base"], row["other"], row["difference"]) == (2.5, 0.75, -1.75)
    assert row["median_difference"] == -1.5
    assert (row["share_higher"], row["share_lower"], row["paths"]) == (0.0, 0.75, 4)
    # the other way round (B adds a warrant): the sign turns
    frame = paired_differences(cast(cc.Result, other), cast(cc.Result, base))
    assert _row(frame, "amd", "dilution_cost")["difference"] == 1.75
