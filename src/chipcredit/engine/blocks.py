"""Per-block partial results of a run and their exact merge (docs/design.md sections 10 and 11).

A *partial* is what a run of whole stream blocks ``[first, last)`` produces: the per-path
scalar outcomes of its paths, and per-block sums. A `Merger` takes partials in any order
(in-process chunk after chunk, or Dask tasks as they finish) and places every piece by its
block index; totals are added up in block order only at the end. So the merged result is
the same to the bit whatever the chunk size, the task size, the number of workers or the
order in which tasks finish.

What a run keeps, and why it merges exactly:

- **means**: per block, the sum of an outcome's finite values (float64) and their count;
  the mean is the block sums added in block order over the total count;
- **quantiles**: the per-path outcomes themselves, as float32 (4 bytes per path and outcome;
  the base case, one path, keeps float64), placed at their path index;
- **quarterly bands**: a reservoir of fixed size, the paths with index below
  `BAND_RESERVOIR`: chosen by index, so the choice does not depend on the seed or on how
  blocks are scheduled (paths are independent and identically drawn, so the first paths are
  a random sample of all of them);
- **series and flow totals**: per-block sums per quarter, added in block order.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .columns import ColumnStore, PackedColumns
from .ledger import Checks
from .row_sums import sum_rows
from .streams import STREAM_BLOCK
from .transpose_kernel import place_transposed

__all__ = ["BAND_RESERVOIR", "CHECKS", "Merger", "Partial", "RawRun"]

BAND_RESERVOIR = 20_000
"""Quarterly bands come from the paths with index below this (docs/design.md section 8).

A quantile estimated from n = 20,000 paths has a standard error, in probability terms, of
sqrt(p (1 - p) / n): 0.15 percentage points at p05 and p95, 0.35 at the median. So the
p05 band is the 4.7th to 5.3th percentile of all paths with about 95% confidence. Means
are exact over all paths (from per-block sums), not from the reservoir. The reservoir
holds float32 quarterly series: 4 bytes × quarters × recorded variables per kept path
(about 58 MB for seed-2025), and stops growing at this many paths."""

CHECKS = ("sum_to_zero", "reconcile", "negative_cash", "claims", "provenance")
"""The ledger-invariant maxima a run reports (`Checks` fields)."""

Key2 = tuple[str, str]
Key3 = tuple[str, str, str]


@dataclass
class RawRun:
    """What the engine hands to analytics.

    Attributes
    ----------
    outcomes : ``{column: (paths,)}`` per-path scalar outcomes from the reducer, float32
        (float64 for the deterministic base case)
    means : ``{column: mean}`` exact mean of each outcome's finite values over all paths
        (float64 per-block sums; NaN where no path has a finite value)
    reservoir : ``{(party, variable): (min(paths, BAND_RESERVOIR), quarters)}`` float32
    series_sums : ``{(party, variable): (quarters,)}`` exact sums over all paths
    flow_sums, flow_sumsq : ``{(from, to, kind): (quarters,)}`` sums over paths of each
        quarter's flow and of its square ($B, $B^2)
    checks : largest ledger-invariant violations seen
    self_funded_sums : ``{(from, to, kind): (quarters,)}`` sums over paths of the part of
        each flow into a vendor that is its own money coming back (money provenance)
    flow_reservoir : ``{(from, to, kind): (quarters, kept)}`` float32 flows of the first
        paths (``engine.sim.FLOW_RESERVOIR``), for the flows matrix's percentiles
    """

    paths: int
    outcomes: dict[str, NDArray[Any]]
    reservoir: dict[Key2, NDArray[np.float32]]
    series_sums: dict[Key2, NDArray[np.float64]]
    flow_sums: dict[Key3, NDArray[np.float64]]
    flow_sumsq: dict[Key3, NDArray[np.float64]]
    checks: Checks = field(default_factory=Checks)
    means: dict[str, float] = field(default_factory=dict)
    self_funded_sums: dict[Key3, NDArray[np.float64]] = field(default_factory=dict)
    flow_reservoir: dict[Key3, NDArray[np.float32]] = field(default_factory=dict)


@dataclass
class Partial:
    """The results of stream blocks ``[first, last)`` (paths ``offset`` to ``offset + n``).

    Attributes
    ----------
    outcomes : ``{column: (n,)}`` per-path outcomes (float32, float64 when deterministic)
    outcome_sums : ``{column: (blocks,)}`` float64 sum of the finite values per block
    outcome_counts : ``{column: (blocks,)}`` int64 number of finite values per block
    reservoir : ``{(party, variable): (kept, quarters)}`` float32, the paths of this range
        below `BAND_RESERVOIR` (``kept`` may be 0)
    series_sums : ``{(party, variable): (blocks, quarters)}`` per-block sums
    flow_sums, flow_sumsq : ``{(from, to, kind): (blocks, quarters)}`` per-block sums
    checks : largest ledger-invariant violations in these blocks
    self_funded_sums : ``{(from, to, kind): (blocks, quarters)}`` per-block sums (provenance)
    flow_reservoir : ``{(from, to, kind): (quarters, kept)}`` the first paths' flows (only in
        the partial that holds path 0)
    packed : the outcomes packed for sending (`packed_for_sending`), ``outcomes`` then empty
    """

    first: int
    last: int
    offset: int
    n: int
    outcomes: dict[str, NDArray[Any]]
    outcome_sums: dict[str, NDArray[np.float64]]
    outcome_counts: dict[str, NDArray[np.int64]]
    reservoir: dict[Key2, NDArray[np.float32]]
    series_sums: dict[Key2, NDArray[np.float64]]
    flow_sums: dict[Key3, NDArray[np.float64]]
    flow_sumsq: dict[Key3, NDArray[np.float64]]
    checks: Checks
    self_funded_sums: dict[Key3, NDArray[np.float64]] = field(default_factory=dict)
    flow_reservoir: dict[Key3, NDArray[np.float32]] = field(default_factory=dict)
    packed: PackedColumns | None = None

    def columns(self) -> dict[str, NDArray[Any]]:
        """The per-path outcomes ``{column: (n,)}``, unpacked if they were packed."""
        return self.outcomes if self.packed is None else self.packed.unpack()

    def packed_for_sending(self) -> Partial:
        """This partial with its outcomes packed (constants once, repeats by name)."""
        return dataclasses.replace(self, outcomes={}, packed=PackedColumns.pack(self.outcomes))

    @staticmethod
    def join(parts: list[Partial]) -> Partial:
        """Consecutive partials as one (the blocks of a Dask task's chunks)."""
        if any(p.packed is not None for p in parts):
            raise ValueError("join partials before packing them")
        if len(parts) == 1:
            return parts[0]
        parts = sorted(parts, key=lambda p: p.first)
        for a, b in itertools.pairwise(parts):
            if a.last != b.first:
                raise ValueError(f"partials are not consecutive: blocks {a.last} and {b.first}")

        def cat(name: str) -> dict[Any, Any]:
            keys: dict[Any, None] = {}
            for p in parts:
                for k in getattr(p, name):
                    keys.setdefault(k, None)
            out = {}
            for k in keys:
                pieces = [getattr(p, name)[k] for p in parts if k in getattr(p, name)]
                if name == "flow_reservoir":  # one partial holds path 0's
                    out[k] = pieces[0]
                elif name in ("outcomes", "reservoir") or len(pieces) == len(parts):
                    out[k] = np.concatenate(pieces)
                else:  # a flow key some chunks never registered: zero there
                    rows = []
                    for p in parts:
                        got = getattr(p, name).get(k)
                        rows.append(got if got is not None else np.zeros(
                            (p.last - p.first, *pieces[0].shape[1:]), dtype=pieces[0].dtype))
                    out[k] = np.concatenate(rows)
            return out

        checks = Checks()
        for name in CHECKS:
            setattr(checks, name, max(getattr(p.checks, name) for p in parts))
        return Partial(
            first=parts[0].first, last=parts[-1].last, offset=parts[0].offset,
            n=sum(p.n for p in parts), outcomes=cat("outcomes"), outcome_sums=cat("outcome_sums"),
            outcome_counts=cat("outcome_counts"), reservoir=cat("reservoir"),
            series_sums=cat("series_sums"), flow_sums=cat("flow_sums"), flow_sumsq=cat("flow_sumsq"),
            checks=checks, self_funded_sums=cat("self_funded_sums"),
            flow_reservoir=cat("flow_reservoir"))


Sink = Callable[[dict[str, NDArray[Any]], int, int], None]
"""Called with the merged outcome columns and a new contiguous path range [lo, hi)."""


class Merger:
    """Partials in, one `RawRun` out; partials may arrive in any order.

    Parameters
    ----------
    paths : paths of the run
    quarters : horizon of the run
    dtype : per-path outcome dtype (float32; float64 for the deterministic base case)
    sink : called, in path order, each time a longer prefix of paths is complete (used to
        write ``--paths-out`` block by block)
    """

    def __init__(self, paths: int, quarters: int, dtype: type[np.floating] = np.float32,
                 sink: Sink | None = None) -> None:
        self.paths = paths
        self.quarters = quarters
        self.n_blocks = -(-paths // STREAM_BLOCK)
        self.dtype = dtype
        self.sink = sink
        self.done = np.zeros(self.n_blocks, dtype=bool)
        self.store = ColumnStore(paths, dtype)
        self.sums: dict[str, NDArray[np.float64]] = {}
        self.counts: dict[str, NDArray[np.int64]] = {}
        self.reservoir: dict[Key2, NDArray[np.float32]] = {}
        self.series: dict[Key2, NDArray[np.float64]] = {}
        self.flows: dict[Key3, NDArray[np.float64]] = {}
        self.flows_sq: dict[Key3, NDArray[np.float64]] = {}
        self.self_funded: dict[Key3, NDArray[np.float64]] = {}
        self.flow_reservoir: dict[Key3, NDArray[np.float32]] = {}
        self.checks = Checks()
        self._seen: dict[object, tuple[int, int]] = {}  # key -> (first block, position)
        self._prefix = 0  # blocks [0, _prefix) are merged

    def _note(self, kind: str, keys: Iterable[Any], first: int) -> None:
        for i, k in enumerate(keys):
            self._seen.setdefault((kind, k), (first, i))

    def _ordered(self, kind: str, table: dict[Any, Any]) -> dict[Any, Any]:
        """Keys in order of the first block that has them, then their order there: the
        in-process order, whatever order the partials came in."""
        return dict(sorted(table.items(), key=lambda kv: self._seen[(kind, kv[0])]))

    def add(self, part: Partial) -> None:
        """Place one partial's pieces by block and path index."""
        b0, b1 = part.first, part.last
        if self.done[b0:b1].any():
            raise ValueError(f"blocks {b0} to {b1 - 1} were merged twice")
        lo = part.offset
        outcomes = part.columns()
        self._note("o", outcomes, b0)
        self.store.put(outcomes, b0, b1)
        for name in outcomes:
            if name not in self.sums:
                self.sums[name] = np.zeros(self.n_blocks)
                self.counts[name] = np.zeros(self.n_blocks, dtype=np.int64)
            self.sums[name][b0:b1] = part.outcome_sums[name]
            self.counts[name][b0:b1] = part.outcome_counts[name]
        kept = min(self.paths, BAND_RESERVOIR)
        self._note("r", part.reservoir, b0)
        for key, rows in part.reservoir.items():
            if rows.shape[0] == 0:
                continue
            band = self.reservoir.get(key)
            if band is None:
                band = self.reservoir[key] = np.zeros((kept, rows.shape[1]), dtype=np.float32)
            by_quarter = rows.T  # a chunk's rows are a view of quarter-major records
            if (type(rows) is np.ndarray and rows.dtype == np.float32
                    and by_quarter.flags.c_contiguous and by_quarter.flags.writeable
                    and lo + rows.shape[0] <= kept):
                place_transposed(by_quarter, band, lo)
            else:  # another layout (or a read-only array) would compile the kernel again
                band[lo:lo + rows.shape[0]] = rows
        tables: tuple[tuple[str, dict[Any, NDArray[np.float64]], dict[Any, NDArray[np.float64]]], ...] = (
            ("s", part.series_sums, self.series), ("f", part.flow_sums, self.flows),
            ("q", part.flow_sumsq, self.flows_sq), ("p", part.self_funded_sums, self.self_funded))
        if part.offset == 0:
            self.flow_reservoir = dict(part.flow_reservoir)
        for kind, src, dst in tables:
            self._note(kind, src, b0)
            for key, per_block in src.items():
                table = dst.get(key)
                if table is None:
                    table = dst[key] = np.zeros((self.n_blocks, self.quarters))
                table[b0:b1] = per_block
        for name in CHECKS:
            setattr(self.checks, name, max(getattr(self.checks, name), getattr(part.checks, name)))
        self.done[b0:b1] = True
        if self.sink is not None:
            start = self._prefix
            while self._prefix < self.n_blocks and self.done[self._prefix]:
                self._prefix += 1
            if self._prefix > start:
                self.sink(self.store.columns, start * STREAM_BLOCK,
                          min(self._prefix * STREAM_BLOCK, self.paths))

    def result(self) -> RawRun:
        """The merged run; every block must have been added."""
        if not self.done.all():
            missing = np.flatnonzero(~self.done)
            raise ValueError(f"{missing.size} blocks were never merged (first {missing[0]})")
        means = {}
        for name in self.sums:
            count = int(self.counts[name].sum())
            means[name] = float(self.sums[name].sum() / count) if count else float("nan")
        # per-block rows added in block order: the same sum however blocks were grouped
        return RawRun(
            paths=self.paths,
            outcomes=self._ordered("o", self.store.finish()),
            reservoir=self._ordered("r", self.reservoir),
            series_sums={k: sum_rows(v) for k, v in self._ordered("s", self.series).items()},
            # a chunk registers a flow when any of its paths has it, in the order its quarters
            # met them, so the first-seen order depends on the chunking: sort by key instead
            flow_sums={k: sum_rows(self.flows[k]) for k in sorted(self.flows)},
            flow_sumsq={k: sum_rows(self.flows_sq[k]) for k in sorted(self.flows_sq)},
            checks=self.checks,
            means={k: means[k] for k in self._ordered("o", self.sums)},
            self_funded_sums={k: sum_rows(self.self_funded[k]) for k in sorted(self.self_funded)},
            flow_reservoir={k: self.flow_reservoir[k] for k in sorted(self.flow_reservoir)},
        )
