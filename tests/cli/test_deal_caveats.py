"""What a reader must see beside a deal's or a party's figures (journalist findings J1-J11):
a hypothetical deal is marked, each NPV says at whose rate, a loss that is 0 while the NPV
is negative says why, a row over two bases gives its odds given the deal closed, the
parties table dates its default odds and prints each party's caveat, and the footer names
the horizon."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from rich.console import Console
from rich.table import Table

import chipcredit as cc
from chipcredit.cli.deal_table import deals_table
from chipcredit.cli.party_table import parties_table
from chipcredit.cli.run_footer import run_footer
from chipcredit.report.deal_odds import discount_rates, hypothetical_deals, path_odds
from chipcredit.report.summary import summary_text


def render(table: Table, width: int = 400) -> str:
    console = Console(width=width, file=io.StringIO())
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def rows(deal: str | None, party: str, **metrics: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for metric, stats in metrics.items():
        out.append({"deal": deal, "party": party, "metric": metric, "mean": None, "p05": None,
                    "p50": None, "p95": None, "nan_share": 0.0, **stats})
    return out


class _Deal:
    def __init__(self, id: str, status: str | None = None) -> None:
        self.id, self.status = id, status


def test_hypothetical_deal_is_marked_under_its_name_and_named_in_the_caption() -> None:
    summary = (rows("real", "bank", npv={"p50": 1.0}, loss={"mean": 0.0})
               + rows("what-if", "vendor", npv={"p50": 2.0}, loss={"mean": 0.0})
               + rows("what-if", "lab", npv={"p50": 3.0}, loss={"mean": 0.0}))
    text = render(deals_table(summary, {"real": "loan", "what-if": "vendor_credit"}, {},
                              "medians over 10 paths", hypothetical=["what-if"]))
    lines = text.splitlines()
    # under the kind, on the second row of the deal; the real deal has no mark
    kind_row = next(i for i, ln in enumerate(lines) if "(vendor_credit)" in ln)
    assert lines[kind_row + 1].startswith("│ hypothetical ")
    assert sum("hypothetical " in ln and ln.startswith("│") for ln in lines) == 1
    assert ("hypothetical: no such deal is reported and every term is assumed (status: "
            "hypothetical); its figures say what it would do, not what a real deal did: what-if"
            in text)
    # without the mark the same table says nothing of it
    assert "hypothetical" not in render(deals_table(
        summary, {"real": "loan", "what-if": "vendor_credit"}, {}, "medians over 10 paths"))


def test_npv_line_names_each_partys_rate() -> None:
    summary = (rows("spv", "vendor", npv={"p50": 0.08}, loss={"mean": 0.0})
               + rows("spv", "fund", npv={"p50": 0.0}, loss={"mean": 0.0}))
    text = render(deals_table(summary, {"spv": "spv_lease"}, {}, "medians over 10 paths",
                              rates={"vendor": (0.10, False), "fund": (0.15, False),
                                     "absent": (0.5, False)}))
    assert ("NPV is each party's own: its flows discounted to the start at its discount rate "
            "(effective annual), so one deal's flows can read differently to two parties: "
            "vendor 10%, fund 15%\n") in text


def test_negative_npv_with_no_deal_loss_is_named_with_its_share_of_paths() -> None:
    summary = (rows("backstop", "vendor", npv={"p50": -1.33}, loss={"mean": 0.0})
               + rows("backstop", "cloud", npv={"p50": 1.24}, loss={"mean": 0.0})
               + rows("equity", "vendor", npv={"p50": -1.76}, loss={"mean": 1.07}))
    odds = {("backstop", "vendor"): {"npv_negative": 0.989}}
    text = render(deals_table(summary, {"backstop": "capacity_backstop", "equity": "equity"}, {},
                              "medians over 10 paths", odds=odds))  # type: ignore[arg-type]
    line = next(ln for ln in text.splitlines() if ln.startswith("A deal can lose value"))
    # the equity row has a deal loss and the cloud's NPV is positive: neither is named
    assert line == ("A deal can lose value with no deal loss: NPV below 0 where nothing owed went "
                    "unpaid (fees, rent or a backstop the party pays by what the deal is, a return "
                    "below its discount rate): backstop vendor (NPV -1.33, below 0 on 98.9% of the "
                    "paths)")
    assert "deal loss\n" not in text and "deal loss" in text.splitlines()[2]


def test_a_deal_closed_on_some_paths_gives_its_odds_given_it_closed() -> None:
    summary = rows("loi", "vendor", npv={"p50": 0.0}, loss={"mean": 2.15},
                   moic={"p50": 1.71, "mean": 2.0, "nan_share": 0.722})
    odds = {("loi", "vendor"): {"npv_negative": 0.106, "closed": 0.278, "loss_closed": 0.315,
                                "npv_negative_closed": 0.381}}
    text = render(deals_table(summary, {"loi": "milestone_equity"}, {("loi", "vendor"): 0.088},
                              "medians over 10 paths", closed={"loi": 0.278},
                              odds=odds))  # type: ignore[arg-type]
    assert ("so the row's NPV and deal loss are over all paths, its starred IRR and MOIC over "
            "those where it closed, and the odds given it closed are these):") in text
    assert ("  loi: closed on 27.8% of the paths; given it closed, vendor P(deal loss>0) 31.5%, "
            "P(NPV<0) 38.1%") in text


def test_path_odds_by_hand() -> None:
    # four paths; the deal closes on the first three (some flow), not the fourth
    outcomes = {
        "deal|loi|vendor|cash_out": np.array([1.0, 2.0, 1.0, 0.0]),
        "deal|loi|vendor|cash_in": np.array([0.0, 3.0, 0.5, 0.0]),
        "deal|loi|vendor|npv": np.array([-0.5, 0.7, -0.2, 0.0]),
        "deal|loi|vendor|loss": np.array([0.4, 0.0, 0.0, 0.0]),
        "deal|loan|bank|cash_out": np.array([1.0, 1.0, 1.0, 1.0]),
        "deal|loan|bank|npv": np.array([-1e-12, -0.1, 0.3, 0.2]),
        "deal|loan|bank|loss": np.array([0.0, 0.1, 0.0, 0.0]),
    }
    odds = path_odds([_Deal("loi"), _Deal("loan")], outcomes)
    # NPV < 0 on paths 1 and 3 of 4; given closed (3 paths): loss on 1, NPV < 0 on 2
    assert odds[("loi", "vendor")] == {"npv_negative": 0.5, "closed": 0.75,
                                       "loss_closed": pytest.approx(1 / 3),
                                       "npv_negative_closed": pytest.approx(2 / 3)}
    # closed on every path: no odds given closed; -1e-12 is rounding dust, not below 0
    assert odds[("loan", "bank")] == {"npv_negative": 0.25}


def test_hypothetical_deals_and_rates_from_a_scenario() -> None:
    sc = cc.load_scenario("seed-2025")
    assert hypothetical_deals(sc.deals) == ["xai-chips-on-credit"]
    rates = discount_rates(sc.parties)
    assert rates["nvidia"] == (0.10, False) and rates["valor"] == (0.15, False)
    assert "apollo" not in rates and rates["colossus2-lenders"] == (0.09, False)


def test_parties_table_dates_its_odds_and_prints_the_notes() -> None:
    summary = (rows(None, "lab", default_probability={"mean": 0.707},
                    revenue_total={"p50": 18.57}, cash_end={"p50": 0.0})
               + rows(None, "chips", revenue_total={"p50": 3997.98}, cash_end={"p50": 2477.72}))
    text = render(parties_table(summary, [("chips", "vendor"), ("lab", "lab")],
                                "p50: medians over 2,000 paths", {"lab"}, last="2035Q3",
                                early=("2030", {"lab": 0.492}),
                                notes={"lab": "stands alone", "gone": "not a party here"}))
    lines = text.splitlines()
    assert lines[0] == ("Parties ($B; P(default): share of paths; revenue totalled over the "
                        "horizon, cash at its end; p50: medians over 2,000 paths)")
    assert "P(default)" in lines[2] and "before 2030" in lines[3] and "by 2035Q3" in lines[3]
    lab = next(ln for ln in lines if ln.startswith("│ lab "))
    assert [c.strip() for c in lab.split("│")[3:5]] == ["49.2%", "70.7%"]
    assert "lab: stands alone" in lines and "gone" not in text
    assert any(ln.startswith("A vendor's cash at the horizon is what it has accumulated since "
                             "the start: its operating profit (sales less cost of goods and "
                             "operating costs), plus what its deals paid it, less what it put "
                             "into them. The model charges no tax and pays no dividends or "
                             "buybacks") for ln in lines)


def test_footer_names_the_horizon() -> None:
    text = run_footer(scenario="s", sha256="ab" * 32, paths=2000, deterministic=False, seed=1,
                      elapsed=1.0, imbalance=0.0, capacity_unit="GW",
                      horizon=("2025Q4", "2035Q3", 40))
    assert text.startswith("scenario s · sha256 abababababab · horizon 2025Q4-2035Q3, 40 "
                           "quarters · 2,000 paths · seed 1 · ")


def _seed_text() -> str:
    from chipcredit.scenario.registry import bundled_path

    return Path(bundled_path("seed-2025")).read_text(encoding="utf-8")


def test_hypothetical_deal_may_not_name_a_registry_row(tmp_path: Path) -> None:
    text = _seed_text().replace(
        "    kind: vendor_credit\n    status: hypothetical\n",
        "    kind: vendor_credit\n    status: hypothetical\n    registry: nvidia-xai-colossus2-spv\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cc.ScenarioError) as err:
        cc.load_scenario(path)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "registry: nvidia-xai-colossus2"
                in ln and i > text.splitlines().index("  - id: xai-chips-on-credit"))
    index = [d["id"] for d in yaml.safe_load(text)["deals"]].index("xai-chips-on-credit")
    assert (f"s.yaml:{line}:15: deals[{index}].registry must be left out for a hypothetical deal "
            "(status: hypothetical says no such deal is reported; link a real deal with its own "
            "status); got 'nvidia-xai-colossus2-spv'") in str(err.value)


@pytest.mark.parametrize("status", ["hypothetical", "announced"])
def test_opening_paragraph_leads_with_reported_deals(tmp_path: Path, status: str) -> None:
    text = _seed_text().replace("    kind: vendor_credit\n    status: hypothetical\n",
                                f"    kind: vendor_credit\n    status: {status}\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    opening = summary_text(cc.simulate(cc.load_scenario(path), paths=200, seed=1))
    # the chips-on-credit outlay (~$5B) is larger than the SPV's $2B: only its status keeps
    # it out of the opening sentence
    if status == "hypothetical":
        assert "xai-chips-on-credit" not in opening and "colossus2-spv" in opening
    else:
        assert "xai-chips-on-credit" in opening and "colossus2-spv" not in opening


def test_report_marks_the_hypothetical_deal_and_the_rates() -> None:
    from chipcredit.report.deal_table import deals_table as report_deals
    from chipcredit.report.i18n import catalogue

    res = cc.simulate("seed-2025", paths=60, seed=3)
    html = report_deals(res, catalogue("en"))
    assert '<td class="data" translate="no">xai-chips-on-credit (hypothetical)</td>' in html
    assert "so one deal&#x27;s flows can read differently to two parties: Nvidia 10%" in html
    assert "Colossus 2 SPV lenders (not reported) 9%" in html
    assert ('<p class="note">Hypothetical (status: hypothetical in the scenario): no such deal is '
            "reported and every term is assumed; its figures say what it would do, not what a "
            "real deal did: xai-chips-on-credit.</p>") in html


def test_report_parties_table_prints_the_notes_in_english_only() -> None:
    from chipcredit.report.i18n import catalogue
    from chipcredit.report.tables import parties_table as report_parties

    res = cc.simulate("seed-2025", paths=20, seed=3)
    en, zh = report_parties(res, catalogue("en")), report_parties(res, catalogue("zh"))
    assert ('<p class="note">xAI: stands alone: SpaceX acquired xAI in Feb 2026, but here no '
            "parent covers its shortfalls; read its default odds as xAI&#x27;s on its own, an "
            "upper end for a SpaceX subsidiary (docs/model.md)</p>") in en
    assert "A vendor&#x27;s cash at the horizon is what it has accumulated since the start" in en
    assert "SpaceX" not in zh and "芯片厂商的期末现金是自起点以来的累积" in zh
