"""Read and parse every deployment file under the analysed trees, each parse cached by the file's text.

A warm run whose deployment files have not changed parses none of them, so it loads neither
YAML nor the Dockerfile parser.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from golint_resilience.deploy.dockerfile import Dockerfile, GoBuild, Launch
from golint_resilience.deploy.kubernetes import Container, Probe, Workload
from golint_resilience.deploy.sources import DeploymentFile, Kind, find, roots
from golint_resilience.deploy.systemd import Setting, Unit
from golint_resilience.engine.cache import Entry, ResultCache, content_key
from golint_resilience.engine.codec import Codec
from golint_resilience.golang.discover import display_path
from golint_resilience.model import FileError, Place, Span


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


def read(path: Path, kind: Kind) -> DeploymentFile | FileError:
    """A deployment file's text, or why it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return FileError(display_path(path), f"cannot read: {exc.strerror or exc}")
    return DeploymentFile(path, display_path(path), kind, text.removeprefix("\ufeff"))


@dataclass(frozen=True)
class Parsed:
    """What one deployment file holds; a YAML file that is no manifest holds nothing (`manifest`)."""

    workloads: tuple[Workload, ...] = ()
    dockerfile: Dockerfile | None = None
    unit: Unit | None = None
    errors: tuple[FileError, ...] = ()
    manifest: bool = True


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


def load_for(patterns: list[str], cache_dir: Path | None = None) -> Deployments:
    """The deployment files under the trees that the command line's patterns name."""
    return load(roots(patterns), cache_dir)


def load(roots: list[Path], cache_dir: Path | None = None) -> Deployments:
    """Every deployment file under the roots, parsed (YAML files that are not manifests are left out).

    `cache_dir`: where parses are kept between runs (None: parse every file).
    """
    found = Deployments()
    cache = ResultCache(cache_dir, _NAMESPACE, _CODEC) if cache_dir is not None else None
    if cache is not None:
        cache.mark_used()
    for path, kind in find(roots):
        read_file = read(path, kind)
        if isinstance(read_file, FileError):
            found.errors.append(read_file)
            continue
        parsed = _cached_parse(read_file, cache)
        if not parsed.manifest:
            continue
        found.workloads.extend(parsed.workloads)
        found.dockerfiles.extend([parsed.dockerfile] if parsed.dockerfile is not None else [])
        found.units.extend([parsed.unit] if parsed.unit is not None else [])
        found.errors.extend(parsed.errors)
        found.files.append(read_file)
    return found


def _cached_parse(file: DeploymentFile, cache: ResultCache | None) -> Parsed:
    """The parse of a file, from the cache when its path, kind and text are those stored."""
    if cache is None:
        return parse(file)
    key = content_key(
        [os.fspath(file.path).encode(), file.display.encode(), file.kind.value.encode(), file.text.encode()]
    )
    name = f"{_NAMESPACE}: {os.path.abspath(file.path)}"
    entry = cache.load(name)
    if entry is not None and entry.content_key == key and isinstance(entry.value, Parsed):
        return entry.value
    parsed = parse(file)
    cache.store(name, Entry(key, None, parsed))
    return parsed


def parse(file: DeploymentFile) -> Parsed:
    """Parse one deployment file by its kind."""
    # The parsers (YAML, Dockerfile) are imported once a file needs them: most Go trees, and
    # most runs on a few files, have no deployment file, and their imports cost ~40 ms.
    if file.kind is Kind.KUBERNETES:
        from golint_resilience.deploy import manifests  # noqa: PLC0415

        if not manifests.looks_like_manifest(file.text):
            return Parsed(manifest=False)
        workloads, errors = manifests.parse(file)
        return Parsed(workloads=tuple(workloads), errors=tuple(errors))
    if file.kind is Kind.DOCKERFILE:
        from golint_resilience.deploy import dockerfile  # noqa: PLC0415

        return Parsed(dockerfile=dockerfile.parse(file))
    from golint_resilience.deploy import systemd  # noqa: PLC0415

    unit, errors = systemd.parse(file)
    return Parsed(unit=unit, errors=tuple(errors))
