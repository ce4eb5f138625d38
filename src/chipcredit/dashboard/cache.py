"""Runs, sensitivities, charts and reports, computed once per (scenario text, paths, seed).

Streamlit re-executes the page on every click, so everything expensive is memoised here, in
this (imported, so long-lived) module, shared by every browser session of the server. The key
is the sha256 of the scenario's YAML text (the edited text when sliders moved), the path
count and the seed, plus what else the computation depends on; arguments whose names begin
with ``_`` are not part of it. Results are kept as objects, not pickled, in small
least-recently-used tables.

(Not ``st.cache_resource``: it replays the elements a cached function drew, and a run draws
into a progress bar made outside it, which it refuses.)
"""

from __future__ import annotations

import functools
import hashlib
import tempfile
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import chipcredit as cc

__all__ = ["CHUNK_BLOCKS", "Current", "Run", "chart", "report_html", "run", "scenario_key", "sensitivity"]

_KEEP = 12
"""Runs kept in memory (a 1,000-path run of seed-2025 is a few MB)."""

CHUNK_BLOCKS = 1
"""Stream blocks (4,096 paths each) simulated at once by a run: progress is reported after
each chunk, so with the library's default (2) a run of up to 8,192 paths reported only its
end."""

P = ParamSpec("P")
R = TypeVar("R")


def memo(max_entries: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep the last ``max_entries`` results of a function, keyed by its arguments whose
    names do not begin with ``_`` (keyword or positional). Two sessions asking at once may
    both compute; the results are the same (same seed, same numbers)."""

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        names = func.__code__.co_varnames[:func.__code__.co_argcount]
        table: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(func)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = {**dict(zip(names, args, strict=False)), **kwargs}
            key = tuple((k, v) for k, v in bound.items() if not k.startswith("_"))
            with lock:
                if key in table:
                    table.move_to_end(key)
                    return table[key]
            value = func(*args, **kwargs)
            with lock:
                table[key] = value
                while len(table) > max_entries:
                    table.popitem(last=False)
            return value

        return cached

    return wrap


@dataclass(frozen=True)
class Run:
    """One run with the warnings it gave (texts), for the page to show."""

    result: cc.Result
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Current:
    """The run on show: its cache key (scenario text sha256, paths, seed), the label of its
    source (a bundled name or the upload's shown name) and the run itself."""

    key: str
    paths: int
    seed: int
    label: str
    run: Run

    @property
    def result(self) -> cc.Result:
        return self.run.result

    @property
    def run_key(self) -> str:
        """The whole cache key of the run: scenario sha256, paths and seed."""
        return f"{self.key}:{self.paths}:{self.seed}"


def scenario_key(scenario: cc.Scenario) -> str:
    """sha256 of the scenario's YAML text: the part of the cache key that names it."""
    return hashlib.sha256(scenario.source_text.encode("utf-8")).hexdigest()


@memo(_KEEP)
def run(key: str, _scenario: cc.Scenario, paths: int, seed: int,
        _progress: Callable[[int], None] | None = None) -> Run:
    """`chipcredit.simulate` of the scenario named by ``key`` (its `scenario_key`).

    Simulated one stream block (`CHUNK_BLOCKS`) at a time, so the progress bar moves for a
    run of two blocks or more; the numbers are those of any other chunking (docs/design.md
    section 10: every block draws from its own stream)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        result = cc.simulate(_scenario, paths=paths, seed=seed, progress=_progress,
                             chunk_blocks=CHUNK_BLOCKS)
    notes = tuple(str(w.message) for w in caught if issubclass(w.category, cc.ChipcreditWarning))
    return Run(result, notes)


@memo(_KEEP)
def sensitivity(key: str, _scenario: cc.Scenario, metric: str, params: tuple[str, ...],
                paths: int, seed: int,
                _progress: Callable[[int, int], None] | None = None) -> Any:
    """A tornado (`chipcredit.sensitivity`) of ``metric`` over ``params``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # shown for the run already
        return cc.sensitivity(_scenario, metric, list(params), method="tornado", paths=paths,
                              seed=seed, progress=_progress)


@memo(4)
def report_html(key: str, paths: int, seed: int, lang: str, _result: cc.Result) -> bytes:
    """The self-contained HTML report of a run, as bytes.

    The report writer takes a path, so it writes into a private temporary folder under a
    fixed name (never a name from the browser) and the bytes are read back.
    """
    from chipcredit.report import write_report

    with tempfile.TemporaryDirectory(prefix="chipcredit-report-") as folder:
        target = Path(folder) / "report.html"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cc.ChipcreditWarning)
            write_report(_result, target, lang=lang)
        return target.read_bytes()


@memo(64)
def chart(name: str, run_key: str, lang: str, args: tuple[Any, ...],
          _draw: Callable[[], Any]) -> Any:
    """A figure of the run ``run_key`` drawn once per (chart name, language, arguments):
    the Sankey takes most of a second to build, and the page redraws on every click."""
    return _draw()
