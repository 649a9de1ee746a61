r"""JSON text for files people read and review: no invisible or text-reordering characters raw.

`json.dumps(..., ensure_ascii=False)` keeps non-ASCII text readable, but it passes C1
controls (U+0080–U+009F: U+009B is a terminal's CSI), bidi controls (U+202E reverses
what follows, "Trojan Source") and the Unicode line separators through as they are. They
are escaped here (`\u202e`): the JSON means the same, and shows what it holds.
"""

from __future__ import annotations

import json
import re

_HIDDEN = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps(document: object, *, indent: int = 2) -> str:
    """`document` as JSON, non-ASCII text kept but hidden characters escaped."""
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    # These characters can only stand inside JSON strings, where an escape means the same.
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
