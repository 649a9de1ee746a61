"""Which Go `main` package a container, an image or a unit runs, and why we think so.

The evidence, in order: a configured link (`links`, a knob of RES801); the binary the
deployment starts (a container's `command`, a Dockerfile's ENTRYPOINT/CMD, through a
shell's `-c` script or a copied start script, a unit's `ExecStart=`), matched with a
Dockerfile's `go build -o BINARY PACKAGE` or with the binary `go build` gives a main
package by default (its directory name: `cmd/NAME`; at a module root, the module path's
last element); of several such packages, the only one that starts a server or handles
signals. A container without a command runs its image's: the image named like a binary,
else the only Dockerfile of the tree.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from golint_resilience.analysis.facts import STARTS_SERVER, WAITS_FOR_SIGNALS, ClosureFlags, FactStore
from golint_resilience.deploy import context
from golint_resilience.deploy.commands import execs, program, shell_script, split
from golint_resilience.deploy.context import copied_script
from golint_resilience.deploy.dockerfile import Dockerfile
from golint_resilience.deploy.kubernetes import Container, Workload
from golint_resilience.deploy.systemd import Unit
from golint_resilience.golang.discover import display_path
from golint_resilience.golang.gomod import find_module
from golint_resilience.model import Place, ResilintError

_MAJOR_VERSION = re.compile(r"^v[0-9]+$")
_SCRIPT_ARGUMENTS = frozenset({"$@", "${@}", "$*"})


@dataclass(frozen=True)
class Program:
    """A Go main package: its facts' key, how users see it, the binary `go build` names."""

    directory: str
    shown: str
    binary: str
    import_path: str | None
    long_running: bool  # starts a server or handles signals (with its module-local imports)


@dataclass(frozen=True)
class Runner:
    """What runs a program: a workload's container, a Dockerfile's image, or a unit."""

    label: str  # "Deployment orders, container api"
    key: str  # what a configured link names: "deploy/app.yaml:api", "Dockerfile"
    place: Place
    words: tuple[str, ...]  # the command line it starts (empty: a container runs its image's)
    image: str | None = None  # a container's image (None: not a container)


@dataclass(frozen=True)
class Link:
    """A runner, the program it runs (None: unlinked) and the evidence."""

    runner: Runner
    program: Program | None
    evidence: tuple[str, ...]


def programs(store: FactStore) -> list[Program]:
    """The main packages among the analysed directories."""
    found = []
    for directory in store.directories():
        facts = store.get(directory)
        if facts is None or facts.name != "main":
            continue
        module = find_module(Path(directory))
        import_path = module.import_path_of(Path(directory)) if module is not None else None
        binary = posixpath.basename(directory.replace(os.sep, "/"))
        if module is not None and Path(directory) == module.root:
            parts = module.path.split("/")
            binary = parts[-2] if len(parts) > 1 and _MAJOR_VERSION.match(parts[-1]) else parts[-1]
        shown = "." if Path(directory) == Path.cwd() else display_path(Path(directory))
        long_running = ClosureFlags(directory, any_of=(STARTS_SERVER, WAITS_FOR_SIGNALS)).evaluate(store)
        found.append(Program(directory, shown, binary, import_path, long_running))
    return found


def container_runner(workload: Workload, container: Container) -> Runner:
    """A runner for a container of a workload."""
    label = f"{workload.kind} {workload.name}, container {container.name}"
    words = container.command + container.args if container.command else ()
    return Runner(label, f"{workload.file.display}:{container.name}", container.place, words, container.image)


def dockerfile_runner(dockerfile: Dockerfile) -> Runner | None:
    """A runner for a Dockerfile's image (None: it starts nothing)."""
    launch = dockerfile.launch
    if launch is None:
        return None
    words = dockerfile.command
    if launch.shell_form:
        words = ("/bin/sh", "-c", launch.text)
    return Runner(f"image of {dockerfile.file.display}", dockerfile.file.display, launch.place, words)


def unit_runner(unit: Unit) -> Runner:
    """A runner for a systemd unit."""
    setting = unit.get("Service", "ExecStart")
    place = setting.place if setting is not None else unit.service_place
    return Runner(f"unit {unit.file.display}", unit.file.display, place, unit.exec_start)


class Linker:
    """Links runners to programs with the evidence the tree offers."""

    def __init__(
        self,
        candidates: list[Program],
        dockerfiles: list[Dockerfile],
        configured: tuple[str, ...],
    ) -> None:
        self._programs = candidates
        self._dockerfiles = dockerfiles
        self._configured = dict(_configured_link(entry) for entry in configured)

    def link(self, runner: Runner) -> Link:
        """The program a runner runs, or why none could be told."""
        if runner.key in self._configured:
            return self._link_configured(runner, self._configured[runner.key])
        binary, evidence = self._binary(runner)
        if binary is None:
            return Link(runner, None, (*evidence, "unlinked: no binary name to match"))
        return self._link_binary(runner, binary, evidence)

    def _link_configured(self, runner: Runner, directory: str) -> Link:
        wanted = os.path.abspath(directory)
        found = next((p for p in self._programs if p.directory == wanted), None)
        if found is None:
            return Link(runner, None, (f"configured link to {directory}: not an analysed main package",))
        return Link(runner, found, (f"configured link: {runner.key}={directory}",))

    def _binary(self, runner: Runner) -> tuple[str | None, tuple[str, ...]]:
        """The binary's file name a runner starts, with how it was read."""
        if not runner.words:
            if runner.image is None:
                return None, ("no command line",)
            return self._image_binary(runner.image)
        script = shell_script(runner.words)
        words = split(script) if script is not None else runner.words
        name = program(words)
        evidence = f"runs {' '.join(runner.words)}"
        if name is not None and name.endswith(".sh"):
            started = self._script_binary(name)
            if started in _SCRIPT_ARGUMENTS:  # `exec "$@"`: the script runs its arguments
                position = next(i for i, w in enumerate(words) if posixpath.basename(w) == name)
                started = program(words[position + 1 :])
                return started, (evidence, f"{name} execs its arguments")
            if started is not None:
                return started, (evidence, f"{name} execs {started}")
        return name, (evidence,)

    def _image_binary(self, image: str) -> tuple[str | None, tuple[str, ...]]:
        name = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
        if name and (any(p.binary == name for p in self._programs) or self._built(name)):
            return name, (f"no command: image {image} named like binary {name}",)
        launching = [d for d in self._dockerfiles if d.launch is not None]
        if len(launching) == 1:
            only = dockerfile_runner(launching[0])
            if only is not None:
                binary, evidence = self._binary(only)
                only_one = f"no command: the image of {launching[0].file.display}, the only Dockerfile"
                return binary, (only_one, *evidence)
        return None, (f"no command, and image {image or '(none)'} names no binary",)

    def _script_binary(self, script_name: str) -> str | None:
        """The program a start script copied into an image execs, if the script is in the tree."""
        for dockerfile in self._dockerfiles:
            lines = copied_script(dockerfile, script_name)
            started = next((program(split(line)) for line in lines or () if execs(line)), None)
            if started is not None:
                return started
        return None

    def _built(self, binary: str) -> list[tuple[Program, str]]:
        """Programs a Dockerfile's `go build -o BINARY PACKAGE` builds, with the evidence."""
        found = []
        for dockerfile in self._dockerfiles:
            for build in dockerfile.builds:
                if build.output != binary:
                    continue
                for candidate in self._programs:
                    if _builds(build.package, dockerfile, candidate):
                        found.append((candidate, f"{build.place} builds {binary} from {build.package}"))
        return found

    def _link_binary(self, runner: Runner, binary: str, evidence: tuple[str, ...]) -> Link:
        built = {p.directory: (p, why) for p, why in self._built(binary)}
        if len(built) == 1:
            found, why = next(iter(built.values()))
            return Link(runner, found, (*evidence, why))
        named = [p for p in self._programs if p.binary == binary]
        services = [p for p in named if p.long_running]
        if not built and len(named) > 1 and len(services) == 1:  # a deployment runs a service
            chosen = services[0]
            others = ", ".join(p.shown for p in named if p is not chosen)
            why = f"main package {chosen.shown} builds {binary}, the only one that serves (not {others})"
            return Link(runner, chosen, (*evidence, why))
        if len(built) > 1 or len(named) > 1:
            choices = ", ".join(sorted({p.shown for p in named} | {p.shown for p, _ in built.values()}))
            ambiguous = f"unlinked: several main packages build {binary}: {choices}"
            return Link(runner, None, (*evidence, ambiguous))
        if named:
            return Link(runner, named[0], (*evidence, f"main package {named[0].shown} builds {binary}"))
        return Link(runner, None, (*evidence, f"unlinked: no analysed main package builds {binary}"))


def _builds(package: str, dockerfile: Dockerfile, candidate: Program) -> bool:
    """Does `go build PACKAGE`, run in the Dockerfile's build context, build `candidate`?

    PACKAGE is a relative directory (`./cmd/app`), an import path, or Go files
    (`cmd/app/main.go`: the package of their directory).
    """
    if package.endswith(".go"):
        package = "./" + posixpath.dirname(package.removeprefix("./"))
    if not package.startswith("."):
        return package == candidate.import_path
    return any(os.path.normpath(d / package) == candidate.directory for d in context.candidates(dockerfile))


def _configured_link(entry: str) -> tuple[str, str]:
    key, _, directory = entry.partition("=")
    if not key.strip() or not directory.strip():
        msg = f"RES801 links: {entry!r} is not FILE[:CONTAINER]=DIRECTORY"
        raise ResilintError(msg)
    return key.strip(), directory.strip()
