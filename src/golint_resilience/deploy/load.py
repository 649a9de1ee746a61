"""Read and parse every deployment file under the analysed trees."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from golint_resilience.deploy.sources import DeploymentFile, Kind, find, roots
from golint_resilience.golang.discover import display_path
from golint_resilience.model import FileError

if TYPE_CHECKING:
    from golint_resilience.deploy import dockerfile, kubernetes, systemd


@dataclass
class Deployments:
    """The parsed deployment files of a run, and notes on those that could not be read."""

    workloads: list[kubernetes.Workload] = field(default_factory=list)
    dockerfiles: list[dockerfile.Dockerfile] = field(default_factory=list)
    units: list[systemd.Unit] = field(default_factory=list)
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


def load_for(patterns: list[str]) -> Deployments:
    """The deployment files under the trees that the command line's patterns name."""
    return load(roots(patterns))


def load(roots: list[Path]) -> Deployments:
    """Every deployment file under the roots, parsed (YAML files that are not manifests are left out)."""
    found = Deployments()
    # The parsers (YAML, Dockerfile) are imported once a file needs them: most Go trees, and
    # most runs on a few files, have no deployment file, and their imports cost ~40 ms.
    for path, kind in find(roots):
        read_file = read(path, kind)
        if isinstance(read_file, FileError):
            found.errors.append(read_file)
            continue
        if kind is Kind.KUBERNETES:
            from golint_resilience.deploy import kubernetes  # noqa: PLC0415

            if not kubernetes.looks_like_manifest(read_file.text):
                continue
            workloads, errors = kubernetes.parse(read_file)
            found.workloads.extend(workloads)
            found.errors.extend(errors)
        elif kind is Kind.DOCKERFILE:
            from golint_resilience.deploy import dockerfile  # noqa: PLC0415

            found.dockerfiles.append(dockerfile.parse(read_file))
        else:
            from golint_resilience.deploy import systemd  # noqa: PLC0415

            unit, errors = systemd.parse(read_file)
            found.units.extend([unit] if unit is not None else [])
            found.errors.extend(errors)
        found.files.append(read_file)
    return found
