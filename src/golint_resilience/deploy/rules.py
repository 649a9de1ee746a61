"""The deployment rules (RES8xx): each a function of the linked deployments.

A check yields `DeploymentReport`s: a place in a deployment file, the message variant
and values (templates in rules/), and related Go places. Checks that compare with code
see only linked runners; the others (`manifest-only`) look at the files alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from golint_resilience.deploy.commands import execs, program, shell_script
from golint_resilience.deploy.context import copied_script
from golint_resilience.deploy.dockerfile import Dockerfile
from golint_resilience.deploy.kubernetes import DEFAULT_GRACE_SECONDS, Container, Workload
from golint_resilience.deploy.linking import Link
from golint_resilience.deploy.service import Service
from golint_resilience.deploy.systemd import (
    DEFAULT_RESTART_SECONDS,
    DEFAULT_START_LIMIT_BURST,
    DEFAULT_START_LIMIT_INTERVAL_SECONDS,
    DEFAULT_TIMEOUT_STOP_SECONDS,
    Unit,
    seconds,
)
from golint_resilience.model import Place
from golint_resilience.registry import DEPLOYMENT_RULES

_PROBE_EFFECTS = {
    "liveness": "restarts the container over and over",
    "readiness": "never sends the pod traffic",
    "startup": "kills the container before it ever starts",
}
_YES = frozenset({"yes", "true", "on", "1"})
_SIGNAL_NUMBERS = {"1": "SIGHUP", "2": "SIGINT", "3": "SIGQUIT", "9": "SIGKILL", "15": "SIGTERM"}


@dataclass(frozen=True)
class DeploymentReport:
    """What a deployment check says: where, how to phrase it, and the Go places involved."""

    place: Place
    scope: str  # the runner or file it is about: part of the fingerprint
    variant: str = "default"
    values: tuple[tuple[str, str], ...] = ()
    related: tuple[tuple[Place, str], ...] = ()


@dataclass
class DeploymentContext:
    """Everything deployment checks read: the parsed files, the links, the services."""

    workloads: list[Workload]
    dockerfiles: list[Dockerfile]
    units: list[Unit]
    container_links: list[tuple[Workload, Container, Link]] = field(default_factory=list)
    dockerfile_links: list[tuple[Dockerfile, Link]] = field(default_factory=list)
    unit_links: list[tuple[Unit, Link]] = field(default_factory=list)
    services: dict[str, Service] = field(default_factory=dict)  # program directory → its service

    def service_of(self, link: Link) -> Service | None:
        """The service a link leads to (None: unlinked)."""
        return self.services.get(link.program.directory) if link.program is not None else None

    def linked_containers(self) -> Iterator[tuple[Workload, Container, Link, Service]]:
        """Containers whose program is known, with its service."""
        for workload, container, link in self.container_links:
            found = self.service_of(link)
            if found is not None:
                yield workload, container, link, found


DeploymentCheck = Callable[[DeploymentContext], Iterator[DeploymentReport]]
CHECKS: dict[str, DeploymentCheck] = {}


def deployment_check(rule_id: str) -> Callable[[DeploymentCheck], DeploymentCheck]:
    """Register a deployment check under its rule id."""

    def register(function: DeploymentCheck) -> DeploymentCheck:
        CHECKS[rule_id] = function
        DEPLOYMENT_RULES.add(rule_id)
        return function

    return register


def _report(
    place: Place,
    scope: str,
    variant: str = "default",
    *,
    related: tuple[tuple[Place, str], ...] = (),
    **values: str,
) -> DeploymentReport:
    return DeploymentReport(place, scope, variant, tuple(sorted(values.items())), related)


def _seconds(value: float) -> str:
    return f"{value:g} s"


# --- RES801, RES802: probes and the routes that serve them --------------------------------


@deployment_check("RES801")
def probe_path_not_served(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """An HTTP probe on a path (or port) the linked program does not serve."""
    for _workload, container, link, service in ctx.linked_containers():
        facts = service.facts
        for probe in container.probes:
            if probe.path is None:
                continue
            program_name = link.program.shown if link.program is not None else ""
            if facts.routes and facts.routes_complete and service.route_for(probe.path) is None:
                first = facts.routes[0].place
                yield _report(
                    probe.place,
                    link.runner.key,
                    probe=probe.kind,
                    path=probe.path,
                    program=program_name,
                    effect=_PROBE_EFFECTS[probe.kind],
                    related=((first, f"{program_name} registers its routes here, none for {probe.path}"),),
                )
                continue
            number = container.port_number(probe.port) if probe.port is not None else None
            if number is not None and facts.ports and facts.ports_complete and number not in facts.ports:
                yield _report(
                    probe.place,
                    link.runner.key,
                    "port",
                    probe=probe.kind,
                    effect=_PROBE_EFFECTS[probe.kind],
                    port=probe.port or "",
                    number=str(number),
                    program=program_name,
                    ports=", ".join(str(p) for p in facts.ports),
                )


@deployment_check("RES802")
def liveness_probe_checks_dependencies(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """The liveness probe's path is served by a handler that checks a dependency."""
    for _workload, container, link, service in ctx.linked_containers():
        probe = container.probe("liveness")
        route = service.route_for(probe.path) if probe is not None and probe.path is not None else None
        if probe is None or route is None or not route.dependency or route.dependency_place is None:
            continue
        yield _report(
            probe.place,
            link.runner.key,
            path=probe.path or "",
            call=route.dependency,
            related=(
                (route.dependency_place, f"the liveness handler checks a dependency: {route.dependency}"),
            ),
        )


# --- RES803: shutdown budget against the grace period -------------------------------------


@deployment_check("RES803")
def shutdown_exceeds_grace_period(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """Shutdown deadline (plus a preStop sleep) not below the time before SIGKILL."""
    for workload, container, link, service in ctx.linked_containers():
        deadline = service.shutdown_seconds
        if deadline is None or not workload.long_running:
            continue
        grace = workload.grace_seconds if workload.grace_seconds is not None else DEFAULT_GRACE_SECONDS
        budget = deadline + container.pre_stop_seconds
        if budget < grace:
            continue
        longest = max(service.facts.deadlines, key=lambda d: d.seconds)
        pre_stop = (
            f" + preStop sleep {_seconds(container.pre_stop_seconds)}" if container.pre_stop_seconds else ""
        )
        yield _report(
            workload.grace_place or container.place,
            link.runner.key,
            deadline=_seconds(deadline) + pre_stop,
            grace=_seconds(grace) + ("" if workload.grace_seconds is not None else " (the default)"),
            setting="terminationGracePeriodSeconds",
            related=((longest.place, f"Shutdown deadline {_seconds(longest.seconds)}"),),
        )
    for unit, link in ctx.unit_links:
        found = ctx.service_of(link)
        if found is None or found.shutdown_seconds is None:
            continue
        setting = unit.get("Service", "TimeoutStopSec") or unit.get("Service", "TimeoutSec")
        limit = seconds(setting.value) if setting is not None else DEFAULT_TIMEOUT_STOP_SECONDS
        if limit is None or found.shutdown_seconds < limit:
            continue
        longest = max(found.facts.deadlines, key=lambda d: d.seconds)
        yield _report(
            setting.place if setting is not None else unit.service_place,
            link.runner.key,
            deadline=_seconds(longest.seconds),
            grace=_seconds(limit) + ("" if setting is not None else " (the default)"),
            setting="TimeoutStopSec",
            related=((longest.place, f"Shutdown deadline {_seconds(longest.seconds)}"),),
        )


# --- RES804, RES805: signals in Dockerfiles ----------------------------------------------


def _runs_go(dockerfile: Dockerfile, link: Link) -> bool:
    return link.program is not None or bool(dockerfile.builds)


@deployment_check("RES804")
def signal_swallowed_by_shell(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """The image's main process is a shell (or a script) that does not exec the Go binary."""
    for dockerfile, link in ctx.dockerfile_links:
        launch = dockerfile.launch
        if launch is None or not _runs_go(dockerfile, link):
            continue
        scope = link.runner.key
        if launch.shell_form:
            if not execs(launch.text):
                yield _report(launch.place, scope, instruction=launch.instruction, command=launch.text)
            continue
        script = shell_script(launch.words)
        if script is not None and not execs(script):
            yield _report(
                launch.place, scope, "shell_wrapper", instruction=launch.instruction, command=script
            )
            continue
        name = program(launch.words)
        if name is not None and name.endswith(".sh") and _script_lacks_exec(dockerfile, name):
            yield _report(launch.place, scope, "script", instruction=launch.instruction, script=name)


def _script_lacks_exec(dockerfile: Dockerfile, name: str) -> bool:
    """A start script copied into the image, found in the tree, with no `exec` line."""
    lines = copied_script(dockerfile, name)
    return lines is not None and not any(execs(line) for line in lines)


def stop_signal_name(value: str) -> str:
    """`SIGINT`, `INT`, `2` → `SIGINT`."""
    text = value.strip().upper()
    if text.isdigit():
        return _SIGNAL_NUMBERS.get(text, text)
    return text if text.startswith("SIG") else "SIG" + text


@deployment_check("RES805")
def stop_signal_not_handled(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """STOPSIGNAL names a signal the linked program does not ask for."""
    for dockerfile, link in ctx.dockerfile_links:
        found = ctx.service_of(link)
        if dockerfile.stop_signal is None or found is None:
            continue
        value, place = dockerfile.stop_signal
        name = stop_signal_name(value)
        if found.handles(name) is False:
            yield _report(
                place,
                link.runner.key,
                signal=name,
                handled=", ".join(found.facts.signals),
                program=link.program.shown if link.program is not None else "",
            )


# --- RES806, RES807, RES808: systemd units (manifest-only) -------------------------------


@deployment_check("RES806")
def unit_never_restarted(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """A long-running service unit that systemd does not restart when it dies."""
    for unit in ctx.units:
        restart = unit.get("Service", "Restart")
        if not unit.long_running or (restart is not None and restart.value not in {"", "no"}):
            continue
        if restart is None:
            yield _report(unit.service_place, unit.file.display)
        else:
            yield _report(restart.place, unit.file.display, "explicit")


@deployment_check("RES807")
def unit_restarts_without_limit(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """`Restart=always` whose start rate limit can never engage: a crash loop without a brake."""
    for unit in ctx.units:
        restart = unit.get("Service", "Restart")
        if restart is None or restart.value != "always":
            continue
        interval_setting = unit.get("Unit", "StartLimitIntervalSec") or unit.get(
            "Service", "StartLimitInterval"
        )
        burst_setting = unit.get("Unit", "StartLimitBurst") or unit.get("Service", "StartLimitBurst")
        restart_sec = unit.get("Service", "RestartSec")
        interval = (
            seconds(interval_setting.value) if interval_setting else DEFAULT_START_LIMIT_INTERVAL_SECONDS
        )
        burst = (
            int(burst_setting.value)
            if burst_setting and burst_setting.value.isdigit()
            else DEFAULT_START_LIMIT_BURST
        )
        delay = seconds(restart_sec.value) if restart_sec else DEFAULT_RESTART_SECONDS
        if interval is None or delay is None:
            continue
        if interval == 0:
            yield _report(
                interval_setting.place if interval_setting else restart.place, unit.file.display, "disabled"
            )
        elif burst * delay >= interval:
            yield _report(
                restart.place,
                unit.file.display,
                burst=str(burst),
                interval=_seconds(interval),
                delay=_seconds(delay),
            )


@deployment_check("RES808")
def unit_kill_mode_spares_children(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """`KillMode=process` or `none`: children of the service survive its stop."""
    for unit in ctx.units:
        kill_mode = unit.get("Service", "KillMode")
        delegate = unit.get("Service", "Delegate")
        if delegate is not None and delegate.value.lower() in _YES:
            continue  # a container manager: its containers are meant to outlive its restarts
        if kill_mode is not None and kill_mode.value in {"process", "none"}:
            yield _report(kill_mode.place, unit.file.display, mode=kill_mode.value)


# --- RES809: readiness ------------------------------------------------------------------


@deployment_check("RES809")
def service_without_readiness_probe(ctx: DeploymentContext) -> Iterator[DeploymentReport]:
    """A long-running workload whose container serves HTTP but has no readiness probe."""
    for workload, container, link, service in ctx.linked_containers():
        if workload.long_running and service.serves_http and container.probe("readiness") is None:
            yield _report(
                container.place,
                link.runner.key,
                kind=workload.kind,
                name=workload.name,
                container=container.name,
                program=link.program.shown if link.program is not None else "",
            )
