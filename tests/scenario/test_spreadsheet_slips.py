"""Slips an analyst makes when a scenario comes from a spreadsheet, and their one-line refusals.

A growth written in percent, an id a spreadsheet turns into a date or NaN, a party of the
wrong kind, a year or a fiscal quarter for a quarter, ``$5B`` and decimal commas, a
non-breaking space, a fact without its source, and the closing note of an error that lists
several problems. The exact wording of one file each is pinned by tests/bad_inputs; these
tests cover the rule across its cases.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from chipcredit.errors import ScenarioError
from chipcredit.scenario.base import DefinedId, spreadsheet_reading, spreadsheet_safe
from chipcredit.scenario.loader import STAGE_NOTE, parse_scenario_text
from chipcredit.scenario.number import MAX_GROWTH, Growth
from chipcredit.scenario.parties import Vendor


def _error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, "s.yaml")
    return caught.value


def _ctx(exc: ValidationError) -> dict[str, object]:
    ctx = exc.errors()[0].get("ctx")
    assert ctx is not None
    return dict(ctx)


# --- growth ----------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "hint"), [(10, "0.1"), (20, "0.2"), (100, "1"), (300, "3"),
                                               (999, "9.99")])
def test_a_growth_of_ten_or_more_is_refused_as_a_percent(written: float, hint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Growth).validate_python(written)
    ctx = _ctx(caught.value)
    assert ctx["suggestion"] == hint
    assert str(ctx["rule"]).startswith("must be above -1 and below 10 (effective annual")


@pytest.mark.parametrize("written", [-0.99, 0.0, 4.0, 9.99])
def test_every_sourced_growth_and_more_passes(written: float) -> None:
    assert TypeAdapter(Growth).validate_python(written).value == written


@pytest.mark.parametrize(("old", "path"), [
    ("growth: {from: 3.0, to: 0.3,", "parties[1].revenue.growth.to"),
    ("training_growth: {from: 1.5, to: 0.2,", "parties[1].compute.training_growth.to"),
])
def test_the_long_run_growth_of_a_path_is_bounded_too(old: str, path: str, base_text: str) -> None:
    new = old.replace("to: 0.3", "to: 20").replace("to: 0.2", "to: 20")
    err = _error(base_text.replace(old, new))
    assert (err.path, err.value, err.suggestion) == (path, 20, "0.2")


def test_growth_bound_is_above_every_bundled_growth() -> None:
    from chipcredit import load_scenario
    from chipcredit.scenario.paths import parameter_paths
    from chipcredit.scenario.registry import bundled_names

    largest = 0.0
    for name in bundled_names():
        for path, number in parameter_paths(load_scenario(name)).items():
            last = path.rsplit(".", 1)[-1]
            if path.endswith(("growth.from", "growth.to")) or "growth" in last:
                largest = max(largest, number.support()[1])
    assert largest == 5.0 < MAX_GROWTH  # xai's revenue growth, triangular 1.2..5.0


# --- ids a spreadsheet reads as something else ----------------------------------------

WORDS = ["true", "false", "yes", "no", "on", "off", "nan", "na", "null", "none", "inf",
         "infinity"]
DATES = ["mar1", "mar-1", "jan-25", "dec-2025", "march-2026", "sept-30", "may5", "december-1"]
KEPT = ["nvidia", "xai", "series-d", "may", "march-madness", "dec-2025-deal", "lab-nan",
        "nano", "nan-fund", "info", "jan-fund", "decade-2025", "mar1x", "onyx", "q1-2026"]


@pytest.mark.parametrize("ident", WORDS + DATES)
def test_an_id_a_spreadsheet_reads_as_a_value_is_refused_with_a_safe_spelling(ident: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(DefinedId).validate_python(ident)
    ctx = _ctx(caught.value)
    assert str(ctx["rule"]).startswith("must be an id that spreadsheets keep as text")
    hint = str(ctx["suggestion"])
    assert spreadsheet_reading(hint) is None
    assert TypeAdapter(DefinedId).validate_python(hint) == hint


@pytest.mark.parametrize("ident", KEPT)
def test_ids_that_stay_text_are_kept(ident: str) -> None:
    assert TypeAdapter(DefinedId).validate_python(ident) == ident


@given(st.sampled_from(WORDS + DATES), st.sampled_from(["lab", "deal", "investor", "id"]))
def test_the_safe_spelling_of_a_refused_id_is_never_refused(ident: str, label: str) -> None:
    safe = spreadsheet_safe(ident, label)
    assert spreadsheet_reading(safe) is None and ident in safe


def test_a_refused_party_id_is_one_line_at_its_definition_not_at_each_reference(
        base_text: str) -> None:
    err = _error(base_text.replace("valor", "nan"))  # defined once, referred to three times
    assert len(err.problems) == 1
    assert (err.path, err.value, err.suggestion) == ("parties[2].id", "nan", "investor-nan")


# --- a party or deal of the wrong kind -------------------------------------------------


def test_fields_of_another_kind_name_that_kind(base_text: str) -> None:
    err = _error(base_text.replace("  - id: nvidia\n    kind: vendor", "  - id: nvidia\n    kind: investor"))
    assert [(p.path, p.rule, p.suggestion) for p in err.problems] == [
        ("parties[0].content_per_unit", "is not a field of kind investor, only of kind vendor",
         "kind: vendor"),
        ("parties[0].gross_margin", "is not a field of kind investor, only of kind vendor",
         "kind: vendor"),
    ]
    assert err.note == STAGE_NOTE


def test_a_field_no_kind_has_is_still_a_typo(base_text: str) -> None:
    err = _error(base_text.replace("    gross_margin: 0.75", "    gross_margn: 0.75"))
    assert (err.rule, err.suggestion) == ("is not a known field", "gross_margin")


# --- quarters ----------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "hint"), [
    ("2026", "2026Q1"), ("Q1 2026", "2026Q1"), ("Q3-2026", "2026Q3"), ("q2/2026", "2026Q2"),
    ("FY26Q1", None), ("fy2026-q1", None)])
def test_a_quarter_written_another_way_gets_the_label(written: str, hint: str | None,
                                                      base_text: str) -> None:
    err = _error(base_text.replace("start: 2025Q4", f"start: {written}"))
    assert (err.path, err.suggestion) == ("start", hint)
    assert ("calendar quarter" in err.rule) == written.lower().startswith("fy")


# --- numbers written as a spreadsheet shows them ---------------------------------------


@pytest.mark.parametrize(("written", "hint"), [
    ("5B", "5"), ("$5B", "5"), ("$ 5bn", "5"), ("$500M", "0.5"), ("$1.2T", "1200"),
    ("'0,08'", "0.08"), ("'10,000'", "10000"), ("\u22122.0", "-2"), ("\u20135", "-5"),
])
def test_text_numbers_get_the_number_meant(written: str, hint: str, base_text: str) -> None:
    err = _error(base_text.replace("    cash: 4", f"    cash: {written}"))
    assert (err.path, err.suggestion) == ("parties[1].cash", hint)
    assert err.rule.startswith("must be a number, not text")


def test_an_amount_in_dollars_gets_it_in_billions(base_text: str) -> None:
    err = _error(base_text.replace("    cash: 4", "    cash: 4000000000"))
    assert (err.suggestion, err.rule.endswith("(amounts are in $B)")) == ("4", True)
    err = _error(base_text.replace("    cash: 4", "    cash: 1e300"))
    assert err.suggestion is None  # a billionth still over the limit is no slip of units


# --- whitespace, sums, sources ----------------------------------------------------------


@pytest.mark.parametrize(("char", "name"), [("\u00a0", "a non-breaking space (U+00A0)"),
                                            ("\u202f", "a non-breaking space (U+202F)"),
                                            ("\u2009", "an unusual space (U+2009)"),
                                            ("\u3000", "an unusual space (U+3000)")])
def test_an_odd_space_is_named_at_its_place(char: str, name: str, base_text: str) -> None:
    err = _error(base_text.replace("    cash: 4", f"    cash:{char}4"))
    assert err.rule == f"the file is not valid YAML: {name} here; use an ordinary space"
    line = base_text.splitlines().index("    cash: 4") + 1
    assert (err.line, err.column) == (line, 10)


def test_an_spv_that_does_not_add_up_points_at_its_amount(base_text: str) -> None:
    err = _error(base_text.replace("amount: 12.5", "amount: 11"))
    assert (err.path, err.value, err.suggestion) == ("deals[1].amount", 20, "18.5")
    assert err.rule == "must equal equity plus debt (18.5)"


@pytest.mark.parametrize("source", ["", ' source: "",', ' source: "  ",'])
def test_a_fact_without_a_source_is_refused(source: str, base_text: str) -> None:
    err = _error(base_text.replace(' source: "Bernstein, Oct 2025",', source))
    assert err.path == "parties[0].content_per_unit"
    assert err.rule.startswith("is marked basis: fact but has no source")


def test_an_assumption_needs_no_source(base_text: str) -> None:
    text = base_text.replace('source: "Bernstein, Oct 2025", basis: fact', "basis: assumed")
    vendor = parse_scenario_text(text).parties[0]
    assert isinstance(vendor, Vendor) and vendor.content_per_unit.basis == "assumed"


# --- the closing note ---------------------------------------------------------------------


def test_several_field_problems_close_with_the_note_one_does_not(base_text: str) -> None:
    two = _error(base_text.replace("    cash: 4", "    cash: -4").replace("start: 2025Q4", "start: 2025"))
    assert len(two.problems) == 2 and two.note == STAGE_NOTE
    assert str(two).splitlines()[-1] == f"({STAGE_NOTE})"
    one = _error(base_text.replace("    cash: 4", "    cash: -4"))
    assert one.note is None and "\n" not in str(one)
    cross = _error(base_text.replace("amount: 12.5", "amount: 11")
                   .replace("procurement: {nvidia: 1.0}", "procurement: {nvidia: 0.8}"))
    assert len(cross.problems) == 2 and cross.note is None  # the checks across fields ran


def test_an_error_with_its_note_survives_pickling(base_text: str) -> None:
    """A run on worker processes re-raises the error it got there: it must arrive whole."""
    import pickle

    err = _error(base_text.replace("    cash: 4", "    cash: -4")
                 .replace("  - id: valor\n    kind: investor\n", "  - id: valor\n"))
    assert err.note is not None and any(p.rule == "is required" for p in err.problems)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is ScenarioError and str(copy) == str(err) and copy.note == err.note
    assert copy.problems == err.problems  # NO_VALUE ("is required") stays the sentinel
