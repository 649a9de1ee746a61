"""Kubernetes workloads: what resilint knows of one once its manifest is read (manifests.py reads it)."""

from __future__ import annotations

from dataclasses import dataclass

from golint_resilience.deploy.sources import DeploymentFile
from golint_resilience.model import Place

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"})
LONG_RUNNING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
DEFAULT_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Probe:
    """An HTTP probe (`httpGet`); `path` and `port` as written, None when absent."""

    kind: str  # "liveness", "readiness" or "startup"
    path: str | None
    port: str | None
    place: Place


@dataclass(frozen=True)
class Container:
    """A container of a pod template: what it runs and how it is probed and stopped."""

    name: str
    image: str
    command: tuple[str, ...]
    args: tuple[str, ...]
    ports: tuple[tuple[str, int], ...]  # (name, containerPort)
    probes: tuple[Probe, ...]
    pre_stop_seconds: float  # a `preStop` sleep (exec `sleep N` or the `sleep` action); 0: none
    place: Place

    def probe(self, kind: str) -> Probe | None:
        """The container's probe of that kind (HTTP or not), if any."""
        return next((p for p in self.probes if p.kind == kind), None)

    def port_number(self, port: str) -> int | None:
        """A probe's port: a number, or the name of one of the container's ports."""
        if port.isdigit():
            return int(port)
        return next((number for name, number in self.ports if name == port), None)


@dataclass(frozen=True)
class Workload:
    """A Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod."""

    kind: str
    name: str
    place: Place  # its `kind:` line
    containers: tuple[Container, ...]
    grace_seconds: float | None  # terminationGracePeriodSeconds, None: the default
    grace_place: Place | None
    file: DeploymentFile

    @property
    def long_running(self) -> bool:
        """A workload whose pods serve until stopped (not a Job, CronJob or bare Pod)."""
        return self.kind in LONG_RUNNING_KINDS


def looks_like_manifest(data: bytes) -> bool:
    """Cheap test before parsing: a Kubernetes object names its `kind` and `apiVersion`."""
    return b"apiVersion" in data and b"kind:" in data
