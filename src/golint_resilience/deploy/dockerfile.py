"""Dockerfiles, read with dockerfile-parse (instructions keep their line numbers).

What matters for signals is the final stage: its ENTRYPOINT/CMD (exec or shell form) and
STOPSIGNAL. Every stage's `go build` lines tell which binary comes from which package.
"""

from __future__ import annotations

import io
import json
import posixpath
from dataclasses import dataclass

from golint_resilience.deploy.commands import split
from golint_resilience.deploy.sources import DeploymentFile
from golint_resilience.model import Place

_GO_BUILD_VALUE_FLAGS = frozenset(
    {
        "-o",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-tags",
        "-mod",
        "-modfile",
        "-p",
        "-pkgdir",
        "-buildmode",
        "-compiler",
        "-installsuffix",
        "-overlay",
        "-pgo",
        "-toolexec",
        "-C",
    }
)
_COMMAND_SEPARATORS = frozenset({"&&", "||", ";", "|"})


@dataclass(frozen=True)
class Launch:
    """An ENTRYPOINT or CMD: its words, and whether Docker runs it through `/bin/sh -c`."""

    instruction: str
    words: tuple[str, ...]
    shell_form: bool
    text: str  # as written after the instruction
    place: Place


@dataclass(frozen=True)
class GoBuild:
    """`go build -o OUTPUT PACKAGE` in a RUN instruction."""

    output: str  # the binary's file name
    package: str  # as written: ./cmd/orders, ., github.com/x/y/cmd/z
    place: Place


@dataclass(frozen=True)
class Dockerfile:
    """What a Dockerfile's final image runs, and how it is built and stopped."""

    file: DeploymentFile
    entrypoint: Launch | None
    cmd: Launch | None
    stop_signal: tuple[str, Place] | None
    builds: tuple[GoBuild, ...]
    copies: tuple[tuple[str, str], ...]  # (source, destination) of COPY/ADD in the final stage

    @property
    def launch(self) -> Launch | None:
        """What starts the container's main process: the ENTRYPOINT, else the CMD."""
        return self.entrypoint or self.cmd

    @property
    def command(self) -> tuple[str, ...]:
        """The main process's words: ENTRYPOINT then CMD (exec form only, as Docker does)."""
        if self.entrypoint is None:
            return self.cmd.words if self.cmd is not None else ()
        if self.entrypoint.shell_form or self.cmd is None or self.cmd.shell_form:
            return self.entrypoint.words
        return self.entrypoint.words + self.cmd.words


def _launch(file: DeploymentFile, instruction: dict[str, object]) -> Launch:
    value = str(instruction["value"]).strip()
    line = int(str(instruction["startline"])) + 1
    place = file.place(line)
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if isinstance(parsed, list) and all(isinstance(w, str) for w in parsed):
        return Launch(str(instruction["instruction"]), tuple(parsed), False, value, place)
    return Launch(str(instruction["instruction"]), split(value), True, value, place)


def go_builds(command: str, place: Place) -> list[GoBuild]:
    """The `go build` commands of a shell command line."""
    words = list(split(command))
    found = []
    for start in (i for i in range(len(words) - 1) if posixpath.basename(words[i]) == "go"):
        if words[start + 1] != "build":
            continue
        output, packages = None, []
        position = start + 2
        while position < len(words) and words[position] not in _COMMAND_SEPARATORS:
            word = words[position]
            if word in _GO_BUILD_VALUE_FLAGS and position + 1 < len(words):
                if word == "-o":
                    output = words[position + 1]
                position += 2
                continue
            if word.startswith("-o="):
                output = word[3:]
            elif not word.startswith("-"):
                packages.append(word)
            position += 1
        package = packages[-1] if packages else "."
        name = posixpath.basename(output.rstrip("/")) if output else posixpath.basename(package.rstrip("/"))
        if output is not None and output.endswith("/"):  # `-o /out/`: named after the package
            name = posixpath.basename(package.rstrip("/"))
        found.append(GoBuild(name, package, place))
    return found


def parse(file: DeploymentFile) -> Dockerfile:
    """Read a Dockerfile's final stage and its `go build` lines."""
    # Imported here: the rules that read a Dockerfile need its types, not its parser (~15 ms).
    from dockerfile_parse import DockerfileParser  # noqa: PLC0415

    parser = DockerfileParser(fileobj=io.BytesIO(file.text.encode("utf-8")))
    entrypoint = cmd = None
    stop_signal = None
    builds: list[GoBuild] = []
    copies: list[tuple[str, str]] = []
    for instruction in parser.structure:
        name = str(instruction["instruction"]).upper()
        line = int(str(instruction["startline"])) + 1
        if name == "FROM":  # a new stage: only the last one's settings reach the image
            entrypoint = cmd = stop_signal = None
            copies = []
        elif name == "ENTRYPOINT":
            entrypoint = _launch(file, instruction)
        elif name == "CMD":
            cmd = _launch(file, instruction)
        elif name == "STOPSIGNAL":
            stop_signal = (str(instruction["value"]).strip(), file.place(line))
        elif name == "RUN":
            builds.extend(go_builds(str(instruction["value"]), file.place(line)))
        elif name in {"COPY", "ADD"}:
            words = [w for w in split(str(instruction["value"])) if not w.startswith("--")]
            copies.extend((source, words[-1]) for source in words[:-1])
    return Dockerfile(file, entrypoint, cmd, stop_signal, tuple(builds), tuple(copies))
