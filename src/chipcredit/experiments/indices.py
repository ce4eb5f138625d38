"""SALib glue for `sensitivity`: the samplers, the analyses, and the dependent sample for
delta. SALib is imported here only, lazily, by the methods that need it."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from chipcredit.errors import UsageError
from chipcredit.scenario.correlation import correlation_matrix, pearson_from_spearman
from chipcredit.scenario.model import Scenario

__all__ = ["CONF_LEVEL", "analyze", "dependent_sample", "salib"]

CONF_LEVEL = 0.95


def salib(method: str) -> tuple[Any, Any]:
    """SALib's (sampler, analyser) modules for a method (no sampler for delta)."""
    try:
        if method == "sobol":
            from SALib.analyze import sobol as analysis
            from SALib.sample import sobol as sampler
        elif method == "morris":
            from SALib.analyze import morris as analysis
            from SALib.sample import morris as sampler
        else:
            from SALib.analyze import delta as analysis
            sampler = None
    except ImportError:
        raise UsageError(f"method {method!r} needs SALib: pip install 'chipcredit[analysis]' "
                         "(tornado needs nothing more)") from None
    return sampler, analysis


def analyze(used: str, module: Any, problem: dict[str, Any], q: NDArray[np.float64],
             values: NDArray[np.float64], names: list[str], *, second_order: bool,
             resamples: int, seed: int
             ) -> tuple[dict[str, NDArray[np.float64]], str, pd.DataFrame | None]:
    """SALib's indices as table columns, the column to rank by, second-order pairs."""
    def arr(x: Any) -> NDArray[np.float64]:
        return np.asarray(x, dtype=float)

    formatter = warnings.formatwarning  # SALib's delta replaces it (and the filters)
    try:
        with warnings.catch_warnings(record=True):
            # SALib's notices (delta's bin merges, bias notes) are about its estimators,
            # not the scenario; the confidence intervals carry what they mean
            warnings.simplefilter("ignore")
            if used == "sobol":
                # SALib's Sobol seeds its bootstrap only `if seed:`, so seed 0 drew from
                # NumPy's global generator and its intervals changed from call to call; a
                # Generator is always truthy, and default_rng(seed) gives the numbers the
                # integer seed gave for every other seed
                si = module.analyze(problem, values, calc_second_order=second_order,
                                    num_resamples=resamples, conf_level=CONF_LEVEL,
                                    seed=np.random.default_rng(seed))
                cols = {c: arr(si[c]) for c in ("S1", "S1_conf", "ST", "ST_conf")}
                return cols, "ST", _second_order(names, si) if second_order else None
            if used == "morris":
                si = module.analyze(problem, q, values, num_resamples=resamples,
                                    conf_level=CONF_LEVEL, num_levels=4, seed=seed)
                cols = {c: arr(si[c]) for c in ("mu_star", "mu_star_conf", "sigma", "mu")}
                return cols, "mu_star", None
            # SALib's delta bootstraps from NumPy's global generator and seeds it only for
            # a seed other than 0: seed it here, for every seed, and put it back after.
            # It takes a seed below 2**32 only; a larger one (up to 2**63 - 1) goes in as
            # its two 32-bit words, so smaller seeds keep the numbers they always gave
            state = np.random.get_state()
            np.random.seed(seed if seed < 2**32 else [seed & 0xFFFF_FFFF, seed >> 32])
            try:
                si = module.analyze(problem, q, values, num_resamples=resamples,
                                    conf_level=CONF_LEVEL, seed=None)
            finally:
                np.random.set_state(state)
            raw = "delta" if "delta" in si else "delta_raw"  # SALib 1.5 / 1.6 names
            cols = {"delta": arr(si[raw]), "delta_conf": arr(si[raw + "_conf"]),
                    "S1": arr(si["S1"]), "S1_conf": arr(si["S1_conf"])}
            missing = [n for n, v in zip(names, cols["delta"], strict=True) if np.isnan(v)]
            if missing:
                raise UsageError(f"delta has no value for {', '.join(missing)}: too few runs for "
                                 f"SALib's estimator ({len(values)}); give more samples")
            return cols, "delta", None
    finally:
        warnings.formatwarning = formatter


def _second_order(names: list[str], si: Any) -> pd.DataFrame:
    rows = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            rows.append({"a": names[i], "b": names[j], "S2": float(si["S2"][i, j]),
                         "S2_conf": float(si["S2_conf"][i, j])})
    return pd.DataFrame(rows, columns=["a", "b", "S2", "S2_conf"])


def dependent_sample(d: int, n: int, seed: int, names: list[str], sc: Scenario,
                      inside: list[tuple[str, str, float]]) -> NDArray[np.float64]:
    """``n`` points in [0, 1]^d: a Latin hypercube, mixed through a Gaussian copula with the
    scenario's rank correlations between the chosen numbers (as the engine samples them)."""
    from scipy.stats import qmc

    u = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(n)
    if not inside:
        return np.asarray(u)
    pairs = [c for c in sc.correlations if c.a in names and c.b in names]
    pearson = pearson_from_spearman(correlation_matrix(names, pairs))
    np.fill_diagonal(pearson, 1.0)
    vals, vecs = np.linalg.eigh(pearson)
    root = vecs * np.sqrt(np.maximum(vals, 0.0))
    z = ndtri(np.clip(u, 1e-12, 1 - 1e-12)) @ root.T
    return np.asarray(ndtr(z))
