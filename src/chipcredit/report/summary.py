"""The report's opening paragraph: a few plain sentences generated from the numbers.

>>> summary_text(res)                                                   # doctest: +SKIP
"Over 2,000 simulated paths from 2025Q4 to 2035Q3 (seed 7): in 90% of paths Nvidia's
position in colossus2-spv, a median outlay of $2B, returns between 0.47x and 2.1x (median
1.7x); xAI defaults before 2030 in 23% of all paths (41% within the horizon)."

What it says, in this order:

- for each vendor whose money the run traces (money provenance): the share of its revenue
  over the horizon that money it put into its buyers paid for (the pooled share, the mean
  self-funded revenue over the mean revenue, as the vendors table's "self-funded share
  pooled"), both means, and the calendar year in which that share was highest (the by-year
  table's): "money Nvidia put into its buyers paid for 0.26% of its revenue over the horizon
  ($12.8B of $4.84T, means over paths), and for 3.37% in 2026, its highest year". This is
  the question the run is for, so it comes first;
- for the (at most) `MAX_RETURNS` vendor positions with the largest median outlay (or, with
  no vendor position that has a MOIC, any party's, a lender's say): the 5th–95th percentile
  range of the MOIC, the median, and the median outlay (cash put in). Only positions whose
  MOIC the deals table shows count: not one it marks n/m
  (`chipcredit.report.multiples.pair_reason`: a backstop's vendor that only pays, the
  financed side, a token outlay). These are over the paths on which the party has a
  position (a MOIC); where some paths have none (a letter of intent that does not close),
  the sentence says on what share of all paths the statistics are taken: "in the 34% of
  paths where Nvidia has a position in nvidia-openai-loi, a median outlay of $100B, it
  returns between ... in 90% of them" (the outlay is the median over those paths, not a
  commitment: the letter of intent's cash put in ranges from $20B at p05). A MOIC counts the
  horizon mark; where the mark is most of the position's mean NPV
  (`chipcredit.report.multiples.mark_matters`: the letter of intent's shares, marked at a
  price from revenue alone), the sentence says so and gives the median without it: "...
  (median 1.5x), counting what it still holds at the horizon at its mark, a price from
  revenue alone (on cash received alone, median 0x)".
- for every party that can default (a lab, or a cloud on its own balance sheet; see
  `chipcredit.report.solvency`): the share of all paths on which it defaults before the year
  `DEFAULT_YEARS` after the start year (or the end of the horizon, if sooner), and within
  the horizon, each with its Monte Carlo standard error (``23% ±0.9``: sqrt(p(1-p)/n), in
  percentage points, as the parties table writes it).

- for the first vendor (in scenario order) with a revenue split by default
  (`chipcredit.analytics.default_exposure.revenue_given_default`): its median revenue over
  the horizon on the paths where the party whose default goes with the widest gap defaults,
  against the paths where it does not (`chipcredit.report.default_exposure.widest_gap`,
  among parties that default on 1% to 99% of the paths), said to be a comparison of paths,
  not the cost of that default alone. Not in a deterministic run (one path is on one side).

A closing sentence of a Monte Carlo run gives its path count and says that its figures move
with the seed: ± is one standard error, and the medians and percentiles of the returns have
noise of their own (at 2,000 paths of seed-2025 the p95 MOIC of Nvidia's position in
nvidia-openai-loi reads 22.8x at seed 0 and 18.4x at seed 1).

The sentences speak of simulated paths, not futures: a scenario starts where it says
(seed-2025 in 2025Q4), so its first quarters may already be past on the day it is run.
"""

from __future__ import annotations

import numpy as np

from chipcredit.analytics.default_exposure import revenue_given_default
from chipcredit.analytics.result import Result
from chipcredit.analytics.stats import describe
from chipcredit.analytics.vendor_years import part_quarters, self_funded_by_year
from chipcredit.errors import UsageError, did_you_mean

from .base_case_standing import base_defaults, standing_text
from .deal_odds import hypothetical_deals
from .default_exposure import exposure_rows, widest_gap
from .i18n import LANGUAGES, Catalogue, catalogue
from .monte_carlo_error import share_error
from .multiples import financed_parties, mark_matters, pair_reason
from .solvency import defaulting_parties
from .theme import display_name

__all__ = ["DEFAULT_YEARS", "MAX_RETURNS", "default_before", "summary_text"]

MAX_RETURNS = 2
DEFAULT_YEARS = 5


def _returns(result: Result, cat: Catalogue) -> list[str]:
    kinds = {p.id: p.kind for p in result.scenario.parties}
    found: list[tuple[bool, float, str]] = []
    hypothetical = hypothetical_deals(result.scenario.deals)
    financed = financed_parties(result.scenario.deals)
    # the pairs whose MOIC the deals table shows: not n/m (a backstop's vendor only pays,
    # a borrower is financed), and with a position (a MOIC needs cash put in) on some path
    shown = [(d, p) for d, p in result.deal_parties()
             if pair_reason(result, d, p, financed) is None
             and np.isfinite(result.outcome(d, p, "moic")).any()]
    vendors = [(d, p) for d, p in shown if kinds.get(p) == "vendor"]
    for deal, party in vendors or shown:
        moic = result.outcome(deal, party, "moic")
        held = np.isfinite(moic)
        stats = describe(moic)
        spent = float(np.median(result.outcome(deal, party, "cash_out")[held]))
        values = {"party": display_name(result, party, cat),
                  "deal": deal + (cat.t("report.hypothetical_mark") if deal in hypothetical else ""),
                  "outlay": cat.money(spent), "low": cat.multiple(stats["p05"]),
                  "high": cat.multiple(stats["p95"]), "median": cat.multiple(stats["p50"])}
        if result.deterministic:  # one path: one multiple, not a range over paths
            text = cat.t("summary.return_deterministic", **values)
        elif held.all():
            text = cat.t("summary.return", **values)
        else:  # the statistics are over the paths with a position only: say how many
            text = cat.t("summary.return_held", share=cat.percent(float(held.mean())), **values)
        key = f"deal|{deal}|{party}|"
        if (key + "npv_realised" in result.outcomes and key + "moic_realised" in result.outcomes
                and mark_matters(result.mean(key + "npv"), result.mean(key + "npv_realised"))):
            # the multiple is mostly the mark, not cash: say so, with the cash-only median
            realised = describe(result.outcome(deal, party, "moic_realised"))["p50"]
            text += cat.t("summary.mark_deterministic" if result.deterministic else "summary.mark",
                          realised=cat.multiple(realised))
        found.append((deal in hypothetical, spent, text))
    # a reported deal before a hypothetical one, however large: the opening must not lead
    # with a deal no report describes (it still comes, marked, where nothing else does)
    found.sort(key=lambda item: (item[0], -item[1]))
    return [text for _, _, text in found[:MAX_RETURNS]]


def _circular(result: Result, cat: Catalogue) -> list[str]:
    """Per vendor whose money the run traces: the share of its revenue over the horizon paid
    with money it put into its buyers (the pooled share: mean self-funded revenue over mean
    revenue), and the year in which that share was highest."""
    out = []
    for party in result.scenario.parties:
        own_key, sales_key = (f"party|{party.id}|self_funded_revenue",
                              f"party|{party.id}|revenue_total")
        if own_key not in result.outcomes or sales_key not in result.outcomes:
            continue
        own, sales = result.mean(own_key), result.mean(sales_key)
        if not sales > 0:
            continue
        name = display_name(result, party.id, cat)
        if not own > 0:
            out.append(cat.t("summary.circular_none", vendor=name))
            continue
        values = {"vendor": name, "share": _fine_percent(cat, own / sales),
                  "own": cat.money(own), "revenue": cat.money(sales)}
        years = [y for y in self_funded_by_year(result, party.id) or ()
                 if y["self_funded_share"] is not None]
        peak = max(years, key=lambda y: y["self_funded_share"], default=None)
        values["peak"] = "" if peak is None or len(years) < 2 else cat.t(
            "summary.circular_peak", peak=_fine_percent(cat, peak["self_funded_share"]),
            year=_year_label(peak, cat))
        out.append(cat.t("summary.circular_deterministic" if result.deterministic
                         else "summary.circular", **values))
    return out


def _fine_percent(cat: Catalogue, share: float) -> str:
    """A share of revenue as the vendors table writes it: two decimals (0.26%)."""
    return cat.t("number.percent", value=f"{share * 100:.2f}")


def _year_label(item: dict[str, object], cat: Catalogue) -> str:
    part = part_quarters(item)
    return str(item["year"]) if part is None else cat.t("report.year_part", year=item["year"],
                                                        quarters=part)


def _revenue_gap(result: Result, cat: Catalogue) -> list[str]:
    """The first vendor's median revenue where the party whose default goes with the widest
    gap defaults, against where it does not (`chipcredit.report.default_exposure.widest_gap`)."""
    if result.deterministic:  # one path: one side of every split
        return []
    row = widest_gap(exposure_rows(
        {"vendors": {p.id: {"revenue_given_default": split} for p in result.scenario.parties
                     if (split := revenue_given_default(result, p.id)) is not None}}))
    if row is None:
        return []
    return [cat.t("summary.revenue_gap", vendor=display_name(result, row.vendor, cat),
                  party=display_name(result, row.party, cat),
                  if_default=cat.money(row.figures["median_if_default"]),
                  if_not=cat.money(row.figures["median_if_not"]))]


def default_before(result: Result, party: str, year: int) -> float:
    """Share of all paths on which ``party`` defaults in a quarter of a year before ``year``."""
    dq = result.outcome(None, party, "default_quarter")
    years = np.array([int(label[:4]) for label in result.quarter_labels()])
    cutoff = int(np.sum(years < year))
    return float(np.mean((dq >= 0) & (dq < cutoff)))


def _defaults(result: Result, cat: Catalogue) -> list[str]:
    labels = result.quarter_labels()
    first, last = int(labels[0][:4]), int(labels[-1][:4])
    year = min(first + DEFAULT_YEARS, last + 1)
    out = []
    for party in defaulting_parties(result.scenario):
        name = display_name(result, party.id, cat)
        total = result.default_probability(party.id)
        if result.deterministic:  # one path: it defaults (in a quarter) or it does not
            dq = int(result.outcome(None, party.id, "default_quarter")[0])
            out.append(cat.t("summary.default_deterministic", party=name, quarter=labels[dq])
                       if dq >= 0 else cat.t("summary.no_default_deterministic", party=name))
            continue
        if total == 0:
            out.append(cat.t("summary.no_default", party=name))
            continue
        out.append(cat.t("summary.default", party=name, year=year,
                         before=_share(cat, default_before(result, party.id, year), result.paths),
                         total=_share(cat, total, result.paths)))
    return out


def _share(cat: Catalogue, share: float, paths: int) -> str:
    """A share of the paths with its Monte Carlo standard error, sqrt(p(1-p)/n) in
    percentage points (``23% ±0.9``, `monte_carlo_error.share_error`; none where the share
    is 0 or 1)."""
    return f"{cat.percent(share)} {share_error(share, paths)}".rstrip()


def summary_text(result: Result, *, lang: str = "en") -> str:
    """One plain-language paragraph about a run: how much of each vendor's revenue its own
    money paid for, the returns of the largest positions, the default probabilities and a
    vendor's revenue where a lab defaults (see the module's docstring, in order).

    Parameters
    ----------
    result : Result
        A run, from `chipcredit.simulate` (or `chipcredit.report.replay`).
    lang : str
        ``"en"`` (default) or ``"zh"`` (Simplified Chinese).

    Returns
    -------
    str
        One paragraph, no line breaks; amounts in $B, multiples as ``1.7x``, shares as
        percentages.

    Raises
    ------
    UsageError
        ``result`` is not a `Result`, or ``lang`` is not a language the report has.
    """
    if not isinstance(result, Result):
        raise UsageError(f"summary_text: result must be a Result (from cc.simulate); got "
                         f"{type(result).__name__} {result!r:.60}")
    if not isinstance(lang, str) or lang not in LANGUAGES:
        hint = did_you_mean(lang, LANGUAGES)
        raise UsageError(f"summary_text: lang must be one of {', '.join(LANGUAGES)}; got {lang!r}"
                         + (f" (did you mean {hint}?)" if hint else ""))
    cat = catalogue(lang)
    labels = result.quarter_labels()
    if result.deterministic:
        opening = cat.t("summary.over_deterministic", start=labels[0], end=labels[-1])
    else:
        opening = cat.t("summary.over", count=f"{result.paths:,}", start=labels[0],
                        end=labels[-1], seed=result.seed)
    returns = _returns(result, cat)
    # the question the run is for first: how much of the vendors' revenue is their own money
    sentences = _circular(result, cat) + returns + _defaults(result, cat) + _revenue_gap(result, cat)
    # one path with no shocks: its 0% defaults are not a forecast, and the reader must know
    caveat = cat.t("summary.deterministic_note") if result.deterministic else ""
    if result.deterministic:  # and where it falls among the paths of a Monte Carlo run
        standing = standing_text(result.scenario, base_defaults(result), cat,
                                 name=lambda party: display_name(result, party, cat))
        if standing:
            caveat += (" " if cat.lang == "en" else "") + standing
    if not sentences:
        return opening + cat.t("summary.nothing") + caveat
    if not result.deterministic:  # figures of a Monte Carlo run move with its seed: say so
        caveat += cat.t("summary.noise" if returns else "summary.noise_shares",
                        count=f"{result.paths:,}")
    return opening + cat.t("summary.joiner").join(sentences) + cat.t("summary.end") + caveat
