"""The medians of ``chipcredit runs diff`` as the deals table shows them: an IRR that is n/m
in a run's deals table (a party that only pays, an equity investee) or beyond its bracket
reads as it does there, never as the -1 the store keeps, with the deals table's notes."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from chipcredit.report.irr_percentiles import irr_shown
from chipcredit.report.multiples import REASON_TEXT, irr_not_meaningful, moic_reason

from .deal_table import BEYOND_TEXT, INVESTEE_TEXT, NOT_MEANINGFUL
from .formats import ABOVE_BRACKET, TOTAL_LOSS, WITHHELD, compact

__all__ = ["UNMEANT_IRR", "irr_unmeant", "median_cell", "median_notes"]


def irr_unmeant(rows: list[dict[str, Any]],
                sides: Mapping[str, tuple[Collection[tuple[str, str]], Mapping[str, str]]]
                ) -> dict[tuple[str, Any, Any, Any], str]:
    """{(side, variant, deal, party): "pays_only" or "investee"} for each pair of `runs
    diff`'s ``rows`` whose IRR run ``side`` (``a``, ``b``) shows n/m in its deals table
    (`chipcredit.report.multiples.irr_not_meaningful`, from that run's own MOIC and loss).
    ``sides`` gives each run's financed (deal, party) pairs and its deals' kinds."""
    stats = {(r["variant"], r["deal"], r["party"], r["metric"]): r for r in rows if r["deal"]}
    found: dict[tuple[str, Any, Any, Any], str] = {}
    for side, (financed, kinds) in sides.items():
        for variant, deal, party, metric in stats:
            if metric != "irr":
                continue
            moic = stats.get((variant, deal, party, "moic")) or {}
            loss = stats.get((variant, deal, party, "loss")) or {}
            reason = moic_reason(financed=(deal, party) in financed,
                                 moic_mean=moic.get(f"mean_{side}"),
                                 moic_p50=moic.get(f"p50_{side}"),
                                 loss_mean=loss.get(f"mean_{side}"))
            if irr_not_meaningful(reason, kinds.get(deal)):
                found[(side, variant, deal, party)] = "pays_only" if reason == "pays_only" else "investee"
    return found


def median_cell(row: dict[str, Any], side: str,
                unmeant: dict[tuple[str, Any, Any, Any], str] | None = None) -> str:
    """A run's median in `runs diff`: a number, or for an IRR what the deals table shows:
    n/m where the run's deals table has it n/m (``unmeant``, `irr_unmeant`), else above its
    bracket ``>1000%``, among the paths below it ``-100%`` and withheld ``n/a``
    (`irr_shown`); never the store's -1."""
    value = row[f"p50_{side}"]
    if row["metric"] != "irr":
        return compact(value)
    if (side, row["variant"], row["deal"], row["party"]) in (unmeant or {}):
        return NOT_MEANINGFUL
    kind, x = irr_shown({"p50": value, "ranked_share": row.get(f"ranked_share_{side}"),
                         "outside_bracket": {"p50": row.get(f"p50_outside_{side}")}})
    return {"above": ABOVE_BRACKET, "below": TOTAL_LOSS, "withheld": WITHHELD}.get(kind) \
        or compact(x)


UNMEANT_IRR = {"pays_only": REASON_TEXT["pays_only"], "investee": INVESTEE_TEXT}
"""Why `runs diff` shows an IRR median n/m (`irr_unmeant`), in the deals table's words."""


def median_notes(said: dict[str, list[str]]) -> list[str]:
    """The lines under `runs diff`'s table for the IRR medians it shows as n/m (``said``'s
    keys of `UNMEANT_IRR`) or beyond the bracket (its `BEYOND_TEXT` keys), each to the
    ``deal party`` of its rows, in the words of the deals table's caption."""
    lines: list[str] = []
    if any(key in said for key in UNMEANT_IRR):
        lines.append(f"{NOT_MEANINGFUL} IRR not meaningful (the store keeps its value):")
        lines += [f"  {text}: {'; '.join(dict.fromkeys(said[key]))}"
                  for key, text in UNMEANT_IRR.items() if key in said]
    return lines + [BEYOND_TEXT[t] for t in (ABOVE_BRACKET, TOTAL_LOSS, WITHHELD) if t in said]
