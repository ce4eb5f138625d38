"""`chipcredit.files.write_atomic`: the whole new file or the old one, under any legal name.

The temp file's name used to be the target's plus ``.XXXXXXXX.tmp``, so a legal target name
of 241 to 255 bytes failed with ``File name too long`` although only the temp name was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pytest

import chipcredit as cc
from chipcredit.files import TEMP_PREFIX, check_target, write_atomic, write_text_atomic

NAME_MAX = 255  # bytes in one file name on Linux and macOS file systems


def test_a_name_at_the_limit_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert os.pathconf(tmp_path, "PC_NAME_MAX") == NAME_MAX
    target = tmp_path / ("r" * (NAME_MAX - len(".html")) + ".html")
    moves: list[tuple[str, str]] = []
    replace = os.replace

    def watched(src: str, dst: str) -> None:
        moves.append((str(src), str(dst)))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", watched)
    write_text_atomic(target, "new\n")
    write_text_atomic(target, "newer\n")  # over an existing file of that name too
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_text() == "newer\n"
    # atomic: each write was renamed over the target from a short name in the same folder
    assert len(moves) == 2
    for src, dst in moves:
        assert Path(dst) == target
        assert Path(src).parent == tmp_path
        assert Path(src).name.startswith(TEMP_PREFIX) and Path(src).name.endswith(".tmp")
        assert len(Path(src).name) == len(TEMP_PREFIX) + 8 + len(".tmp")


def test_a_name_over_the_limit_is_refused_before_the_work(tmp_path: Path) -> None:
    target = tmp_path / ("r" * (NAME_MAX + 1))
    called: list[BinaryIO] = []
    with pytest.raises(cc.UsageError) as err:
        write_atomic(target, called.append)
    assert str(err.value) == f"cannot write {target}: File name too long"
    assert called == []
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(cc.UsageError) as err:
        check_target(target)  # what a writer can call before its work
    assert str(err.value) == f"cannot write {target}: File name too long"
    assert check_target(tmp_path / ("r" * NAME_MAX)) == tmp_path
    with pytest.raises(cc.UsageError) as err:
        check_target(tmp_path)
    assert str(err.value) == f"cannot write {tmp_path}: it is a folder"
    with pytest.raises(cc.UsageError) as err:
        check_target(tmp_path / "no" / "r.html")
    assert str(err.value) == (f"cannot write {tmp_path / 'no' / 'r.html'}: the folder "
                              f"{tmp_path / 'no'} does not exist")

def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / ("o" * NAME_MAX)
    target.write_text("old\n")

    def half(handle: BinaryIO) -> None:
        handle.write(b"ne")
        raise OSError(28, "No space left on device")

    with pytest.raises(cc.UsageError) as err:
        write_atomic(target, half)
    assert str(err.value) == f"cannot write {target}: No space left on device"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_text() == "old\n"


def test_the_new_file_gets_the_mode_of_a_plain_new_file(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "a.json", "{}\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o640
