"""Write a file via a temporary file and a rename: an interrupted run leaves no half file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from golint_resilience.model import ResilintError


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, keeping the mode of the file it replaces."""
    directory = path.parent if str(path.parent) else Path()
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).chmod(stat.S_IMODE(path.stat().st_mode))
        Path(temporary).replace(path)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise ResilintError(msg) from exc
