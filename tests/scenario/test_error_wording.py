"""Every scenario error is one exact line: FILE:LINE:COL: PATH RULE; got VALUE (did you mean X?).

Each case breaks the valid base scenario (conftest.BASE) in one place and pins the whole
message, so a change of wording is a deliberate change of these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chipcredit.errors import ScenarioError
from chipcredit.scenario import load_scenario


def _error(path: Path, content: str | bytes) -> str:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return str(err.value)


# (text to replace in BASE, replacement, expected message after "FILE:")
CASES = [
    pytest.param("    gross_margin: 0.75\n", "",
                 "14:5: parties[0].gross_margin is required", id="missing-field"),
    pytest.param("horizon_quarters: 40", "horizon_quarters: forty",
                 "4:19: horizon_quarters must be a whole number; got 'forty'",
                 id="wrong-type-whole-number"),
    pytest.param("horizon_quarters: 40", "horizon_quarters: 40.5",
                 "4:19: horizon_quarters must be a whole number; got 40.5",
                 id="wrong-type-fraction"),
    pytest.param("name: test-base", "name: [a, b]",
                 "1:7: name must be text; got ['a', 'b']", id="wrong-type-text"),
    pytest.param("  - id: valor\n    kind: investor\n", "  - valor\n",
                 "30:5: parties[2] must be a map; got 'valor'", id="wrong-type-map"),
    pytest.param("    residual_value_by_age: [1.0, 0.65, 0.45, 0.3]",
                 "    residual_value_by_age: 0.5",
                 "11:28: market.hardware.residual_value_by_age must be a list; got 0.5",
                 id="wrong-type-list"),
    pytest.param("    gross_margin: 0.75", "    gross_margin: yes",
                 "17:19: parties[0].gross_margin must be a number; got True",
                 id="wrong-type-bool-for-number"),
    pytest.param("    gross_margin: 0.75", "    gross_margin:",
                 "17:18: parties[0].gross_margin must be a number or a map such as "
                 "{p05: .., p95: ..}, not empty", id="empty-value"),
    pytest.param("    revenue:\n", "    revenu:\n",
                 "20:5: parties[1].revenu is not a known field (did you mean revenue?)",
                 id="unknown-key"),
    pytest.param("name: test-base", "nme: test-base",
                 "1:1: nme is not a known field (did you mean name?)", id="unknown-top-key"),
    pytest.param("{p05: 15, p95: 60}", "{p05: 15, p95: 60, sorce: me}",
                 "28:46: parties[1].funding.valuation_multiple.sorce is not a known field "
                 "(did you mean source?)", id="unknown-number-key"),
    pytest.param("    lessee: xai", "    lessee: xia",
                 "45:13: deals[1].lessee names no party in the scenario; got 'xia' "
                 "(did you mean xai?)", id="unknown-party"),
    pytest.param("    borrower: xai", "    borrower: valor",
                 "39:15: deals[0].borrower must name a party of kind lab or cloud, but valor is an "
                 "investor; got 'valor' (did you mean xai?)", id="party-of-wrong-kind"),
    pytest.param("    amount: 6\n", "    amount: -6\n",
                 "55:13: deals[2].amount must be at least 0; got -6", id="negative-amount"),
    pytest.param("amount: 12.5, rate: 0.11", "amount: 12.5, rate: 11",
                 "49:48: deals[1].debt.rate must be between 0 and 1; got 11 "
                 "(did you mean 0.11?)", id="rate-as-percent"),
    pytest.param("    rate: 0.11\n", "    rate: 11%\n",
                 "41:11: deals[0].rate must be a number, not text; got '11%' "
                 "(did you mean 0.11?)", id="rate-as-percent-text"),
    pytest.param("enter_per_year: 0.08", "enter_per_year: 8",
                 "8:30: market.ai_demand.winter.enter_per_year must be between 0 and 1; got 8 "
                 "(did you mean 0.08?)", id="probability-above-one"),
    pytest.param("    start: 2026Q2", "    start: 2040Q1",
                 "56:12: deals[2].start must fall within the horizon, 2025Q4 to 2035Q3; "
                 "got '2040Q1'", id="deal-start-after-horizon"),
    pytest.param("    start: 2026Q2", "    start: 2024Q1",
                 "56:12: deals[2].start must fall within the horizon, 2025Q4 to 2035Q3; "
                 "got '2024Q1'", id="deal-start-before-scenario-start"),
    pytest.param("start: 2025Q4", "start: 2025-Q4",
                 "3:8: start must be a quarter written like 2025Q4; got '2025-Q4' "
                 "(did you mean 2025Q4?)", id="quarter-format"),
    pytest.param("horizon_quarters: 40", "horizon_quarters: 500",
                 "4:19: horizon_quarters must be at most 200; got 500", id="horizon-too-long"),
    pytest.param("horizon_quarters: 40", "horizon_quarters: 0",
                 "4:19: horizon_quarters must be at least 1; got 0", id="horizon-zero"),
    pytest.param("name: test-base", "name: [test-base",
                 "2:12: the file is not valid YAML: expected ',' or ']', but got ':' "
                 "(while parsing a flow sequence at line 1)", id="not-yaml"),
    pytest.param("    gross_margin: 0.75", "\tgross_margin: 0.75",
                 "17:1: the file is not valid YAML: found character '\\t' that cannot start "
                 "any token; indent with spaces, not tabs", id="tab-indentation"),
    pytest.param("    gross_margin: 0.75", "    gross_margin: 0.75\n    gross_margin: 0.7",
                 "18:5: parties[0].gross_margin is given twice in one map, on lines 17 and 18",
                 id="duplicate-key"),
    pytest.param("    discount_rate: 0.09\n", "    discount_rate: 0.09\n  - id: valor\n"
                 "    kind: lender\n",
                 "35:9: parties[4].id duplicates an earlier party id, parties[2] on line 30; got "
                 "'valor'",
                 id="duplicate-party-id"),
    pytest.param("    discount_rate: 0.09\n", "    discount_rate: 0.09\n  - id: market\n"
                 "    kind: investor\n",
                 "35:9: parties[4].id is a built-in account; got 'market'",
                 id="built-in-party-id"),
    pytest.param("  - id: series-d", "  - id: term-loan",
                 "51:9: deals[2].id duplicates an earlier deal id, deals[0] on line 36; got "
                 "'term-loan'",
                 id="duplicate-deal-id"),
    pytest.param("  - id: valor\n", "  - id: Valor\n",
                 "30:9: parties[2].id must be an id: a lower-case letter, then lower-case letters, "
                 "digits, _ and -; got 'Valor' (did you mean valor?)", id="id-pattern"),
    pytest.param("procurement: {nvidia: 1.0}", "procurement: {Nvidia: 1.0}",
                 "26:19: parties[1].procurement.Nvidia must be an id: a lower-case letter, then "
                 "lower-case letters, digits, _ and -; got 'Nvidia' (did you mean nvidia?)",
                 id="id-pattern-key"),
    # ids a spreadsheet reads as a number, a date or a formula must start with a letter
    pytest.param("  - id: valor\n", "  - id: '0042'\n",
                 "30:9: parties[2].id must be an id: a lower-case letter, then lower-case letters, "
                 "digits, _ and -; got '0042' (did you mean id-0042?)", id="id-leading-digit"),
    pytest.param("  - id: valor\n", "  - id: '1e5'\n",
                 "30:9: parties[2].id must be an id: a lower-case letter, then lower-case letters, "
                 "digits, _ and -; got '1e5' (did you mean id-1e5?)", id="id-like-a-number"),
    pytest.param("  - id: valor\n", "  - id: -1-1\n",
                 "30:9: parties[2].id must be an id: a lower-case letter, then lower-case letters, "
                 "digits, _ and -; got '-1-1' (did you mean id-1-1?)", id="id-like-a-formula"),
    pytest.param("amount: 12.5", "amount: 12",
                 "47:13: deals[1].amount must equal equity plus debt (19.5); "
                 "got 20 (did you mean 19.5?)",
                 id="spv-equity-plus-debt"),
    pytest.param("procurement: {nvidia: 1.0}", "procurement: {nvidia: 0.8}",
                 "26:18: parties[1].procurement shares must add up to 1; got 0.8",
                 id="procurement-shares"),
    pytest.param("kind: spv_lease", "kind: spv_leas",
                 "44:11: deals[1].kind must be one of loan, equity, milestone_equity, "
                 "spv_lease, vendor_credit, purchase_commitment, credit_facility, loan_guarantee, "
                 "deployment_warrant, capacity_backstop; got 'spv_leas' "
                 "(did you mean spv_lease?)", id="unknown-deal-kind"),
    pytest.param("kind: lab", "kind: labb",
                 "19:11: parties[1].kind must be one of vendor, lab, carrier, buyer, investor, lender, "
                 "cloud; "
                 "got 'labb' (did you mean lab?)", id="unknown-party-kind"),
    pytest.param("    kind: lab\n", "",
                 "18:5: parties[1].kind is required", id="missing-party-kind"),
    pytest.param("    lease: {term_years: 5, rate: 0.16}",
                 "    lease: {term_years: 5, rate: 0.16}\n    at_end: purchase",
                 "51:13: deals[1].at_end must be one of purchase_option, sell; got 'purchase' "
                 "(did you mean purchase_option?)", id="unknown-option"),
    pytest.param("basis: fact", "basis: facts",
                 "16:73: parties[0].content_per_unit.basis must be one of fact, assumed; "
                 "got 'facts' (did you mean fact?)", id="unknown-basis"),
    pytest.param("{p05: 15, p95: 60}", "{p05: 60, p95: 15}",
                 "28:27: parties[1].funding.valuation_multiple p05 must be below p95; "
                 "got (60.0, 15.0)", id="p05-above-p95"),
    pytest.param("{p05: 15, p95: 60}", "{p05: -1, p95: 2}",
                 "28:33: parties[1].funding.valuation_multiple is an uncertain number that can "
                 "reach zero or below, so it must name its dist (lognormal, the default, needs "
                 "p05 > 0); got -1 (did you mean dist: normal?)", id="uncertain-without-dist"),
    pytest.param("{from: 3.0, to: 0.3, half_life_years: 2}",
                 "{from: -3.0, to: 0.3, half_life_years: 2}",
                 "22:22: parties[1].revenue.growth.from must be above -1 and below 10; got -3 "
                 "(did you mean -0.03?)",
                 id="aliased-field-path"),
    pytest.param("{from: 3.0, to: 0.3, half_life_years: 2}", "{to: 0.3, half_life_years: 2}",
                 "22:15: parties[1].revenue.growth.from is required", id="missing-aliased-field"),
    pytest.param("    rate: 0.11\n", "",
                 "36:5: deals[0].rate is required for a fixed-rate loan",
                 id="cross-field-required"),
    pytest.param("name: test-base", "name: !!python/object/apply:os.system ['echo hi']",
                 "1:7: name uses the YAML tag !!python/object/apply:os.system which is not "
                 "allowed", id="python-object-tag"),
    pytest.param("name: test-base", "name: !secret test-base",
                 "1:7: name uses the YAML tag !secret which is not allowed", id="local-tag"),
    pytest.param("    gross_margin: 0.75", "    gross_margin: !!int abc",
                 "17:19: parties[0].gross_margin is not a valid !!int; got 'abc'",
                 id="bad-explicit-int"),
    pytest.param("    gross_margin: 0.75", "    gross_margin: " + "9" * 400,
                 "17:19: parties[0].gross_margin is too large a number; got " + "9" * 57 + "...",
                 id="number-too-large"),
    pytest.param("description: A small scenario for the loader tests.",
                 "description: &d [*d]",
                 "2:14: the alias here refers to a map or list that contains it",
                 id="recursive-alias"),
    pytest.param("name: test-base", "name: test-base\n---\nname: again",
                 "2:1: the file is not valid YAML: expected a single document in the stream, "
                 "but found another document", id="two-documents"),
    # a discount rate is effective annual and at most 1: 9 is 9%, not 900%
    pytest.param("    discount_rate: 0.09\n", "    discount_rate: 9\n",
                 "34:20: parties[3].discount_rate must be between -1 and 1; got 9 (did you mean 0.09?)",
                 id="discount-rate-as-percent"),
    pytest.param("    discount_rate: 0.09\n", "    discount_rate: {low: 8, high: 12}\n",
                 "34:20: parties[3].discount_rate must be between -1 and 1 over its whole range "
                 "(uniform low=8 high=12) (did you mean {low: 0.08, high: 0.12}?)",
                 id="discount-range-as-percent"),
    pytest.param("{from: 3.0, to: 0.3,", "{from: 300, to: 0.3,",
                 "22:22: parties[1].revenue.growth.from must be above -1 and below 10 "
                 "(effective annual: 1.0 doubles in a year; the fastest sourced growths are 2 "
                 "to 4); got 300 (did you mean 3?)", id="growth-as-percent"),
    pytest.param("{p05: 15, p95: 60}", "{low: 15, high: 60, p05: 20}",
                 "28:52: parties[1].funding.valuation_multiple mixes two forms of number, low/high "
                 "and p05/p95: 'p05' is stray; got 20 (did you mean {low: 15, high: 60}?)",
                 id="number-mixing-two-forms"),
    pytest.param("    amount: 6\n", "    amount: 6\n    close_probability: {p05: 0.5, p95: 0.9}\n",
                 "56:24: deals[2].close_probability must be between 0 and 1 over its whole range "
                 "(lognormal p05=0.5 p95=0.9) (did you mean {dist: uniform, low: 0.5, high: 0.9}, "
                 "or dist: triangular with a mode?)", id="bounded-number-as-lognormal"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_broken_base_gives_one_exact_line(
    tmp_path: Path, base_text: str, old: str, new: str, expected: str
) -> None:
    assert base_text.count(old) >= 1, "the case must change the base"
    path = tmp_path / "s.yaml"
    assert _error(path, base_text.replace(old, new, 1)) == f"{path}:{expected}"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    assert _error(path, "") == (
        f"{path}: the file is empty; a scenario needs name, start, horizon_quarters, "
        "market and parties"
    )


def test_file_of_comments_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    assert _error(path, "# nothing yet\n\n").startswith(f"{path}: the file is empty;")


def test_top_level_list(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    assert _error(path, "- name: x\n- name: y\n") == (
        f"{path}:1:1: the top level must be a map of fields such as name, start and "
        "parties, not a list"
    )


def test_top_level_text(tmp_path: Path) -> None:
    path = tmp_path / "text.yaml"
    assert _error(path, "just some words\n") == (
        f"{path}:1:1: the top level must be a map of fields such as name, start and "
        "parties, not a single value"
    )


def test_not_utf8(tmp_path: Path, base_text: str) -> None:
    path = tmp_path / "latin1.yaml"
    raw = base_text.replace("A small", "A sm\xe4ll").encode("latin-1")
    assert _error(path, raw) == (
        f"{path}:2:18: the file is not UTF-8 text; byte 0xE4 cannot be read "
        "(save the file as UTF-8)"
    )


def test_utf16_is_not_utf8(tmp_path: Path, base_text: str) -> None:
    path = tmp_path / "utf16.yaml"
    assert _error(path, base_text.encode("utf-16")) == (
        f"{path}:1:1: the file is not UTF-8 text; byte 0xFF cannot be read "
        "(save the file as UTF-8)"
    )


def test_control_character(tmp_path: Path, base_text: str) -> None:
    path = tmp_path / "nul.yaml"
    text = base_text.replace("name: test-base", "name: te\x00st")
    assert _error(path, text) == (
        f"{path}:1:9: the file is not valid YAML: character #x0000 is not allowed"
    )


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(11 * 2**20)  # sparse: nothing is written
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"{path}: the file is larger than the limit of 10 MB for a scenario (11.0 MB)"
    )


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert str(err.value) == f"{path}: no such file, and no bundled scenario of that name"


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path)
    assert str(err.value) == f"{tmp_path}: the path is a folder, not a scenario file"


def test_dict_errors_have_no_line(base_text: str) -> None:
    import yaml

    data = yaml.safe_load(base_text)
    data["deals"][0]["rate"] = 11
    with pytest.raises(ScenarioError) as err:
        load_scenario(data)
    assert str(err.value) == (
        "<scenario>: deals[0].rate must be between 0 and 1; got 11 (did you mean 0.11?)"
    )


def test_text_errors_name_the_given_file(base_text: str) -> None:
    from chipcredit.scenario.loader import parse_scenario_text

    with pytest.raises(ScenarioError) as err:
        parse_scenario_text(base_text.replace("lessee: xai", "lessee: xia"), "upload.yaml")
    assert str(err.value) == (
        "upload.yaml:45:13: deals[1].lessee names no party in the scenario; got 'xia' "
        "(did you mean xai?)"
    )
