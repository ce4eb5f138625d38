"""The HTML report says what its deal figures count: the horizon mark (a note, and the
figures without it where the mark is most of the NPV, in the table's notes and in the summary
sentence), a dash with a note where no path has an IRR or a MOIC (as ``chipcredit run``;
n/a stays for a median withheld), and what each basis label of the assumptions means, with
the numbers whose source calls them derived, uncertain or in conflict flagged (docs/report.md)."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pytest
from tests.cli.test_mark_notes import TEXT

import chipcredit as cc
from chipcredit.report.assumptions import assumption_rows, basis_text, source_flags
from chipcredit.report.deal_table import deals_table
from chipcredit.report.i18n import catalogue
from chipcredit.report.tables import irr_text

IRR, MOIC = 4, 5
"""Columns of the report's deal table of a deterministic run (`result`): deal, kind, party,
NPV, IRR, MOIC (one path has one NPV, not three percentile columns)."""


def _cells(page: str) -> dict[tuple[str, str], list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body)]
    return {(r[0], r[2]): r for r in rows}


def _notes(page: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'<p class="note">(.*?)</p>', page)]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> cc.Result:
    path: Path = tmp_path_factory.mktemp("report-marks") / "marks.yaml"
    path.write_text(TEXT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(str(path), deterministic=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_deal_table_splits_an_npv_that_is_mostly_its_mark(result: cc.Result, lang: str) -> None:
    cat = catalogue(lang)
    notes = _notes(deals_table(result, cat))
    assert cat.t("report.mark_note") in notes
    npv = result.mean("deal|nv-stake|nvidia|npv")
    item = cat.t("report.mark_item_moic", deal="nv-stake", party="nvidia", npv=cat.money(npv),
                 mark=cat.money(npv + 2.0), cash=cat.money(-2.0),  # it paid $2B, got nothing back
                 moic=cat.multiple(float(result.outcome("nv-stake", "nvidia", "moic")[0])),
                 realised=cat.multiple(0.0))
    matters = [n for n in notes if item in n]
    assert len(matters) == 1 and matters[0].startswith(cat.t("report.mark_matters", items="")[:12])
    # the SPV's lender is repaid within the horizon: its NPV has no mark and is not named
    assert "grid-spv · pcf" not in matters[0]


def test_the_english_notes_read_as_the_docs_say(result: cc.Result) -> None:
    notes = " ".join(_notes(deals_table(result, catalogue("en"))))
    assert "NPV, IRR and MOIC count the horizon mark" in notes
    assert "a price from revenue alone" in notes
    assert re.search(r"nv-stake · nvidia: mean NPV \$[\d.]+B, of which the mark \$[\d.]+B and cash "
                     r"-\$2B; median MOIC [\d.]+x, without the mark 0x", notes), notes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_irr_or_moic_on_any_path_is_a_dash_with_a_note(result: cc.Result, lang: str) -> None:
    cat = catalogue(lang)
    page = deals_table(result, cat)
    issuer = _cells(page)[("amd-warrant", "amd")]
    assert result.describe("deal|amd-warrant|amd|irr")["p50"] is None  # no path has one
    assert (issuer[IRR], issuer[MOIC]) == ("—", "—") != (cat.na(), cat.na())
    notes = _notes(page)
    assert cat.t("report.irr_none_note", value="—") in notes
    assert cat.t("report.moic_none_note", value="—") in notes
    assert irr_text(cat, ("none", None)) == "—" and irr_text(cat, ("withheld", None)) == cat.na()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_summary_says_a_return_is_mostly_its_mark(result: cc.Result, lang: str) -> None:
    cat = catalogue(lang)
    text = cc.summary_text(result, lang=lang)
    # one path: the multiple on cash alone, with no "median"
    mark = cat.t("summary.mark_deterministic", realised=cat.multiple(0.0))
    assert mark == (", counting what it still holds at the horizon at its mark, a price from "
                    "revenue alone (on cash received alone, 0x)" if lang == "en" else
                    "，已计入期末仍持有头寸的估值（价格仅由收入得出；仅按已收现金计为 0倍）")
    assert text.count(mark) == 1  # the stake's; the SPV's equity is paid back in cash
    stake = text.index("nv-stake")
    assert stake < text.index(mark) and "grid-spv" not in text[stake:text.index(mark)]


# --- the assumptions: what the basis labels mean -------------------------------------------

@pytest.mark.parametrize(("source", "flags"), [
    ("derived: $7.5B equity less Nvidia's $2B", ["derived"]),
    ("Nvidia's stake in CoreWeave: 6.3% (Reuters) vs 7% [CONFLICT]", ["conflict"]),
    ("derived: FY2025 revenue $5.13B [UNCERTAIN, 10-K summary] vs 7% [CONFLICT]",
     ["derived", "uncertain", "conflict"]),
    ("Bernstein, Oct/Nov 2025: power costs about $1.3B/yr per GW", []),
    ("underived figures, uncertainty", []),  # words, not the tags
    (None, []),
])
def test_a_source_raises_its_flags(source: str | None, flags: list[str]) -> None:
    assert source_flags(source) == flags


def test_the_intro_defines_every_basis_label() -> None:
    for lang in ("en", "zh"):
        cat = catalogue(lang)
        intro = cat.t("report.assumptions_intro")
        for key in ("basis_fact", "basis_assumed", "basis_none", "flag_derived", "flag_uncertain",
                    "flag_conflict"):
            assert cat.t(f"report.{key}") in intro, (lang, key)


def test_the_assumptions_table_flags_the_seeds_derived_and_disputed_facts() -> None:
    cat = catalogue("en")
    sc = cc.load_scenario("seed-2025")
    rows = {r[0].text: r[2].text for r in assumption_rows(sc, cat)}
    numbers = cc.parameter_paths(sc)
    assert rows["parties.coreweave.equity.holders.nvidia"] == "fact (conflict)"
    assert rows["deals.colossus2-spv.equity.valor"] == "fact (derived)"
    assert rows["market.hardware.power_cost_per_unit_year"] == "fact"
    assert rows["parties.amd.content_per_unit"] == "assumed (derived, uncertain)"
    for path, number in numbers.items():
        assert rows[path] == basis_text(number, cat)
