"""``--paths-out FILE.parquet`` / ``simulate(paths_out=...)``: every path's scalar outcomes,
one row per path, equal to `Result.outcomes` bit for bit, written block by block and
atomically."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.engine.streams import STREAM_BLOCK

pq = pytest.importorskip("pyarrow.parquet")

PATHS = STREAM_BLOCK + 50  # two stream blocks


def short_seed_2025() -> cc.Scenario:
    """seed-2025 over 12 quarters: a third of the time."""
    data = yaml.safe_load(cc.load_scenario("seed-2025").source_text)
    data["horizon_quarters"] = 12
    return cc.load_scenario(data)


SCENARIO = short_seed_2025()


def run(**options: object) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(SCENARIO, paths=PATHS, seed=4, chunk_blocks=1, **options)  # type: ignore[arg-type]


def test_every_path_every_outcome_in_path_order(tmp_path: Path) -> None:
    target = tmp_path / "paths.parquet"
    res = run(paths_out=target)
    file = pq.ParquetFile(target)
    assert file.metadata.num_rows == PATHS
    assert file.metadata.num_row_groups == 2  # one per block: written as blocks finished
    table = file.read()
    assert table.column_names == ["path", *res.outcomes]
    np.testing.assert_array_equal(table.column("path").to_numpy(), np.arange(PATHS))
    for key, values in res.outcomes.items():
        column = table.column(key).to_numpy()
        assert column.dtype == np.float32
        np.testing.assert_array_equal(column, values, err_msg=key)
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


def test_a_failed_run_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "paths.parquet"
    target.write_text("the previous file")

    def stop(done: int) -> None:
        raise KeyboardInterrupt  # the user stops the run after its first block

    with pytest.raises(KeyboardInterrupt):
        run(paths_out=target, progress=stop)
    assert target.read_text() == "the previous file"
    assert list(tmp_path.iterdir()) == [target]


def test_a_folder_that_is_not_there_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(cc.UsageError, match=r"cannot write paths_out .*: No such file or directory"):
        cc.simulate("seed-2025", paths=10, paths_out=tmp_path / "no" / "x.parquet")


def test_the_command_line_writes_it(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    result = CliRunner().invoke(cli.app, ["run", "seed-2025", "--paths", "300", "--seed", "2",
                                          "--paths-out", str(target), "--no-store", "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert pq.ParquetFile(target).metadata.num_rows == 300
    result = CliRunner().invoke(cli.app, ["run", "seed-2025", "--paths", "300",
                                          "--paths-out", str(tmp_path / "no" / "x.parquet")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: cannot write --paths-out {tmp_path / 'no' / 'x.parquet'}: the folder "
        f"{tmp_path / 'no'} does not exist"]
