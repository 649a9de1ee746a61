"""Where servers start, stop and serve the default mux: shared by RES401, RES404, RES405, RES701.

These are package facts, because a `package main` is judged together with the
module-local packages it imports (real services start their servers in a library
package behind a one-line `main`):

- a long-lived server start: net/http `ListenAndServe[TLS]`/`Serve[TLS]` functions and
  methods, a `.Serve(lis)` method (gRPC and others), gin `Run`, echo `Start`, fiber
  `Listen`, a Docker plugin handler's `ServeUnix`/`ServeTCP` on values those packages
  built, and `select {}`;
- a graceful `Shutdown(ctx)` of a net/http server;
- `http.DefaultServeMux` served on a non-loopback (or unknown) address.

An opt-in debug listener is not a server start: a server started only under an `if`
that asks for a debug, profiling or monitoring option (`if pprofAddr != "" { go http.ListenAndServe(…) }`)
is the operator's choice to profile, not the service the program runs. The default mux
it serves counts as served to the network when the code writes its host (`":" + port`),
not when the operator gives the whole address with the option.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from golint_resilience.analysis.facts import (
    SERVES_DEFAULT_MUX,
    SERVES_DEFAULT_MUX_SOMEWHERE,
    SERVES_HTTP_FUNCTION,
    SHUTS_DOWN_HTTP_SERVER,
    STARTS_HTTP_SERVER,
    STARTS_SERVER,
    FactsBuilder,
)
from golint_resilience.analysis.resolve import (
    DECLARATION_NODES,
    QualifiedName,
    TypeRef,
    ancestors,
    callee_name,
    declared_type,
    enclosing_declaration,
    lookup,
    qualified_name,
    string_constant,
    type_of,
    unparen,
)
from golint_resilience.analysis.triggers import Confirmed, Imports
from golint_resilience.golang.index import FileContext, Package
from golint_resilience.golang.parsing import Node
from golint_resilience.registry import MatchContext, fact_extractor, fragment

HTTP = "net/http"
HTTP_SERVER = f"{HTTP}.Server"
DEFAULT_SERVE_MUX = QualifiedName(HTTP, "DefaultServeMux")
# net/http functions that serve: the position of their handler argument.
HTTP_SERVE_FUNCTIONS = {"ListenAndServe": 1, "ListenAndServeTLS": 3, "Serve": 1, "ServeTLS": 1}
HTTP_START_METHODS = frozenset({"ListenAndServe", "ListenAndServeTLS"})
SERVE_METHODS = {"Serve": 1, "ServeTLS": 3}  # method → number of arguments
# Framework start methods, by the (version-less) types of their receivers; Docker plugins
# (logging, volume, network drivers) serve the daemon on a socket.
_GIN = frozenset({"github.com/gin-gonic/gin.Engine"})
_ECHO = frozenset({"github.com/labstack/echo.Echo"})
_FIBER = frozenset({"github.com/gofiber/fiber.App"})
_DOCKER_PLUGIN = frozenset({"github.com/docker/go-plugins-helpers/sdk.Handler"})
FRAMEWORK_STARTS = {
    "Run": _GIN,
    "RunTLS": _GIN,
    "Start": _ECHO,
    "Listen": _FIBER,
    "ServeUnix": _DOCKER_PLUGIN,
    "ServeTCP": _DOCKER_PLUGIN,
}
LOOPBACK_PREFIXES = ("localhost:", "127.", "[::1]:")
_DEBUG_WORDS = re.compile(r"pprof|profil|debug|diagnos|monitor", re.IGNORECASE)
_MAJOR_SUFFIX = re.compile(r"/v[0-9]+(?=\.[^./]+$)")

_CALL_NAMES = sorted({*HTTP_START_METHODS, *SERVE_METHODS, *FRAMEWORK_STARTS, "Shutdown"})
SERVER_CALLS = "server_calls"
fragment(
    SERVER_CALLS,
    f"""
(call_expression
  function: (selector_expression
    field: (field_identifier) @name)
  (#match? @name "^({"|".join(_CALL_NAMES)})$")) @call
""",
    # gin's Run and echo's Start are recognised only through their import in the file.
    (b"Serve", b"Listen", b"Shutdown", Imports(b"gin-gonic/gin"), Imports(b"labstack/echo")),
)
MAIN_FUNCTION = "main_function"
fragment(
    MAIN_FUNCTION,
    '(function_declaration name: (identifier) @name (#eq? @name "main")) @main',
    (Confirmed(b"main", re.compile(rb"\nfunc[ \t]+main[ \t]*\(")),),  # the package clause comes first
)
# Only `select {}` (no case: blocks forever) matters; comments may stand inside.
SELECT_STATEMENTS = "select_statements"
fragment(
    SELECT_STATEMENTS,
    "(select_statement) @select",
    (Confirmed(b"select", re.compile(rb"select[ \t]*\{\s*(?://[^\n]*\s*)*\}")),),
)
SERVER_LITERALS = "server_literals"
fragment(
    SERVER_LITERALS,
    """
(composite_literal
  type: (qualified_type
    name: (type_identifier) @_type)
  (#eq? @_type "Server")) @literal
""",
    (b"Server",),
)
HANDLER_ASSIGNMENTS = "handler_assignments"
fragment(
    HANDLER_ASSIGNMENTS,
    """
(assignment_statement
  left: (expression_list
    (selector_expression
      field: (field_identifier) @_field))
  (#eq? @_field "Handler")) @assignment
""",
    (b"Handler",),
)


@dataclass(frozen=True)
class ServerStart:
    """A call (or `select {}`) that keeps the process serving."""

    node: Node
    context: FileContext
    http: bool  # a net/http server (a value or the package function)
    package_function: bool  # `http.ListenAndServe` & co.: no server value to shut down


def where(node: Node, context: FileContext) -> str:
    """`srv.ListenAndServe() at internal/server/server.go:42`: a construct for messages."""
    line = node.start_point[0] + 1
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        text = context.text(function) if function is not None else "call"
        text += "(…)" if arguments is not None and arguments.named_children else "()"
    elif node.type == "composite_literal":
        type_node = node.child_by_field_name("type")
        text = (context.text(type_node) if type_node is not None else "") + "{…}"
    else:
        text = " ".join(context.text(node).split())
    return f"{text} at {context.file.display}:{line}"


def versionless(type_ref: TypeRef) -> str:
    """`github.com/labstack/echo/v4.Context` → `github.com/labstack/echo.Context`; "" unless foreign."""
    return _MAJOR_SUFFIX.sub("", type_ref.name) if type_ref.is_foreign else ""


def is_http_server(expression: Node, context: FileContext) -> bool:
    """Is the value provably a net/http Server (a literal, or declared with that type)?"""
    return type_of(expression, context).is_type(HTTP_SERVER)


def _foreign(type_ref: TypeRef, ctx: MatchContext) -> bool:
    """A value known to come from another module's package (other than net/http)."""
    package = type_ref.package
    return package not in {"", HTTP} and ctx.module_directory(package) is None


def _server_start(call: Node, name: str, context: FileContext, ctx: MatchContext) -> ServerStart | None:
    qualified = callee_name(call, context)
    arguments = call.child_by_field_name("arguments")
    count = len(arguments.named_children) if arguments is not None else 0
    if qualified is not None:
        if qualified.package == HTTP and name in HTTP_SERVE_FUNCTIONS:
            return ServerStart(call, context, http=True, package_function=True)
        return None
    function = call.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    if operand is None:
        return None
    if name in HTTP_START_METHODS:
        # Wrappers of module-local types (`srv.ListenAndServe()` on a server.Server) count too.
        source = type_of(operand, context)
        return ServerStart(call, context, http=not _foreign(source, ctx), package_function=False)
    if SERVE_METHODS.get(name) == count:
        return ServerStart(call, context, http=is_http_server(operand, context), package_function=False)
    if name in FRAMEWORK_STARTS and versionless(type_of(operand, context)) in FRAMEWORK_STARTS[name]:
        return ServerStart(call, context, http=False, package_function=False)
    return None


def opt_in_debug_listener(node: Node, context: FileContext) -> bool:
    """Is the server at `node` started only when a debug, profiling or monitoring option asks for it?

    It is under an `if` (in its function, through literals such as `go func() {…}()`)
    whose condition or initializer names such an option (`pprofAddr != ""`,
    `cfg.Debug.Enabled`, `port := os.Getenv("PPROF_PORT"); port != ""`), or in a function
    named for one (`StartProfiler`, `serveDebug`, `startMonitoring`): its callers start it when asked.
    """
    for ancestor in ancestors(node, context):
        if ancestor.type in DECLARATION_NODES:
            name = ancestor.child_by_field_name("name")
            return name is not None and _DEBUG_WORDS.search(context.text(name)) is not None
        if ancestor.type != "if_statement":
            continue
        parts = (ancestor.child_by_field_name("initializer"), ancestor.child_by_field_name("condition"))
        if any(part is not None and _DEBUG_WORDS.search(context.text(part)) for part in parts):
            return True
    return False


def _local_debug_listener(start: ServerStart) -> bool:
    """`http.ListenAndServe("localhost:6060", nil)`: the default mux, to this machine only.

    What imports register there (pprof, expvar) is for whoever debugs on the host; the
    program does not run for that server.
    """
    call, context = start.node, start.context
    qualified = callee_name(call, context) if start.package_function else None
    if qualified is None or not qualified.name.startswith("ListenAndServe"):
        return False
    arguments = call.child_by_field_name("arguments")
    values = arguments.named_children if arguments is not None else []
    position = HTTP_SERVE_FUNCTIONS[qualified.name]
    if position >= len(values) or not _is_default_mux(values[position], context):
        return False
    address = string_constant(values[0], context)
    return address is not None and is_loopback(address)


def _calls_that_serve(ctx: MatchContext) -> Iterator[ServerStart]:
    for match in ctx.matches(SERVER_CALLS):
        start = _server_start(match.node("call"), match.context.text(match.node("name")), match.context, ctx)
        if start is not None:
            yield start


def server_starts(ctx: MatchContext) -> Iterator[ServerStart]:
    """Every server start of the package, in file and source order (debug listeners aside)."""
    for start in _calls_that_serve(ctx):
        if not opt_in_debug_listener(start.node, start.context) and not _local_debug_listener(start):
            yield start
    for match in ctx.matches(SELECT_STATEMENTS):
        statement = match.node("select")
        if not any(c.type in {"communication_case", "default_case"} for c in statement.named_children):
            yield ServerStart(statement, match.context, http=False, package_function=False)


def http_shutdowns(ctx: MatchContext) -> Iterator[tuple[Node, FileContext]]:
    """`x.Shutdown(ctx)` calls that may stop a net/http server.

    The receiver's type is rarely visible (`s.srv`, a value returned by a constructor),
    so only receivers known to be of another module's type (an OpenTelemetry provider)
    are left out: counting a shutdown too many keeps RES404 quiet, never noisy.
    """
    for match in ctx.matches(SERVER_CALLS):
        call, context = match.node("call"), match.context
        if context.text(match.node("name")) != "Shutdown" or callee_name(call, context) is not None:
            continue
        arguments = call.child_by_field_name("arguments")
        function = call.child_by_field_name("function")
        operand = function.child_by_field_name("operand") if function is not None else None
        if arguments is None or len(arguments.named_children) != 1 or operand is None:
            continue
        if not _foreign(type_of(operand, context), ctx):
            yield call, context


@dataclass(frozen=True)
class DefaultMuxServer:
    """Where http.DefaultServeMux is served, and on which address (None: known at run time)."""

    node: Node
    context: FileContext
    address: str | None
    address_text: str  # the address as written, for messages
    written_host: str | None = None  # of a run-time address, the host the code writes (`":%d"`: "")


def _is_default_mux(handler: Node | None, context: FileContext) -> bool:
    if handler is None:
        return False
    handler = unparen(handler)
    return handler.type == "nil" or _names_default_mux(handler, context, _MUX_DEPTH)


_MUX_DEPTH = 4


def _names_default_mux(value: Node, context: FileContext, depth: int) -> bool:
    """`http.DefaultServeMux` (or `&…`), or a variable initialised with it and declared without a type."""
    value = unparen(value)
    if value.type == "unary_expression":
        operand = value.child_by_field_name("operand")
        return operand is not None and _names_default_mux(operand, context, depth)
    if qualified_name(value, context) == DEFAULT_SERVE_MUX:
        return True
    if value.type != "identifier" or depth <= 0:
        return False
    binding = lookup(value, context)
    return (
        binding is not None
        and binding.type_node is None
        and binding.value_node is not None
        and _names_default_mux(binding.value_node, binding.context, depth - 1)
    )


def _listener_address(listener: Node, context: FileContext) -> Node | None:
    """The address argument of the `net.Listen(network, addr)` that built `listener`."""
    listener = unparen(listener)
    if listener.type != "identifier":
        return None
    binding = lookup(listener, context)
    value = binding.value_node if binding is not None and binding.is_local else None
    if value is None or value.type != "call_expression":
        return None
    if callee_name(value, context) not in {
        QualifiedName("net", "Listen"),
        QualifiedName("crypto/tls", "Listen"),
    }:
        return None
    arguments = value.child_by_field_name("arguments")
    return (
        arguments.named_children[1] if arguments is not None and len(arguments.named_children) > 1 else None
    )


def _keyed_values(literal: Node, context: FileContext) -> dict[str, Node]:
    body = literal.child_by_field_name("body")
    found = {}
    for element in body.named_children if body is not None else []:
        key = element.child_by_field_name("key")
        value = element.child_by_field_name("value")
        if element.type == "keyed_element" and key is not None and value is not None:
            found[context.text(key)] = value.named_children[0] if value.named_children else value
    return found


def _mux_server(node: Node, address: Node | None, context: FileContext) -> DefaultMuxServer:
    if address is None:
        return DefaultMuxServer(node, context, None, "an address set elsewhere")
    constant = string_constant(address, context)
    written = _written_host(address, context) if constant is None else None
    return DefaultMuxServer(node, context, constant, context.text(address), written)


def _written_host(address: Node, context: FileContext) -> str | None:
    """The host part the code writes into an address built at run time, if it writes one.

    `fmt.Sprintf(":%s", port)` and `":" + port` write an empty host (every interface),
    `fmt.Sprintf("localhost:%d", port)` a loopback one; `net.JoinHostPort(host, port)`,
    `"%s:%d"` and a plain variable leave the host to configuration (None).
    """
    address = unparen(address)
    if address.type == "binary_expression":
        left = address.child_by_field_name("left")
        return _written_host(left, context) if left is not None else None
    text = string_constant(address, context)
    if address.type == "call_expression" and str(callee_name(address, context)) == "fmt.Sprintf":
        arguments = address.child_by_field_name("arguments")
        text = (
            string_constant(arguments.named_children[0], context)
            if arguments and arguments.named_children
            else None
        )
    prefix = text.split("%", 1)[0] if text is not None else ""
    return prefix if ":" in prefix else None


def default_mux_servers(ctx: MatchContext) -> Iterator[DefaultMuxServer]:
    """Places that serve http.DefaultServeMux.

    `http.ListenAndServe(addr, nil)`, `http.Serve(ln, nil)`, and `http.Server` literals
    without a `Handler` (unless the package assigns a `Handler` field somewhere); opt-in
    debug listeners too, since they serve it to the network whenever they run.
    """
    for start in _calls_that_serve(ctx):
        if not start.package_function:
            continue
        call, context = start.node, start.context
        qualified = callee_name(call, context)
        arguments = call.child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        position = HTTP_SERVE_FUNCTIONS[qualified.name] if qualified is not None else -1
        if position >= len(values) or not _is_default_mux(values[position], context):
            continue
        if qualified is not None and qualified.name.startswith("ListenAndServe"):
            yield _mux_server(call, values[0], context)
        else:
            yield _mux_server(call, _listener_address(values[0], context), context)
    if ctx.matches(HANDLER_ASSIGNMENTS):
        return
    for match in ctx.matches(SERVER_LITERALS):
        literal, context = match.node("literal"), match.context
        if not declared_type(literal.child_by_field_name("type"), context).is_type(HTTP_SERVER):
            continue
        fields = _keyed_values(literal, context)
        if "Handler" not in fields or _is_default_mux(fields["Handler"], context):
            yield _mux_server(literal, fields.get("Addr"), context)


def server_literal_addresses(ctx: MatchContext) -> Iterator[str | None]:
    """The `Addr` of each `http.Server{…}` literal (None: missing or not a constant)."""
    for match in ctx.matches(SERVER_LITERALS):
        literal, context = match.node("literal"), match.context
        if declared_type(literal.child_by_field_name("type"), context).is_type(HTTP_SERVER):
            address = _keyed_values(literal, context).get("Addr")
            yield string_constant(address, context) if address is not None else None


def main_function_names(ctx: MatchContext) -> Iterator[tuple[Node, FileContext]]:
    """The name of `func main` in a package main: where program-wide findings go."""
    if not ctx.package.is_main:
        return
    for match in ctx.matches(MAIN_FUNCTION):
        yield match.node("name"), match.context


def is_loopback(address: str) -> bool:
    """`localhost:6060`, `127.0.0.1:6060`, `[::1]:6060`: reachable from this host only."""
    return address.startswith(LOOPBACK_PREFIXES)


def _entry_of_importers(node: Node, context: FileContext) -> str:
    """The exported function around `node` if only importers can call it, else "".

    `func Serve(…)` of a library whose own code never names it (comments aside): it runs
    for a program that calls it, not for one that imports the package for its client.
    """
    declaration = enclosing_declaration(node, context)
    name = declaration.child_by_field_name("name") if declaration is not None else None
    if declaration is None or declaration.type != "function_declaration" or name is None:
        return ""
    text = context.text(name)
    if not text[:1].isupper() or context.package.is_main:
        return ""
    package = context.package
    return text if package.remembered(("named once", text), lambda: _named_once(text, package)) else ""


def _named_once(name: str, package: Package) -> bool:
    """Is `name` on one code line of the package's non-test files (its declaration's)?"""
    reference = re.compile(rb"(?<![.\w])" + re.escape(name.encode()) + rb"\b")
    lines = (
        line
        for other in package.mentioning(name)
        if not other.file.path.name.endswith("_test.go")
        for line in other.file.data.splitlines()
        if not line.lstrip().startswith(b"//")
    )
    return sum(1 for line in lines if reference.search(line)) == 1


@fact_extractor(fragments=(SERVER_CALLS, SELECT_STATEMENTS, SERVER_LITERALS, HANDLER_ASSIGNMENTS))
def record_servers(ctx: MatchContext, facts: FactsBuilder) -> None:
    """Server starts, graceful shutdowns and the default mux served to the network."""
    for start in server_starts(ctx):
        witness = where(start.node, start.context)
        function = _entry_of_importers(start.node, start.context)
        facts.flag(STARTS_SERVER, witness, function)
        if start.package_function:
            facts.flag(SERVES_HTTP_FUNCTION, witness, function)
        elif start.http:
            facts.flag(STARTS_HTTP_SERVER, witness, function)
    for call, context in http_shutdowns(ctx):
        facts.flag(SHUTS_DOWN_HTTP_SERVER, where(call, context))
    for server in default_mux_servers(ctx):
        host = server.address if server.address is not None else server.written_host
        if host is not None and is_loopback(host):
            continue
        if server.address is not None:
            facts.flag(SERVES_DEFAULT_MUX, f'"{server.address}" ({where(server.node, server.context)})')
        elif host is not None or not opt_in_debug_listener(server.node, server.context):
            # an opt-in debug listener on an address from configuration: whoever asks
            # for it chooses where it listens
            witness = f"{server.address_text} ({where(server.node, server.context)})"
            facts.flag(SERVES_DEFAULT_MUX_SOMEWHERE, witness)
