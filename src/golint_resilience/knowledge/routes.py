"""HTTP route registrations and the handler functions they lead to (for RES501/RES502).

A registration is `HandleFunc/Handle(path, h)` on `http` or any mux, a gin/echo/chi/
fiber-style verb `GET/Get/Head/Any/All(path, h…)`, or gorilla's `….Path(p)….Handler[Func](h)`;
its path must be a string literal or a same-package constant. A handler leads to the
function bodies that serve the route: a function literal, a same-package function or
method value, `http.HandlerFunc(f)`, what a same-package factory returns, and the
handlers a wrapper (`withLogging(h)`) is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from golint_resilience.analysis.resolve import (
    QualifiedName,
    callee_name,
    lookup,
    returned_values,
    same_package_callee,
    string_constant,
    unparen,
)
from golint_resilience.analysis.triggers import Confirmed
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.registry import MatchContext, Options, fragment

VERB_REGISTRATIONS = frozenset({"HandleFunc", "Handle", "GET", "HEAD", "Any", "Get", "Head", "All"})
PATH_REGISTRATIONS = frozenset({"Handler", "HandlerFunc"})  # gorilla: ….Path(p).Handler(h)
HANDLER_CONVERSIONS = frozenset({QualifiedName("net/http", "HandlerFunc")})
_FACTORY_DEPTH = 2

PROBE_PATH_OPTIONS = (("RES501", "probe-paths"), ("RES502", "liveness-paths"))


def _probe_paths(options: Options) -> tuple[Confirmed, ...]:
    """The package gate of route registrations: a probe path ending a string literal.

    A package that writes no probe path cannot register a probe route: a path is a string
    literal or a same-package constant, and what `route_path` reads from it ends the
    literal, maybe followed by one `/` (`"GET /healthz"`, `"host/readyz/"`).
    """
    paths = {path for rule, knob in PROBE_PATH_OPTIONS for path in options.get(rule, {}).get(knob, ())}
    return tuple(
        Confirmed(path.encode(), re.compile(re.escape(path.encode()) + rb'/?["`]')) for path in sorted(paths)
    )


_REGISTRATION_QUERY = f"""
(call_expression
  function: (selector_expression
    field: (field_identifier) @name)
  (#match? @name "^({"|".join(sorted(VERB_REGISTRATIONS | PATH_REGISTRATIONS))})$")) @call
"""
_REGISTRATION_TRIGGERS = (b"Handle", b"GET", b"Get", b"HEAD", b"Head", b"Any", b"All", b"Handler")
ROUTE_REGISTRATIONS = "route_registrations"
fragment(ROUTE_REGISTRATIONS, _REGISTRATION_QUERY, _REGISTRATION_TRIGGERS, package_triggers=_probe_paths)
# Every registration, whatever its path: deployment checks compare them with probe paths
# that only the manifests know.
ALL_ROUTE_REGISTRATIONS = "all_route_registrations"
fragment(ALL_ROUTE_REGISTRATIONS, _REGISTRATION_QUERY, _REGISTRATION_TRIGGERS)


@dataclass(frozen=True)
class Handler:
    """A function body that serves a route: a declaration or a function literal."""

    function: Node
    context: FileContext

    @property
    def key(self) -> tuple[str, int]:
        """Identity across registrations of the same handler."""
        return (self.context.file.display, self.function.start_byte)


@dataclass(frozen=True)
class Route:
    """A registration: its path (as registered, method prefix removed) and its handlers."""

    path: str
    handlers: tuple[Handler, ...]
    call: Node  # the registration
    context: FileContext
    subtree: bool = False  # written with a trailing `/`: net/http serves every path below it


def route_path(pattern: str) -> str:
    """`GET /healthz` → `/healthz`; `host/readyz/` → `/readyz`."""
    words = pattern.split()
    path = words[-1] if words else ""
    path = path[path.find("/") :] if "/" in path else path
    return path.rstrip("/") or path


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    return list(arguments.named_children) if arguments is not None else []


def _gorilla_path(call: Node, context: FileContext) -> str | None:
    """The `.Path(p)` earlier in a gorilla chain ending in `.Handler[Func](h)`."""
    function = call.child_by_field_name("function")
    node = function.child_by_field_name("operand") if function is not None else None
    while node is not None and node.type == "call_expression":
        selector = node.child_by_field_name("function")
        if selector is None or selector.type != "selector_expression":
            return None
        field = selector.child_by_field_name("field")
        arguments = _arguments(node)
        if field is not None and context.text(field) == "Path" and len(arguments) == 1:
            return string_constant(arguments[0], context)
        node = selector.child_by_field_name("operand")
    return None


def routes(ctx: MatchContext, fragment_name: str = "route_registrations") -> Iterator[Route]:
    """Every registration of the package whose path can be read."""
    for match in ctx.matches(fragment_name):
        call, context = match.node("call"), match.context
        name = context.text(match.node("name"))
        arguments = _arguments(call)
        if name in PATH_REGISTRATIONS:
            if len(arguments) != 1:
                continue
            path, handler_arguments = _gorilla_path(call, context), arguments
        else:
            if len(arguments) < 2:
                continue
            path, handler_arguments = string_constant(arguments[0], context), arguments[1:]
        if path is None:
            continue
        handlers = {h.key: h for a in handler_arguments for h in handlers_of(a, context, _FACTORY_DEPTH)}
        yield Route(route_path(path), tuple(handlers.values()), call, context, subtree=path.endswith("/"))


def _without_conversions(expression: Node, context: FileContext) -> Node:
    """`http.HandlerFunc(h)` → `h`, peeled in a loop (conversions can nest deeply)."""
    while expression.type == "call_expression" and callee_name(expression, context) in HANDLER_CONVERSIONS:
        arguments = _arguments(expression)
        if not arguments:
            break
        expression = unparen(arguments[0])
    return expression


def handlers_of(expression: Node, context: FileContext, depth: int) -> list[Handler]:
    """The function bodies an expression used as a handler leads to."""
    expression = _without_conversions(unparen(expression), context)
    if expression.type == "func_literal":
        return [Handler(expression, context)]
    if expression.type == "identifier":
        binding = lookup(expression, context)
        if binding is not None and binding.is_local:  # `h := func(w, r) {…}` or `h := newHandler(db)`
            value = binding.value_node
            return handlers_of(value, context, depth - 1) if value is not None and depth > 0 else []
    if expression.type in {"identifier", "selector_expression"}:
        target = same_package_callee(expression, context)
        # A method name declared on several types: which one serves is unknown.
        if target is None or (target.is_method and len(target.declarations) > 1):
            return []
        declaration = target.declarations[0]
        return [Handler(declaration.node, context.package.context_of(declaration.file))]
    if expression.type != "call_expression" or depth <= 0:
        return []
    arguments = _arguments(expression)
    found = [h for a in arguments for h in handlers_of(a, context, depth - 1)]  # a wrapper's handlers
    function = expression.child_by_field_name("function")
    target = same_package_callee(function, context) if function is not None else None
    for declaration in target.declarations if target is not None else ():
        declared_in = context.package.context_of(declaration.file)
        for value in returned_values(declaration.node, declared_in):
            found.extend(handlers_of(value, declared_in, depth - 1))
    return found
