"""`SolveResult`: what a break-even search found, with every probe (`chipcredit.experiments.solve`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.card import Card, CardShown

__all__ = ["SolveResult"]


@dataclass(frozen=True, eq=False, repr=False)
class SolveResult(CardShown):
    """What `solve` found.

    Attributes
    ----------
    scenario : str
        The scenario's name.
    vary : str
        The parameter path solved for.
    metric : str
        The metric path of the target.
    op : str
        ``"="``, ``">="`` or ``"<="``.
    target : float
        The target value, in the metric's unit.
    status : str
        ``"found"`` or ``"no_root"``.
    root : float or None
        The value of ``vary`` at the target, in the number's own unit (None when
        ``no_root``). For ``=`` it is interpolated inside the final bracket; for ``>=``/``<=``
        it is the end of the final bracket at which the inequality holds, so the metric there
        is known to meet it. For a number the engine counts in whole quarters (a term, the
        hardware's useful life; `solve_terms`) it is the years of a whole quarter count: where
        the inequality holds, or for ``=`` the one whose metric is closest to the target.
    bracket : tuple of 2 floats
        The bracket searched, (low, high).
    final_bracket : tuple of 2 floats or None
        The last bracket holding the root (None when ``no_root``).
    probes : tuple of (float, float)
        Every (value, metric) probed, in order.
    metric_range : tuple of 2 floats
        (min, max) of the metric over the probes.
    holds : str or None
        For an inequality, where it holds: ``"VARY >= ROOT"``, ``"VARY <= ROOT"``,
        ``"everywhere in the bracket"`` or ``"nowhere in the bracket"``; None for ``=``.
    message : str
        One line that says it all.
    notes : tuple of str
        What the user should know (correlations dropped, a non-monotone metric, deals
        that run past the horizon).
    paths, seed : int
        Of every probe (1 and 0 for the deterministic base case, as the run store records
        a deterministic run).
    tol : float
        The relative bracket width at which the search stops.
    elapsed_seconds : float
        Wall-clock time (left out of `to_dict`).
    nan_shares : tuple of (float or None)
        For each probe, the share of paths on which the target's metric has no value, so
        that its mean or percentile is taken over the others (a deal's statistic over paths;
        None for other targets). Empty when made without it.
    shown : str or None
        The root as printed in ``message`` and ``holds``: for an inequality rounded toward
        the side where it holds (`digits.toward`), so the printed value meets the target as
        the root does; None when ``no_root``.
    deterministic : bool
        Whether every probe was the deterministic base case (one path, every shock zero,
        every uncertain number at its median) rather than a Monte Carlo run.
    touches : bool
        Whether a ``"found"`` root is no break-even: the metric is the target at every probe,
        or meets it only where it equals it exactly (for ``=``, at an end of the bracket) and
        crosses it nowhere, as a deal's NPV that is 0 wherever its close probability is too
        low for any path to close; ``message`` says which.
    """

    scenario: str
    vary: str
    metric: str
    op: str
    target: float
    status: str
    root: float | None
    bracket: tuple[float, float]
    final_bracket: tuple[float, float] | None
    probes: tuple[tuple[float, float], ...]
    metric_range: tuple[float, float]
    holds: str | None
    message: str
    notes: tuple[str, ...]
    paths: int
    seed: int
    tol: float
    elapsed_seconds: float
    nan_shares: tuple[float | None, ...] = field(default=())
    shown: str | None = None
    deterministic: bool = False
    touches: bool = False

    def _card(self) -> Card:
        return Card.of(f"SolveResult of {self.scenario}", [
            ("status", self.status), ("vary", self.vary),
            ("target", f"{self.metric} {self.op} {self.target:g}"),
            ("root", "none" if self.shown is None else self.shown),
            ("probes", len(self.probes)), ("paths", f"{self.paths:,}"), ("seed", self.seed)],
            ".message, .probes_frame(), .to_dict()")

    def probes_frame(self) -> pd.DataFrame:
        """The probes as a table.

        Returns
        -------
        DataFrame
            One row per probe, in the order probed (index ``probe`` from 1); columns
            ``value`` (of ``vary``, in its own unit), ``metric`` (in the metric's unit) and
            ``gap`` (metric minus target); and ``nan_share`` (share of paths with no value
            of the metric) where the target is a statistic over the paths that have one and
            some probe has such paths.
        """
        frame = pd.DataFrame(list(self.probes), columns=["value", "metric"])
        frame["gap"] = frame["metric"] - self.target
        if any(share for share in self.nan_shares):
            frame["nan_share"] = [np.nan if v is None else v for v in self.nan_shares]
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="probe")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record, without wall-clock times (two runs give equal records).

        Returns
        -------
        dict
            Keys ``scenario``, ``vary``, ``metric``, ``op``, ``target``, ``status``, ``root``
            (None when ``no_root``), ``bracket`` ([low, high]), ``final_bracket`` ([low,
            high] or None), ``root_shown`` (the root as printed, text), ``probes`` (list
            of ``{"value", "metric", "nan_share"}`` in probe order; ``nan_share`` is the
            share of paths with no value of the metric, None where the target is not a
            statistic over them), ``metric_range`` ([min, max]), ``holds``, ``message``,
            ``notes`` (list of str), ``paths``, ``seed`` and ``tol``. A metric with no value
            is None, never NaN. ``deterministic`` (bool) says whether every probe was the
            deterministic base case; ``paths`` and ``seed`` are then 1 and 0. ``touches``
            (bool) says whether a found root is only where the metric touches the target
            (`SolveResult.touches`).
        """
        def clean(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else float(x)

        shares = self.nan_shares or (None,) * len(self.probes)
        return {"scenario": self.scenario, "vary": self.vary, "metric": self.metric,
                "op": self.op, "target": self.target, "status": self.status,
                "root": clean(self.root), "root_shown": self.shown,
                "bracket": list(self.bracket),
                "final_bracket": None if self.final_bracket is None else list(self.final_bracket),
                "probes": [{"value": v, "metric": clean(m), "nan_share": clean(share)}
                           for (v, m), share in zip(self.probes, shares, strict=True)],
                "metric_range": [clean(x) for x in self.metric_range],
                "holds": self.holds, "message": self.message, "notes": list(self.notes),
                "paths": self.paths, "seed": self.seed, "deterministic": self.deterministic,
                "touches": self.touches, "tol": self.tol}
