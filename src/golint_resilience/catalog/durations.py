"""Go duration strings (`"10s"`, `"1m30s"`, `"500ms"`), for rule options given as durations.

The syntax of Go's `time.ParseDuration`, without a sign: a sequence of decimal numbers,
each with an optional fraction and a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`).
"""

from __future__ import annotations

import re

_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,  # U+00B5 MICRO SIGN
    "μs": 1e-6,  # U+03BC GREEK SMALL LETTER MU
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str) -> float | None:
    """The duration in seconds, or None when `text` is not a Go duration (`"0"` is zero)."""
    if text == "0":
        return 0.0
    seconds = 0.0
    position = 0
    while position < len(text):
        match = _PART.match(text, position)
        if match is None:
            return None
        seconds += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    return seconds if text else None
