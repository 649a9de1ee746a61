"""Read and parse every deployment file under the analysed trees, each parse cached by the file's text.

A warm run whose deployment files have not changed parses none of them, so it loads neither
YAML nor the Dockerfile parser.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from golint_resilience.deploy.dockerfile import Dockerfile, GoBuild, Launch
from golint_resilience.deploy.kubernetes import Container, Probe, Workload, looks_like_manifest
from golint_resilience.deploy.sources import DeploymentFile, Kind, find
from golint_resilience.deploy.systemd import Setting, Unit
from golint_resilience.engine.cache import Entry, ResultCache, content_key, metadata_key
from golint_resilience.engine.codec import Codec
from golint_resilience.engine.reading import read_regular_file
from golint_resilience.engine.results import DirectoryResult
from golint_resilience.golang.discover import display_path
from golint_resilience.model import FileError, Place, Span

if TYPE_CHECKING:
    from golint_resilience.analysis.facts import FactStore


@dataclass
class Deployments:
    """The parsed deployment files of a run, and notes on those that could not be read."""

    workloads: list[Workload] = field(default_factory=list)
    dockerfiles: list[Dockerfile] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    files: list[DeploymentFile] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    def liveness_probe_paths(self) -> tuple[str, ...]:
        """The HTTP paths of every liveness probe, sorted."""
        probes = (c.probe("liveness") for w in self.workloads for c in w.containers)
        return tuple(sorted({p.path for p in probes if p is not None and p.path is not None}))


@dataclass(frozen=True)
class DeploymentInputs:
    """The deployment stage of a run on named files and directories: it reports nothing.

    The tree's deployment files still tell the analysis what they tell a run over the tree
    (`liveness_probe_paths`, and that deployment facts are wanted). So the Go findings are
    those of a whole run, and so are the cache entries: pre-commit's runs after a whole run
    are answered from the cache.
    """

    deployments: Deployments

    @property
    def liveness_probe_paths(self) -> tuple[str, ...]:
        """The paths of the tree's liveness probes."""
        return self.deployments.liveness_probe_paths()

    def __call__(self, store: FactStore) -> DirectoryResult:  # noqa: ARG002 (the stage's signature)
        """Nothing to report."""
        return DirectoryResult()


@dataclass(frozen=True)
class Parsed:
    """What one deployment file holds."""

    file: DeploymentFile
    workloads: tuple[Workload, ...] = ()
    dockerfile: Dockerfile | None = None
    unit: Unit | None = None
    errors: tuple[FileError, ...] = ()


_CODEC = Codec(
    (
        Parsed,
        Workload,
        Container,
        Probe,
        Dockerfile,
        Launch,
        GoBuild,
        Unit,
        Setting,
        DeploymentFile,
        Kind,
        FileError,
        Place,
        Span,
    )
)
_NAMESPACE = "deployment files"  # what a file holds depends on the tool and its text, not on settings


def load(roots: list[Path], cache_dir: Path | None = None) -> Deployments:
    """Every deployment file under the roots, parsed (YAML files that are not manifests are left out).

    `cache_dir`: where parses are kept between runs (None: parse every file).
    """
    found = Deployments()
    cache = ResultCache(cache_dir, _NAMESPACE, _CODEC) if cache_dir is not None else None
    if cache is not None:
        cache.mark_used()
    for path, kind in find(roots):
        try:
            parsed = _cached_parse(path, kind, cache) if cache is not None else _parse_file(path, kind)
        except OSError as exc:
            found.errors.append(FileError(display_path(path), f"cannot read: {exc.strerror or exc}"))
            continue
        if parsed is None:  # a YAML file that is no manifest
            continue
        found.workloads.extend(parsed.workloads)
        found.dockerfiles.extend([parsed.dockerfile] if parsed.dockerfile is not None else [])
        found.units.extend([parsed.unit] if parsed.unit is not None else [])
        found.errors.extend(parsed.errors)
        found.files.append(parsed.file)
    return found


def _parse_file(path: Path, kind: Kind, data: bytes | None = None) -> Parsed | None:
    """What a file holds (read unless `data` is given); None for a YAML file that is no manifest."""
    if data is None:
        data = read_regular_file(path)
    if kind is Kind.KUBERNETES and not looks_like_manifest(data):
        return None
    return parse(path, kind, data)


def _cached_parse(path: Path, kind: Kind, cache: ResultCache) -> Parsed | None:
    """What a file holds, from the cache when it has not changed since it was stored.

    An unchanged file is recognised by its metadata without being read (as Go files are,
    engine/cache.py), else by its bytes; its path and kind are part of both keys.
    """
    display = display_path(path)
    parts = [os.fspath(path).encode(), display.encode(), kind.value.encode()]
    name = f"{_NAMESPACE}: {os.path.abspath(path)}"
    entry = cache.load(name)
    if entry is not None and not isinstance(entry.value, Parsed | None):
        entry = None  # not an entry of ours
    metadata = metadata_key(parts, [(display, path)])
    if entry is not None and metadata is not None and entry.metadata_key == metadata:
        return cast("Parsed | None", entry.value)
    data = read_regular_file(path)
    key = content_key([*parts, data])
    if entry is not None and entry.content_key == key:
        if metadata is not None:  # e.g. touched: next time, metadata will do
            cache.store(name, Entry(key, metadata, entry.value))
        return cast("Parsed | None", entry.value)
    parsed = _parse_file(path, kind, data)
    cache.store(name, Entry(key, metadata, parsed))
    return parsed


def parse(path: Path, kind: Kind, data: bytes) -> Parsed:
    """Parse one deployment file (its bytes as read) by its kind."""
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    file = DeploymentFile(path, display_path(path), kind, text)
    # The parsers (YAML, Dockerfile, configparser) are imported once a file needs them: most
    # Go trees, and most runs on a few files, have no deployment file, and a warm run's are
    # in the cache; their imports cost ~40 ms.
    if kind is Kind.KUBERNETES:
        from golint_resilience.deploy import manifests  # noqa: PLC0415

        workloads, errors = manifests.parse(file)
        return Parsed(file, workloads=tuple(workloads), errors=tuple(errors))
    if kind is Kind.DOCKERFILE:
        from golint_resilience.deploy import dockerfile  # noqa: PLC0415

        return Parsed(file, dockerfile=dockerfile.parse(file))
    from golint_resilience.deploy import systemd  # noqa: PLC0415

    unit, errors = systemd.parse(file)
    return Parsed(file, unit=unit, errors=tuple(errors))
