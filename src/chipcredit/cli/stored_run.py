"""A run read back from the run store for ``chipcredit runs``: its stored values as text,
its header line, the scenario it ran, each variant's paths, its parties in the order
``chipcredit run`` printed them, and its financed (deal, party) pairs. ``runs.py`` renders
``runs list``, ``show`` and ``diff`` from these."""

from __future__ import annotations

import json
import math
import warnings
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

import chipcredit as cc
from chipcredit import store
from chipcredit.analytics.stats import share_se
from chipcredit.report.multiples import financed_parties
from chipcredit.store.provenance import scenario_label

from .formats import DASH, finite, paths_count
from .party_table import can_default

__all__ = ["_clean", "_deal_sides", "_header", "_int", "_parties", "_scenario", "_seed",
           "_stored_paths", "_summary", "_text", "_variant_paths", "_vendor_field", "_when",
           "_whole", "_with_se"]


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, pd.Timestamp) and not pd.isna(value):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return DASH


def _whole(value: Any) -> int | None:
    """A stored whole number as an int, exactly: a seed may be above 2**53, where a float
    would round it (9007199254740993 shown as ...992)."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    x = finite(value)
    return None if x is None else int(x)


def _int(value: Any) -> str:
    x = _whole(value)
    return DASH if x is None else f"{x:,}"


def _seed(value: Any) -> str:
    """A seed as digits, without separators, so that it can be pasted into ``--seed``."""
    x = _whole(value)
    return DASH if x is None else str(x)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return str(value)


def _header(run: dict[str, Any]) -> str:
    paths = ("deterministic base case (1 path)" if run["deterministic"]
             else paths_count(_whole(run["paths"])))
    return (f"run {run['id']} · {run['kind']} · {run['status']} · scenario {scenario_label(run)} · "
            f"sha256 {_text(run['scenario_sha256'])[:12]} · {paths} · seed {_seed(run['seed'])} · "
            f"started {_when(run['started'])} UTC · chipcredit {run['version']}"
            + (f" (code {run['code_sha256'][:12]})" if run.get("code_sha256") else ""))


def code_note(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    """One line where two runs rows were made by different code (their `code_sha256`
    fingerprints differ), or where one of them does not say; None where both name the
    same code: a diff's differences may then come from the code, not the inputs."""
    codes = [run.get("code_sha256") for run in (a, b)]
    if codes[0] and codes[1]:
        if codes[0] == codes[1]:
            return None
        return (f"runs {a['id']} and {b['id']} were made by different code (code "
                f"{codes[0][:12]} and {codes[1][:12]}): some differences may come from the "
                "code, not the inputs")
    unknown = [str(run["id"]) for run, code in zip((a, b), codes, strict=True) if not code]
    return (f"run {' and '.join(unknown)} {'names' if len(unknown) == 1 else 'name'} no code "
            "fingerprint (stored before schema 5): whether the two were made by the same "
            "code is not known")


def stored_warnings(run: dict[str, Any]) -> list[str]:
    """The warnings the run printed about its results (IRR without a value on some paths),
    as the store kept them (``runs.warnings``, a JSON list); none for a run stored before
    schema 6."""
    text = run.get("warnings")
    try:
        said = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        said = None
    return [str(w) for w in said] if isinstance(said, list) else []


def _stored_paths(runs: store.RunStore, run_id: int) -> dict[str, int]:
    """Each variant of the run to the number of paths whose outcomes the store holds."""
    frame = runs.sql(f"SELECT variant, max(paths) AS n FROM outcomes WHERE run = {int(run_id)} "
                     "GROUP BY variant")
    return {str(v): int(n) for v, n in zip(frame["variant"], frame["n"], strict=True)}


def _variant_paths(run: dict[str, Any], first: bool,
                   stored: int | None) -> tuple[bool, int | None, str]:
    """Whether a variant of the run is the deterministic base case, how many paths it ran
    (None where not known exactly), and that as text (``2,000 paths``).

    The runs row describes the first variant only (`RunStore.save`): another's paths are
    those its outcomes hold (``stored``), unless it holds as many as the row's stored count
    and the first variant ran more: the store's cap cut both, so it ran at least that many.
    A variant of one path is the base case where the first is (a run of base cases); beside
    a Monte Carlo first variant it may be a run of one path, which its title then says.
    """
    main, cap = _whole(run["paths"]), _whole(run["stored_paths"])
    if first:
        return bool(run["deterministic"]), main, paths_count(main)
    if stored is None:
        return False, None, paths_count(None)
    if main is not None and stored == cap and stored < main:
        return False, None, f"at least {paths_count(stored)}"
    return stored == 1 and bool(run["deterministic"]), stored, paths_count(stored)


def _scenario(run: dict[str, Any]) -> cc.Scenario | None:
    """The run's scenario from the YAML text stored with it; None if it no longer loads
    (a store written by a version whose scenario format was different)."""
    text = run.get("scenario_yaml")
    if not text:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cc.ChipcreditWarning)  # shown when it ran
            return cc.parse_scenario_text(str(text), file=f"run {run['id']}")
    except cc.ChipcreditError:
        return None


def _parties(rows: list[dict[str, Any]], scenario: cc.Scenario | None
             ) -> tuple[list[tuple[str, str]], set[str]]:
    """(party, kind) in the order 'chipcredit run' printed them (the scenario's), and the
    parties that can default. Without the scenario (or for a variant with other parties,
    such as B of a compare), the order of the metrics and the parties with a default
    probability that are labs or clouds."""
    found = list(dict.fromkeys((r["party"], r["party_kind"] or "?") for r in rows
                               if r["deal"] is None))
    if scenario is not None and {p for p, _ in found} == {p.id for p in scenario.parties}:
        return [(p.id, p.kind) for p in scenario.parties], can_default(scenario.parties)
    return found, {r["party"] for r in rows if r["deal"] is None
                   and r["metric"] == "default_probability"
                   and r["party_kind"] in ("lab", "cloud")}


def _clean(row: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): (None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v)
            for k, v in row.items()}


def _with_se(rows: list[dict[str, Any]], paths: int | None) -> list[dict[str, Any]]:
    """``rows`` (a stored run's summary rows) with ``se``, the Monte Carlo standard error
    of each mean that `Result.summary` gives, so that ``runs show`` writes the ± that
    ``chipcredit run`` wrote: the row's stored ``se`` where it has one (a run stored since
    schema 6; NULL for the deterministic base case). A row stored before schema 6 has none:
    its se is derived from what the store kept, a probability's sqrt(p(1-p)/paths)
    (`chipcredit.analytics.stats.share_se`), and a mean's ``sd`` (over its n finite values,
    n - the store's s.d. divides by n) times sqrt(n / (n - 1)) over sqrt(n), n from
    ``paths`` and the row's ``nan_share``; None there where ``paths`` is not known exactly
    or under two, or the row has no ``sd``."""
    out = []
    for row in rows:
        se = finite(row.get("se"))
        if se is None and paths is not None and paths >= 2:
            if str(row["metric"]).endswith("_probability"):
                se = share_se(row.get("mean"), paths)
            elif row.get("sd") is not None:
                n = round(paths * (1.0 - float(row.get("nan_share") or 0.0)))
                se = float(row["sd"]) / math.sqrt(n - 1) if n >= 2 else None
        out.append({**row, "se": se})
    return out


def _deal_sides(data: dict[str, Any]) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """A stored run's financed (deal, party) pairs (none where its scenario no longer loads,
    as `runs show`) and its deals' kinds, from `RunStore.get_run`'s ``data``."""
    scenario = _scenario(data["run"])
    metrics = data["metrics"]
    kinds = {str(d): str(k) for d, k in zip(metrics["deal"], metrics["deal_kind"], strict=True)
             if isinstance(d, str) and isinstance(k, str)}
    return (set() if scenario is None else financed_parties(scenario.deals)), kinds


def _summary(run: dict[str, Any]) -> dict[str, Any] | None:
    """The run's stored JSON summary (the first variant's); None without one."""
    text = run.get("summary_json")
    if not isinstance(text, str) or not text:
        return None
    summary = json.loads(text)
    return summary if isinstance(summary, dict) else None


def _vendor_field(run: dict[str, Any], field: str) -> dict[str, Any]:
    """Each vendor's ``vendors.VENDOR.<field>`` (``self_funded_by_year``,
    ``self_funded_by_buyer``) from the run's stored JSON summary, the first variant's; empty
    for a run stored before the summary had it, or without one."""
    vendors = (_summary(run) or {}).get("vendors") or {}
    return {vendor: entry.get(field) for vendor, entry in vendors.items()}
