"""The line that splits each vendor's self-funded revenue by the buyer that paid it
(`chipcredit.analytics.vendor_buyers.self_funded_by_buyer`; the JSON summary's
``vendors.VENDOR.self_funded_by_buyer``), in the words of a catalogue: one builder for
``chipcredit run`` and the HTML report."""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from chipcredit.analytics.result import Result
from chipcredit.analytics.vendor_buyers import self_funded_by_buyer

from .deal_odds import hypothetical_deals
from .i18n import Catalogue
from .theme import display_name

__all__ = ["buyers_note", "hypothetical_parties", "self_funded_buyers_note"]


def hypothetical_parties(pairs: Iterable[tuple[str, str]],
                         hypothetical: Collection[str]) -> dict[str, list[str]]:
    """Each hypothetical deal's parties: ``pairs`` are the run's (deal, party) pairs
    (`Result.deal_parties`, or the summary's deal rows), ``hypothetical`` the ids of the
    deals with ``status: hypothetical`` (`chipcredit.report.deal_odds.hypothetical_deals`);
    the deals in the order of ``pairs``, empty where none is hypothetical."""
    out: dict[str, list[str]] = {}
    for deal, party in pairs:
        if deal in hypothetical and party not in out.setdefault(deal, []):
            out[deal].append(party)
    return out


def buyers_note(by_buyer: Mapping[str, Mapping[str, float] | None], cat: Catalogue,
                name: Callable[[str], str] = str, *, deterministic: bool = False,
                hypothetical: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """Each vendor's self-funded revenue as the sum of its buyers' parts
    (``report.self_funded_buyers``): ``nvidia $12.8B = xai $5.76B + ...``.

    Parameters
    ----------
    by_buyer : vendor id to its parts (buyer id to $B over the horizon, largest first, as
        `self_funded_by_buyer` gives them), or None where it has none
    cat : the language's catalogue (money in its unit)
    name : a party's name from its id (default: the id)
    deterministic : the parts are the base case's one path, not means over paths
    hypothetical : each hypothetical deal's parties (`hypothetical_parties`): a buyer that
        is a party to one with the vendor has them named after its part, marked as the
        deals table marks them (``report.self_funded_buyers_deals``, ``xai $5.61B (its
        deals with nvidia include xai-chips-on-credit (hypothetical))``); the parts are by
        buyer, not by deal, so the mark says the buyer is in such a deal, not how much of its part came
        through it

    Returns
    -------
    str or None
        One sentence; None where no vendor has parts. A part of exactly 0 (a buyer that
        paid the vendor with none of its money) is left out; the total is the sum of the
        parts, so it is the vendor's mean ``self_funded_revenue``.
    """
    plus = cat.t("report.self_funded_buyers_plus")
    items = []
    for vendor, parts in by_buyer.items():
        if not parts:
            continue
        shown = plus.join(cat.t("report.self_funded_buyers_part", buyer=name(b),
                                value=cat.money(v)) + _deals(vendor, b, hypothetical, cat, name)
                          for b, v in parts.items() if v != 0.0)
        items.append(cat.t("report.self_funded_buyers_item", vendor=name(vendor),
                           total=cat.money(sum(parts.values())), parts=shown or cat.money(0.0)))
    if not items:
        return None
    return cat.t("report.self_funded_buyers_base" if deterministic else "report.self_funded_buyers",
                 items=cat.t("report.item_separator").join(items))


def _deals(vendor: str, buyer: str, hypothetical: Mapping[str, Sequence[str]] | None,
           cat: Catalogue, name: Callable[[str], str]) -> str:
    """`` (its deals with VENDOR include D (hypothetical))`` for the hypothetical deals both are
    parties to; ``""`` where there is none."""
    deals = [d for d, parties in (hypothetical or {}).items()
             if vendor in parties and buyer in parties]
    if not deals:
        return ""
    return cat.t("report.self_funded_buyers_deals", vendor=name(vendor),
                 deals=cat.t("report.item_separator").join(
                     d + cat.t("report.hypothetical_mark") for d in deals))


def self_funded_buyers_note(result: Result, cat: Catalogue) -> str:
    """The report's paragraph of `buyers_note` for the run's vendors, parties by name; ""
    where no vendor has the figures (no provenance traced)."""
    parts = {p.id: self_funded_by_buyer(result, p.id)
             for p in result.scenario.parties if p.kind == "vendor"}
    note = buyers_note(parts, cat, lambda party: display_name(result, party, cat),
                       deterministic=result.deterministic,
                       hypothetical=hypothetical_parties(result.deal_parties(),
                                                         hypothetical_deals(result.scenario.deals)))
    return "" if note is None else f'<p class="note">{html.escape(note)}</p>'
