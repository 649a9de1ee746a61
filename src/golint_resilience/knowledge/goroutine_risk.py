"""Where a goroutine's panic is likely and costly: what RES201 weighs goroutines by.

An unrecovered goroutine matters most when it runs once per unit of outside work (a
request being handled, an accepted connection, an item of a loop), or when it runs code
that its starter does not control (a function passed in). Those are read here from
syntax. The third reason, the module's own policy of recovering goroutines, is a fact of
the module (see checks/goroutines.py). Bodies that cannot panic in practice (wait, then
close) are trivial and never worth a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from golint_resilience.analysis.resolve import (
    FUNCTION_NODES,
    ancestors,
    block_statements,
    callee_name,
    channel_element,
    declared_type,
    enclosing_declaration,
    enclosing_function,
    field_types,
    is_builtin,
    lookup,
    parent_of,
    same_node,
    type_of,
    unparen,
)
from golint_resilience.golang.index import FileContext, receiver_type_name
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.contexts import is_cancel_function
from golint_resilience.knowledge.library import GOROUTINE_STARTERS
from golint_resilience.knowledge.retry_loops import loop_header
from golint_resilience.knowledge.servers import versionless

# Parameter types that make a function a request handler, by framework.
HANDLER_PARAMETER_TYPES = {
    "net/http.ResponseWriter": "net/http",
    "net/http.Request": "net/http",
    "github.com/gin-gonic/gin.Context": "gin",
    "github.com/labstack/echo.Context": "echo",
    "github.com/gofiber/fiber.Ctx": "fiber",
}
_REQUEST_CONSEQUENCE = {
    "net/http": "net/http recovers a handler's panic, not the panic of a goroutine the handler starts",
    "gRPC": "a gRPC server recovers no panic by default, and a recovery interceptor covers the handler, "
    "not a goroutine the handler starts",
}
_FRAMEWORK_CONSEQUENCE = "{}'s recovery middleware covers the handler, not a goroutine the handler starts"
_ONE_REQUEST = ", so one bad request kills the whole process"
_GRPC_REQUEST = re.compile(r"Req(uest)?$")
# A function whose one handler parameter is an `*http.Request` it sends (`client.Do(req)`,
# `rt.RoundTrip(req)`) is a client's: the request goes out, no handler serves it.
_SENDS = re.compile(r"\.(?:Do|RoundTrip)\(")
_ACCEPT_CALL = re.compile(rb"\.Accept(?:TCP|Unix)?\s*\(\s*\)")
_STREAM_RECEIVE = re.compile(rb"\.Recv(?:Msg)?\s*\(")

# Calls that cannot panic for a goroutine that only waits, stops, signals and copies bytes
# (a stream copy panics only inside a broken Reader or Writer).
_TRIVIAL_METHODS = frozenset(
    {
        "Wait",
        "Close",
        "Stop",
        "Done",
        "Context",
        "Unlock",
        "RUnlock",
        "Lock",
        "RLock",
        "Signal",
        "Broadcast",
        "Reset",
    }
)
_TRIVIAL_FUNCTIONS = frozenset(
    {
        "time.Sleep",
        "time.After",
        "time.Tick",
        "time.NewTicker",
        "time.NewTimer",
        "io.Copy",
        "io.CopyBuffer",
        "io.CopyN",
    }
)
_PARAMETER_DECLARATIONS = frozenset({"parameter_declaration", "variadic_parameter_declaration"})
_SIMPLE_VALUES = frozenset(
    {
        "identifier",
        "selector_expression",
        "int_literal",
        "float_literal",
        "interpreted_string_literal",
        "raw_string_literal",
        "rune_literal",
        "true",
        "false",
        "nil",
        "iota",
    }
)


def is_goroutine_starter(receiver: Node, context: FileContext) -> bool:
    """Is `receiver` a value whose `Go(f)` runs f in a goroutine (`sync.WaitGroup`, `errgroup.Group`)?"""
    found = type_of(receiver, context)
    return found.is_foreign and found.name in GOROUTINE_STARTERS


@dataclass(frozen=True)
class Risk:
    """Why an unrecovered goroutine is worth a report: message values of RES201."""

    risk: str  # what the goroutine is: "is started while handling a request"
    consequence: str  # what one panic costs there
    runs_target: bool = False  # the goroutine's target is the function value the risk is about
    # The risk is the callers': where a service of the run runs the package, the
    # functions passed in are the project's own (registry.Report.unless_served).
    unless_served: bool = False


def goroutine_risk(start: Node, target: Node, context: FileContext) -> Risk | None:
    """Why the goroutine `start` (a go statement or a `wg.Go(f)` call) running `target` matters.

    None: it is background work, judged by the module's policy. A loop over a collection
    fans work out (`for _, s := range shards`) or starts a program's parts: that is
    background work too, not a goroutine per item that arrives. So is a pipeline stage
    (`go func() { for e := range in {…} }()`): started once, it outlives every item.
    """
    function = enclosing_function(start, context)
    handler = _handler_framework(start, context)
    if handler is not None:
        consequence = _REQUEST_CONSEQUENCE.get(handler, _FRAMEWORK_CONSEQUENCE.format(handler))
        return Risk("is started while handling a request", consequence + _ONE_REQUEST)
    loop = _enclosing_loop(start, function, context)
    if loop is not None and _ACCEPT_CALL.search(context.file.data, loop.start_byte, loop.end_byte):
        return Risk(
            "is started for each accepted connection",
            "a panic while serving one client kills the whole process and every other connection",
        )
    callback = passed_in_call(target, function, context) if _public_api(start, context) else None
    if callback is not None:
        return Risk(
            f"runs `{callback}`, a function its caller passes in,",
            "a panic in code this function does not control kills the whole process",
            runs_target=target.type == "identifier",
            unless_served=True,
        )
    if loop is not None and _per_item(start, loop, context):
        return Risk(
            "is started for each item of a loop",
            "a panic on one item kills the whole process, not just that item's work",
        )
    return None


# Functions and methods that stop what a program runs (`Stop()`, `(*Server).Shutdown(ctx)`),
# and those that start it (`Start()`, `Run(ctx)`), by name.
_STOPPING = re.compile(r"^(?:[Gg]raceful)?(?:[Ss]top|[Ss]hutdown|[Cc]lose|[Tt]erminate)$")
_STARTING = re.compile(r"^(?:[Ss]tart|[Rr]un|[Ss]erve|[Ll]aunch)$")


def is_lifecycle(start: Node, target: Node, context: FileContext) -> bool:
    """Is the goroutine part of starting or stopping a component, not work of its own?

    - Started by a function that stops something (`Stop`, `Shutdown`, `Close`, `Terminate`,
      `GracefulStop`): stopping each part in parallel, a watchdog that kills a hung stop. The
      component is going away; recovering a panic there restores nothing.
    - A component's `Start` (`Run`, `Serve`, `Launch`) handing a part its own method of that
      name (`go ep.Start(ctx)`, `go func() { _ = srv.Start() }()`): the part's work is judged
      where the part starts its own goroutines (per connection, per request).
    """
    declaration = enclosing_declaration(start, context)
    name = declaration.child_by_field_name("name") if declaration is not None else None
    if name is None:
        return False
    text = context.text(name)
    if _STOPPING.match(text):
        return True
    return _STARTING.match(text) is not None and _only_method_called(target, context) == text


def _only_method_called(target: Node, context: FileContext) -> str | None:
    """The method `m` of `go x.m(…)`, or of a literal whose one statement calls `x.m(…)`."""
    function: Node | None = target
    if target.type == "func_literal":
        call = _only_call(target)
        function = call.child_by_field_name("function") if call is not None else None
    if function is None or unparen(function).type != "selector_expression":
        return None
    field = unparen(function).child_by_field_name("field")
    return context.text(field) if field is not None else None


def _only_call(literal: Node) -> Node | None:
    """The call of a literal made of one statement: `x.m(…)`, `_ = x.m(…)`, `err := x.m(…)`."""
    body = literal.child_by_field_name("body")
    statements = block_statements(body) if body is not None else []
    if len(statements) != 1:
        return None
    statement = statements[0]
    values: list[Node] = []
    if statement.type in {"assignment_statement", "short_var_declaration"}:
        right = statement.child_by_field_name("right")
        values = right.named_children if right is not None else []
    elif statement.type == "expression_statement":
        values = statement.named_children
    call = unparen(values[0]) if len(values) == 1 else None
    return call if call is not None and call.type == "call_expression" else None


def _public_api(start: Node, context: FileContext) -> bool:
    """Is `start` in an exported function of an importable package: callable by other projects?

    Only there is a function passed in code the project does not control; an unexported or
    internal function is given the project's own functions.
    """
    package = context.package
    if package.is_main or "internal" in package.directory.parts:
        return False
    declaration = enclosing_declaration(start, context)
    name = declaration.child_by_field_name("name") if declaration is not None else None
    if declaration is None or name is None or not context.text(name)[:1].isupper():
        return False
    if declaration.type != "method_declaration":
        return True
    return receiver_type_name(declaration, context.file)[:1].isupper()


def _handler_framework(start: Node, context: FileContext) -> str | None:
    """The framework whose handler (or a function of it) starts the goroutine, if any."""
    for function in ancestors(start, context):
        if function.type not in FUNCTION_NODES:
            continue
        name = function.child_by_field_name("name")
        if function.type == "method_declaration" and name is not None and context.text(name) == "ServeHTTP":
            return "net/http"
        parameters = _parameter_types(function)
        types = [versionless(declared_type(t, context)) for t in parameters]
        handled = [t for t in types if t in HANDLER_PARAMETER_TYPES]
        if handled and not (handled == ["net/http.Request"] and _SENDS.search(context.text(function))):
            return HANDLER_PARAMETER_TYPES[handled[0]]
        if function.type == "method_declaration" and _grpc_method(function, parameters, context):
            return "gRPC"
    return None


def _parameter_types(function: Node) -> list[Node]:
    parameters = function.child_by_field_name("parameters")
    found = []
    for parameter in parameters.named_children if parameters is not None else ():
        type_node = parameter.child_by_field_name("type")
        if type_node is not None:
            found.extend([type_node] * max(1, len(parameter.children_by_field_name("name"))))
    return found


def _grpc_method(method: Node, parameters: list[Node], context: FileContext) -> bool:
    """`(ctx context.Context, req *pb.XRequest) (*pb.XResponse, error)`: a gRPC unary handler."""
    if len(parameters) != 2 or not declared_type(parameters[0], context).is_type("context.Context"):
        return False
    result = method.child_by_field_name("result")
    results = result.named_children if result is not None and result.type == "parameter_list" else []
    request = parameters[1].named_children[0] if parameters[1].type == "pointer_type" else None
    return (
        request is not None
        and request.type in {"qualified_type", "type_identifier"}
        and _GRPC_REQUEST.search(context.text(request)) is not None
        and len(results) == 2
        and context.text(results[1]).endswith("error")
    )


def _enclosing_loop(start: Node, function: Node | None, context: FileContext) -> Node | None:
    """The innermost `for` statement around `start` inside its function that may start it again.

    None when the start is followed by a `return` (`go c.processEvents(ctx); return`):
    the loop ends where it starts the goroutine, which hands its work over, once.
    """
    if _returns_next(start, context):
        return None
    for ancestor in ancestors(start, context):
        if function is not None and ancestor.id == function.id:
            return None
        if ancestor.type == "for_statement":
            return ancestor
    return None


def _returns_next(start: Node, context: FileContext) -> bool:
    """Is the statement after the goroutine's start a `return`?"""
    statement = start if start.type == "go_statement" else parent_of(start, context)
    following = statement.next_named_sibling if statement is not None else None
    return following is not None and following.type == "return_statement"


def _per_item(start: Node, loop: Node, context: FileContext) -> bool:
    """A loop over work that arrives: `for x := range ch`, or `for { … }` that receives it.

    A range over a channel of signals or tokens (`chan bool`, `chan struct{}`) is no work.

    Received means a value taken, before the goroutine starts, from a channel (`case job :=
    <-jobs:`, `msg := <-ch`) or from a stream (`msg, err := stream.Recv()`). A counted loop
    starts a pool, a range over a collection fans out, a ticker case does periodic work:
    none of them is per item.
    """
    header = loop_header(loop)
    if header is None:
        return _received_before(start, loop, context)
    if header.type != "range_clause":
        return False
    right = header.child_by_field_name("right")
    return (
        right is not None
        and _is_channel(unparen(right), context)
        and not _carries_no_work(unparen(right), context)
    )


def _carries_no_work(channel: Node, context: FileContext) -> bool:
    """A channel of signals or of tokens: what arrives on it is no item of work.

    `sigs := make(chan os.Signal, 1)`, a Windows service's `<-chan svc.ChangeRequest`: a
    control loop runs the process's life.
    `trigger := make(chan bool, n)`, `chan struct{}`: a token says "go on" (a read to
    retry, a slot freed), it carries nothing to work on, and the loop that fans out on it
    is bounded by whoever sends the tokens.
    """
    found = channel_element(channel, context)
    if found is None:
        return False
    element, declared_in = found
    if element.type == "struct_type":
        fields = element.named_children[0] if element.named_children else None
        return fields is None or not fields.named_children
    return declared_in.text(element) == "bool" or any(
        declared_type(element, declared_in).is_type(t) for t in _CONTROL
    )


# What the process is told to do about itself: a signal, a Windows service control request.
_CONTROL = ("os.Signal", "golang.org/x/sys/windows/svc.ChangeRequest")


def _received_before(start: Node, loop: Node, context: FileContext) -> bool:
    """Is a value received on the way from the loop to `start` (its case, earlier statements)?"""
    child = start
    for ancestor in ancestors(start, context):
        if ancestor.id == loop.id:
            return False
        if ancestor.type == "communication_case":
            communication = ancestor.child_by_field_name("communication")
            if communication is not None and _binds_received(communication, context):
                return True
        for sibling in ancestor.named_children:
            if sibling.start_byte >= child.start_byte:
                break
            if _binds_received(sibling, context):
                return True
        child = ancestor
    return False


def _binds_received(statement: Node, context: FileContext) -> bool:
    """`x := <-ch`, `case x, ok := <-ch`, `msg, err := stream.Recv()`."""
    if statement.type not in {"receive_statement", "short_var_declaration", "assignment_statement"}:
        return False
    right = statement.child_by_field_name("right")
    if statement.child_by_field_name("left") is None or right is None:
        return False
    if _STREAM_RECEIVE.search(context.file.data, right.start_byte, right.end_byte):
        return True
    return any(_is_receive(v) and not _carries_no_work(_received_from(v), context) for v in _values(right))


def _is_receive(value: Node) -> bool:
    value = unparen(value)
    return value.type == "unary_expression" and value.children[0].type == "<-"


def _received_from(receive: Node) -> Node:
    """The channel of `<-ch`."""
    operand = unparen(receive).child_by_field_name("operand")
    return unparen(operand) if operand is not None else receive


def _is_channel(expression: Node, context: FileContext) -> bool:
    """A channel, as far as declarations show: `jobs <-chan Job`, `make(chan T)`, a `chan` field."""
    if expression.type == "identifier":
        binding = lookup(expression, context)
        return binding is not None and binding.is_local and channel_element(expression, context) is not None
    if expression.type == "selector_expression":
        operand = expression.child_by_field_name("operand")
        field = expression.child_by_field_name("field")
        if operand is None or field is None:
            return False
        types = field_types(operand, context.text(field), context)
        return bool(types) and all(t.type == "channel_type" for t, _ in types)
    return False


def passed_in_call(target: Node, function: Node | None, context: FileContext) -> str | None:
    """The parameter of the starting function that the goroutine calls: `go fn()`, `go func() { fn() }()`."""
    if function is None:
        return None
    if target.type == "identifier":
        return context.text(target) if _is_parameter_of(target, function, context) else None
    if target.type != "func_literal":
        return None
    stack = [target.child_by_field_name("body")]
    while stack:
        node = stack.pop()
        if node is None or node.type == "func_literal":
            continue
        callee = node.child_by_field_name("function") if node.type == "call_expression" else None
        if callee is not None and callee.type == "identifier" and _is_parameter_of(callee, function, context):
            return context.text(callee)
        stack.extend(reversed(node.named_children))
    return None


def _is_parameter_of(identifier: Node, function: Node, context: FileContext) -> bool:
    binding = lookup(identifier, context)
    if binding is None or binding.declared_at is None or not binding.is_local:
        return False
    declaration = parent_of(binding.declared_at, context)
    if declaration is None or declaration.type not in _PARAMETER_DECLARATIONS:
        return False
    parameters = parent_of(declaration, context)
    return same_node(parameters, function.child_by_field_name("parameters"))


def waits_then_tears_down(function: Node) -> bool:
    """Does the function first wait for an end (`<-ctx.Done()`, `<-stop`), then run once?

    `go func() { <-ctx.Done(); srv.Stop() }()`: what follows the wait runs once, when a
    request, a context or a component ends, and never loops over work: the end of a life,
    like a component's Stop. Recovering a panic there restores nothing.
    """
    body = function.child_by_field_name("body")
    statements = block_statements(body) if body is not None else []
    return len(statements) > 1 and _waits(statements[0]) and all(_runs_once(s) for s in statements[1:])


def _waits(statement: Node) -> bool:
    """`<-ch`, `<-ctx.Done()`, or a select whose every case only receives."""
    if statement.type == "expression_statement":
        return bool(statement.named_children) and _is_receive(statement.named_children[0])
    if statement.type != "select_statement":
        return False
    cases = [case for case in statement.named_children if case.type != "comment"]
    return bool(cases) and all(
        case.type == "communication_case"
        and (communication := case.child_by_field_name("communication")) is not None
        and communication.type == "receive_statement"
        and communication.child_by_field_name("left") is None
        and len([c for c in case.named_children if c.type != "comment"]) == 1
        for case in cases
    )


_ONCE = frozenset(
    {"expression_statement", "short_var_declaration", "assignment_statement", "return_statement"}
)


def _runs_once(statement: Node) -> bool:
    """A statement without a loop, a goroutine or a function literal in it; `if`s of such."""
    if statement.type == "if_statement":
        blocks = [c for c in statement.named_children if c.type in {"block", "if_statement"}]
        condition = statement.child_by_field_name("condition")
        initializer = statement.child_by_field_name("initializer")
        parts = [p for p in (condition, initializer) if p is not None]
        return all(_straight(p) for p in parts) and all(
            _runs_once(b) if b.type == "if_statement" else all(_runs_once(s) for s in block_statements(b))
            for b in blocks
        )
    return statement.type in _ONCE and _straight(statement)


def _straight(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in {"func_literal", "for_statement", "go_statement"}:
            return False
        stack.extend(current.named_children)
    return True


def trivial_body(function: Node, context: FileContext) -> bool:
    """Does the function only wait, stop, close, signal and copy (`<-ctx.Done(); l.Close()`)?"""
    body = function.child_by_field_name("body")
    return body is not None and _trivial_block(body, context)


def _trivial_block(block: Node, context: FileContext) -> bool:
    return all(_trivial_statement(s, context) for s in block_statements(block))


def _trivial_statement(statement: Node, context: FileContext) -> bool:
    kind = statement.type
    if kind in {"return_statement", "break_statement", "continue_statement", "empty_statement"}:
        return all(_simple(value) for child in statement.named_children for value in _values(child))
    if kind in {"expression_statement", "defer_statement"}:
        expression = unparen(statement.named_children[0]) if statement.named_children else None
        return expression is not None and _trivial_expression(expression, context)
    if kind == "send_statement":
        value = statement.child_by_field_name("value")
        return value is not None and _simple(value)
    if kind in {"short_var_declaration", "assignment_statement"}:  # `x := make(…)`, `h.done = true`
        left, right = statement.child_by_field_name("left"), statement.child_by_field_name("right")
        targets = left.named_children if left is not None else []
        values = right.named_children if right is not None else []
        return all(_simple(t) for t in targets) and all(
            _simple(v) or _trivial_expression(unparen(v), context) for v in values
        )
    if kind == "for_statement":
        return _trivial_loop(statement, context)
    if kind == "select_statement":
        cases = [case for case in statement.named_children if case.type != "comment"]
        return all(_trivial_case(case, context) for case in cases)
    return False


def _values(node: Node) -> list[Node]:
    return node.named_children if node.type == "expression_list" else [node]


def _trivial_loop(loop: Node, context: FileContext) -> bool:
    body = loop.child_by_field_name("body")
    header = loop_header(loop)
    if header is not None:
        if header.type != "range_clause":
            return False
        right = header.child_by_field_name("right")
        if right is None or not (_simple(right) or _trivial_expression(unparen(right), context)):
            return False
    return body is not None and _trivial_block(body, context)


def _trivial_case(case: Node, context: FileContext) -> bool:
    """A select case that receives or sends a simple value, then does trivial things."""
    for child in case.named_children:
        if child.type in {"receive_statement", "send_statement", "expression_statement"}:
            if child.type == "send_statement" and not _trivial_statement(child, context):
                return False
            continue
        if child.type == "statement_list":
            if not all(_trivial_statement(s, context) for s in child.named_children if s.type != "comment"):
                return False
        elif child.type != "comment" and not _trivial_statement(child, context):
            return False
    return True


def _trivial_expression(expression: Node, context: FileContext) -> bool:
    if expression.type == "unary_expression":  # `<-ch`
        operand = expression.child_by_field_name("operand")
        return operand is not None and (_simple(operand) or _trivial_expression(unparen(operand), context))
    if expression.type != "call_expression":
        return False
    arguments = expression.child_by_field_name("arguments")
    function = expression.child_by_field_name("function")
    if function is None:
        return False
    values = arguments.named_children if arguments is not None else []
    if is_builtin(function, "make", context):
        return all(_simple(a) or a.type.endswith("_type") for a in values)  # `make([]byte, size)`
    if not all(_simple(a) for a in values):
        return False
    if function.type == "identifier":
        return is_builtin(function, "close", context) or is_cancel_function(function, context)
    qualified = callee_name(expression, context)
    if qualified is not None:
        return str(qualified) in _TRIVIAL_FUNCTIONS
    field = function.child_by_field_name("field")
    operand = function.child_by_field_name("operand")
    return (
        field is not None
        and context.text(field) in _TRIVIAL_METHODS
        and operand is not None
        and (_simple(operand) or _trivial_expression(unparen(operand), context))
    )


def _simple(value: Node) -> bool:
    """A value that cannot panic when read: a name, a field, a literal, `struct{}{}`."""
    value = unparen(value)
    if value.type in _SIMPLE_VALUES:
        if value.type == "selector_expression":
            operand = value.child_by_field_name("operand")
            return operand is not None and _simple(operand)
        return True
    if value.type == "composite_literal":
        body = value.child_by_field_name("body")
        elements = [c for c in body.named_children if c.type != "comment"] if body is not None else []
        return all(
            e.type in {"literal_element", "keyed_element"} and all(_simple(part) for part in e.named_children)
            for e in elements
        )
    if value.type == "literal_element":
        return all(_simple(e) for e in value.named_children)
    return value.type == "field_identifier"
