"""Shared test settings: Hypothesis profiles (CI's bounded one, and `long`)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile(
    "long", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=2000
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# --- the run store: never the repository's ./chipcredit.duckdb ---------------------------

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _run_store_in_tmp(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test records runs into a store of its own, so tests leave no chipcredit.duckdb
    in the repository (a test that wants a particular store sets CHIPCREDIT_STORE itself)."""
    folder = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("CHIPCREDIT_STORE", str(folder / "chipcredit.duckdb"))
