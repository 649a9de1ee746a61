"""Kubernetes manifests read with PyYAML's composer (nodes keep their line marks) into workloads.

A file may hold several documents (`---`); Kustomize bases are plain manifests. Helm
templates (`{{ … }}`) are not YAML until rendered: they are skipped with a note.
Apart from the types (kubernetes.py), so that only a run that reads a manifest loads YAML.
"""

from __future__ import annotations

import re

import yaml

from golint_resilience.deploy.kubernetes import WORKLOAD_KINDS, Container, Probe, Workload
from golint_resilience.deploy.sources import DeploymentFile
from golint_resilience.model import FileError, Place

# libyaml's composer when PyYAML has it (its wheels do): the same nodes and marks, ten times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TEMPLATE = "{{"
_SLEEP = re.compile(r"^\s*(?:exec\s+)?sleep\s+(\d+(?:\.\d+)?)s?\s*$")


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _path(node: yaml.Node | None, *keys: str) -> yaml.Node | None:
    for key in keys:
        node = _get(node, key)
    return node


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _strings(node: yaml.Node | None) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        return ()
    return tuple(v for item in node.value if (v := _scalar(item)) is not None)


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _place(file: DeploymentFile, node: yaml.Node) -> Place:
    return file.place(node.start_mark.line + 1, node.start_mark.column + 1)


def _key_place(file: DeploymentFile, mapping: yaml.Node | None, key: str) -> Place | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    found = next((k for k, _ in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return _place(file, found) if found is not None else None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _pre_stop_seconds(container: yaml.Node) -> float:
    pre_stop = _path(container, "lifecycle", "preStop")
    seconds = _number(_scalar(_path(pre_stop, "sleep", "seconds")))
    if seconds is not None:
        return seconds
    command = _strings(_path(pre_stop, "exec", "command"))
    script = command[-1] if command and command[0] != "sleep" else " ".join(command)
    match = _SLEEP.match(script)
    return float(match.group(1)) if match else 0.0


def _probes(file: DeploymentFile, container: yaml.Node) -> tuple[Probe, ...]:
    found = []
    for kind in ("liveness", "readiness", "startup"):
        key = f"{kind}Probe"
        probe = _get(container, key)
        if probe is None:
            continue
        http = _get(probe, "httpGet")
        where = _key_place(file, container, key) or _place(file, probe)
        found.append(Probe(kind, _scalar(_get(http, "path")), _scalar(_get(http, "port")), where))
    return tuple(found)


def _ports(container: yaml.Node) -> tuple[tuple[str, int], ...]:
    found = []
    for port in _items(_get(container, "ports")):
        name, number = _scalar(_get(port, "name")), _scalar(_get(port, "containerPort"))
        if name is not None and number is not None and number.isdigit():
            found.append((name, int(number)))
    return tuple(found)


def _container(file: DeploymentFile, node: yaml.Node) -> Container:
    return Container(
        name=_scalar(_get(node, "name")) or "",
        image=_scalar(_get(node, "image")) or "",
        command=_strings(_get(node, "command")),
        args=_strings(_get(node, "args")),
        ports=_ports(node),
        probes=_probes(file, node),
        pre_stop_seconds=_pre_stop_seconds(node),
        place=_place(file, node),
    )


def _pod_spec(document: yaml.Node, kind: str) -> yaml.Node | None:
    if kind == "Pod":
        return _get(document, "spec")
    if kind == "CronJob":
        return _path(document, "spec", "jobTemplate", "spec", "template", "spec")
    return _path(document, "spec", "template", "spec")


def _workload(file: DeploymentFile, document: yaml.Node) -> Workload | None:
    kind = _scalar(_get(document, "kind"))
    spec = _pod_spec(document, kind) if kind in WORKLOAD_KINDS else None
    if kind is None or spec is None:
        return None
    kind_key = _key_place(file, document, "kind")
    grace = _get(spec, "terminationGracePeriodSeconds")
    return Workload(
        kind=kind,
        name=_scalar(_path(document, "metadata", "name")) or "",
        place=kind_key or _place(file, document),
        containers=tuple(_container(file, c) for c in _items(_get(spec, "containers"))),
        grace_seconds=_number(_scalar(grace)),
        grace_place=_key_place(file, spec, "terminationGracePeriodSeconds"),
        file=file,
    )


def is_template(text: str) -> bool:
    """A Helm (or other Go-template) file: YAML only once rendered."""
    return _TEMPLATE in text


def parse(file: DeploymentFile) -> tuple[list[Workload], list[FileError]]:
    """The workloads of a YAML file; a template or invalid YAML gives a note instead."""
    if is_template(file.text):
        return [], [FileError(file.display, "template ({{ … }}): skipped, render it to check it", True)]
    try:
        documents = list(yaml.compose_all(file.text, Loader=_LOADER))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return [], [FileError(file.display, f"invalid YAML{where}: not checked")]
    workloads = [w for d in documents if d is not None and (w := _workload(file, d)) is not None]
    return workloads, []
