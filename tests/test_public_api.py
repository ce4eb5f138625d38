"""The public API: `chipcredit.__all__` is complete and exact, and the core imports none of
the optional extras (plotting, the web app, DuckDB, Dask, SALib)."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import chipcredit as cc

EXTRAS = ("plotly", "streamlit", "duckdb", "dask", "SALib", "matplotlib")


def test_every_name_in_all_exists() -> None:
    assert len(cc.__all__) == len(set(cc.__all__))
    for name in cc.__all__:
        assert hasattr(cc, name), name


def test_every_public_function_and_class_is_in_all() -> None:
    for name, value in vars(cc).items():
        if name.startswith("_"):
            continue
        if inspect.isfunction(value) or inspect.isclass(value):
            module = getattr(value, "__module__", "") or ""
            if module.split(".")[0] == "chipcredit":
                assert name in cc.__all__, f"{name} ({module}) is public but not in __all__"


def test_the_api_a_user_needs_is_public() -> None:
    for name in ("load_scenario", "simulate", "Result", "Scenario", "ChipcreditError",
                 "ChipcreditWarning", "ScenarioError", "UsageError", "bundled_names"):
        assert name in cc.__all__
    assert issubclass(cc.ScenarioError, cc.ChipcreditError)
    assert issubclass(cc.UsageError, cc.ChipcreditError)
    assert issubclass(cc.ChipcreditWarning, UserWarning)
    assert isinstance(cc.__version__, str) and cc.__version__


def test_core_does_not_import_optional_extras() -> None:
    code = textwrap.dedent(f"""
        import sys, warnings
        warnings.simplefilter("ignore")
        import chipcredit as cc
        res = cc.simulate("seed-2025", paths=50, seed=1)
        res.summary(); res.to_json(); res.flows(); res.bands("xai", "revenue")
        res.cashflows("colossus2-spv", path=3)
        loaded = sorted(m for m in {EXTRAS!r}
                        if any(k == m or k.startswith(m + ".") for k in sys.modules))
        print("LOADED:" + ",".join(loaded))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    (line,) = [x for x in out.stdout.splitlines() if x.startswith("LOADED:")]
    assert line == "LOADED:", f"the core imported optional extras: {line}"
