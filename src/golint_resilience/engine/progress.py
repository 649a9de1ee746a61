"""A progress bar on stderr for long runs on a terminal; nothing at all in pipes and CI logs."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

from golint_resilience.report import terminal

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

SHOW_AFTER_SECONDS = 1.0  # a run that ends sooner never draws anything


class ProgressBar:
    """Called with (done, total) packages; draws a transient bar once the run has lasted a while."""

    def __init__(self, enabled: bool = True, delay: float = SHOW_AFTER_SECONDS, color: bool = False) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.color = color
        self.delay = delay
        self.started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        """Record that `done` of `total` packages are finished."""
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self.started < self.delay or done >= total:
                return
            # Imported once a bar is drawn: a run that ends before never pays for it.
            from rich.progress import (  # noqa: PLC0415
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("resilint"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("packages"),
                TimeElapsedColumn(),
                console=terminal.console(sys.stderr, self.color, force_terminal=True, width=None),
                transient=True,
            )
            self._task = self._progress.add_task("analysing", total=total)
            self._progress.start()
        if self._task is not None:
            self._progress.update(self._task, completed=done)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
