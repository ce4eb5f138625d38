"""Slips a new user made, each worded so that its fix is plain: a misspelt ``kind:`` key, a
line indented with non-breaking spaces, a choice or a list written by its meaning, a party
named from outside the file.

Each case breaks the base scenario (conftest.BASE, with a vendor credit added at its end) in
one place and pins the whole message, through the loader and through ``chipcredit validate``
(exit 2, the same lines on stderr, no traceback).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.scenario.conftest import BASE

from chipcredit.errors import ScenarioError
from chipcredit.scenario import load_scenario
from chipcredit.scenario.loader import parse_scenario_text
from chipcredit.scenario.shocks import load_pack

CREDIT = """\
  - id: chips
    kind: vendor_credit
    vendor: nvidia
    borrower: xai
    amount: 4
    rate: 0.08
    term_years: 3
    repayment:
      - kind: cash
"""
TEXT = BASE + CREDIT
"""The base with a vendor credit, deals[3], on lines 57-65 (its repayment on line 64)."""
NOTE = "(checks across fields, such as references, sums and dates, run once these are fixed)"
NBSP = "\u00a0"


def _odd_space(at: str, space: str = "a non-breaking space (U+00A0)") -> list[str]:
    """The one problem of a file that YAML cannot read for an odd ``space`` at line:column
    ``at``."""
    return [f"{at}: the file is not valid YAML: {space} here; use an ordinary space"]


def _repayment_slip(written: str, got: str, name: str) -> Any:
    """A case: the vendor credit's repayment list (line 64) written as ``written`` on one
    line, and the one problem that names it, ``got`` what the loader read."""
    return pytest.param("    repayment:\n      - kind: cash\n", f"    repayment: {written}\n",
                        [f"64:16: deals[3].repayment must be a list; got {got}"], id=name)


# (text to replace in TEXT, replacement, the expected lines after "FILE:")
CASES = [
    # --- a misspelt `kind:` key is named, and the map is still checked as the kind it names
    pytest.param("    kind: loan\n", "    kidn: loan\n",
                 ["37:5: deals[0].kidn is not a known field (did you mean kind?)"],
                 id="kind-key-transposed"),
    pytest.param("    kind: lab\n", "    Kind: lab\n",
                 ["19:5: parties[1].Kind is not a known field (did you mean kind?)"],
                 id="kind-key-capital"),
    pytest.param("    kind: vendor_credit\n", "    kidn: vendor_credit\n",
                 ["58:5: deals[3].kidn is not a known field (did you mean kind?)"],
                 id="kind-key-of-a-vendor-credit"),
    pytest.param("    kind: loan\n    lender: apollo\n    borrower: xai\n    amount: 2\n"
                 "    rate: 0.11\n",
                 "    kidn: loan\n    lender: apollo\n    borrower: xai\n    amount: -2\n"
                 "    rte: 0.11\n",
                 ["37:5: deals[0].kidn is not a known field (did you mean kind?)",
                  "40:13: deals[0].amount must be at least 0; got -2",
                  "41:5: deals[0].rte is not a known field (did you mean rate?)", NOTE],
                 id="kind-key-and-the-kinds-own-fields"),
    pytest.param("    kind: loan\n    lender: apollo\n", "    kidn: loan\n    investee: apollo\n",
                 ["37:5: deals[0].kidn is not a known field (did you mean kind?)",
                  "38:5: deals[0].investee is not a field of kind loan, only of kind equity or "
                  "milestone_equity (did you mean lender: apollo?)", NOTE],
                 id="kind-key-and-a-field-of-another-kind"),
    pytest.param("    kind: lab\n", "    Kind: lab\n    cahs: 3\n",
                 ["19:5: parties[1].Kind is not a known field (did you mean kind?)",
                  "20:5: parties[1].cahs is not a known field (did you mean cash?)", NOTE],
                 id="party-kind-key-and-a-misspelt-field"),
    pytest.param("    kind: equity\n    investor: valor\n    investee: xai\n    amount: 6\n"
                 "    start: 2026Q2\n",
                 "    kidn: equty\n    investor: valor\n    investee: xai\n    amount: 6\n"
                 "    start: 2026-Q2\n",
                 ["52:5: deals[2].kidn is not a known field (did you mean kind: equity?)",
                  "56:12: deals[2].start must be a quarter written like 2025Q4; got '2026-Q2' "
                  "(did you mean 2026Q2?)", NOTE],
                 id="kind-key-and-value-misspelt"),
    # --- an odd space is named where it is, even when YAML stumbles only on a later line
    pytest.param("    amount: 2\n", NBSP * 4 + "amount: 2\n",
                 _odd_space("40:1"), id="nbsp-indentation"),
    pytest.param("    amount: 2\n", "  " + NBSP * 2 + "amount: 2\n",
                 _odd_space("40:3"), id="nbsp-in-part-of-an-indentation"),
    pytest.param("    amount: 2\n    rate: 0.11\n",
                 NBSP * 4 + "amount: 2\n" + NBSP * 4 + "rate: 0.11\n",
                 _odd_space("41:1"), id="nbsp-indentation-on-two-lines"),
    pytest.param("  - id: valor", "  -" + NBSP + "id: valor",
                 _odd_space("30:4"), id="nbsp-after-a-dash"),
    pytest.param("    amount: 2\n", "\u2009" * 4 + "amount: 2\n",
                 _odd_space("40:1", "an unusual space (U+2009)"), id="thin-space-indentation"),
    # a key so indented reads as one of the map above, valid YAML: the key is named bare
    pytest.param("      - kind: cash\n", "      - kind: cash\n" + NBSP * 4 + "at_end: sell\n",
                 ["66:1: ['\\xa0\\xa0\\xa0\\xa0at_end'] is not a known field "
                  "(did you mean at_end?)"], id="nbsp-indented-last-key"),
    # a non-breaking space inside a text two lines above is no cause of a syntax error
    pytest.param("description: A small scenario for the loader tests.\nstart: 2025Q4",
                 f"description: A small{NBSP}scenario for the loader tests.\nstart: [2025Q4",
                 ["4:17: the file is not valid YAML: expected ',' or ']', but got ':' "
                  "(while parsing a flow sequence at line 3)"], id="nbsp-in-a-text-above"),
    # --- a choice or a list written by its meaning
    pytest.param("    lease: {term_years: 5, rate: 0.16}\n",
                 "    lease: {term_years: 5, rate: 0.16}\n    at_end: buy\n",
                 ["51:13: deals[1].at_end must be one of purchase_option, sell; got 'buy' "
                  "(did you mean purchase_option?)"], id="at-end-buy"),
    pytest.param("    lease: {term_years: 5, rate: 0.16}\n",
                 "    lease: {term_years: 5, rate: 0.16}\n    at_end: sale\n",
                 ["51:13: deals[1].at_end must be one of purchase_option, sell; got 'sale' "
                  "(did you mean sell?)"], id="at-end-sale"),
    pytest.param("    term_years: 5\n", "    term_years: 5\n    rate_type: variable\n",
                 ["43:16: deals[0].rate_type must be one of fixed, floating; got 'variable' "
                  "(did you mean floating?)"], id="rate-type-variable"),
    pytest.param("    lease: {term_years: 5, rate: 0.16}\n",
                 "    lease: {term_years: 5, rate: 0.16}\n    at_end: later\n",
                 ["51:13: deals[1].at_end must be one of purchase_option, sell; got 'later'"],
                 id="choice-meaning-nothing"),
    _repayment_slip("cash", "'cash' (did you mean [{kind: cash}]?)", "repayment-one-word"),
    _repayment_slip("revenue_share, cash", "'revenue_share, cash' (did you mean "
                    "[{kind: revenue_share, share: ..}, {kind: cash}]?)", "repayment-two-words"),
    _repayment_slip("{kind: revenue_share, share: 0.1}", "{'kind': 'revenue_share', "
                    "'share': 0.1} (did you mean [{kind: revenue_share, share: 0.1}]?)",
                    "repayment-one-map"),
    _repayment_slip("money", "'money'", "repayment-word-of-no-kind"),
    # --- a party named from outside the file: the only party of the kind asked for
    pytest.param("    lessee: xai", "    lessee: openai",
                 ["45:13: deals[1].lessee names no party in the scenario; got 'openai' "
                  "(did you mean xai?)"], id="unknown-party-the-only-lab"),
    # any funder may lend: no party is the one meant unless its name is near
    pytest.param("{lender: apollo,", "{lender: jpmorgan,",
                 ["49:20: deals[1].debt.lender names no party in the scenario; got 'jpmorgan'"],
                 id="unknown-funder-no-guess"),
]


def test_the_base_with_its_credit_is_valid() -> None:
    assert [d.kind for d in parse_scenario_text(TEXT).deals][-1] == "vendor_credit"


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_the_loader_gives_the_exact_lines(tmp_path: Path, old: str, new: str,
                                          expected: list[str]) -> None:
    assert TEXT.count(old) == 1, "the case must change the base once"
    path = tmp_path / "s.yaml"
    path.write_text(TEXT.replace(old, new), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value).splitlines() == [
        line if line == NOTE else f"{path}:{line}" for line in expected]


def test_chipcredit_validate_prints_the_same_lines_and_exits_2(tmp_path: Path) -> None:
    names = []
    for case in CASES:
        name = f"{case.id}.yaml"
        (tmp_path / name).write_text(TEXT.replace(case.values[0], case.values[1], 1),
                                     encoding="utf-8")
        names.append(name)
    proc = subprocess.run([sys.executable, "-m", "chipcredit", "validate", *names],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    expected = [line if line == NOTE else f"{name}:{line}"
                for name, case in zip(names, CASES, strict=True) for line in case.values[2]]
    assert proc.stderr.splitlines() == expected


@pytest.mark.parametrize(("key", "shown"), [("knid", "knid"), ("Kind", "Kind")])
def test_a_stress_pack_shock_with_a_misspelt_kind_key(tmp_path: Path, key: str,
                                                      shown: str) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text("name: p\ndescription: d\nshocks:\n"
                    f"  - {{{key}: rate_shock, start: 2026Q4, bp: 300, sorce: x}}\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_pack(path)
    # the shock is checked as a rate shock: its stray `sorce` is named too
    assert str(err.value).splitlines() == [
        f"{path}:4:6: shocks[0].{shown} is not a known field (did you mean kind?)",
        f"{path}:4:48: shocks[0].sorce is not a known field",
    ]
