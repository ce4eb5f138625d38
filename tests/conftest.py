"""Shared test settings: Hypothesis profiles (CI's bounded one, and `long`), Ctrl-C as
Python's own, and a run store per test."""

import os
import signal

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile(
    "long", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=2000
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A shell starts a background job (`cmd &` in a script) with SIGINT ignored, and Python then
# keeps it ignored: no KeyboardInterrupt, in this process or in the CLI processes the tests
# start, so every Ctrl-C test would fail when the suite runs in the background. The tests
# of Ctrl-C need Python's own handling; a handler (unlike "ignored") is reset to the default
# in a child at exec, so the children get theirs too.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# pytest-xdist's workers run with COLUMNS=80 and LINES=24 set (execnet's), which the CLI
# honours as the user's width; the tests of output into a file or a pipe expect none, as a
# plain `pytest` run has. A test that wants a width sets COLUMNS itself.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)


# --- the run store: never the repository's ./chipcredit.duckdb ---------------------------

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _run_store_in_tmp(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test records runs into a store of its own, so tests leave no chipcredit.duckdb
    in the repository (a test that wants a particular store sets CHIPCREDIT_STORE itself)."""
    folder = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("CHIPCREDIT_STORE", str(folder / "chipcredit.duckdb"))
