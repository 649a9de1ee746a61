r"""systemd service units, read with the standard library's configparser.

Configured for systemd.syntax(7): `=` is the only delimiter, keys are case-sensitive, no
interpolation (`%i` is a specifier), `#`/`;` start comments only at the beginning of a
line, a key may repeat (the last assignment wins; an empty one resets, which is what
matters for the single-valued settings read here), sections may repeat. Two things
configparser does not do are done around it: a line ending in `\\` continues on the next
(joined before parsing), and each setting's line number is recorded as configparser
stores it while reading (a section's dict type notes the line being read; its clean-up
pass after the last line is not noted).
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from golint_resilience.deploy.commands import split
from golint_resilience.deploy.sources import DeploymentFile
from golint_resilience.model import FileError, Place

DEFAULT_TIMEOUT_STOP_SECONDS = 90.0
DEFAULT_START_LIMIT_INTERVAL_SECONDS = 10.0
DEFAULT_START_LIMIT_BURST = 5
DEFAULT_RESTART_SECONDS = 0.1
_EXEC_PREFIXES = "-@:+!|"
_TIME_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_TIME_UNITS = {
    "": 1.0,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "ms": 1e-3,
    "msec": 1e-3,
    "us": 1e-6,
    "usec": 1e-6,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
}


class _Lines:
    """The unit's logical lines for configparser, noting where each setting is read."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._current = 0  # the physical line being read; 0 once every line has been
        self._section = ""
        self.headers: dict[str, int] = {}  # section → line of its first header
        self.settings: dict[tuple[str, str], int] = {}  # (section, key) → line of its last assignment

    def __iter__(self) -> Iterator[str]:
        number = 0
        while number < len(self._lines):
            start = number
            line = self._lines[number]
            while line.endswith("\\") and number + 1 < len(self._lines):
                number += 1
                line = line[:-1] + " " + self._lines[number].strip()
            number += 1
            self._current = start + 1
            stripped = line.strip()
            if stripped.startswith("[") and stripped.endswith("]"):
                self._section = stripped[1:-1]
                self.headers.setdefault(self._section, self._current)
            yield line + "\n"
        self._current = 0

    def note(self, key: str) -> None:
        """Note that configparser stores `key` now (it stores again after the last line: ignored)."""
        if self._current:
            self.settings[(self._section, key)] = self._current


class _Section(dict[str, Any]):
    """A section's settings, each noted with its line as configparser stores it.

    configparser builds its dicts by calling `dict_type()`, so each parse uses a subclass
    that carries its reader.
    """

    reader: _Lines

    def __setitem__(self, key: str, value: Any) -> None:
        self.reader.note(key)
        super().__setitem__(key, value)


@dataclass(frozen=True)
class Setting:
    """One setting's value and where it is."""

    value: str
    place: Place


@dataclass(frozen=True)
class Unit:
    """A `.service` unit: the settings the checks read, where present."""

    file: DeploymentFile
    settings: dict[tuple[str, str], Setting]  # (section, key) → setting
    service_place: Place  # the [Service] header (or the first line)

    def get(self, section: str, key: str) -> Setting | None:
        """A setting, if the unit has it."""
        return self.settings.get((section, key))

    @property
    def exec_start(self) -> tuple[str, ...]:
        """The words of `ExecStart=`, its `-@:+!` prefixes removed."""
        setting = self.get("Service", "ExecStart")
        words = split(setting.value) if setting is not None else ()
        if words:
            words = (words[0].lstrip(_EXEC_PREFIXES), *words[1:])
        return words

    @property
    def long_running(self) -> bool:
        """A service that keeps running (not `Type=oneshot`)."""
        kind = self.get("Service", "Type")
        return kind is None or kind.value != "oneshot"


def seconds(span: str) -> float | None:
    """A systemd time span (`90`, `1min 30s`, `500ms`) in seconds; `infinity` is inf."""
    text = span.strip().lower()
    if text == "infinity":
        return float("inf")
    parts = _TIME_PART.findall(text)
    if not parts or _TIME_PART.sub("", text).strip():
        return None
    total = 0.0
    for number, unit in parts:
        if unit not in _TIME_UNITS:
            return None
        total += float(number) * _TIME_UNITS[unit]
    return total


def parse(file: DeploymentFile) -> tuple[Unit | None, list[FileError]]:
    """Read a unit file; one that configparser rejects gives a note."""
    reader = _Lines(file.text)
    parser = configparser.RawConfigParser(
        delimiters=("=",),
        comment_prefixes=("#", ";"),
        inline_comment_prefixes=None,
        strict=False,
        empty_lines_in_values=False,
        interpolation=None,
        default_section="\0",  # systemd has no DEFAULT section
        dict_type=cast("type[dict[str, str]]", type("_UnitSection", (_Section,), {"reader": reader})),
    )
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    try:
        parser.read_file(reader, file.display)
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        return None, [FileError(file.display, f"invalid unit file: {first}")]
    settings = {}
    for section in parser.sections():
        for key in parser.options(section):
            line = reader.settings.get((section, key), reader.headers.get(section, 1))
            settings[(section, key)] = Setting(parser.get(section, key), file.place(line))
    return Unit(file, settings, file.place(reader.headers.get("Service", 1))), []
