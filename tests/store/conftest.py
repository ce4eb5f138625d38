"""Shared results for the run-store tests (simulated once per session)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import chipcredit as cc


def _simulate(paths: int, seed: int, deterministic: bool = False) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=paths, seed=seed, deterministic=deterministic)


@pytest.fixture(scope="session")
def small_result() -> cc.Result:
    return _simulate(400, 3)


@pytest.fixture(scope="session")
def other_result() -> cc.Result:
    return _simulate(300, 4)


@pytest.fixture(scope="session")
def base_case() -> cc.Result:
    return _simulate(1, 0, deterministic=True)


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "runs.duckdb"
