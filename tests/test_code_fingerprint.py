"""A run names the code that made it: the fingerprint over the package's shipped files, on
the `Result` when it is simulated, in the JSON summary, the run store, `runs show` and
`runs diff`."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import warnings
from pathlib import Path

import pytest

import chipcredit as cc
from chipcredit import fingerprint


def _write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_the_digest_is_the_documented_hash_of_paths_lengths_and_bytes(tmp_path: Path) -> None:
    _write(tmp_path, {"b.py": b"x = 1\n", "a/z.yaml": b"k: v\n", "a/__pycache__/m.pyc": b"\0",
                      "notes.txt~": b"editor", "c.pyc": b"compiled"})
    by_hand = hashlib.sha256(b"a/z.yaml\x005\x00k: v\n" b"b.py\x006\x00x = 1\n").hexdigest()
    assert fingerprint.digest(tmp_path) == by_hand
    assert [p.relative_to(tmp_path).as_posix() for p in fingerprint.package_files(tmp_path)] \
        == ["a/z.yaml", "b.py"]


def test_one_changed_byte_or_a_moved_boundary_changes_it(tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": b"ab", "b.py": b"c"})
    before = fingerprint.digest(tmp_path)
    _write(tmp_path, {"a.py": b"a", "b.py": b"bc"})  # the same bytes, cut elsewhere
    assert fingerprint.digest(tmp_path) != before
    _write(tmp_path, {"a.py": b"ab", "b.py": b"c"})
    assert fingerprint.digest(tmp_path) == before
    _write(tmp_path, {"a.py": b"ab", "b.py": b"d"})
    assert fingerprint.digest(tmp_path) != before


def test_the_package_fingerprint_covers_its_modules_and_data() -> None:
    root = Path(cc.__file__).parent
    names = {p.relative_to(root).as_posix() for p in fingerprint.package_files(root)}
    assert {"__init__.py", "fingerprint.py", "py.typed", "report/locale/en.yaml",
            "report/locale/zh.yaml", "scenarios/seed-2025.yaml"} <= names
    assert fingerprint.code_sha256() == fingerprint.digest(root) == cc.__code_sha256__
    assert len(cc.__code_sha256__) == 64


def _simulate(**kwargs: object) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", **kwargs)  # type: ignore[arg-type]


def test_a_result_carries_the_code_that_simulated_it_not_the_code_that_writes_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(fingerprint, "code_sha256", lambda: "e" * 64)
        res = _simulate(deterministic=True)
    assert fingerprint.code_sha256() != "e" * 64  # the JSON is written by other code now
    assert res.code_sha256 == "e" * 64 and res.version == cc.__version__
    summary = res.to_dict()
    assert list(summary)[:2] == ["chipcredit_version", "chipcredit_code_sha256"]
    assert summary["chipcredit_code_sha256"] == "e" * 64
    assert pickle.loads(pickle.dumps(res)).code_sha256 == "e" * 64
    # the same code and inputs: the same bytes
    again = dataclasses.replace(_simulate(deterministic=True), code_sha256="e" * 64)
    assert again.to_json() == res.to_json()
    assert json.loads(_simulate(deterministic=True).to_json())["chipcredit_code_sha256"] \
        == cc.__code_sha256__


def test_a_result_pickled_before_stamping_loads_with_no_code() -> None:
    res = _simulate(deterministic=True)
    state = res.__getstate__()
    del state["version"], state["code_sha256"]
    old = object.__new__(cc.Result)
    old.__setstate__(state)
    assert (old.version, old.code_sha256) == ("", "")


def test_the_store_show_and_diff_name_the_code(tmp_path: Path) -> None:
    store_mod = pytest.importorskip("chipcredit.store")
    from typer.testing import CliRunner

    from chipcredit import cli

    base = _simulate(deterministic=True)
    other = dataclasses.replace(base, code_sha256="0123456789ab" + "c" * 52)
    path = tmp_path / "runs.duckdb"
    store = store_mod.RunStore(path)
    for res in (base, base, other):
        store.save(res)
    assert [store.get_run(i)["run"]["code_sha256"] for i in (1, 2, 3)] \
        == [base.code_sha256, base.code_sha256, other.code_sha256]
    assert store.sql("SELECT value FROM meta WHERE key = 'created_with_code'")["value"][0] \
        == cc.__code_sha256__

    def out(*args: str) -> str:
        got = CliRunner().invoke(cli.app, ["runs", *args, "--store", str(path)])
        assert got.exit_code == 0, got.stderr
        return got.stdout

    assert f"chipcredit {cc.__version__} (code {base.code_sha256[:12]})" in out("show", "1")
    assert "different code" not in out("diff", "1", "2")
    assert (f"runs 1 and 3 were made by different code (code {base.code_sha256[:12]} and "
            "0123456789ab): some differences may come from the code, not the inputs") \
        in " ".join(out("diff", "1", "3").split())
