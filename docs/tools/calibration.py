"""The calibration table of docs/model.md, generated from the bundled scenarios.

Usage: python docs/tools/calibration.py [--write]   (or ``make calibration``)

For each of seed-2025 and telecom-2000: every input number with its value or range, whether
it is a fact or assumed, and its source (numbers that repeat verbatim across parties or
deals, such as the three identical peer carriers, share one row); then the starting
figures the base case should reproduce: target, model value and difference. The model
values come from the deterministic base case (one path, milliseconds) and from the
scenario itself, so the table is cheap to regenerate and a test checks the committed copy
against it (tests/test_calibration.py). ``--write`` replaces the text between
``<!-- calibration -->`` and ``<!-- /calibration -->`` in docs/model.md.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import chipcredit as cc

DOC = Path(__file__).resolve().parents[1] / "model.md"
SCENARIOS = ("seed-2025", "telecom-2000")
_ID = re.compile(r"^(parties|deals)\.([a-z0-9_-]+)\.(.+)$")
OUTFLOW_KINDS = {"operating_costs", "infrastructure", "sale", "rent", "debt_service",
                 "credit_repayment", "take_or_pay", "cloud_rent"}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "/").replace("\n", " ")


def inputs(sc: cc.Scenario) -> pd.DataFrame:
    """Every number of the scenario: path, value or range, basis, source."""
    groups: dict[tuple[str, ...], list[str]] = {}
    order: list[tuple[str, ...]] = []
    for path, number in cc.parameter_paths(sc).items():
        match = _ID.match(path)
        head, ident, rest = (match.groups() if match else ("", "", path))
        key = (head, rest, number.describe(), number.basis or "", number.source or "")
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(ident)
    rows = []
    for key in order:
        head, rest, value, basis, source = key
        ids = groups[key]
        if head:
            who = ids[0] if len(ids) == 1 else "{" + ", ".join(ids) + "}"
            path = f"{head}.{who}.{rest}"
        else:
            path = rest
        rows.append({"number": f"`{path}`", "value or range": value,
                     "basis": basis or "unsourced", "source": _cell(source)})
    return pd.DataFrame(rows)


def _first_quarter(res: cc.Result, party: str, variable: str) -> float:
    return float(res.bands(party, variable)["mean"].iloc[0])


def _burn_first_year(res: cc.Result, party: str) -> float:
    """Cash out (costs, purchases, debt service) less revenue over the first four quarters."""
    labels = res.quarter_labels()[:4]
    flows = res.flows()
    flows = flows[flows["quarter"].isin(labels)]
    out = flows[(flows["from"] == party) & flows["kind"].isin(OUTFLOW_KINDS)]["mean"].sum()
    rev = flows[(flows["to"] == party) & (flows["kind"] == "revenue")]["mean"].sum()
    return float(out - rev)


def _median_sum(sc: cc.Scenario, pick: Callable[[object], object]) -> float:
    total = 0.0
    for deal in sc.deals:
        number = pick(deal)
        if number is not None:
            total += number.median()  # type: ignore[attr-defined]
    return total


Target = tuple[str, str, float, Callable[[cc.Result], float], str]


def _seed_targets() -> list[Target]:
    return [
        ("openai", "revenue run-rate ($B/yr)", 20.0,
         lambda r: 4 * _first_quarter(r, "openai", "revenue"), "Friar, 18 Jan 2026: ARR $20B+ (2025)"),
        ("openai", "capacity (GW)", 1.9, lambda r: _first_quarter(r, "openai", "capacity"),
         "Friar, 18 Jan 2026: 1.9 GW (2025)"),
        ("openai", "cash ($B)", 17.5, lambda r: _first_quarter(r, "openai", "cash"),
         "The Information: $17.5B at mid-2025"),
        ("openai", "burn, first four quarters ($B)", 17.0, lambda r: _burn_first_year(r, "openai"),
         "The Information, Sep 2025: ~$17B in 2026"),
        # the end of 2025Q4: Q3's run-rate a quarter on at the plan's 4x a year (0.43 x 4^(1/4))
        ("xai", "revenue run-rate ($B/yr)", 0.61,
         lambda r: 4 * _first_quarter(r, "xai", "revenue"),
         "Bloomberg: Q3-2025 $107M x 4, a quarter at the plan's 4x/yr"),
        ("xai", "capacity (GW)", 0.5, lambda r: _first_quarter(r, "xai", "capacity"),
         "SemiAnalysis, Sep 2025: ~300 MW; ~100k GB200 (~0.2 GW) by Oct 2025"),
        ("xai", "burn, first four quarters ($B)", 12.0, lambda r: _burn_first_year(r, "xai"),
         "Bloomberg, Jun 2025: ~$1B a month"),
    ]


def _telecom_targets() -> list[Target]:
    def lucent(field: str) -> Callable[[cc.Result], float]:
        return lambda r: _median_sum(r.scenario, lambda d: getattr(d, field, None)
                                     if d.kind == "credit_facility" and d.lender == "lucent" else None)  # type: ignore[attr-defined]

    def banks(field: str) -> Callable[[cc.Result], float]:
        return lambda r: _median_sum(r.scenario, lambda d: getattr(d, field, None)
                                     if d.kind == "credit_facility" and d.lender == "banks" else None)  # type: ignore[attr-defined]

    def winstar_debt(r: cc.Result) -> float:
        return _median_sum(r.scenario, lambda d: (getattr(d, "amount", None) if d.kind == "loan"
                                                  else getattr(d, "drawn_at_start", None))
                           if getattr(d, "borrower", "") == "winstar" else None)

    return [
        ("lucent", "credit commitments ($B)", 6.7, lucent("commitment"), "Lucent FY2000 10-K (WSJ)"),
        ("lucent", "of which drawn ($B)", 1.3, lucent("drawn_at_start"), "Lucent FY2000 10-K (WSJ)"),
        ("lucent", "loan guarantees ($B)", 1.4, banks("commitment"), "Lucent FY2000 10-K (WSJ)"),
        ("lucent", "of which drawn ($B)", 0.77, banks("drawn_at_start"), "Lucent FY2000 10-K (WSJ)"),
        ("winstar", "debt at the filing ($B)", 5.0, winstar_debt,
         "greenspun: ~$5B of debt at the Chapter 11 filing (model: bonds + Cisco + Lucent drawn at start)"),
        ("winstar", "owed to Lucent at the filing ($B)", 0.7,
         lambda r: _median_sum(r.scenario, lambda d: getattr(d, "max_outstanding", None)
                               if d.id == "lucent-winstar" else None),
         "greenspun: ~$700M (model: the $500M outstanding cap, eweek)"),
    ]


def starting(name: str, targets: list[Target]) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(name, deterministic=True)
    rows = []
    for party, figure, target, value_of, source in targets:
        value = value_of(res)
        diff = value / target - 1
        rows.append({"party": party, "figure": figure, "target": f"{target:g}",
                     "model": f"{value:.3g}", "difference": f"{0.0 if abs(diff) < 0.005 else diff:+.0%}",
                     "source": source})
    return pd.DataFrame(rows)


def table() -> str:
    parts = ["Generated by `make calibration` (`docs/tools/calibration.py --write`) from the "
             "bundled scenarios; `tests/test_calibration.py` fails if this copy differs from "
             "a fresh one. Numbers that repeat verbatim across parties or deals share a row; "
             "`unsourced` marks a default the file leaves out, or a number written without a "
             "source. "
             "Starting figures: the deterministic base case at the end of its first quarter "
             "(a quarter of growth past the reported figure), the first four quarters for "
             "burn, and the scenario's own medians for opening positions.\n"]
    for name, targets in (("seed-2025", _seed_targets()), ("telecom-2000", _telecom_targets())):
        sc = cc.load_scenario(name)
        frame = inputs(sc)
        facts = int((frame["basis"] == "fact").sum())
        parts.append(f"### {name}: inputs ({len(frame)} rows: {facts} fact, "
                     f"{len(frame) - facts} assumed)\n\n" + frame.to_markdown(index=False))
        parts.append(f"### {name}: starting figures\n\n"
                     + starting(name, targets).to_markdown(index=False))
    return "\n\n".join(parts) + "\n"


def section(doc: str) -> str:
    """The text between the markers in ``doc``."""
    a, b = "<!-- calibration -->\n", "<!-- /calibration -->"
    return doc.split(a, 1)[1].split(b, 1)[0]


def main() -> None:
    text = table()
    if "--write" in sys.argv:
        doc = DOC.read_text(encoding="utf-8")
        a, b = "<!-- calibration -->\n", "<!-- /calibration -->"
        before, rest = doc.split(a, 1)
        _, after = rest.split(b, 1)
        DOC.write_text(before + a + text + b + after, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
