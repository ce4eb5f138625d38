"""A vendor's self-funded revenue by the buyer that paid it: the JSON summary's
``vendors.VENDOR.self_funded_by_buyer``, the line under the by-year table of ``chipcredit
run`` and the report. The parts add up to the vendor's self-funded revenue."""

from __future__ import annotations

import html
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.vendor_buyers import self_funded_by_buyer
from chipcredit.report import i18n
from chipcredit.report.self_funded_buyers import buyers_note, self_funded_buyers_note


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=4)


@pytest.mark.parametrize("vendor", ["nvidia", "amd"])
def test_the_parts_add_up_to_the_vendors_self_funded_revenue(result: cc.Result,
                                                             vendor: str) -> None:
    parts = self_funded_by_buyer(result, vendor)
    assert parts is not None and len(parts) >= 2
    own = result.outcome(None, vendor, "self_funded_revenue").astype(np.float64)
    assert sum(parts.values()) == pytest.approx(float(own.mean()), rel=1e-6)  # float32 paths
    assert sum(parts.values()) == pytest.approx(
        result.to_dict()["vendors"][vendor]["self_funded_revenue"]["mean"], rel=1e-12)
    assert list(parts.values()) == sorted(parts.values(), reverse=True)
    # by hand from Result.flows(), the reviewer's route: the self-funded part of each sale
    # into the vendor, summed over the quarters, by its payer
    flows = result.flows()
    sales = flows[(flows["to"] == vendor) & (flows["kind"] == "sale")]
    by_hand = sales.groupby("from")["self_funded_mean"].sum()
    assert set(parts) <= set(by_hand.index)
    for buyer, value in by_hand.items():  # a buyer left out paid with none of its money
        assert parts.get(str(buyer), 0.0) == pytest.approx(float(value), rel=1e-9, abs=1e-12), buyer
    # buyers of other vendors or of nothing are not parts
    assert vendor not in parts and "hyperscalers" not in parts


def test_the_line_by_hand() -> None:
    cat = i18n.catalogue("en")
    parts = {"nvidia": {"xai": 5.0, "colossus2-spv": 1.5, "openai": 0.0}, "amd": None}
    assert buyers_note(parts, cat) == (
        "Self-funded revenue by buyer, the payer of each sale that carried the vendor's own "
        "money back ($B over the horizon, means over paths; the parts add up to the "
        "self-funded revenue mean): nvidia $6.5B = xai $5B + colossus2-spv $1.5B.")
    base = buyers_note(parts, cat, str.upper, deterministic=True)
    assert base is not None and base.endswith(
        "base case; the parts add up to the self-funded revenue): NVIDIA $6.5B = XAI $5B + "
        "COLOSSUS2-SPV $1.5B.")
    assert buyers_note({"amd": None}, cat) is None
    zh = buyers_note(parts, i18n.catalogue("zh"))
    assert zh is not None and "nvidia 65亿美元 = xai 50亿美元 + colossus2-spv 15亿美元" in zh


def test_the_json_the_cli_and_the_report_agree(result: cc.Result, tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    run = CliRunner().invoke(cli.app, ["run", "seed-2025", "--paths", "200", "--seed", "4",
                                       "--no-store", "--json", str(target)])
    assert run.exit_code == 0, run.output
    vendors = json.loads(target.read_text(encoding="utf-8"))["vendors"]
    parts = {v: vendors[v]["self_funded_by_buyer"] for v in ("nvidia", "amd")}
    for vendor, split in parts.items():
        assert split == self_funded_by_buyer(result, vendor)
        assert sum(split.values()) == pytest.approx(vendors[vendor]["self_funded_revenue"]["mean"],
                                                    rel=1e-12)
    # xai-chips-on-credit is hypothetical: the line marks the buyer in it (r-equity finding 4)
    line = buyers_note(parts, i18n.catalogue("en"),
                       hypothetical={"xai-chips-on-credit": ["nvidia", "xai"]})
    assert line is not None and line in " ".join(run.stdout.split())
    report = self_funded_buyers_note(result, i18n.catalogue("en"))
    assert report.startswith('<p class="note">Self-funded revenue by buyer')
    assert html.escape(i18n.catalogue("en").money(parts["nvidia"]["xai"])) in report
