"""`primaryLocationLineHash`: the per-line fingerprint GitHub code scanning matches alerts by.

upload-sarif (github/codeql-action, src/fingerprints.ts) fills it in when a result lacks
it, and keeps a value that is already there; resilint computes the same value so that
alerts match whether or not the uploader can see the sources.

The uploader's algorithm, restated: read the file as UTF-8 into UTF-16 code units; skip
spaces and tabs; turn CR and CRLF into LF; append an end marker (65535) and zero padding.
The hash of a line is the base-37 polynomial, modulo 2**64, over the 100 units starting
at the line's first kept unit (so it reads on into the following lines). It is written as
unsigned hex, then `:n` where n counts this hex value's occurrences so far in the file,
the first being 1, so that identical lines get different values.

Only the lines that carry a finding are hashed: a line's occurrence number comes from
comparing its 100 units with those of the lines before it (equal units, equal hash: the
two differ only if two different windows collide in 64 bits, which the uploader would
count as one value).
"""

from __future__ import annotations

import re
import sys

_BASE = 37
_BLOCK = 100
_END_MARKER = 65535
_MASK = (1 << 64) - 1
_BLANKS = str.maketrans("", "", " \t")
_UTF16 = "utf-16-be" if sys.byteorder == "big" else "utf-16-le"
_LF = re.compile(re.escape("\n".encode(_UTF16)))
_PADDING = chr(_END_MARKER).encode(_UTF16) + bytes(2 * _BLOCK)


class LineHashes:
    """`primaryLocationLineHash` of the lines of one file, computed for the lines asked for.

    A file ending in a newline has one more line than it has lines of text (the uploader
    hashes the empty line after the last newline too).
    """

    def __init__(self, data: bytes) -> None:
        text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").translate(_BLANKS)
        encoded = text.encode(_UTF16, "surrogatepass")
        # A line starts after each LF unit (a match at an odd byte offset straddles two units).
        self._starts = [0] + [m.end() // 2 for m in _LF.finditer(encoded) if m.start() % 2 == 0]
        self._data = encoded + _PADDING
        self._units = memoryview(self._data).cast("H")
        self._occurrences: list[int] | None = None

    def __len__(self) -> int:
        return len(self._starts)

    def of(self, line: int) -> str | None:
        """The hash of a 1-based line, None past the end."""
        if not 0 < line <= len(self._starts):
            return None
        start = self._starts[line - 1]
        value = 0
        for unit in self._units[start : start + _BLOCK]:
            value = (value * _BASE + unit) & _MASK
        return f"{value:x}:{self._occurrence(line)}"

    def _occurrence(self, line: int) -> int:
        """How many lines up to this one start with the same 100 units (the first is 1)."""
        if self._occurrences is None:
            seen: dict[bytes, int] = {}
            self._occurrences = []
            for start in self._starts:
                window = self._data[2 * start : 2 * (start + _BLOCK)]
                seen[window] = seen.get(window, 0) + 1
                self._occurrences.append(seen[window])
        return self._occurrences[line - 1]
