"""`OutcomeLookup`: a run's quarters and its per-path outcomes, looked up by key.

The accessors every other part of `Result` builds on: quarter labels, one outcome's
per-path values, its mean and quantiles, and the one-line errors (with a did-you-mean) for
an unknown deal, party, metric or key. `Result` inherits them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from chipcredit.errors import UsageError, did_you_mean
from chipcredit.units import format_quarter

from .irr_stats import describe_irr, outside_bracket
from .metrics import column
from .stats import describe

if TYPE_CHECKING:
    from chipcredit.scenario.model import Scenario

__all__ = ["OutcomeLookup"]


class OutcomeLookup:
    """Quarter labels and per-path outcome access for `Result` (its fields are declared there)."""

    scenario: Scenario
    paths: int
    outcomes: Mapping[str, NDArray[Any]]
    means: Mapping[str, float]

    def quarter_labels(self) -> list[str]:
        """Labels of the run's quarters, ``["2025Q1", "2025Q2", ...]``.

        Returns
        -------
        list of str, length ``scenario.horizon_quarters``
            Quarter ``q`` (0 = the scenario start) is at index ``q``.
        """
        start = self.scenario.start_index
        return [format_quarter(start + q) for q in range(self.scenario.horizon_quarters)]

    # -- per-path access -----------------------------------------------------------------
    def outcome(self, deal: str | None = None, party: str | None = None,
                metric: str | None = None, *, spv: str | None = None,
                portfolio: str | None = None, obligor: str | None = None,
                vendor: str | None = None) -> NDArray[np.floating[Any]]:
        """Per-path values of one outcome, of any of the five families of `outcomes`.

        ==========================================  ====================================
        call                                        key read
        ==========================================  ====================================
        ``outcome(DEAL, PARTY, METRIC)``            ``deal|DEAL|PARTY|METRIC``
        ``outcome(None, PARTY, METRIC)``            ``party|PARTY|METRIC``
        ``outcome(spv=DEAL, metric=METRIC)``        ``spv|DEAL|METRIC``
        ``outcome(portfolio=PARTY, metric=M)``      ``portfolio|PARTY|M``
        ``outcome(portfolio=PARTY, metric=M,        ``portfolio|PARTY|M|OBLIGOR``
        obligor=OBLIGOR)``
        ``outcome(None, LAB, METRIC,                ``purchases|LAB|METRIC|VENDOR``
        vendor=VENDOR)``
        ==========================================  ====================================

        Parameters
        ----------
        deal : str or None
            A deal id, for a party's metric in that deal; None for a party outcome.
        party : str or None
            A party id (with ``deal`` or alone); not given with ``spv`` or ``portfolio``.
        metric : str
            The metric: a deal's (``npv``, ``irr``, ``moic``, ``cash_in``, ``mark``, ...), a
            party's (``cash_end``, ``default_quarter``, ...), a deal's own (``debt_loss``,
            ``debt_impaired``, ``drawn_total``, ...) or a credit book's (``loss``, ``ead``,
            ``exposure``, ``default_quarter``); docs/output.md lists them.
        spv : str, keyword only
            A deal id, for the deal's own outcomes (an ``spv_lease``'s ``debt_loss``, a
            ``credit_facility``'s ``written_off``; the ``spv`` family, whatever the kind).
        portfolio : str, keyword only
            A party id, for its credit book: ``loss`` (over every claim) alone, or any
            metric per obligor with ``obligor``.
        obligor : str, keyword only
            With ``portfolio``: the party (or SPV deal) its claims are on.
        vendor : str, keyword only
            With a lab as ``party`` (no deal): its purchases from that vendor,
            ``units_total`` (capacity units) or ``spend_total`` ($B).

        Returns
        -------
        ndarray, shape ``(paths,)``, float32 (float64 for the deterministic base case)
            Read-only. Money in $B, IRR effective annual, quarters counted from the start
            (-1 where the event did not happen), events 1 or 0; NaN where the metric has no
            value.

        Raises
        ------
        UsageError
            An unknown deal, party, obligor or metric, with a did-you-mean, or a call that
            mixes families (``spv`` with ``deal``, say) or leaves out the metric.
        """
        key = self._outcome_key(deal, party, metric, spv, portfolio, obligor, vendor)
        if key not in self.outcomes:
            self._missing(key)
        return self.outcomes[key]

    @staticmethod
    def _outcome_key(deal: str | None, party: str | None, metric: str | None,
                     spv: str | None, portfolio: str | None, obligor: str | None,
                     vendor: str | None = None) -> str:
        if metric is None:
            raise UsageError("outcome needs a metric, e.g. outcome('xai-debt', 'xai', 'npv') "
                             "or outcome(spv='colossus2-spv', metric='debt_loss')")
        if spv is not None or portfolio is not None:
            given = [n for n, v in (("deal", deal), ("party", party), ("spv", spv),
                                    ("portfolio", portfolio)) if v is not None]
            if len(given) > 1:
                raise UsageError(f"outcome takes one of deal and party, spv, or portfolio; "
                                 f"got {' and '.join(given)}")
        if vendor is not None and (spv is not None or portfolio is not None):
            raise UsageError("vendor is a lab's purchases': outcome(None, LAB, "
                             f"{metric!r}, vendor={vendor!r})")
        if obligor is not None and portfolio is None:
            raise UsageError("obligor is a portfolio's: outcome(portfolio=PARTY, "
                             f"metric={metric!r}, obligor={obligor!r})")
        if spv is not None:
            return column("spv", spv, metric)
        if portfolio is not None:
            return column("portfolio", portfolio, metric,
                          *(() if obligor is None else (obligor,)))
        if party is None:
            raise UsageError("outcome needs a party, or spv= or portfolio=")
        if vendor is not None:
            if deal is not None:
                raise UsageError("vendor is a lab's purchases': outcome(None, LAB, "
                                 f"{metric!r}, vendor={vendor!r})")
            return column("purchases", party, metric, vendor)
        return column("party", party, metric) if deal is None else column("deal", deal, party, metric)

    def _unknown(self, deal: str | None, party: str, metric: str) -> None:
        """Raise the one-line error for a deal or party outcome the run does not have."""
        self._missing(column("party", party, metric) if deal is None
                      else column("deal", deal, party, metric))

    def _missing(self, key: str) -> None:
        """Raise the one-line error for a key of `outcome` that the run does not have."""
        deals = [d.id for d in self.scenario.deals]
        parties = [p.id for p in self.scenario.parties]
        family, *parts = key.split("|")
        metric = parts[-1] if family not in ("portfolio", "purchases") else parts[1]
        named = {"deal": lambda: (("deal", parts[0], deals), ("party", parts[1], parties)),
                 "party": lambda: (("party", parts[0], parties),),
                 "spv": lambda: (("deal", parts[0], deals),),
                 "portfolio": lambda: (("party", parts[0], parties),
                                       *((("obligor", parts[2], parties + deals),)
                                         if len(parts) > 2 else ())),
                 "purchases": lambda: (("party", parts[0], parties),
                                       ("vendor", parts[2], parties))}[family]()
        for what, name, known in named:
            if name not in known:
                hint = did_you_mean(name, known)
                moved = ""
                if family == "party" and name in deals:  # a deal's own outcome, asked as a party's
                    moved = self._deal_hint(name, metric)
                    hint = None  # the deal it names is the fix, not a party spelt like it
                raise UsageError(f"{what} {name!r} is not in the scenario"
                                 + (f" (did you mean {hint}?)" if hint else "") + moved)
        if family == "portfolio" and len(parts) == 2:  # a per-obligor metric, asked of the book
            obligors = sorted(k.rsplit("|", 1)[1] for k in self.outcomes
                              if k.startswith(f"portfolio|{parts[0]}|{metric}|"))
            if obligors:
                raise UsageError(
                    f"party {parts[0]!r} has the portfolio outcome {metric!r} per obligor: "
                    f"outcome(portfolio={parts[0]!r}, metric={metric!r}, obligor=...), "
                    f"obligor one of {', '.join(obligors)}")
        prefix = "|".join([family, *parts[:1 if family != "deal" else 2]]) + "|"
        have = sorted({k[len(prefix):] for k in self.outcomes if k.startswith(prefix)})
        hint = did_you_mean(metric if family not in ("portfolio", "purchases")
                            else "|".join(parts[1:]), have)
        where = {"deal": f"deal {parts[0]!r} has no metric {metric!r} for party {parts[1]!r}",
                 "party": f"the party outcomes have no metric {metric!r} for party {parts[0]!r}",
                 "spv": f"deal {parts[0]!r} has no outcome {metric!r} of its own",
                 "portfolio": f"party {parts[0]!r} has no portfolio outcome "
                              f"{'|'.join(parts[1:])!r}",
                 "purchases": f"party {parts[0]!r} has no purchase outcome "
                              f"{'|'.join(parts[1:])!r}"}[family]
        if family == "spv" and f"; {parts[0]!r} is an obligor" in self._deal_hint(parts[0], metric):
            hint = None  # not the deal's own: its lender's book's, with the deal the obligor
            where += self._deal_hint(parts[0], metric)
        raise UsageError(where + (f" (did you mean {hint}?)" if hint else ""))

    def _deal_hint(self, deal: str, metric: str) -> str:
        """Where a deal's ``metric``, asked as a party's, is: the deal's own outcome
        (``spv|DEAL|METRIC``), or its lender's book's with the deal as the obligor (an SPV's
        default quarter); else the deal's own outcomes, by name."""
        if column("spv", deal, metric) in self.outcomes:
            return f"; a deal's own outcomes are outcome(spv={deal!r}, metric={metric!r})"
        books = sorted(k.split("|")[1] for k in self.outcomes
                       if k.startswith("portfolio|") and k.endswith(f"|{metric}|{deal}"))
        if books:
            return (f"; {deal!r} is an obligor of {', '.join(map(repr, books))}: "
                    f"outcome(portfolio={books[0]!r}, metric={metric!r}, obligor={deal!r})")
        own = sorted(k.split("|")[2] for k in self.outcomes if k.startswith(f"spv|{deal}|"))
        return (f"; a deal's own outcomes are outcome(spv={deal!r}, metric=...), metric one of "
                f"{', '.join(own)}" if own else f"; {deal!r} is a deal: outcome({deal!r}, PARTY, "
                                                f"METRIC)")

    def _key(self, key: str) -> str:
        """``key`` if it is an `outcomes` key, else a one-line error with a did-you-mean."""
        if isinstance(key, str) and key in self.outcomes:
            return key
        hint = did_you_mean(key, self.outcomes)
        raise UsageError(f"key must be an outcome of this run, deal|DEAL|PARTY|METRIC or "
                         f"party|PARTY|METRIC (see Result.outcomes); got {key!r}"
                         + (f" (did you mean {hint}?)" if hint else ""))

    def describe(self, key: str) -> dict[str, Any]:
        """Mean and quantiles of one outcome.

        Parameters
        ----------
        key : str
            An `outcomes` key, ``deal|DEAL|PARTY|METRIC`` or ``party|PARTY|METRIC``.

        Returns
        -------
        dict with keys ``mean``, ``mean_se``, ``p05``, ``p50``, ``p95`` (float or None)
            The exact mean over all paths (`means`), its Monte Carlo standard error
            (`chipcredit.analytics.stats.mean_se`: sample s.d. over sqrt(n); None on one
            path) and quantiles of the per-path values, over the paths where the outcome
            is finite, in the outcome's unit ($B for money); None where no path has a
            finite value. A deal's ``irr`` ranks the
            paths whose IRR is known to lie beyond the bracket (`chipcredit.analytics.
            irr_stats`): a percentile above it is None, one among the paths below it -1.0
            (-100%), and ``outside_bracket`` maps those percentiles to ``"above"`` or
            ``"below"`` (``{}`` when none is); ``ranked_share`` is the share of paths
            ranked, and ``withheld`` True where they are too few for the statistics (all
            None; docs/output.md).

        Raises
        ------
        UsageError
            An unknown key, with a did-you-mean over the outcome keys.
        """
        key = self._key(key)
        ranked = self._irr_ranked(key)
        if ranked is None:
            return describe(self.outcomes[key], mean=self.means.get(key))
        out: dict[str, Any] = dict(ranked)
        out["outside_bracket"] = {}
        for stat in ("p05", "p50", "p95"):  # JSON has no infinity: null, and the side
            side = outside_bracket(ranked[stat])
            if side is not None:
                out["outside_bracket"][stat] = side
            if side == "above":
                out[stat] = None
        return out

    def _irr_ranked(self, key: str) -> dict[str, Any] | None:
        """`describe_irr` of a deal's ``irr`` key (+inf for a percentile above the bracket);
        None for any other key, or where the run has no ``irr_reason`` beside it."""
        parts = key.split("|")
        if parts[0] != "deal" or parts[-1] != "irr":
            return None
        base = "|".join(parts[:-1])
        reason = self.outcomes.get(f"{base}|irr_reason")
        cash_in, cash_out = self.outcomes.get(f"{base}|cash_in"), self.outcomes.get(f"{base}|cash_out")
        if reason is None or cash_in is None or cash_out is None:
            return None
        return describe_irr(self.outcomes[key], reason, (cash_in + cash_out) > 0,
                            mean=self.means.get(key))

    def mean(self, key: str) -> float:
        """Mean of one outcome over the paths where it is finite.

        Parameters
        ----------
        key : str
            An `outcomes` key, ``deal|DEAL|PARTY|METRIC`` or ``party|PARTY|METRIC``.

        Returns
        -------
        float
            Exact (from float64 per-block sums), in the outcome's unit ($B for money); NaN
            if no path has a finite value.

        Raises
        ------
        UsageError
            An unknown key, with a did-you-mean over the outcome keys.
        """
        key = self._key(key)
        if key in self.means:
            return self.means[key]
        values = self.outcomes[key]
        finite = np.isfinite(values)
        return float(np.sum(values, where=finite, dtype=np.float64) / finite.sum()) \
            if finite.any() else float("nan")

    def deal_parties(self) -> list[tuple[str, str]]:
        """The (deal, party) pairs that have deal metrics, in scenario order.

        Returns
        -------
        list of (str, str)
            Deal id and party id, in the order of `outcomes`.
        """
        seen: list[tuple[str, str]] = []
        for key in self.outcomes:
            parts = key.split("|")
            if parts[0] == "deal" and (parts[1], parts[2]) not in seen:
                seen.append((parts[1], parts[2]))
        return seen
