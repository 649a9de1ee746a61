"""What every reporter shares: options and terminal-safe text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from golint_resilience.catalog import RuleSpec

_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ReportOptions:
    """How to render: colour, verbosity, and the catalog for rule metadata."""

    catalog: dict[str, RuleSpec]
    version: str
    color: bool = False
    quiet: bool = False


def printable(text: str) -> str:
    """Text safe for a terminal: control and bidi characters shown as escapes, never run."""
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}", text
    )
