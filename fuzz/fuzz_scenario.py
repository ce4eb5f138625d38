"""Atheris (libFuzzer) target: load, validate and simulate (2 paths) arbitrary bytes.

The promise under test: whatever the bytes, chipcredit either accepts them as a scenario
and simulates it, or raises `ScenarioError`; no other exception escapes, nothing hangs
(libFuzzer's ``-timeout`` flags a slow input), and memory stays bounded (``-rss_limit_mb``).

    python fuzz/fuzz_scenario.py -max_total_time=3600 fuzz/work tests/bad_inputs fuzz/seeds \\
        src/chipcredit/scenarios
    make fuzz            # one hour (FUZZ_TIME=seconds to change it)
    pytest tests/test_fuzz.py   # the bounded run CI makes (FUZZ_SECONDS, default 15)

The seed corpus is every file of tests/bad_inputs, fuzz/seeds (a small valid scenario) and
the bundled scenarios, so mutations start next to the loader's interesting edges. A crash
is written by libFuzzer as ``crash-<sha1>`` (``-artifact_prefix``); once it is fixed, copy
it into tests/bad_inputs as ``fuzz-<what>.yaml`` with its ``.expected`` line (see
tests/test_bad_inputs.py).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import warnings
from pathlib import Path

import atheris


def _kernel_modules() -> list[str]:
    """Dotted names of chipcredit's kernel modules (``*_kernel.py``, see chipcredit.jit),
    found without importing chipcredit, which must be imported instrumented."""
    spec = importlib.util.find_spec("chipcredit")
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    return sorted("chipcredit." + ".".join(p.relative_to(root).with_suffix("").parts)
                  for p in root.rglob("*_kernel.py") if "__pycache__" not in p.parts)


# numba compiles the kernels' bytecode, which must stay as written: atheris's branch
# tracing inside it would make them uncompilable
with atheris.instrument_imports(include=["chipcredit", "yaml"], exclude=_kernel_modules()):
    import chipcredit as cc
    from chipcredit.scenario.loader import parse_scenario_text

RUNS = {"inputs": 0, "valid": 0}
BASE = (Path(__file__).parent / "seeds" / "base.yaml").read_text(encoding="utf-8")
_NUMBER = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.Q])")
_SPOTS = [m.span() for m in _NUMBER.finditer(BASE)]
"""Where the numbers of the base scenario are (quarters like 2026Q2 excluded)."""


def _numbers_changed(data: bytes) -> str:
    """The base scenario with one to six of its numbers replaced by values drawn from
    ``data``: most such scenarios are valid, so the engine is fuzzed, not only the loader."""
    fdp = atheris.FuzzedDataProvider(data)
    text = BASE
    spots = sorted({fdp.ConsumeIntInRange(0, len(_SPOTS) - 1)
                    for _ in range(fdp.ConsumeIntInRange(1, 6))}, reverse=True)
    for k in spots:
        start, end = _SPOTS[k]
        kind = fdp.ConsumeIntInRange(0, 3)
        value = (fdp.ConsumeRegularFloat() if kind == 0 else
                 fdp.ConsumeFloatInRange(-2.0, 2.0) if kind == 1 else
                 fdp.ConsumeFloatInRange(0.0, 100.0) if kind == 2 else
                 fdp.ConsumeIntInRange(-5, 500))
        text = text[:start] + repr(value) + text[end:]
    return text


def one_input(data: bytes) -> None:
    """Load + validate + simulate 2 paths; only ScenarioError may escape (and is caught)."""
    RUNS["inputs"] += 1
    if RUNS["inputs"] % 20 == 0:
        _report()
    # the first byte picks the mode: raw bytes (the loader's edges) or numbers changed in a
    # valid scenario (the engine's); libFuzzer learns both
    source: bytes | str = data
    if data[:1] == b"#" and len(data) > 1:
        source = _numbers_changed(data[1:])
    try:
        sc = parse_scenario_text(source, "fuzz.yaml")
    except cc.ScenarioError as exc:
        # each problem's line names the file; a closing note (checks across fields run once
        # these are fixed) may follow them
        lines = [str(problem) for problem in exc.problems]
        if not lines or any(not line.startswith("fuzz.yaml") for line in lines):
            raise AssertionError(f"a ScenarioError line does not name the file: {exc!s}") \
                from None
        return
    RUNS["valid"] += 1
    if sc.horizon_quarters > 40:  # a long horizon is valid, but slow to simulate per input
        try:  # a copy is checked again, as any input (Scenario.model_copy)
            sc = sc.model_copy(update={"horizon_quarters": 40})
        except cc.ScenarioError:
            return  # shortening moved a deal start outside the horizon
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        try:
            cc.simulate(sc, paths=2, seed=0)
        except cc.ScenarioError:
            return


def _report() -> None:
    # libFuzzer ends the process without running atexit hooks, so the counts (which its own
    # "Done N runs" line lacks) are written to $CHIPCREDIT_FUZZ_STATS as the run goes
    stats = os.environ.get("CHIPCREDIT_FUZZ_STATS")
    if stats:
        with open(stats, "w") as fh:
            fh.write(f"{RUNS['inputs']} {RUNS['valid']}\n")


def main(argv: list[str]) -> None:
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
