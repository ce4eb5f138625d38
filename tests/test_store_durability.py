"""The run store survives SIGKILL, a full disk, a read-only file and a newer schema.

- Kills: a process simulates and records runs in a loop into one store and is killed with
  SIGKILL at a random moment (seeded), again and again. After every kill the store must open,
  every run the process reported as saved must be there, complete, with all its rows, and an
  interrupted run may only be an ``incomplete`` row with no data. CHIPCREDIT_KILLS sets the
  number of kills (4 here; 50 in make check-long).
- A full disk, simulated with RLIMIT_FSIZE in a subprocess: the save fails with a clear
  line, and the earlier run is intact.
- A store file without write permission is read normally and refused for writing, with a
  clear line (as root the check runs under setpriv without capabilities, since root ignores
  file permissions).
- A store with a newer schema version is refused by the CLI in one line.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit import store  # noqa: E402
from chipcredit.store import RunStore  # noqa: E402
from chipcredit.store.rows import prepare  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::chipcredit.ChipcreditWarning")  # IRR notes

KILLS = int(os.environ.get("CHIPCREDIT_KILLS", "4"))
GUARD = 120  # seconds: a generous guard against a hang, not a timing

# A zygote imports chipcredit once, then forks one writer per kill (a fresh interpreter per
# kill would spend seconds importing before each). Each writer simulates and records runs in
# a loop, appending "saved ID" to its own file after each commit.
ZYGOTE = textwrap.dedent("""
    import os, sys, warnings
    import chipcredit as cc
    from chipcredit.store import RunStore
    warnings.simplefilter("ignore", cc.ChipcreditWarning)
    scenario = cc.load_scenario(sys.argv[1])
    cc.simulate(scenario, paths=10, seed=0)  # warm up: the writers inherit what it loaded
    print("ready", flush=True)
    for line in sys.stdin:
        store_file, log_file = line.split()
        pid = os.fork()
        if pid == 0:
            with open(log_file, "w", buffering=1) as log:
                store = RunStore(store_file)
                for i in range(10_000):
                    result = cc.simulate(scenario, paths=100, seed=i)
                    log.write(f"saved {store.save(result)}\\n")
            os._exit(0)
        print(pid, flush=True)
        os.waitpid(pid, 0)
        print("reaped", flush=True)
""")

SMALL = """\
name: small
start: 2025Q4
horizon_quarters: 12
market:
  ai_demand: {volatility: 0.2, winter: {enter_per_year: 0.1, exit_per_year: 0.5}}
  hardware: {all_in_cost_per_unit: 50, residual_value_by_age: [1.0, 0.5], fire_sale_haircut: 0.3}
parties:
  - {id: nvidia, kind: vendor, content_per_unit: 35, gross_margin: 0.75}
  - id: xai
    kind: lab
    revenue: {run_rate: 2, growth: {from: 1.0, to: 0.3, half_life_years: 2}, volatility: 0.4}
    compute: {installed: 0.2, per_revenue: 0.1, training: 0.2,
              training_growth: {from: 0.5, to: 0.1, half_life_years: 3}}
    cash: 4
    procurement: {nvidia: 1.0}
    funding: {valuation_multiple: 20, success: {base: 0.5}}
  - {id: apollo, kind: lender}
deals:
  - {id: loan, kind: loan, lender: apollo, borrower: xai, amount: 2, rate: 0.1, term_years: 2}
"""
"""A small scenario: its runs take a fraction of a second to simulate and record."""

COUNTS = """
    SELECT r.id, r.status, r.seed,
        (SELECT count(*) FROM metrics m WHERE m.run = r.id) AS metrics,
        (SELECT count(*) FROM bands b WHERE b.run = r.id) AS bands,
        (SELECT count(*) FROM flows f WHERE f.run = r.id) AS flows,
        (SELECT count(*) FROM defaults d WHERE d.run = r.id) AS defaults,
        (SELECT count(*) FROM outcomes o WHERE o.run = r.id) AS outcomes,
        (SELECT coalesce(sum(len(o.per_path)), 0) FROM outcomes o WHERE o.run = r.id) AS vals
    FROM runs r ORDER BY r.id"""
DATA = ("metrics", "bands", "flows", "defaults", "outcomes", "vals")


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[str]]:
    scenario = tmp_path_factory.mktemp("zygote") / "small.yaml"
    scenario.write_text(SMALL)
    proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(scenario)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc
    proc.kill()
    proc.communicate(timeout=GUARD)


def _kill_once(zygote: subprocess.Popen[str], store_file: Path, log_file: Path,
               delay: float) -> list[int]:
    """Fork a writer, SIGKILL it ``delay`` s later; the ids it reported saved."""
    assert zygote.stdin is not None and zygote.stdout is not None
    zygote.stdin.write(f"{store_file} {log_file}\n")
    zygote.stdin.flush()
    pid = int(zygote.stdout.readline())
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    assert zygote.stdout.readline().strip() == "reaped"  # the writer is gone
    return [int(line.split()[1]) for line in log_file.read_text().splitlines()
            if line.startswith("saved")]


def _rows_of(seed: int, cache: dict[int, dict[str, int]]) -> dict[str, int]:
    """The rows a complete run of the writer's run ``seed`` has, computed apart."""
    if seed not in cache:
        rows = prepare(cc.simulate(cc.parse_scenario_text(SMALL), paths=100, seed=seed))
        counts = {name: len(frame) for name, frame in rows.frames.items()}
        counts["outcomes"] = len(rows.outcome_keys)
        counts["vals"] = len(rows.outcome_values)
        cache[seed] = counts
    return cache[seed]


def test_sigkill_at_random_moments_loses_no_completed_run(
        tmp_path: Path, zygote: subprocess.Popen[str]) -> None:
    store_file = tmp_path / "runs.duckdb"
    rng = random.Random(2026)
    saved: list[int] = []
    expected: dict[int, dict[str, int]] = {}
    for k in range(KILLS):
        saved += _kill_once(zygote, store_file, tmp_path / f"writer-{k}.log",
                            rng.uniform(0.5, 4.0))
        if not store_file.exists():  # killed before its first save created the store
            continue
        rows = RunStore(store_file, read_only=True, timeout=GUARD).sql(COUNTS).to_dict("records")
        status = {int(r["id"]): r["status"] for r in rows}
        assert all(status.get(run) == "complete" for run in saved), (saved, status)
        for row in rows:
            counts = {k: int(row[k]) for k in DATA}
            if row["status"] == "complete":  # every row of its result
                assert counts == _rows_of(int(row["seed"]), expected), row
            else:
                assert row["status"] == "incomplete" and set(counts.values()) == {0}, row
    assert saved, "no run completed before a kill: raise the delays"
    print(f"\n{KILLS} kills, {len(saved)} runs completed and kept, 0 stores lost")
    result = cc.simulate("seed-2025", paths=50, seed=1)
    run_id = RunStore(store_file).save(result)
    assert RunStore(store_file).list_runs()["id"].tolist()[-1] == run_id


_FULL_DISK = textwrap.dedent("""
    import os, resource, signal, sys, warnings
    import chipcredit as cc
    from chipcredit.store import RunStore
    warnings.simplefilter("ignore", cc.ChipcreditWarning)
    store = RunStore(sys.argv[1])
    first = store.save(cc.simulate("seed-2025", paths=20, seed=1))
    big = cc.simulate("seed-2025", paths=400, seed=2)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    limit = 64 * 1024  # per file: the write-ahead log cannot grow past it
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        store.save(big)
    except cc.UsageError as exc:
        print(first)
        sys.exit(str(exc))
    sys.exit("the save did not fail")
""")


def test_a_full_disk_fails_the_save_clearly_and_keeps_earlier_runs(tmp_path: Path) -> None:
    store_file = tmp_path / "runs.duckdb"
    proc = subprocess.run([sys.executable, "-c", _FULL_DISK, str(store_file)],
                          capture_output=True, text=True, timeout=GUARD)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"cannot write to the run store {store_file}: the disk is full, or the file reached a "
        "size limit (File too large); this run was not stored and earlier runs are intact")
    first = int(proc.stdout)
    runs = RunStore(store_file).list_runs()
    assert runs.loc[runs["id"] == first, "status"].tolist() == ["complete"]
    assert set(runs["status"]) <= {"complete", "incomplete"}
    assert len(RunStore(store_file).get_run(first)["metrics"]) > 0
    # the store takes runs again once there is room
    again = RunStore(store_file).save(cc.simulate("seed-2025", paths=20, seed=3))
    assert RunStore(store_file).list_runs()["status"].tolist()[-1] == "complete" and again


_READ_ONLY = textwrap.dedent("""
    import sys, warnings
    import chipcredit as cc
    from chipcredit.store import RunStore
    warnings.simplefilter("ignore", cc.ChipcreditWarning)
    store = RunStore(sys.argv[1])
    print(len(store.list_runs()))
    try:
        store.save(cc.simulate("seed-2025", paths=10, seed=1))
    except cc.UsageError as exc:
        sys.exit(str(exc))
    sys.exit("the save did not fail")
""")


def _without_privileges() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root ignores file permissions")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all"]


def test_a_read_only_store_is_read_and_refused_for_writing(tmp_path: Path) -> None:
    store_file = tmp_path / "runs.duckdb"
    RunStore(store_file).save(cc.simulate("seed-2025", paths=20, seed=1))
    before = store_file.read_bytes()
    store_file.chmod(0o444)
    try:
        proc = subprocess.run([*_without_privileges(), sys.executable, "-c", _READ_ONLY,
                               str(store_file)], capture_output=True, text=True, timeout=GUARD)
    finally:
        store_file.chmod(0o644)
    assert proc.stdout.strip() == "1"  # read normally
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"the run store {store_file} is read-only (no permission to write the file): its runs "
        "can be listed and read, but new runs cannot be recorded; choose another --store, or "
        "--no-store")
    assert store_file.read_bytes() == before


def test_the_cli_refuses_a_newer_schema_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chipcredit.cli import app

    store_file = tmp_path / "future.duckdb"
    RunStore(store_file).save(cc.simulate("seed-2025", paths=10, seed=1))
    con = duckdb.connect(str(store_file))
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.close()
    for argv in (["runs", "list"], ["run", "seed-2025", "--paths", "10", "--quiet"]):
        got = CliRunner().invoke(app, [*argv, "--store", str(store_file)])
        assert got.exit_code == 2, got.stderr
        assert got.stderr.splitlines() == [
            f"error: the run store {store_file} has schema version 7, written by a newer "
            f"chipcredit; this chipcredit {cc.__version__} reads up to version "
            f"{store.SCHEMA_VERSION}: upgrade chipcredit or choose another --store"]
