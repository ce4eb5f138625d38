"""Runs on Dask (docs/distributed.md): the same numbers to the bit whatever the number of
workers, the block size or a worker lost mid-run; experiments fan out the same way.

One LocalCluster of worker processes serves the whole module (starting one costs seconds);
each test scales it to the worker count it needs. The tests that need a cluster run in file
order: three workers, a worker killed, two, one.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.metrics import reduce_chunk
from chipcredit.distributed.blocks import plan
from chipcredit.distributed.cluster import CLUSTER_CONFIG, QUIET_CLUSTER
from chipcredit.engine.blocks import Merger, Partial
from chipcredit.engine.run import run_blocks
from chipcredit.engine.streams import STREAM_BLOCK

PATHS = 3 * STREAM_BLOCK + 100  # four stream blocks, the last one partial
SEED = 11


def short_seed_2025() -> cc.Scenario:
    """seed-2025 over 12 quarters (a third of the time), built in Python: it travels to
    the workers as a YAML dump of itself."""
    data = yaml.safe_load(cc.load_scenario("seed-2025").source_text)
    data["horizon_quarters"] = 12
    return cc.load_scenario(data)


SCENARIO = short_seed_2025()


def same(a: cc.Result, b: cc.Result) -> None:
    """Bit for bit: the JSON summary, every per-path outcome, the exact means, the bands'
    reservoir, the series and flow sums, and the ledger checks."""
    assert a.to_json() == b.to_json()
    assert list(a.outcomes) == list(b.outcomes)
    for key, values in a.outcomes.items():
        assert values.dtype == np.float32 and values.shape == (PATHS,)
        np.testing.assert_array_equal(b.outcomes[key], values, err_msg=key)
    assert a.means.keys() == b.means.keys()
    for key, mean in a.means.items():
        assert (np.isnan(mean) and np.isnan(b.means[key])) or b.means[key] == mean, key
    assert list(a.reservoir) == list(b.reservoir)
    for key2, kept in a.reservoir.items():
        np.testing.assert_array_equal(b.reservoir[key2], kept, err_msg=str(key2))
    for table in ("series_sums", "flow_sums", "flow_sumsq", "self_funded_sums", "flow_reservoir"):
        mine, theirs = getattr(a, table, {}), getattr(b, table, {})
        assert list(mine) == list(theirs)
        for key3, sums in mine.items():
            np.testing.assert_array_equal(theirs[key3], sums, err_msg=f"{table} {key3}")
    assert a.checks.worst() == b.checks.worst()


def quiet_simulate(**options: Any) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # paths with no IRR
        return cc.simulate(SCENARIO, paths=PATHS, seed=SEED, **options)


@pytest.fixture(scope="module")
def in_process() -> cc.Result:
    """The reference: in this process, chunks of 2 blocks (tests/test_reproducibility.py
    checks other chunk sizes in-process)."""
    return quiet_simulate(chunk_blocks=2)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    with dask.config.set(CLUSTER_CONFIG), \
            distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=True,
                                     **{**QUIET_CLUSTER, "silence_logs": logging.CRITICAL}) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def scale(client: Any, n: int) -> None:
    """Exactly ``n`` workers (a Nanny restarts a killed worker, so wait for it too)."""
    client.cluster.scale(n)
    deadline = time.monotonic() + 60
    while len(client.scheduler_info()["workers"]) != n:
        assert time.monotonic() < deadline, "the cluster did not reach its size"
        time.sleep(0.1)


def test_the_task_plan_covers_every_block_once_in_whole_chunks() -> None:
    for n_blocks in (1, 4, 7, 245):
        for chunk in (1, 2, 3):
            for workers in (1, 2, 3, 16):
                tasks = plan(n_blocks, chunk, workers)
                assert [lo for lo, _ in tasks] == sorted(lo for lo, _ in tasks)
                assert tasks[0][0] == 0 and tasks[-1][1] == n_blocks
                assert all(a[1] == b[0] for a, b in itertools.pairwise(tasks))
                assert all((hi - lo) % chunk == 0 for lo, hi in tasks[:-1])
    assert len(plan(4, 1, 3)) == 4  # small runs: one block per task, every worker busy


def test_partials_merge_the_same_in_any_order_and_grouping(in_process: cc.Result) -> None:
    # what Dask does, without Dask: one-block partials, joined into tasks of two blocks and
    # one block, packed for sending (constant and repeated columns once) or not, added last
    # task first
    parts = list(run_blocks(SCENARIO, PATHS, SEED, reduce_chunk, 0, 4, chunk_blocks=1))
    tasks = [Partial.join(parts[0:2]).packed_for_sending(), parts[2].packed_for_sending(),
             parts[3]]
    sent = [len(pickle.dumps(t.packed)) for t in tasks[:2]]
    full = [len(pickle.dumps(t.outcomes)) for t in (Partial.join(parts[0:2]), parts[2])]
    assert all(a < 0.75 * b for a, b in zip(sent, full, strict=True)), (sent, full)
    with pytest.raises(ValueError, match="before packing"):
        Partial.join([tasks[1], parts[3]])
    merger = Merger(PATHS, SCENARIO.horizon_quarters)
    for task in reversed(tasks):
        merger.add(task)
    raw = merger.result()
    for key, values in in_process.outcomes.items():
        np.testing.assert_array_equal(raw.outcomes[key], values, err_msg=key)
    assert raw.means == pytest.approx(in_process.means, rel=0, abs=0, nan_ok=True)
    for key3, sums in in_process.flow_sums.items():
        np.testing.assert_array_equal(raw.flow_sums[key3], sums)
    for key2, kept in in_process.reservoir.items():
        np.testing.assert_array_equal(raw.reservoir[key2], kept)
    with pytest.raises(ValueError, match="merged twice"):
        merger.add(parts[3])


def test_three_workers_give_the_in_process_numbers(in_process: cc.Result, client: Any) -> None:
    scale(client, 3)
    seen: list[int] = []
    # the scheduler's address, as --scheduler gives it: the run opens its own client
    res = quiet_simulate(chunk_blocks=1, scheduler=client.scheduler.address, progress=seen.append)
    same(in_process, res)
    assert seen[-1] == PATHS and seen == sorted(seen) and len(seen) == 4  # one call per task


def test_a_worker_killed_mid_run_leaves_the_result_unchanged(in_process: cc.Result,
                                                             client: Any) -> None:
    scale(client, 3)
    killed: list[int] = []
    finished = threading.Event()

    def kill_the_first_busy_worker() -> None:
        # watched from the side, not from the progress callback: a block lasts a fraction of
        # a second, so by the time the first result has reached the client the others may
        # all be done too, and nothing would be left to kill
        while not finished.is_set():
            busy = [w for w, keys in client.processing().items() if keys]
            if busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.002)

    watcher = threading.Thread(target=kill_the_first_busy_worker, daemon=True)
    watcher.start()
    try:
        res = quiet_simulate(chunk_blocks=1, scheduler=client)
    finally:
        finished.set()
        watcher.join(timeout=60)
    assert killed, "no worker was seen running a block"
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)  # really gone: its blocks were run again elsewhere
    same(in_process, res)


def test_two_workers_and_another_block_size(in_process: cc.Result, client: Any) -> None:
    scale(client, 2)
    same(in_process, quiet_simulate(chunk_blocks=2, scheduler=client))


def test_one_worker(in_process: cc.Result, client: Any) -> None:
    scale(client, 1)
    same(in_process, quiet_simulate(chunk_blocks=3, scheduler=client))


def test_the_command_line_runs_on_the_scheduler_it_is_given(client: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    scale(client, 1)
    runner = CliRunner()
    args = ["run", "seed-2025", "--paths", "300", "--seed", "5", "--no-store", "--quiet"]
    here = runner.invoke(cli.app, [*args, "--json", str(tmp_path / "here.json")])
    monkeypatch.setenv("CHIPCREDIT_DASK_SCHEDULER", client.scheduler.address)
    there = runner.invoke(cli.app, [*args, "--json", str(tmp_path / "there.json")])
    assert here.exit_code == there.exit_code == 0, there.stderr
    assert (tmp_path / "here.json").read_bytes() == (tmp_path / "there.json").read_bytes()
    both = runner.invoke(cli.app, [*args, "--workers", "2"])  # the variable is a --scheduler
    assert both.exit_code == 2
    assert both.stderr.strip().splitlines() == [
        "error: give either workers (a local cluster) or a scheduler, not both; the "
        "scheduler's cluster decides how many workers run"]


def test_sensitivity_and_stress_fan_out_with_the_same_numbers(client: Any) -> None:
    scale(client, 2)
    metric = "deals.colossus2-spv.parties.nvidia.moic.p50"
    params = ["deals.colossus2-spv.lease.rate"]
    local = cc.sensitivity(SCENARIO, metric, params=params, paths=300, seed=3)
    remote = cc.sensitivity(SCENARIO, metric, params=params, paths=300, seed=3, scheduler=client)
    assert local.to_dict() == remote.to_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        here = cc.stress(SCENARIO, "rate-shock", paths=300, seed=3)
        there = cc.stress(SCENARIO, "rate-shock", paths=300, seed=3, scheduler=client)
    assert here.stressed.to_json() == there.stressed.to_json()
    assert here.differences.equals(there.differences)


def test_workers_of_other_code_are_refused_before_any_block(client: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's fingerprint differs from every worker's: one line names them all,
    and not a task is submitted (a worker that cannot load a task would hang the run)."""
    from chipcredit import fingerprint

    scale(client, 2)
    workers = sorted(client.scheduler_info()["workers"])
    theirs = fingerprint.code_sha256()
    submitted: list[object] = []
    monkeypatch.setattr(client, "submit", lambda *a, **k: submitted.append(a))
    monkeypatch.setattr(fingerprint, "code_sha256", lambda: "f" * 64)
    with pytest.raises(cc.UsageError) as caught:
        quiet_simulate(scheduler=client)
    assert str(caught.value) == (
        f"2 of 2 Dask workers run other chipcredit code than this process (chipcredit "
        f"{cc.__version__}, code ffffffffffff): "
        + "; ".join(f"{w} has chipcredit {cc.__version__} (code {theirs[:12]})" for w in workers)
        + "; install the same chipcredit on every worker, or run without workers")
    assert submitted == []


def test_the_one_worker_that_differs_or_cannot_say_is_named(in_process: cc.Result,
                                                            client: Any) -> None:
    """One worker reports another fingerprint, then one cannot import the fingerprint at
    all; each is named alone, and the run goes ahead once the worker is as before."""
    scale(client, 2)
    odd = sorted(client.scheduler_info()["workers"])[0]

    def patch(how: str) -> None:  # runs on the worker (travels by value)
        import sys

        import chipcredit

        module = chipcredit.fingerprint  # the package keeps it while sys.modules does not
        if how == "other":
            module._real = module.code_sha256  # type: ignore[attr-defined]
            module.code_sha256 = lambda: "0" * 64  # type: ignore[assignment]
        elif how == "missing":
            sys.modules["chipcredit.fingerprint"] = None  # type: ignore[assignment]
        else:
            sys.modules["chipcredit.fingerprint"] = module
            module.code_sha256 = getattr(module, "_real", module.code_sha256)  # type: ignore[method-assign]

    mine = cc.__code_sha256__[:12]
    head = (f"1 of 2 Dask workers run other chipcredit code than this process (chipcredit "
            f"{cc.__version__}, code {mine}): {odd} ")
    try:
        client.run(patch, "other", workers=[odd])
        with pytest.raises(cc.UsageError) as caught:
            quiet_simulate(scheduler=client.scheduler.address)
        assert str(caught.value) == head + (
            f"has chipcredit {cc.__version__} (code 000000000000); install the same "
            "chipcredit on every worker, or run without workers")
        client.run(patch, "missing", workers=[odd])
        with pytest.raises(cc.UsageError) as caught:
            quiet_simulate(scheduler=client)
        assert str(caught.value) == head + (
            "cannot say (ModuleNotFoundError: import of chipcredit.fingerprint halted; None "
            "in sys.modules); install the same chipcredit on every worker, or run without "
            "workers")
    finally:
        client.run(patch, "restore", workers=[odd])
    same(in_process, quiet_simulate(chunk_blocks=1, scheduler=client))


def test_workers_and_scheduler_are_refused_together_with_one_line() -> None:
    with pytest.raises(cc.UsageError, match=r"either workers \(a local cluster\) or a scheduler"):
        cc.simulate("seed-2025", paths=10, workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(cc.UsageError, match="workers must be a whole number at least 1"):
        cc.simulate("seed-2025", paths=10, workers=0)


def test_a_missing_dask_is_one_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("dask", "distributed") else real(name, *a))
    with pytest.raises(cc.UsageError, match=r"needs dask, distributed, which are not installed; "
                                            r"install them with: pip install \"chipcredit\[distributed\]\""):
        cc.simulate("seed-2025", paths=10, workers=2)
