"""Outbound and inbound HTTP timeouts: RES301, RES302, RES303, RES304.

RES301 http-request-without-context, RES302 http-client-without-timeout (off by default),
RES303 request-without-deadline, RES304 http-server-without-timeouts. What counts as a
client, a request or a server literal is in net_http.py; where a context comes from is
in contexts.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.analysis.function_values import fragment_calls, value_patterns, value_triggers
from golint_resilience.analysis.resolve import (
    assignment_target,
    callee_name,
    callee_text,
    declaration_of,
    enclosing_declaration,
    enclosing_function,
    lookup,
    parameter_names,
    parent_of,
    qualified_name,
    same_node,
    same_package_callee,
    signature,
    unparen,
)
from golint_resilience.analysis.triggers import Imports
from golint_resilience.fixes.edits import (
    CLIENT_TIMEOUT,
    READ_HEADER_TIMEOUT,
    add_keyed_element,
    insert,
    make_fix,
    replace,
)
from golint_resilience.fixes.imports import package_name
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, calls_within, captures_within
from golint_resilience.knowledge.contexts import (
    NeverExpiring,
    context_in_scope,
    fix_context,
    is_context_argument,
    never_expiring_context,
)
from golint_resilience.knowledge.net_http import (
    DEFAULT_CLIENT,
    NET_HTTP,
    REQUEST_CONSTRUCTORS,
    REQUEST_DERIVATIONS,
    client_has_timeout,
    fields_assigned_later,
    http_literal_type,
    is_http_client,
    is_http_request,
    is_net_http,
    literal_keys,
)
from golint_resilience.model import Fix, Severity
from golint_resilience.registry import CheckContext, Report, check, fragment, report

SEND_METHODS = {
    "Get": "http.MethodGet",
    "Head": "http.MethodHead",
    "Post": "http.MethodPost",
    "PostForm": "http.MethodPost",
}
SERVE_FUNCTIONS = frozenset({"ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"})
SERVER_READ_TIMEOUTS = frozenset({"ReadHeaderTimeout", "ReadTimeout"})
_NET_HTTP_CALLS = REQUEST_CONSTRUCTORS | REQUEST_DERIVATIONS | SERVE_FUNCTIONS

HTTP_SENDS = "http_sends"
fragment(
    HTTP_SENDS,
    """
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^(Get|Head|Post|PostForm)$")) @call
"""
    + value_patterns(SEND_METHODS),
    (b"Get(", b"Head(", b"Post(", b"PostForm(", *value_triggers(SEND_METHODS)),
    package_triggers=(Imports(b'"net/http"'),),  # net/http's functions, or its Client's methods
)
NET_HTTP_CALLS = "net_http_calls"
fragment(
    NET_HTTP_CALLS,
    f"""
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^({"|".join(sorted(_NET_HTTP_CALLS))})$")) @call
"""
    + value_patterns(_NET_HTTP_CALLS),
    (Imports(b"net/http"),),
)
HTTP_VALUES = "http_values"
fragment(
    HTTP_VALUES,
    """
(composite_literal
  type: (qualified_type
    name: (type_identifier) @_type)
  (#match? @_type "^(Client|Server)$")) @value
(call_expression
  function: (identifier) @_new
  arguments: (argument_list
    .
    (qualified_type
      name: (type_identifier) @_type)
    .)
  (#eq? @_new "new")
  (#match? @_type "^(Client|Server)$")) @value
""",
    (Imports(b"net/http"),),
)
DEFAULT_CLIENT_USES = "default_client_uses"
fragment(
    DEFAULT_CLIENT_USES,
    """
(selector_expression
  operand: (identifier)
  field: (field_identifier) @_field
  (#eq? @_field "DefaultClient")) @reference
""",
    (b"DefaultClient",),
)

# Where a request variable goes after it is built: `@attached` (req.WithContext/Clone),
# `@argument` (of a call, judged with its sibling arguments), `@kept` (returned, or stored
# in a field, element, literal or channel, out of this function's sight), `@served`
# (handed to a handler's ServeHTTP: routed in-process, never dialled).
_REQUEST_USES = """
(call_expression
  function: (selector_expression
    field: (field_identifier) @_serve)
  arguments: (argument_list
    (identifier) @served)
  (#eq? @_serve "ServeHTTP"))
(call_expression
  function: (selector_expression
    operand: (identifier) @attached
    field: (field_identifier) @_method)
  (#match? @_method "^(WithContext|Clone)$"))
(call_expression
  arguments: (argument_list
    (identifier) @argument) @arguments)
(return_statement
  (expression_list
    (identifier) @kept))
(assignment_statement
  right: (expression_list
    (identifier) @kept))
(short_var_declaration
  right: (expression_list
    (identifier) @kept))
(keyed_element
  value: (literal_element
    (identifier) @kept))
(literal_value
  (literal_element
    (identifier) @kept))
(send_statement
  value: (identifier) @kept)
"""
_SENDS = """
(call_expression
  function: (selector_expression
    operand: (_) @client
    field: (field_identifier) @_do)
  arguments: (argument_list
    .
    (_) @request .)
  (#eq? @_do "Do")) @call
"""


def _selector_parts(call: Node) -> tuple[Node, Node] | None:
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None
    operand = function.child_by_field_name("operand")
    field = function.child_by_field_name("field")
    return (operand, field) if operand is not None and field is not None else None


# --- RES301 ------------------------------------------------------------------------------


@check("RES301", fragments=(HTTP_SENDS, NET_HTTP_CALLS))
def http_request_without_context(ctx: CheckContext) -> Iterator[Report]:
    """`http.Get` & co., the same methods on known clients, and `http.NewRequest` left without a context.

    A request that a client with a Timeout sends has a deadline, only no way to be
    cancelled: a note that says so where a context is at hand to cancel it with. Without
    one, cancelling it needs a context threaded through the callers' API: the deadline is
    what it can have, and it has one.
    """
    for call, context in fragment_calls(ctx, "http_sends"):
        if not _validates_configuration(call, context):
            yield from _send_without_context(call, context)
    for call, context in fragment_calls(ctx, "net_http_calls"):
        if not is_net_http(callee_name(call, context), frozenset({"NewRequest"})):
            continue
        if _validates_configuration(call, context):
            continue
        value = _value_leaving_literals(call, context)
        if value is None or _request_gets_context(value, context):
            continue
        clients = [(c, context) for c in _sending_clients(value, context)] + _callee_clients(value, context)
        bounded = bool(clients) and all(client_has_timeout(c, where) for c, where in clients)
        in_scope = context_in_scope(call, context)
        if bounded and in_scope is None:
            continue  # deadline known, nothing at hand to cancel it with
        yield report(
            call,
            context,
            _variant("new_request", bounded=bounded, in_scope=in_scope is not None),
            severity=Severity.NOTE if bounded else None,
            call=callee_text(call, context),
            ctx=in_scope or "ctx",
            client=clients[0][1].text(clients[0][0]) if clients else "client",
            fix=_with_context_fix(call, context),
        )


def _validates_configuration(call: Node, context: FileContext) -> bool:
    """Is the request made by a `Validate() error` method: a configuration checking its endpoint?

    The conventional contract of a value that checks itself takes nothing, so it has no
    context to pass on and cannot be given one without breaking its callers' interface;
    it runs when the configuration is loaded or changed, not once per request served.
    """
    declaration = enclosing_declaration(call, context)
    if declaration is None or declaration.type != "method_declaration":
        return False
    return signature(declaration, context) == ("Validate", (), "error")


def _variant(kind: str, *, bounded: bool, in_scope: bool) -> str:
    """A send's message (kind "") or a built request's: with a client's Timeout, with a context in scope."""
    parts = (kind, "timeout" if bounded else "", "" if in_scope else "no_context")
    return "_".join(p for p in parts if p) or "default"


def _with_context_fix(call: Node, context: FileContext) -> Fix | None:
    """`http.NewRequest(m, u, b)` → `http.NewRequestWithContext(ctx, m, u, b)` with the context in scope."""
    ctx = fix_context(call, context)
    parts = _selector_parts(call)
    arguments = call.child_by_field_name("arguments")
    if ctx is None or parts is None or arguments is None or not arguments.named_children:
        return None
    edits = (
        replace(context, parts[1], "NewRequestWithContext"),
        insert(context, arguments.named_children[0].start_byte, f"{ctx}, "),
    )
    return make_fix(f"Build the request with {ctx}", edits, safe=True)


def _send_without_context(call: Node, context: FileContext) -> Iterator[Report]:
    """`http.Get(u)` (or `get := http.Get; get(u)`) or `c.Get(u)` on a known client; not other `Get`s."""
    name = callee_name(call, context)
    parts = _selector_parts(call)
    if name is not None:
        if name.package != NET_HTTP or name.name not in SEND_METHODS:
            return  # another package's Get
        client = "client"
    elif parts is not None and is_http_client(parts[0], context):
        client = context.text(parts[0])
    else:
        return
    method = name.name if name is not None else context.text(parts[1]) if parts is not None else ""
    bounded = name is None and parts is not None and client_has_timeout(parts[0], context)
    in_scope = context_in_scope(call, context)
    if bounded and in_scope is None:
        return  # deadline known, nothing at hand to cancel it with
    yield report(
        call,
        context,
        _variant("", bounded=bounded, in_scope=in_scope is not None),
        severity=Severity.NOTE if bounded else None,
        call=callee_text(call, context),
        ctx=in_scope or "ctx",
        method=SEND_METHODS[method],
        client=client,
    )


def _request_gets_context(value: Node, context: FileContext) -> bool:
    """Does the function give the request that `value` holds a context (or hand it on)?

    `value` is an `http.NewRequest` call, or the call of a literal returning one. Yes when
    the function attaches one (`req.WithContext(ctx)`, `req.Clone(ctx)`), returns the
    request to its caller, passes it to a call that also takes a context (unless the
    function sends it itself: a callee cannot change the caller's request), or hands it
    to a handler's `ServeHTTP` (an in-process request); a request stored anywhere but a
    plain variable counts as yes, since where it goes is not visible.
    """
    target = assignment_target(value, context)
    function = enclosing_function(value, context)
    if target is None or function is None:
        return False
    if target.type != "identifier":
        return True  # stored in a field or an element: where it goes is not visible here
    handed_on = sent_here = False
    for captures in captures_within(function, _REQUEST_USES, context.file.budget):
        kind = next(k for k in ("attached", "served", "argument", "kept") if k in captures)
        use = captures[kind][0]
        if not _later_use(use, value, target, context):
            continue
        if kind != "argument":
            return True
        arguments = captures["arguments"][0]
        sent_here = sent_here or _is_send(arguments, context)
        handed_on = handed_on or any(
            is_context_argument(a, context) for a in arguments.named_children if a.id != use.id
        )
    return handed_on and not sent_here


def _later_use(use: Node, value: Node, target: Node, context: FileContext) -> bool:
    """Is `use`, after `value`, the variable `target` that receives it (not a literal's own of that name)?"""
    if use.start_byte < value.end_byte or context.text(use) != context.text(target):
        return False
    declared, expected = declaration_of(use, context), declaration_of(target, context)
    return same_node(declared, expected) or (declared is None and expected is None)


def _sending_clients(value: Node, context: FileContext) -> list[Node]:
    """The clients of the `c.Do(req)` calls after `value` that send what it gives (or `c.Do(value)`)."""
    function = enclosing_function(value, context)
    if function is None:
        return []
    target = assignment_target(value, context)
    request = target if target is not None and target.type == "identifier" else None
    clients = []
    for captures in captures_within(function, _SENDS, context.file.budget):
        sent = unparen(captures["request"][0])
        if sent.id == value.id or (request is not None and _later_use(sent, value, request, context)):
            clients.append(captures["client"][0])
    return clients


def _callee_clients(value: Node, context: FileContext) -> list[tuple[Node, FileContext]]:
    """The clients that send the request in the package's own functions it is handed to.

    `r, _ := http.NewRequest(…); return c.submitPost(r)` where `submitPost(req)` calls
    `client.Do(req)`: one call deep, by the parameter the request is passed as.
    """
    function = enclosing_function(value, context)
    target = assignment_target(value, context)
    if function is None or target is None or target.type != "identifier":
        return []
    clients: list[tuple[Node, FileContext]] = []
    for captures in captures_within(function, _CALLS_WITH_ARGUMENTS, context.file.budget):
        arguments = [unparen(a) for a in captures["arguments"][0].named_children]
        positions = [i for i, a in enumerate(arguments) if _later_use(a, value, target, context)]
        callee = same_package_callee(captures["function"][0], context) if positions else None
        for declaration in callee.declarations if callee is not None else ():
            where = context.package.context_of(declaration.file)
            name = _parameter_name(declaration.node, positions[0], where)
            if name is not None:
                clients.extend(_clients_sending(name, declaration.node, where))
    return clients


_CALLS_WITH_ARGUMENTS = """
(call_expression function: (_) @function arguments: (argument_list (_)) @arguments) @call
"""


def _parameter_name(declaration: Node, index: int, context: FileContext) -> str | None:
    """The name of a function's parameter at a position, when it has one."""
    names = parameter_names(declaration)
    return context.text(names[index]) if index < len(names) else None


def _clients_sending(name: str, declaration: Node, context: FileContext) -> list[tuple[Node, FileContext]]:
    """The clients of the `c.Do(name)` calls in a declaration's body."""
    return [
        (captures["client"][0], context)
        for captures in captures_within(declaration, _SENDS, context.file.budget)
        if unparen(captures["request"][0]).type == "identifier"
        and context.text(unparen(captures["request"][0])) == name
    ]


def _value_leaving_literals(call: Node, context: FileContext) -> Node | None:
    """The expression that holds the call's value in its function; None when it is returned.

    `return http.NewRequest(…)` inside `func() (…) { … }()` is the value of that call.
    """
    value = call
    while _is_returned(value, context):
        literal = enclosing_function(value, context)
        invocation = parent_of(literal, context) if literal is not None else None
        if literal is None or invocation is None or not _invokes(invocation, literal):
            return None
        value = invocation
    return value


def _invokes(call: Node, literal: Node) -> bool:
    """Is `call` the immediate invocation `func(…){…}(…)` of this function literal?"""
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    return function is not None and function.id == literal.id


def _is_send(arguments: Node, context: FileContext) -> bool:
    """Are these the arguments of `x.Do(req)`, a client sending the request as it is?

    `x.Do(ctx, req)` is another method, one that takes the context with the request.
    """
    call = parent_of(arguments, context)
    if call is None or len(arguments.named_children) != 1:
        return False
    function = call.child_by_field_name("function")
    field = function.child_by_field_name("field") if function is not None else None
    return field is not None and context.text(field) == "Do"


def _is_returned(node: Node, context: FileContext) -> bool:
    parent = parent_of(node, context)
    if parent is None or parent.type != "expression_list":
        return False
    statement = parent_of(parent, context)
    return statement is not None and statement.type == "return_statement"


# --- RES302 ------------------------------------------------------------------------------


@check("RES302", fragments=(HTTP_VALUES, DEFAULT_CLIENT_USES))
def http_client_without_timeout(ctx: CheckContext) -> Iterator[Report]:
    """Client literals without `Timeout` (unless assigned later) and explicit `http.DefaultClient`."""
    for match in ctx.matches(HTTP_VALUES):
        value, context = match.node("value"), match.context
        if http_literal_type(value, context) != "Client":
            continue
        if "Timeout" in literal_keys(value, context):
            continue
        if fields_assigned_later(_outermost(value, context), frozenset({"Timeout"}), context):
            continue
        # Unsafe: a client that downloads large bodies may need longer than the value written.
        fix = _timeout_fix(value, "Timeout", CLIENT_TIMEOUT, context, safe=False)
        yield report(_outermost(value, context), context, fix=fix)
    for match in ctx.matches(DEFAULT_CLIENT_USES):
        reference, context = match.node("reference"), match.context
        if qualified_name(reference, context) == DEFAULT_CLIENT and not _configures_or_compares(
            reference, context
        ):
            yield report(reference, context, "default_client")


def _outermost(value: Node, context: FileContext) -> Node:
    """`&http.Client{…}` for its literal: the node a finding and an assignment see."""
    parent = parent_of(value, context)
    return parent if parent is not None and parent.type == "unary_expression" else value


def _configures_or_compares(reference: Node, context: FileContext) -> bool:
    """`http.DefaultClient.Timeout = d` sets it up; `c == http.DefaultClient` only compares."""
    parent = parent_of(reference, context)
    if parent is None:
        return False
    if parent.type == "binary_expression":
        operator = parent.child_by_field_name("operator")
        return operator is not None and operator.type in {"==", "!="}
    if parent.type == "selector_expression":
        values = parent_of(parent, context)
        statement = parent_of(values, context) if values is not None else None
        return (
            statement is not None
            and statement.type == "assignment_statement"
            and _same(statement.child_by_field_name("left"), values)
        )
    return False


def _same(node: Node | None, other: Node | None) -> bool:
    return node is not None and other is not None and node.id == other.id


# --- RES303 ------------------------------------------------------------------------------


@check("RES303", fragments=(NET_HTTP_CALLS,))
def request_without_deadline(ctx: CheckContext) -> Iterator[Report]:
    """Requests given `context.Background()`/`TODO()` and not sent through a client with a Timeout."""
    for call, context in fragment_calls(ctx, "net_http_calls"):
        argument = _context_argument(call, context)
        if argument is None:
            continue
        origin = never_expiring_context(argument, context)
        if origin is None or _sent_with_timeout(call, context):
            continue
        described = context.text(origin.call)
        if origin.via is not None:
            line = origin.call.start_point[0] + 1
            described = f"{context.text(origin.via)} ({described}, line {line})"
        yield report(
            call,
            context,
            call=callee_text(call, context),
            background=described,
            fix=_in_scope_context_fix(origin, call, context),
        )


def _in_scope_context_fix(origin: NeverExpiring, call: Node, context: FileContext) -> Fix | None:
    """`context.Background()` written in the call → the context in scope.

    Not when a variable carries it: its other uses would change too; and not when the
    context in scope is that of the request being derived (`r.WithContext(r.Context())`
    would undo a deliberate detach and change nothing else).
    """
    ctx = fix_context(call, context) if origin.via is None else None
    parts = _selector_parts(call)
    if ctx is None or (parts is not None and ctx == f"{context.text(parts[0])}.Context()"):
        return None
    return make_fix(f"Pass {ctx} instead", (replace(context, origin.call, ctx),), safe=True)


def _context_argument(call: Node, context: FileContext) -> Node | None:
    """The context given to `http.NewRequestWithContext(ctx, …)` or to `req.WithContext(ctx)`/`Clone(ctx)`."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or not arguments.named_children:
        return None
    if is_net_http(callee_name(call, context), frozenset({"NewRequestWithContext"})):
        return arguments.named_children[0]
    parts = _selector_parts(call)
    if parts is None or context.text(parts[1]) not in REQUEST_DERIVATIONS:
        return None
    return arguments.named_children[0] if is_http_request(parts[0], context) else None


def _sent_with_timeout(call: Node, context: FileContext) -> bool:
    """Does the function send this request (`c.Do(req)`) with a client known to set Timeout?"""
    return any(client_has_timeout(c, context) for c in _sending_clients(call, context))


# --- RES304 ------------------------------------------------------------------------------


@check("RES304", fragments=(NET_HTTP_CALLS, HTTP_VALUES))
def http_server_without_timeouts(ctx: CheckContext) -> Iterator[Report]:
    """`http.ListenAndServe` & co., and `http.Server` values with no read timeout."""
    for call, context in fragment_calls(ctx, "net_http_calls"):
        if is_net_http(callee_name(call, context), SERVE_FUNCTIONS):
            yield report(call, context, "package_function", call=callee_text(call, context))
    for match in ctx.matches(HTTP_VALUES):
        value, context = match.node("value"), match.context
        if http_literal_type(value, context) != "Server":
            continue
        if literal_keys(value, context) & SERVER_READ_TIMEOUTS:
            continue
        outermost = _outermost(value, context)
        if fields_assigned_later(outermost, SERVER_READ_TIMEOUTS, context):
            continue
        if _given_to_options(outermost, context):
            continue
        fix = _timeout_fix(value, "ReadHeaderTimeout", READ_HEADER_TIMEOUT, context, safe=True)
        yield report(outermost, context, fix=fix)


def _given_to_options(value: Node, context: FileContext) -> bool:
    """Is the server handed to a function of the package or a function value once built?

    `for _, opt := range opts { opt(srv) }`, `configure(srv)`: functional options and
    setup functions set what the literal leaves out (`WithTimeouts(read, write)`), and
    which options run is the caller's choice, which this function cannot see.
    """
    target = assignment_target(value, context)
    function = enclosing_function(value, context)
    if target is None or target.type != "identifier" or function is None:
        return False
    server = context.text(target)
    for call in calls_within(function, context.file.budget):
        callee = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if call.start_byte < value.end_byte or callee is None or arguments is None:
            continue
        if callee.type != "identifier" or lookup(callee, context) is None:
            continue  # another package's function, a method, or a builtin (`len(…)`)
        if any(a.type == "identifier" and context.text(a) == server for a in arguments.named_children):
            return True
    return False


def _timeout_fix(value: Node, key: str, duration: str, context: FileContext, *, safe: bool) -> Fix | None:
    """Add `key: duration` to a composite literal (not to `new(T)`), importing time if needed."""
    if value.type != "composite_literal":
        return None
    named = package_name("time", value, context)
    if named is None:
        return None
    time, import_edits = named
    text = duration.format(time=time)
    element = add_keyed_element(value, key, text, context)
    if element is None:
        return None
    return make_fix(f"Set {key}: {text}", (element, *import_edits), safe=safe)
