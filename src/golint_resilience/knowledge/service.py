"""The service facts that deployment checks compare with manifests (see servicefacts.py).

Per package: every readable route registration (with RES502's dependency analysis of its
handler), the ports of listen addresses written as literals, the deadlines of graceful
`Shutdown(ctx)` calls, and the signals `signal.Notify` asks for.
"""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.analysis.facts import FactsBuilder
from golint_resilience.analysis.resolve import (
    callee_name,
    imported_package,
    lookup,
    package_constant,
    string_constant,
    unparen,
)
from golint_resilience.analysis.servicefacts import (
    ALL_SIGNALS,
    DeadlineFact,
    RouteFact,
    ServiceFacts,
    covers,
    request_path,
)
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.probe_work import WorkSite, first_work
from golint_resilience.knowledge.routes import ALL_ROUTE_REGISTRATIONS, Route, routes
from golint_resilience.knowledge.servers import (
    HTTP,
    SERVER_CALLS,
    SERVER_LITERALS,
    http_shutdowns,
    server_literal_addresses,
)
from golint_resilience.knowledge.signals import SIGNAL_CALLS, notify_calls, signal_list
from golint_resilience.model import Place
from golint_resilience.registry import MatchContext, fact_extractor

_UNITS = {
    "Nanosecond": 1e-9,
    "Microsecond": 1e-6,
    "Millisecond": 1e-3,
    "Second": 1.0,
    "Minute": 60.0,
    "Hour": 3600.0,
}
_SIGNAL_ALIASES = {"Interrupt": "SIGINT", "Kill": "SIGKILL"}
_DEADLINE_FUNCTIONS = frozenset({"WithTimeout", "WithTimeoutCause"})
_MAX_DEPTH = 4


def place(node: Node, context: FileContext) -> Place:
    """Where a node starts, as plain data."""
    return Place(context.file.display, context.file.span(node))


def _may_serve(route: Route, paths: frozenset[str]) -> bool:
    """Could the route serve one of the paths (exactly, or as a subtree covering it)?"""
    return any(covers(route.path, route.subtree, request_path(probe)) for probe in paths)


def _dependency_work(route: Route) -> WorkSite | None:
    """The first dependency check of the route's handlers (RES502's analysis)."""
    return next(
        (w for h in route.handlers if (w := first_work(h.function, h.context, lambda w: w.dependency))),
        None,
    )


def _route_facts(ctx: MatchContext) -> tuple[list[RouteFact], bool]:
    """Readable routes; handlers are analysed only where a liveness probe may land."""
    found = []
    for route in routes(ctx, "all_route_registrations"):
        work = _dependency_work(route) if _may_serve(route, ctx.liveness_probe_paths) else None
        found.append(
            RouteFact(
                route.path,
                route.subtree,
                place(route.call, route.context),
                work.work.description if work is not None else "",
                place(work.site, work.context) if work is not None else None,
            )
        )
    return found, _all_paths_read(ctx)


def _all_paths_read(ctx: MatchContext) -> bool:
    """False when a `Handle`/`HandleFunc` registers a path that cannot be read."""
    for match in ctx.matches(ALL_ROUTE_REGISTRATIONS):
        context = match.context
        if context.text(match.node("name")) not in {"Handle", "HandleFunc"}:
            continue
        arguments = match.node("call").child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        if len(values) == 2 and string_constant(values[0], context) is None:
            return False
    return True


def _port(address: str | None) -> int | None:
    """`":8080"`, `"0.0.0.0:8080"` → 8080; None when there is no numeric port."""
    if address is None or ":" not in address:
        return None
    port = address.rsplit(":", 1)[1]
    return int(port) if port.isdigit() else None


def _ports(ctx: MatchContext) -> tuple[set[int], bool]:
    """Ports of `http.Server{Addr: …}` literals and `http.ListenAndServe(addr, …)` calls."""
    addresses = list(server_literal_addresses(ctx))
    for match in ctx.matches(SERVER_CALLS):
        call, context = match.node("call"), match.context
        name = callee_name(call, context)
        arguments = call.child_by_field_name("arguments")
        if name is None or name.package != HTTP or not name.name.startswith("ListenAndServe"):
            continue
        if arguments is not None and arguments.named_children:
            addresses.append(string_constant(arguments.named_children[0], context))
    ports = {_port(a) for a in addresses}
    known = {p for p in ports if p is not None}
    return known, None not in ports


def duration_seconds(expression: Node, context: FileContext, depth: int = _MAX_DEPTH) -> float | None:
    """The value of a `time.Duration` expression in seconds, when syntax gives it.

    `10 * time.Second`, `time.Duration(n) * time.Millisecond` with `n` a constant, a
    same-package constant naming one; a bare number counts in nanoseconds, as in Go.
    """
    found = _duration(unparen(expression), context, depth)
    if found is None:
        return None
    value, has_unit = found
    return value if has_unit else value * _UNITS["Nanosecond"]


def _duration(node: Node, context: FileContext, depth: int) -> tuple[float, bool] | None:
    if depth < 0:
        return None
    if node.type in {"int_literal", "float_literal"}:
        try:
            return float(context.text(node).replace("_", "")), False
        except ValueError:
            return None
    if node.type == "selector_expression":
        operand, field = node.child_by_field_name("operand"), node.child_by_field_name("field")
        if operand is not None and field is not None and imported_package(operand, context) == "time":
            unit = _UNITS.get(context.text(field))
            return (unit, True) if unit is not None else None
        return None
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or left is None or right is None or context.text(operator) != "*":
            return None
        a, b = _duration(unparen(left), context, depth - 1), _duration(unparen(right), context, depth - 1)
        if a is None or b is None or (a[1] and b[1]):
            return None
        return a[0] * b[0], a[1] or b[1]
    if node.type == "call_expression":  # time.Duration(n)
        function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if function is None or arguments is None or len(arguments.named_children) != 1:
            return None
        if context.text(function).endswith(".Duration"):
            return _duration(unparen(arguments.named_children[0]), context, depth - 1)
        return None
    if node.type == "identifier":
        found = package_constant(node, context)
        return _duration(found[0], found[1], depth - 1) if found is not None else None
    return None


def _deadlines(ctx: MatchContext) -> Iterator[DeadlineFact]:
    """`ctx, cancel := context.WithTimeout(parent, d)` … `srv.Shutdown(ctx)`, with d known."""
    for call, context in http_shutdowns(ctx):
        arguments = call.child_by_field_name("arguments")
        argument = unparen(arguments.named_children[0]) if arguments is not None else None
        if argument is None or argument.type != "identifier":
            continue
        binding = lookup(argument, context)
        value = binding.value_node if binding is not None and binding.is_local else None
        value = unparen(value) if value is not None else None
        name = callee_name(value, context) if value is not None and value.type == "call_expression" else None
        if value is None or name is None or name.package != "context" or name.name not in _DEADLINE_FUNCTIONS:
            continue
        timeout_arguments = value.child_by_field_name("arguments")
        if timeout_arguments is None or len(timeout_arguments.named_children) < 2:
            continue
        seconds = duration_seconds(timeout_arguments.named_children[1], context)
        if seconds is not None:
            yield DeadlineFact(seconds, place(value, context))


def _signals(ctx: MatchContext) -> tuple[set[str], bool]:
    names: set[str] = set()
    complete = True
    for call, context in notify_calls(ctx):
        listed = signal_list(call, context)
        complete = complete and listed.complete
        names.update(_SIGNAL_ALIASES.get(n, n) for n in listed.names)
        if listed.complete and not listed.names:
            names.add(ALL_SIGNALS)
    return names, complete


@fact_extractor(
    fragments=(ALL_ROUTE_REGISTRATIONS, SERVER_CALLS, SERVER_LITERALS, SIGNAL_CALLS),
    for_deployment=True,
)
def record_service(ctx: MatchContext, facts: FactsBuilder) -> None:
    """The package's part of what a deployment must agree with."""
    route_facts, routes_complete = _route_facts(ctx)
    ports, ports_complete = _ports(ctx)
    signals, signals_complete = _signals(ctx)
    facts.service = ServiceFacts(
        routes=tuple(route_facts),
        routes_complete=routes_complete,
        ports=tuple(sorted(ports)),
        ports_complete=ports_complete,
        deadlines=tuple(_deadlines(ctx)),
        signals=tuple(sorted(signals)),
        signals_complete=signals_complete,
    )
