"""SIGTERM and SIGHUP stop a run the way Ctrl-C does: workers stopped, no traceback.

`docker stop` and a cancelled CI job send SIGTERM, a closed terminal SIGHUP, often to the
main process alone. Left to their default action, they end the parent at once and the
pool's workers run on, writing results into a pipe nobody reads.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

# SIGHUP does not exist on Windows.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(BaseException):
    """A stop signal arrived; like KeyboardInterrupt, no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """128 + the signal number, as a shell reports a process the signal ended."""
        return 128 + self.signum


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise Stopped in the main thread."""
    previous = {number: signal.signal(number, _raise_stopped) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def in_worker() -> None:
    """Signal handling of a pool worker (its initializer).

    Ctrl-C is left to the parent, which stops the pool; SIGTERM or SIGHUP (how the pool
    stops a worker) end it at once and quietly, not with the parent's handler.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
