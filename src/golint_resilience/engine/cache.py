"""A content-hash cache of per-directory results, so that an unchanged package is not re-analysed.

One entry per (directory, run namespace): the namespace hashes the tool (version, its own
source files, the rule files) and RunSettings.digest(); the entry stores the content key
of the files it was computed from (their display paths and bytes, the module) next to the
result, so an edited file replaces its directory's entry instead of adding one. A second
key made of the files' metadata (size, times, inode) lets an unchanged directory be
recognised without reading its files; a file changed too recently for its timestamp to
be trusted is always read and hashed.

What a directory's result holds (facts, findings, pending findings) depends only on its own
files and go.mod: findings that depend on other packages are kept *pending* with a
condition and re-evaluated against every package's facts on each run, cached or not.

Robustness: entries are written to a temporary file of the writer's own and renamed into
place (readers see a whole entry or none, concurrent writers of the same entry race
harmlessly); each entry carries a SHA-256 of its payload, checked before decoding, so a
truncated or corrupted file is a miss, never a wrong result. Any failure to read or write
the cache is a miss.

Safety: entries are plain data (codec.py: marshal of registered dataclasses), never
pickle, so a cache directory that others can write (shared, or restored in CI) cannot
make resilint run code: a crafted entry is a miss, or at worst wrong findings.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from golint_resilience import __version__
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.engine.codec import Codec, DecodeError

FORMAT = 3  # 3: plain data (codec.py) instead of pickle
_MAGIC = b"resilint-cache %d\n" % FORMAT
_DIGEST_SIZE = hashlib.sha256().digest_size
RACY_SECONDS = 2  # files changed more recently than this are recognised by content only
KEPT_NAMESPACES = 16  # a run uses three (its settings, facts only, deployment files): ~7 configurations
_NAMESPACE_CHARS = 32


def default_cache_dir() -> Path:
    """The per-user cache directory of the platform (e.g. ~/.cache/resilint on Linux)."""
    return platformdirs.user_cache_path("resilint", appauthor=False)


@functools.cache
def tool_digest() -> str:
    """What identifies this build of resilint: its version, its source files and its rule files.

    The sources are included so that a development install never serves results computed
    by older code under an unchanged version number.
    """
    package = Path(__file__).parent.parent  # the golint_resilience package
    sources = sorted(package.rglob("*.py"))
    parts = [__version__.encode(), repr(load_catalog()).encode()]
    for source in sources:
        parts.extend((source.relative_to(package).as_posix().encode(), source.read_bytes()))
    return content_key(parts)


def content_key(parts: Iterable[bytes]) -> str:
    """A hash of length-prefixed parts (so that no two different sequences collide)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def metadata_key(parts: list[bytes], files: Iterable[tuple[str, Path]]) -> str | None:
    """A key from `parts` and the files' names, sizes, times and inodes, read without opening them.

    It stands in for the content key of files that have not changed since an entry was
    written, so that an unchanged tree is neither read nor hashed. None (read and hash
    instead) when a file cannot be stat'ed or changed in the last RACY_SECONDS: within one
    timestamp tick a second edit of the same size would leave the metadata unchanged.
    """
    recent = time.time_ns() - RACY_SECONDS * 1_000_000_000
    signature = list(parts)
    for name, path in files:
        try:
            st = path.stat()
        except OSError:
            return None
        if st.st_mtime_ns >= recent or st.st_ctime_ns >= recent:
            return None
        signature.append(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}".encode())
    return content_key(signature)


@dataclass(frozen=True)
class Entry:
    """A stored value with the keys of the files it was computed from."""

    content_key: str
    metadata_key: str | None  # None: the files were too fresh to be recognised by metadata
    value: Any


class ResultCache:
    """Entries for one run namespace under a cache root; picklable, so workers use it directly.

    `codec` knows the types of the stored values.
    """

    def __init__(self, root: Path, settings_digest: str, codec: Codec) -> None:
        self.root = root
        self.codec = codec
        self.namespace = content_key([tool_digest().encode(), settings_digest.encode()])
        self.directory = root / f"v{FORMAT}" / self.namespace[:_NAMESPACE_CHARS]
        self._created = False  # the directory, by this process

    def mark_used(self) -> None:
        """Record that a run uses this namespace now (what `prune` keeps is the recently used)."""
        with contextlib.suppress(OSError):
            os.utime(self.directory)

    def _entry(self, name: str) -> Path:
        # One flat directory: creating files in 256 shard directories cost three times more.
        return self.directory / content_key([self.namespace.encode(), name.encode()])

    def load(self, name: str) -> Entry | None:
        """The entry stored for `name`; None if there is none or it is damaged."""
        try:
            blob = self._entry(name).read_bytes()
        except OSError:
            return None
        header = len(_MAGIC) + _DIGEST_SIZE
        if not blob.startswith(_MAGIC) or len(blob) < header:
            return None
        payload = memoryview(blob)[header:]
        if hashlib.sha256(payload).digest() != blob[len(_MAGIC) : header]:
            return None
        try:
            content, metadata, value = self.codec.loads(payload)
        except (DecodeError, ValueError, TypeError):  # not a triple of registered types
            return None
        if not isinstance(content, str) or not isinstance(metadata, str | None):
            return None
        return Entry(content, metadata, value)

    def store(self, name: str, entry: Entry) -> None:
        """Save the entry for `name`, atomically; failures are ignored (the cache is optional)."""
        path = self._entry(name)
        try:
            payload = self.codec.dumps((entry.content_key, entry.metadata_key, entry.value))
        except TypeError:  # a type the codec was not given: not cached (a test checks every type)
            return
        temporary = path.with_name(f"{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")  # this writer's
        try:
            if not self._created:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._created = True
            temporary.write_bytes(_MAGIC + hashlib.sha256(payload).digest() + payload)
            temporary.replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def prune(root: Path, keep: int = KEPT_NAMESPACES) -> None:
    """Remove the entries of all but the `keep` most recently used namespaces under `root`.

    A namespace is a directory of entries, marked used by each run (`mark_used`), so
    this costs a listing of a few directories, plus the removal of what is evicted.
    """
    try:
        namespaces = [(entry.stat().st_mtime_ns, entry) for entry in (root / f"v{FORMAT}").iterdir()]
    except OSError:
        return
    namespaces.sort(reverse=True)
    for _, directory in namespaces[keep:]:
        shutil.rmtree(directory, ignore_errors=True)


def clean(root: Path) -> int:
    """Remove every entry under `root`, of this format and of older ones; how many files went."""
    removed = 0
    for version in range(1, FORMAT + 1):
        directory = root / f"v{version}"
        if directory.is_dir() and not directory.is_symlink():
            removed += sum(1 for path in directory.rglob("*") if not path.is_dir())
            shutil.rmtree(directory, ignore_errors=True)
    return removed
