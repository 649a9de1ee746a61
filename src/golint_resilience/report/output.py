"""Writing reports, baselines and fixed sources (`-o`, `--write-baseline`, `--fix`) without harm.

- A regular file (or a new one) is replaced atomically: the text goes to a temporary
  file in the same directory, renamed over the target, so an interrupted run leaves the
  old file or the new one, never half of one. A replaced file keeps its permission bits;
  a new one gets the umask's. The temporary file is removed on any failure (disk full).
- A character device or a FIFO (`/dev/null`, `/dev/stdout`, a shell's `>(…)`), named
  directly or through a symlink, is a stream: it is written through, never replaced.
- Anything else is refused: a symlink to a regular file or to a directory (replacing it
  would break the link, writing through it would follow a link someone else may have
  planted), a block device, a socket, a directory.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from golint_resilience.model import ResilintError

_NEW_FILE_MODE = 0o666  # narrowed by the umask, as for any file the shell creates


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 `text` to `path` as described above; ResilintError if that is not possible."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` as described above; ResilintError if that is not possible."""
    try:
        target = path.stat()  # follows symlinks
    except FileNotFoundError:
        target = None
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    if target is not None and (stat.S_ISCHR(target.st_mode) or stat.S_ISFIFO(target.st_mode)):
        _write_through(path, data)
        return
    if path.is_symlink():
        msg = f"cannot write {path}: it is a symbolic link (name the file it points to instead)"
        raise ResilintError(msg)
    if target is not None and not stat.S_ISREG(target.st_mode):
        msg = f"cannot write {path}: not a regular file"
        raise ResilintError(msg)
    _replace(path, data, None if target is None else stat.S_IMODE(target.st_mode))


def _write_through(path: Path, data: bytes) -> None:
    try:
        with path.open("wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _NEW_FILE_MODE)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            if mode is not None:
                os.fchmod(stream.fileno(), mode)
            stream.write(data)
        temporary.replace(path)
    except OSError as exc:
        _discard(temporary)
        raise _cannot_write(path, exc) from exc
    except BaseException:  # Ctrl-C: no temporary file left behind either
        _discard(temporary)
        raise


def _discard(temporary: Path) -> None:
    with contextlib.suppress(OSError):
        temporary.unlink()


def _cannot_write(path: Path, exc: OSError) -> ResilintError:
    return ResilintError(f"cannot write {path}: {exc.strerror or exc}")
