"""What every reporter shares: options and terminal-safe text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from golint_resilience.catalog import RuleSpec
from golint_resilience.repository import default_root

_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ReportOptions:
    """How to render: colour, verbosity, the catalog for rule metadata, GitHub settings.

    `root` is the directory SARIF and GitHub annotation paths are relative to (the
    repository's top level); `sarif_category` becomes `automationDetails.id` ("" leaves
    it to the uploader); `sarif_suppressed` keeps inline-suppressed findings in SARIF.
    """

    catalog: dict[str, RuleSpec]
    version: str
    color: bool = False
    quiet: bool = False
    root: Path = field(default_factory=lambda: default_root(Path.cwd()))
    sarif_category: str = "resilint/"
    sarif_suppressed: bool = False


def printable(text: str) -> str:
    """Text safe for a terminal: control and bidi characters shown as escapes, never run."""
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}", text
    )
