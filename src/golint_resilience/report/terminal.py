"""The one place that decides whether output is coloured, and the consoles that obey it.

`--color`/`--no-color` win. Otherwise `NO_COLOR` (https://no-color.org) turns colour off
and `FORCE_COLOR` (https://force-color.org) turns it on, each when set to anything but
the empty string, `NO_COLOR` first. Otherwise output is coloured only on a terminal.
A report written to a file (`-o`) is coloured only with `--color`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

UNWRAPPED_WIDTH = 10_000  # output that is not on a terminal is never wrapped: grep finds whole lines


def use_color(flag: bool | None, stream: TextIO | None) -> bool:
    """Should output to `stream` (None: a file named by `-o`) be coloured?"""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or stream is None:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def console(stream: TextIO, color: bool, **settings: Any) -> Console:
    """A rich console on `stream` that writes colour escapes exactly when `color` is true.

    Rich reads NO_COLOR, FORCE_COLOR and isatty() on its own; everything here is given
    explicitly so that `use_color` alone decides. Output that is not on a terminal is not
    wrapped. `settings` override these choices: `width=None` (rich's guess, 80 in a pipe),
    `force_terminal=True` (cursor control for a progress bar, with or without colour).
    """
    chosen: dict[str, Any] = {
        "force_terminal": color,
        "width": None if stream.isatty() else UNWRAPPED_WIDTH,
        **settings,
    }
    from rich.console import Console  # noqa: PLC0415 (a report that needs no console never loads rich)

    return Console(
        file=stream,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        **chosen,
    )
