"""The progress bar of a long command: a transient Rich bar fed by `simulate`'s callback."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["Bar", "bar"]


class Bar:
    """A transient Rich progress bar driven by `simulate`'s progress callback, or nothing."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    def callback(self, total: int, label: str) -> Callable[[int], None] | None:
        progress = self._progress
        if progress is None:
            return None
        task = progress.add_task(label, total=total)

        def update(done: int) -> None:
            progress.update(task, completed=min(done, total))

        return update


@contextlib.contextmanager
def bar(out: Console, enabled: bool) -> Iterator[Bar]:
    """A `Bar` on ``out`` while the block runs (gone when it ends); one that shows nothing
    when not ``enabled``."""
    if not enabled:
        yield Bar(None)
        return
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=out, transient=True,
    )
    with progress:
        yield Bar(progress)
