"""Notes on a sensitivity run's options and indices: options its method does not use,
Sobol indices that a small sample leaves outside [0, 1] or that contradict each other, and
what the indices' intervals leave out.

A tornado moves each number to the two ends of its range: it draws no sample, so
``samples``, ``second_order`` and ``resamples`` (no bootstrap) do nothing; Morris and delta
have no second-order indices. A Sobol index is a share of the metric's variance, in [0, 1];
with few base samples the estimators (Saltelli, Jansen) can land outside, and the indices
rank nothing. `SOBOL_MIN_SAMPLES` is the smallest sample the docs (docs/sensitivity.md)
recommend.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["CONTRADICTION", "SOBOL_MIN_SAMPLES", "interval_note", "sobol_contradictions",
           "sobol_range_note", "unused_options_note"]

SOBOL_MIN_SAMPLES = 64
"""Sobol base samples below this get a note: the indices are too noisy to rank (the default
is 128)."""


def unused_options_note(method: str, *, samples: int | None, second_order: bool,
                        resamples: int, default_resamples: int) -> str | None:
    """A note naming the options given that ``method`` (the method used) ignores, or None.

    ``samples`` is None where not given; ``resamples`` counts as given where it is not
    ``default_resamples``.

    >>> unused_options_note("tornado", samples=64, second_order=True, resamples=7,
    ...                     default_resamples=100)[:60]
    'tornado does not use samples (--samples), second_order (--se'
    """
    unused = []
    if method == "tornado":
        if samples is not None:
            unused.append("samples (--samples)")
        if second_order:
            unused.append("second_order (--second-order)")
        if resamples != default_resamples:
            unused.append("resamples (--resamples)")
        why = "it moves each number to the two ends of its range: no sample, no bootstrap"
    else:
        if second_order and method != "sobol":
            unused.append("second_order (--second-order)")
        why = "only sobol has second-order indices"
    if not unused:
        return None
    return f"{method} does not use {', '.join(unused)}: {why}"


def sobol_range_note(samples: int, columns: Mapping[str, ArrayLike],
                     names: list[str]) -> str | None:
    """A note when Sobol's indices are not to be trusted, or None: the sample is below
    `SOBOL_MIN_SAMPLES`, or an index (``S1``, ``ST``) is outside [0, 1] by more than its 95%
    confidence half-width (``S1_conf``, ``ST_conf``; a NaN half-width counts as 0).

    >>> sobol_range_note(8, {"S1": [1.523], "S1_conf": [0.2], "ST": [0.9], "ST_conf": [0.1]},
    ...                  ["a"])[:40]
    'S1 of a is 1.523, outside [0, 1] beyond '
    """
    outside = []
    for index in ("S1", "ST"):
        if index not in columns:
            continue
        values = np.asarray(columns[index], dtype=np.float64)
        conf = np.nan_to_num(np.asarray(columns.get(index + "_conf", np.zeros_like(values)),
                                        dtype=np.float64))
        for name, v, c in zip(names, values, conf, strict=True):
            if np.isfinite(v) and (v - abs(c) > 1.0 or v + abs(c) < 0.0):
                outside.append(f"{index} of {name} is {v:.3f}")
    if not outside and samples >= SOBOL_MIN_SAMPLES:
        return None
    head = (f"{outside[0]}, outside [0, 1] beyond its 95% interval"
            + (f" ({len(outside) - 1} more)" if len(outside) > 1 else "") + "; " if outside
            else "")
    return (f"{head}{samples} base samples are too few for Sobol indices to rank anything "
            f"(use at least {SOBOL_MIN_SAMPLES}; the default is 128)" if samples <
            SOBOL_MIN_SAMPLES else f"{head}the sample is too small for these indices: use more "
            "samples (--samples)")


CONTRADICTION = "Sobol indices that cannot both hold"
"""The lead of `sobol_contradictions`' notes, which `sensitivity` also warns
(`ChipcreditWarning`): the command line prints them once, as warnings."""


def sobol_contradictions(columns: Mapping[str, ArrayLike], names: list[str]) -> list[str]:
    """Notes where Sobol's estimates contradict what indices are, beyond their intervals.

    A parameter's first-order index ``S1`` (its effect alone) cannot exceed its total index
    ``ST`` (its effect with every interaction), and the first-order indices, shares of one
    variance, cannot sum to more than 1. An estimate that does, beyond its 95% intervals, is
    Monte Carlo noise of the estimators (or of the metric, which every run measures on a
    finite number of paths), and the ranking beside it is not to be read.

    Parameters
    ----------
    columns : mapping
        SALib's ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, one value per parameter (a NaN
        half-width counts as 0).
    names : list of str
        The parameters, in the columns' order.

    Returns
    -------
    list of str
        One note per parameter whose ``S1 - ST`` exceeds ``S1_conf + ST_conf``, and one
        where ``sum S1 - 1`` exceeds the root-sum-square of the ``S1_conf`` (the interval
        of a sum of estimates whose errors are taken as independent); empty if none.

    >>> sobol_contradictions({"S1": [0.62, 0.5], "S1_conf": [0.05, 0.04],
    ...                       "ST": [0.48, 0.52], "ST_conf": [0.04, 0.05]}, ["a", "b"])[0][:70]
    'Sobol indices that cannot both hold: S1 of a is 0.620 and its ST 0.480'
    """
    if "S1" not in columns or "ST" not in columns:
        return []
    s1 = np.asarray(columns["S1"], dtype=np.float64)
    st = np.asarray(columns["ST"], dtype=np.float64)
    c1 = np.abs(np.nan_to_num(np.asarray(columns.get("S1_conf", np.zeros_like(s1)), dtype=np.float64)))
    ct = np.abs(np.nan_to_num(np.asarray(columns.get("ST_conf", np.zeros_like(st)), dtype=np.float64)))
    notes = []
    for name, a, b, ca, cb in zip(names, s1, st, c1, ct, strict=True):
        if np.isfinite(a) and np.isfinite(b) and a - b > ca + cb:
            notes.append(f"{CONTRADICTION}: S1 of {name} is {a:.3f} and its ST {b:.3f}, "
                         f"beyond their 95% intervals (±{ca:.3f}, ±{cb:.3f}), but an effect "
                         "alone cannot exceed the effect with every interaction: these indices "
                         "are noise at this sample size; use more --samples and more --paths")
    finite = np.isfinite(s1)
    total, half = float(s1[finite].sum()), float(np.sqrt(np.sum(c1[finite] ** 2)))
    if total - 1.0 > half:
        notes.append(f"{CONTRADICTION}: the first-order indices sum to {total:.3f}, above 1 "
                     f"beyond their 95% interval (±{half:.3f}, the root-sum-square of each "
                     "S1's), but shares of one variance cannot add up to more than all of it: "
                     "these indices are noise at this sample size; use more --samples and "
                     "more --paths")
    return notes


def interval_note(method: str, paths: int, seed: int) -> str:
    """The note every sampled method's run carries: what its 95% intervals leave out.

    The intervals (``*_conf``) are a bootstrap over the method's own sample of parameter
    points; every run measures the metric on the same ``paths`` paths of one ``seed``, so
    the noise of the metric itself, which a run on another seed would show, is in none of
    them, and the indices and their ranking can change with the seed.

    >>> interval_note("sobol", 200, 0)[:54]
    'the 95% intervals are sobol sampling only (a bootstrap'
    """
    return (f"the 95% intervals are {method} sampling only (a bootstrap over its sample of "
            f"parameter points), not the Monte Carlo noise of the metric, which every run "
            f"measures on the same {paths:,} path{'s' if paths != 1 else ''} of seed {seed}: "
            f"rerun with another --seed to see that noise (the indices and their ranking can "
            f"change with it), or use more --paths")
