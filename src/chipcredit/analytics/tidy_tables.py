"""`TidyTables`: a run's statistics as tidy pandas tables.

The outcome summary, the quarterly bands of a party variable, the flows matrix (for a
Sankey diagram) and the count of paths without an IRR, by reason. `Result` inherits these.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from chipcredit.errors import UsageError, did_you_mean

from .event_timing import EventTiming
from .metrics import column
from .stats import QUANTILES, band_means, band_quantiles, describe, share_se
from .unit import FLOW_UNIT, band_unit, metric_unit
from .valuation import REASONS

__all__ = ["TidyTables"]


class TidyTables(EventTiming):
    """Summary, bands, flows and IRR-reason tables for `Result` (its fields are declared there)."""

    reservoir: Mapping[tuple[str, str], NDArray[np.float32]]
    series_sums: Mapping[tuple[str, str], NDArray[np.float64]]
    flow_sums: Mapping[tuple[str, str, str], NDArray[np.float64]]
    flow_sumsq: Mapping[tuple[str, str, str], NDArray[np.float64]]
    self_funded_sums: Mapping[tuple[str, str, str], NDArray[np.float64]]
    flow_reservoir: Mapping[tuple[str, str, str], NDArray[np.float32]]

    def summary(self) -> pd.DataFrame:
        """Tidy table of every deal and party outcome's statistics.

        Returns
        -------
        DataFrame, one row per (deal, party, metric) and per party metric
            ``deal`` (str; missing, NaN, for party rows: test with ``summary().deal.isna()``),
            ``party`` and ``metric`` (str), ``mean``, ``p05``, ``p50``, ``p95`` (float64, in
            the metric's unit; NaN where no path has a value), ``nan_share`` (float64) and
            ``unit`` (str: the unit of mean, p05, p50 and p95, from
            `chipcredit.analytics.unit`: ``$B``, ``annual rate``, ``x``, ``probability``,
            ``share``, ``quarters from start``, ``M shares``, ``$ per share``).

        ``nan_share`` is the share of paths (whatever the row's unit) on which the statistic
        has no value, which its mean and quantiles leave out (a MOIC where nothing was
        invested, an IRR, the quarter of a second source on paths without one); NaN for a
        probability, whose quantiles are NaN too. A deal's ``irr`` row ranks the paths
        whose IRR is known to lie beyond the bracket (`chipcredit.analytics.irr_stats`):
        a percentile above the bracket is ``inf``, one among the paths below it -1.0
        (-100%), and all four statistics are NaN where too few paths are ranked;
        ``ranked_share`` (float64, NaN on every other row) is the share of paths with an
        IRR or a known side, the paths its percentiles are over. ``se`` (float64, added
        last) is the Monte Carlo standard error of ``mean``: the sample s.d. over sqrt(n)
        of the values the mean is over, and for a probability row sqrt(p(1-p)/paths); NaN
        on one path (the deterministic base case). A ``default_probability`` row is there
        only for a party that can default (``can_default``: a lab, a cloud on its own
        balance sheet), as in the run store's metrics; the JSON ``parties`` gives every
        party's. SPV, portfolio and purchase outcomes are in `to_dict` (``spvs``,
        ``portfolios``, a lab's ``purchases_by_vendor``) and `outcomes`.
        """
        rows = []
        for key in self.outcomes:
            parts = key.split("|")
            metric = parts[-1]
            if (metric in ("irr_reason", "irr_multiple", "mark", "default_quarter", "default_cause",
                           "first_breach_quarter", "second_source_quarter")
                    or parts[0] in ("portfolio", "spv", "purchases")):
                continue
            deal = parts[1] if parts[0] == "deal" else None
            party = parts[2] if parts[0] == "deal" else parts[1]
            # an IRR's percentiles rank the paths beyond the bracket (+inf above it)
            ranked = self._irr_ranked(key)
            stats = self.describe(key) if ranked is None else ranked
            rows.append({"deal": deal, "party": party, "metric": metric,
                         **{s: stats[s] for s in ("mean", "p05", "p50", "p95")},
                         "nan_share": float(np.mean(~np.isfinite(self.outcomes[key]))),
                         "unit": metric_unit(metric),
                         "ranked_share": None if ranked is None else ranked["ranked_share"],
                         "se": stats.get("mean_se")})
        for p in self.scenario.parties:
            if p.can_default:  # a funded cloud cannot: no 0.0 to be read as "safe"
                prob = self.default_probability(p.id)
                rows.append({"deal": None, "party": p.id, "metric": "default_probability",
                             "mean": prob, "p05": None, "p50": None, "p95": None,
                             "nan_share": None, "unit": metric_unit("default_probability"),
                             "se": share_se(prob, self.paths)})
            second = column("party", p.id, "second_source_quarter")
            if second in self.outcomes:  # when labs first buy from a second vendor
                sq = self.outcomes[second]
                share = float(np.mean(sq >= 0))
                rows.append({"deal": None, "party": p.id, "metric": "second_source_probability",
                             "mean": share, "p05": None, "p50": None,
                             "p95": None, "nan_share": None,
                             "unit": metric_unit("second_source_probability"),
                             "se": share_se(share, self.paths)})
                stats = describe(sq[sq >= 0])
                rows.append({"deal": None, "party": p.id, "metric": "second_source_quarter",
                             **{s: stats[s] for s in ("mean", "p05", "p50", "p95")},
                             "nan_share": float(np.mean(sq < 0)),
                             "unit": metric_unit("second_source_quarter"), "se": stats["mean_se"]})
        return pd.DataFrame(rows, columns=["deal", "party", "metric", "mean", "p05", "p50", "p95",
                                           "nan_share", "unit", "ranked_share", "se"])

    def bands(self, party: str, variable: str) -> pd.DataFrame:
        """Quarterly bands of a party variable.

        Parameters
        ----------
        party : str
            A party id.
        variable : str
            One of the party's quarterly variables (its ``reservoir`` keys: ``cash``,
            ``revenue``, ``sales``, ``share``, ...).

        Returns
        -------
        DataFrame, one row per quarter (``scenario.horizon_quarters`` rows)
            ``quarter`` (str), ``mean`` (float64, exact over all paths) and ``p05``, ``p25``,
            ``p50``, ``p75``, ``p95`` (float64, from the reservoir of the first 20,000
            paths), in the variable's unit, and ``unit`` (str, the same on every row:
            ``$B``, ``$B a quarter``, ``share``, the scenario's ``capacity_unit`` for
            ``capacity``, ...; `chipcredit.analytics.unit.band_unit`).

        Raises
        ------
        UsageError
            An unknown party or variable, with a did-you-mean.
        """
        key = (party, variable)
        if key not in self.reservoir:
            options = sorted({v for (p, v) in self.reservoir if p == party})
            if not options:
                self._unknown(None, party, variable)
            hint = did_you_mean(variable, options)
            raise UsageError(f"party {party!r} has no variable {variable!r}; it has "
                             f"{', '.join(options)}" + (f" (did you mean {hint}?)" if hint else ""))
        q = band_quantiles(self.reservoir[key])
        exact = self.series_sums[key] / self.paths
        # a ratio defined only on some paths (an SPV's LTV) has no exact mean over all paths;
        # its mean is over the reservoir's paths where it is defined
        mean = exact if np.isfinite(exact).all() else band_means(self.reservoir[key])
        frame = pd.DataFrame({"quarter": self.quarter_labels(), "mean": mean})
        for i, level in enumerate(QUANTILES):
            frame[f"p{round(level * 100):02d}"] = q[i]
        frame["unit"] = band_unit(variable, self.scenario.capacity_unit)
        return frame

    def flows(self) -> pd.DataFrame:
        """The flows matrix, ready for a Sankey diagram.

        Returns
        -------
        DataFrame, one row per (from, to, kind, quarter) whose flow is not 0 on every path
            ``from``, ``to``, ``kind``, ``quarter`` (str); ``mean`` and ``sd`` (float64, $B,
            over all paths); ``p05`` and ``p95`` (float64, $B, over the first paths, up to
            2,048; NaN when not kept); ``self_funded_mean`` (float64, $B): the mean of the
            part of a flow into a vendor that is its own money coming back, put into the
            payer directly or through an SPV or a cloud (0 for other flows); ``unit`` (str,
            ``$B``).
        """
        rows = []
        labels = self.quarter_labels()
        for (src, dst, kind), sums in self.flow_sums.items():
            sq = self.flow_sumsq[(src, dst, kind)]
            mean = sums / self.paths
            var = np.maximum(sq / self.paths - mean**2, 0.0)
            own = self.self_funded_sums.get((src, dst, kind))
            kept = self.flow_reservoir.get((src, dst, kind))
            q05 = q95 = np.full(len(labels), np.nan)
            if kept is not None and kept.shape[1]:
                q05, q95 = np.quantile(kept.astype(np.float64), [0.05, 0.95], axis=1)
            elif self.flow_reservoir:
                # the kept paths record every key that moves on any of them: a key missing
                # here moved nothing on those paths (whatever the chunking)
                q05 = q95 = np.zeros(len(labels))
            for q in np.nonzero(sums)[0]:
                rows.append({"from": src, "to": dst, "kind": kind, "quarter": labels[q],
                             "mean": float(mean[q]), "sd": float(np.sqrt(var[q])),
                             "p05": float(q05[q]), "p95": float(q95[q]),
                             "self_funded_mean": 0.0 if own is None else float(own[q] / self.paths),
                             "unit": FLOW_UNIT})
        return pd.DataFrame(rows, columns=["from", "to", "kind", "quarter", "mean", "sd", "p05",
                                           "p95", "self_funded_mean", "unit"])

    def irr_reasons(self) -> dict[tuple[str, str], dict[str, int]]:
        """Paths without an IRR, by reason, for each (deal, party).

        Returns
        -------
        dict of (deal, party) to dict of reason to int
            Path counts. ``no_position`` counts the paths where the party has no flows in the
            deal (nothing paid or received); every other reason (``no_sign_change``,
            ``above_bracket``, ``below_bracket``, ``no_root_in_bracket``, ``not_converged``)
            counts only paths with flows (``below_bracket`` includes flows that only go out,
            a total loss at -100%; ``no_sign_change`` is flows that only come in). Paths
            with an IRR are not counted, so the counts sum to the paths without one.
        """
        out = {}
        for deal, party in self.deal_parties():
            reason = self.outcome(deal, party, "irr_reason")
            active = (self.outcome(deal, party, "cash_in") + self.outcome(deal, party, "cash_out")) > 0
            counts = {name: int(((reason == code) & active).sum())
                      for code, name in REASONS.items() if code != 0}
            counts["no_position"] = int((~active).sum())
            out[(deal, party)] = counts
        return out
