"""Transfer kinds in the charts: every kind the engine or a deal writes has a family and one
fixed colour, the same in both Sankeys of a report and in two different runs; the deals' own
kinds are never dropped as too small; the Sankey has a legend; the money flows forward."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("plotly")

import chipcredit as cc
from chipcredit.report import i18n, kinds, sankey, sankey_flows, sankey_labels
from chipcredit.report.sankey import sankey_chart
from chipcredit.report.theme import SELF_FUNDED, rgba

SRC = Path(cc.__file__).resolve().parent
_PAYING = {"pay", "pay_at", "receive", "receive_at", "recover", "recover_at", "prepay", "settle"}
_ACCOUNTS = {"customers", "market", "founders"}


def _literal_kinds(folder: Path) -> set[str]:
    """String literals handed as a transfer kind in ``folder``'s modules: any string argument
    of a ledger or claim payment (`_PAYING`: the account names aside), and a claim's name
    (``Claim("debt_service", ...)``, the kind it is paid as unless told otherwise)."""
    found: set[str] = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args = [*node.args, *(k.value for k in node.keywords if k.arg == "kind")]
            if name in _PAYING:
                found |= {a.value for a in args if isinstance(a, ast.Constant)
                          and isinstance(a.value, str) and a.value not in _ACCOUNTS}
            elif name == "Claim" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
    return found


ENGINE_KINDS = _literal_kinds(SRC / "engine") | _literal_kinds(SRC / "deals")
DEAL_WRITTEN = _literal_kinds(SRC / "deals") - _literal_kinds(SRC / "engine")
"""Kinds only deals write (a deal that settles a lab's operating costs writes an engine
kind)."""


@pytest.fixture(scope="module")
def runs() -> tuple[cc.Result, cc.Result]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return (cc.simulate("seed-2025", paths=200, seed=1),
                cc.simulate("seed-2025", paths=200, seed=2))


@pytest.fixture(scope="module")
def figures(runs: tuple[cc.Result, cc.Result]) -> dict[tuple[int, bool], Any]:
    """(run, outside) to its Sankey, in English: the report's two Sankeys of each run."""
    return {(i, outside): sankey_chart(result, outside=outside)
            for i, result in enumerate(runs) for outside in (True, False)}


def test_the_scan_finds_the_kinds_it_should() -> None:
    """The scan is not empty: a kind from each way of paying is there (ledger, claim name,
    claim settled as a kind, a recovery)."""
    assert {"sale", "debt_service", "operating_costs", "secured_recovery", "warrant_sale",
            "conversion_repayment", "cloud_rent"} <= ENGINE_KINDS
    assert {"warrant_sale", "warrant_exercise", "tranche", "conversion_equity"} <= DEAL_WRITTEN


def test_every_kind_the_engine_writes_has_a_family() -> None:
    """A new transfer kind fails here until it is given a family (and so a colour)."""
    missing = sorted(ENGINE_KINDS - set(kinds.KIND_FAMILY))
    assert not missing, f"give these transfer kinds a family in report/kinds.py: {missing}"
    assert set(kinds.KIND_FAMILY.values()) <= set(kinds.FAMILIES)


def test_every_kind_a_deal_writes_is_never_dropped() -> None:
    missing = sorted(DEAL_WRITTEN - kinds.DEAL_KINDS)
    assert not missing, f"add these deal kinds to kinds.DEAL_KINDS: {missing}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_kind_and_family_has_a_label(lang: str) -> None:
    text = yaml.safe_load((SRC / "report" / "locale" / f"{lang}.yaml").read_text("utf-8"))
    assert set(text["kind"]) - {"self_funded"} <= set(kinds.KIND_FAMILY)
    cat = i18n.catalogue(lang)
    for family in [*kinds.FAMILIES, "self_funded"]:
        assert cat.has(f"chart.family_{family}")


def test_family_colours_are_distinct_and_none_is_the_self_funded_red() -> None:
    colours = list(kinds.FAMILIES.values())
    assert len(set(colours)) == len(colours)
    assert SELF_FUNDED not in colours


def _colours(fig: Any) -> dict[str, str]:
    """Kind label to its band's colour, over every period of a Sankey, failing on a kind
    drawn in two colours."""
    out: dict[str, str] = {}
    for trace in fig.data:
        for label, colour in zip(trace.link.label, trace.link.color, strict=True):
            assert out.setdefault(label, colour) == colour, (label, colour, out[label])
    return out


def test_a_kind_has_one_colour_in_both_sankeys_and_in_two_runs(
        figures: dict[tuple[int, bool], Any]) -> None:
    cat = i18n.catalogue("en")
    label_kind = {cat.label("kind", k): k for k in kinds.KIND_FAMILY}
    seen: dict[str, str] = {}
    for fig in figures.values():
        for label, colour in _colours(fig).items():
            assert seen.setdefault(label, colour) == colour, label
            if label in label_kind:  # a plain band: its family's colour
                assert colour == rgba(kinds.kind_colour(label_kind[label]), sankey.ALPHA)
            else:  # the self-funded part of a band
                assert label.endswith("paid with the vendor's own money")
                assert colour == rgba(SELF_FUNDED, sankey.SELF_ALPHA)
    # purchases and funding, the loop's two halves, in their two colours
    assert seen["GPU sales"] != seen["equity"]


def test_nodes_are_neutral_and_the_legend_names_the_families_drawn(
        figures: dict[tuple[int, bool], Any]) -> None:
    fig = figures[(0, False)]
    assert set(fig.data[0].node.color) == {sankey.NODE_COLOUR}  # Nvidia and AMD alike
    (legend,) = [a for a in fig.layout.annotations if a.name == "legend"]
    cat = i18n.catalogue("en")
    label_kind = {cat.label("kind", k): k for k in kinds.KIND_FAMILY}
    drawn = {kinds.family_of(label_kind[lab]) for trace in fig.data for lab in trace.link.label
             if lab in label_kind}
    assert {"funding", "purchases", "rent", "debt_service"} <= drawn
    for family in kinds.FAMILIES:
        assert (cat.t(f"chart.family_{family}") in legend.text) == (family in drawn), family
    assert rgba(kinds.FAMILIES["purchases"], 0.9) in legend.text
    assert cat.t("chart.family_self_funded") in legend.text


def test_legend_by_hand() -> None:
    cat = i18n.catalogue("en")
    text = sankey_labels.legend_text(["sale", "loan_draw", "sale", "warrant_sale"], False, cat)
    # in the order of FAMILIES, once each, two rows
    assert text.index("funding in") < text.index("purchases") < text.index("warrants")
    assert text.count("\u25a0") == 3 and text.count("<br>") == 1
    assert "own money" not in text


def test_the_all_years_sankey_keeps_the_warrant_sale(
        runs: tuple[cc.Result, cc.Result], figures: dict[tuple[int, bool], Any]) -> None:
    """AMD's side of the loop: the warrant's shares sold on the market pay OpenAI, a flow
    under the 0.1% cut-off for the outside world that is drawn all the same."""
    result = runs[0]
    flows = result.flows()
    sold = flows[flows["kind"] == "warrant_sale"]["mean"].sum()
    assert 0 < sold < sankey_flows.MIN_SHARE * flows[flows["from"] != flows["to"]]["mean"].sum()
    trace = figures[(0, True)].data[0]
    names = list(trace.node.customdata)
    drawn = {(names[s], names[t]): v for s, t, lab, v in zip(
        trace.link.source, trace.link.target, trace.link.label, trace.link.value, strict=True)
        if lab == "warrant shares sold"}
    assert drawn == {("outside equity market", "OpenAI"): pytest.approx(sold)}


def test_the_paid_outside_world_is_suppliers_and_costs(
        runs: tuple[cc.Result, cc.Result], figures: dict[tuple[int, bool], Any]) -> None:
    zh = sankey_chart(runs[0], quarters=runs[0].quarter_labels()[:4], lang="zh")
    for trace, paid, paying in (
            (figures[(0, True)].data[0], "suppliers and costs (outside world)",
             "customers (outside world)"),
            (zh.data[0], "供应商与成本（外部世界）", "客户（外部世界）")):
        names = list(trace.node.customdata)
        into = {names[t] for t in trace.link.target}
        out_of = {names[s] for s in trace.link.source}
        assert paid in into and paid not in out_of
        assert paying in out_of and paying not in into


def test_money_flows_forward_and_lenders_stand_left(
        figures: dict[tuple[int, bool], Any]) -> None:
    """The biggest band between the parties (OpenAI's cloud rent to its landlords) goes left
    to right and from an earlier node to a later one: plotly loops a band that closes a cycle
    into the cycle's earliest node, so it is the smaller flow back that loops. A lender stands
    left of whoever draws its loan."""
    trace = figures[(0, False)].data[0]
    values = list(trace.link.value)
    big = values.index(max(values))
    s, t = trace.link.source[big], trace.link.target[big]
    assert s < t and trace.node.x[s] < trace.node.x[t]
    names = list(trace.node.customdata)
    assert (names[s], trace.link.label[big]) == ("OpenAI", "cloud rent")
    for s, t, label in zip(trace.link.source, trace.link.target, trace.link.label, strict=True):
        if label == "loan drawn":
            assert trace.node.x[s] < trace.node.x[t] and s < t, (names[s], names[t])


def test_period_labels_say_when_a_year_is_part_of_the_run() -> None:
    cat = i18n.catalogue("en")
    assert sankey_labels.period_label("2025", ["Q4"], cat) == "2025 (Q4 only)"
    assert sankey_labels.period_label("2035", ["Q1", "Q2", "Q3"], cat) == "2035 (Q1–Q3 only)"
    assert sankey_labels.period_label("2030", [], cat) == "2030"
    assert sankey_labels.period_label("2025", ["Q4"], i18n.catalogue("zh")) == "2025年（仅Q4）"
