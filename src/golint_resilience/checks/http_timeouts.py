"""Outbound and inbound HTTP timeouts: RES301, RES302, RES303, RES304.

RES301 http-request-without-context, RES302 http-client-without-timeout (off by default),
RES303 request-without-deadline, RES304 http-server-without-timeouts. What counts as a
client, a request or a server literal is in net_http.py; where a context comes from is
in contexts.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.checks.contexts import context_in_scope, is_context_argument, never_expiring_context
from golint_resilience.checks.framework import CheckContext, Match, Report, check, fragment, report
from golint_resilience.checks.net_http import (
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
from golint_resilience.index import FileContext
from golint_resilience.parsing import Node, captures_within
from golint_resilience.resolve import (
    assignment_target,
    callee_name,
    enclosing_function,
    imported_package,
    parent_of,
    qualified_name,
    unparen,
)
from golint_resilience.triggers import Imports

SEND_METHODS = {
    "Get": "http.MethodGet",
    "Head": "http.MethodHead",
    "Post": "http.MethodPost",
    "PostForm": "http.MethodPost",
}
SERVE_FUNCTIONS = frozenset({"ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"})
SERVER_READ_TIMEOUTS = frozenset({"ReadHeaderTimeout", "ReadTimeout"})
GOSEC_SERVER_RULES = ("G112", "G114")
_NET_HTTP_CALLS = REQUEST_CONSTRUCTORS | REQUEST_DERIVATIONS | SERVE_FUNCTIONS

fragment(
    "http_sends",
    """
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^(Get|Head|Post|PostForm)$")) @call
""",
    (b"Get(", b"Head(", b"Post(", b"PostForm("),
    package_triggers=(Imports(b'"net/http"'),),  # net/http's functions, or its Client's methods
)
fragment(
    "net_http_calls",
    f"""
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^({"|".join(sorted(_NET_HTTP_CALLS))})$")) @call
""",
    (Imports(b"net/http"),),
)
fragment(
    "http_values",
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
fragment(
    "default_client_uses",
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


def _call_text(call: Node, context: FileContext) -> str:
    function = call.child_by_field_name("function")
    return context.text(function) if function is not None else "call"


def _selector_parts(call: Node) -> tuple[Node, Node] | None:
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None
    operand = function.child_by_field_name("operand")
    field = function.child_by_field_name("field")
    return (operand, field) if operand is not None and field is not None else None


# --- RES301 ------------------------------------------------------------------------------


@check("RES301", fragments=("http_sends", "net_http_calls"))
def http_request_without_context(ctx: CheckContext) -> Iterator[Report]:
    """`http.Get` & co., the same methods on known clients, and `http.NewRequest` left without a context."""
    for match in ctx.matches("http_sends"):
        yield from _send_without_context(match)
    for match in ctx.matches("net_http_calls"):
        call, context = match.node("call"), match.context
        if is_net_http(callee_name(call, context), frozenset({"NewRequest"})) and not _request_gets_context(
            call, context
        ):
            in_scope = context_in_scope(call, context)
            variant = "new_request" if in_scope else "new_request_no_context"
            yield report(call, context, variant, call=_call_text(call, context), ctx=in_scope or "ctx")


def _send_without_context(match: Match) -> Iterator[Report]:
    """`http.Get(u)` (package net/http) or `c.Get(u)` on a known client; nothing for other `Get`s."""
    call, context = match.node("call"), match.context
    parts = _selector_parts(call)
    if parts is None:
        return
    operand, field = parts
    package = imported_package(operand, context)
    if package is not None:
        if package != NET_HTTP:
            return  # another package's Get
        client = "client"
    elif is_http_client(operand, context):
        client = context.text(operand)
    else:
        return
    in_scope = context_in_scope(call, context)
    yield report(
        call,
        context,
        "default" if in_scope else "no_context",
        call=_call_text(call, context),
        ctx=in_scope or "ctx",
        method=SEND_METHODS[context.text(field)],
        client=client,
    )


def _request_gets_context(call: Node, context: FileContext) -> bool:
    """Does the function give this `http.NewRequest` result a context (or hand it on)?

    Yes when it attaches one (`req.WithContext(ctx)`, `req.Clone(ctx)`), returns the
    request, passes it to a call that also takes a context, or hands it to a handler's
    `ServeHTTP` (an in-process request); a request stored anywhere but a plain variable
    counts as yes, since where it goes is not visible.
    """
    if _is_returned(call, context):
        return True
    target = assignment_target(call, context)
    function = enclosing_function(call, context)
    if target is None or function is None:
        return False
    if target.type != "identifier":
        return True  # stored in a field or an element: where it goes is not visible here
    name = context.text(target)
    for captures in captures_within(function, _REQUEST_USES, context.file.budget):
        kind = next(k for k in ("attached", "served", "argument", "kept") if k in captures)
        use = captures[kind][0]
        if use.start_byte < call.end_byte or context.text(use) != name:
            continue
        if kind != "argument":
            return True
        siblings = captures["arguments"][0].named_children
        if any(is_context_argument(a, context) for a in siblings if a.id != use.id):
            return True
    return False


def _is_returned(node: Node, context: FileContext) -> bool:
    parent = parent_of(node, context)
    if parent is None or parent.type != "expression_list":
        return False
    statement = parent_of(parent, context)
    return statement is not None and statement.type == "return_statement"


# --- RES302 ------------------------------------------------------------------------------


@check("RES302", fragments=("http_values", "default_client_uses"))
def http_client_without_timeout(ctx: CheckContext) -> Iterator[Report]:
    """Client literals without `Timeout` (unless assigned later) and explicit `http.DefaultClient`."""
    for match in ctx.matches("http_values"):
        value, context = match.node("value"), match.context
        if http_literal_type(value, context) != "Client":
            continue
        if "Timeout" in literal_keys(value, context):
            continue
        if fields_assigned_later(_outermost(value, context), frozenset({"Timeout"}), context):
            continue
        yield report(_outermost(value, context), context)
    for match in ctx.matches("default_client_uses"):
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


@check("RES303", fragments=("net_http_calls",))
def request_without_deadline(ctx: CheckContext) -> Iterator[Report]:
    """Requests given `context.Background()`/`TODO()` and not sent through a client with a Timeout."""
    for match in ctx.matches("net_http_calls"):
        call, context = match.node("call"), match.context
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
        yield report(call, context, call=_call_text(call, context), background=described)


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
    function = enclosing_function(call, context)
    if function is None:
        return False
    target = assignment_target(call, context)
    request = context.text(target) if target is not None and target.type == "identifier" else None
    for captures in captures_within(function, _SENDS, context.file.budget):
        sent = unparen(captures["request"][0])
        is_this_request = sent.id == call.id or (
            request is not None and sent.type == "identifier" and context.text(sent) == request
        )
        if is_this_request and client_has_timeout(captures["client"][0], context):
            return True
    return False


# --- RES304 ------------------------------------------------------------------------------


@check("RES304", fragments=("net_http_calls", "http_values"))
def http_server_without_timeouts(ctx: CheckContext) -> Iterator[Report]:
    """`http.ListenAndServe` & co., and `http.Server` values with no read timeout."""
    for match in ctx.matches("net_http_calls"):
        call, context = match.node("call"), match.context
        if is_net_http(callee_name(call, context), SERVE_FUNCTIONS) and not _gosec_annotated(call, context):
            yield report(call, context, "package_function", call=_call_text(call, context))
    for match in ctx.matches("http_values"):
        value, context = match.node("value"), match.context
        if http_literal_type(value, context) != "Server":
            continue
        if literal_keys(value, context) & SERVER_READ_TIMEOUTS:
            continue
        value = _outermost(value, context)
        if fields_assigned_later(value, SERVER_READ_TIMEOUTS, context) or _gosec_annotated(value, context):
            continue
        yield report(value, context)


def _gosec_annotated(node: Node, context: FileContext) -> bool:
    """A `#nosec G112`/`G114` comment on the node's first line (gosec's rules for the same problem)."""
    line = context.file.line_text(node.start_point[0] + 1)
    if "#nosec" not in line:
        return False
    annotation = line[line.index("#nosec") :]
    return any(rule in annotation for rule in GOSEC_SERVER_RULES)
