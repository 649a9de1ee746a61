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

The uploader rolls one window over the file; here a prefix hash gives each window in
O(1), which is the same polynomial.
"""

from __future__ import annotations

import sys

_BASE = 37
_BLOCK = 100
_END_MARKER = 65535
_MASK = (1 << 64) - 1
_LF = 0x0A
_BLANKS = str.maketrans("", "", " \t")
_UTF16 = "utf-16-be" if sys.byteorder == "big" else "utf-16-le"


def _code_units(data: bytes) -> memoryview:
    """The file as the uploader hashes it: UTF-16 units, blanks gone, line ends as LF."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").translate(_BLANKS)
    return memoryview(text.encode(_UTF16, "surrogatepass")).cast("H")


def line_hashes(data: bytes) -> list[str]:
    """`primaryLocationLineHash` of every line: element 0 is line 1.

    A file ending in a newline has one more entry than it has lines (the uploader hashes
    the empty line after the last newline too).
    """
    units = [*_code_units(data), _END_MARKER, *([0] * _BLOCK)]
    starts = [0] + [i + 1 for i in range(len(units) - _BLOCK - 1) if units[i] == _LF]
    prefix = [0] * (len(units) + 1)  # prefix[i]: the polynomial over units[:i]
    for i, unit in enumerate(units):
        prefix[i + 1] = (prefix[i] * _BASE + unit) & _MASK
    shift = pow(_BASE, _BLOCK, 1 << 64)
    counts: dict[str, int] = {}
    hashes = []
    for start in starts:
        value = f"{(prefix[start + _BLOCK] - prefix[start] * shift) & _MASK:x}"
        counts[value] = counts.get(value, 0) + 1
        hashes.append(f"{value}:{counts[value]}")
    return hashes
