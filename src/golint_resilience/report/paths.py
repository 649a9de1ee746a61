"""Repository-relative paths for GitHub: the SARIF root and the URIs below it.

GitHub matches alert and annotation paths against the files of the repository, so a run
from a subdirectory must still name `svc/api/handler.go`, not `api/handler.go`.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from golint_resilience.model import ResilintError

# RFC 3986 unreserved characters and the path separator; everything else is percent-encoded.
_URI_SAFE = "/-._~"


def path_in_root(path: str, root: Path) -> str:
    """`path` (as findings name it) relative to `root`, '/'-separated, symlinks resolved.

    GitHub cannot show results in files reached through a symbolic link, so the link's
    target is named. A file outside the root has no repository path: that is an error
    rather than a result GitHub would silently drop.
    """
    given = Path(path)
    if given.exists():
        real = Path(os.path.realpath(given))
    else:  # a dangling link: name the link, not its missing target
        real = Path(os.path.realpath(given.parent)) / given.name
    try:
        return real.relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        msg = f"{path} is outside the SARIF root {root}; run from inside the repository or pass --sarif-root"
        raise ResilintError(msg) from None


def uri_reference(relative: str) -> str:
    """A relative path as a percent-encoded URI reference (UTF-8 bytes for non-ASCII)."""
    return quote(relative, safe=_URI_SAFE)
