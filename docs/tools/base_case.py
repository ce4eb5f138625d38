"""Print the base-case tables of docs/model.md from the deterministic run of seed-2025, with
the medians of a Monte Carlo run beside it and where the base case falls among its paths.

Usage: python docs/tools/base_case.py [--write]   (--write replaces the tables in
docs/model.md between the markers ``<!-- base-case -->`` and ``<!-- /base-case -->``)
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import chipcredit as cc

# Targets from ../shared/facts.md (the scenario starts in 2025Q4).
START_TARGETS = [
    ("openai", "revenue run-rate, end 2025 ($B/yr)", "run_rate", 20.0,
     "Friar, 18 Jan 2026: ARR $20B+ (2025)"),
    ("openai", "capacity installed, end 2025 (GW)", "capacity", 1.9,
     "Friar, 18 Jan 2026: 1.9 GW (2025)"),
    # Q3's revenue x 4 is the run-rate 2025Q4 starts from; a quarter later it has grown at
    # the 2025-26 plan's pace ($0.5B -> $2B+, 4x a year): 0.43 x 4^(1/4) = 0.61
    ("xai", "revenue run-rate, end 2025 ($B/yr)", "run_rate", 0.61,
     "Bloomberg, Jan 2026: Q3-2025 revenue $107M (x4 = $0.43B/yr), grown a quarter at the "
     "plan's 4x a year (Jun 2025: $0.5B in 2025, >$2B in 2026)"),
    ("xai", "capacity installed, end 2025 (GW)", "capacity", 0.5,
     "SemiAnalysis, Sep 2025: about 300 MW (Colossus 1); about 100k GB200 of Colossus 2 "
     "online by Oct 2025 (about 0.2 GW)"),
]
YEAR_TARGETS = [
    ("openai", "burn in 2026 ($B)", "burn", 17.0, "The Information, Sep 2025: about $17B"),
    ("xai", "revenue in 2026 ($B)", "revenue", 2.0, "Bloomberg, Jun 2025: plan of >$2B in 2026"),
    ("openai", "revenue in 2026 ($B)", "revenue", None, "2030 target $200B; no 2026 figure"),
    ("nvidia", "sales in 2026 ($B)", "sales", None, "FY2025 data-center revenue $115.2B (scale)"),
]
OUTFLOW_KINDS = {"operating_costs", "infrastructure", "sale", "rent", "debt_service",
                 "credit_repayment", "take_or_pay", "cloud_rent"}


def first_year(res: cc.Result, party: str, what: str) -> float:
    labels = res.quarter_labels()
    year = [i for i, q in enumerate(labels) if q.startswith("2026")]
    if what in ("revenue", "sales"):
        return float(res.bands(party, what)["mean"].iloc[year].sum())
    flows = res.flows()
    flows = flows[flows["quarter"].isin([labels[i] for i in year])]
    out = flows[(flows["from"] == party) & flows["kind"].isin(OUTFLOW_KINDS)]["mean"].sum()
    rev = flows[(flows["to"] == party) & (flows["kind"] == "revenue")]["mean"].sum()
    return float(out - rev)


MC_PATHS, MC_SEED = 2000, 0
"""The Monte Carlo run whose medians stand beside the base case (its flows are all kept:
`Result.flow_reservoir` holds up to 2,048 paths)."""
HEADLINE_DEALS = [("nvidia-coreweave-2026", "nvidia"), ("colossus2-spv", "nvidia")]
HEADLINE_LABS = ["xai", "openai", "coreweave"]


def year_columns(res: cc.Result, year: str) -> list[int]:
    return [i for i, q in enumerate(res.quarter_labels()) if q.startswith(year)]


def per_path_year(mc: cc.Result, party: str, what: str, year: str = "2026") -> np.ndarray:
    """``first_year``'s figure path by path, shape (paths,): revenue or sales summed over the
    year's quarters (the reservoir), or burn (the kept flows: every path of `MC_PATHS`)."""
    cols = year_columns(mc, year)
    if what in ("revenue", "sales"):
        return np.asarray(mc.reservoir[(party, what)][:, cols], dtype=np.float64).sum(axis=1)
    out = np.zeros(mc.paths)
    for (src, dst, kind), kept in mc.flow_reservoir.items():
        flows = np.asarray(kept[cols], dtype=np.float64).sum(axis=0)  # (paths,)
        if src == party and kind in OUTFLOW_KINDS:
            out += flows
        elif dst == party and kind == "revenue":
            out -= flows
    return out


def _standing(values: np.ndarray, base: float) -> tuple[float, str]:
    """The Monte Carlo median and the base case's percentile among the paths (the share of
    paths at or below it)."""
    finite = values[np.isfinite(values)]
    return float(np.median(finite)), f"{np.mean(finite <= base):.0%}"


def tables() -> str:
    res = cc.simulate("seed-2025", deterministic=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # a path without an IRR
        mc = cc.simulate("seed-2025", paths=MC_PATHS, seed=MC_SEED)
    sc = res.scenario
    rows = []
    for party, label, var, target, source in START_TARGETS:
        if var == "run_rate":
            value = float(res.bands(party, "revenue")["mean"].iloc[0]) * 4
            paths = np.asarray(mc.reservoir[(party, "revenue")][:, 0], dtype=np.float64) * 4
        else:
            value = float(res.bands(party, var)["mean"].iloc[0])
            paths = np.asarray(mc.reservoir[(party, var)][:, 0], dtype=np.float64)
        median, at = _standing(paths, value)
        rows.append({"party": party, "figure": label, "target": target, "model": round(value, 2),
                     "difference": f"{(value / target - 1):+.0%}", "MC median": round(median, 2),
                     "base at": at, "source": source})
    start = pd.DataFrame(rows)
    rows = []
    for party, label, what, target, source in YEAR_TARGETS:
        value = first_year(res, party, what)
        median, at = _standing(per_path_year(mc, party, what), value)
        diff = "" if target is None else f"{(value / target - 1):+.0%}"
        rows.append({"party": party, "figure": label, "target": target, "model": round(value, 1),
                     "difference": diff, "MC median": round(median, 1), "base at": at,
                     "source": source})
    year = pd.DataFrame(rows)
    rows = []
    for deal, party in HEADLINE_DEALS:
        value = float(res.outcome(deal, party, "npv")[0])
        median, at = _standing(np.asarray(mc.outcome(deal, party, "npv"), dtype=np.float64), value)
        rows.append({"figure": f"{party} NPV in {deal} ($B)", "base case": f"{value:.2f}",
                     "MC median": f"{median:.2f}", "base at": at})
    for lab in HEADLINE_LABS:
        rows.append({"figure": f"{lab} defaults by the horizon",
                     "base case": "yes" if res.default_probability(lab) > 0 else "no",
                     "MC median": f"on {mc.default_probability(lab):.0%} of paths", "base at": ""})
    value = float(np.asarray(res.reservoir[("openai", "revenue")], dtype=np.float64)[
        0, year_columns(res, "2030")].sum())
    median, at = _standing(per_path_year(mc, "openai", "revenue", "2030"), value)
    rows.append({"figure": "openai revenue in 2030 ($B)", "base case": f"{value:.1f}",
                 "MC median": f"{median:.1f}", "base at": at})
    headline = pd.DataFrame(rows)
    head = (f"Deterministic base case of `{sc.name}` (one path, every shock zero, every "
            f"uncertain number at its median), chipcredit {cc.__version__}, beside the median "
            f"of a Monte Carlo run ({MC_PATHS:,} paths, seed {MC_SEED}) and the base case's "
            "percentile among its paths (`base at`: the share of paths at or below it). "
            "Regenerate with `python docs/tools/base_case.py --write`.\n\n")
    return (head + "**2025Q4, the first simulated quarter, against the 2025 figures**\n\n"
            + start.to_markdown(index=False) + "\n\n**The first full year (2026) against the "
            "2026 projections**\n\n" + year.to_markdown(index=False) + "\n\n**Where the base "
            "case falls among the paths: the headline figures**\n\n"
            + headline.to_markdown(index=False) + "\n")


def main() -> None:
    text = tables()
    if "--write" in sys.argv:
        path = Path(__file__).resolve().parents[1] / "model.md"
        doc = path.read_text(encoding="utf-8")
        a, b = "<!-- base-case -->", "<!-- /base-case -->"
        before, rest = doc.split(a, 1)
        _, after = rest.split(b, 1)
        path.write_text(before + a + "\n" + text + b + after, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
