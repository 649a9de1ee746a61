"""RES601 retry-without-backoff, RES602 unbounded-retry, RES603 hand-rolled-supervisor."""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.analysis.resolve import (
    UNKNOWN,
    TypeRef,
    assignment_target,
    callee_name,
    declaration_of,
    declared_type,
    enclosing_function,
    lookup,
    parent_of,
    returned_values,
    type_of,
    unparen,
)
from golint_resilience.analysis.triggers import Imports
from golint_resilience.catalog.durations import parse_duration
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, calls_within, captures_within
from golint_resilience.knowledge.contexts import never_expiring_context
from golint_resilience.knowledge.local_polls import polls_local_state
from golint_resilience.knowledge.retry_loops import (
    DELAY_CALLS,
    Assignments,
    attempt_bound,
    innermost_loop,
    reads_field,
    retry_loops,
    runs_forever,
    same_function,
)
from golint_resilience.knowledge.service import duration_seconds
from golint_resilience.registry import CheckContext, Report, check, first_line, fragment, report

CENKALTI_BACKOFF = "github.com/cenkalti/backoff"
DSKIT_BACKOFF = "github.com/grafana/dskit/backoff"
DEADLINE_CONTEXTS = frozenset({"WithTimeout", "WithDeadline", "WithTimeoutCause", "WithDeadlineCause"})
EXEC_COMMANDS = frozenset({"os/exec.Command", "os/exec.CommandContext"})
MAX_ATTEMPTS_OPTION = ("RES601", "max-fixed-delay-attempts")
MIN_DELAY_OPTION = ("RES601", "min-fixed-delay")

BACKOFF_SETTINGS = "backoff_settings"
fragment(
    BACKOFF_SETTINGS,
    """
(keyed_element
  key: (literal_element (identifier) @key)
  value: (literal_element (int_literal) @value)
  (#match? @key "^(MaxElapsedTime|MaxRetries)$")) @setting
(assignment_statement
  left: (expression_list
    (selector_expression
      operand: (_) @operand
      field: (field_identifier) @key))
  right: (expression_list (int_literal) @value)
  (#match? @key "^(MaxElapsedTime|MaxRetries)$")) @setting
""",
    (b"MaxElapsedTime", b"MaxRetries"),
)
COMMAND_WAITS = "command_waits"
fragment(
    COMMAND_WAITS,
    """
(call_expression
  function: (selector_expression
    operand: (_) @command
    field: (field_identifier) @_method)
  arguments: (argument_list) @arguments
  (#match? @_method "^(Run|Wait)$")) @call
""",
    (Imports(b"os/exec"),),
)

_DEADLINE_CONTEXT = """
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^With(Timeout|Deadline)(Cause)?$")) @call
"""
_ONGOING_LOOP = """
(for_statement
  (call_expression
    function: (selector_expression
      field: (field_identifier) @_name)
    (#eq? @_name "Ongoing")) @call)
"""
_RECEIVES = """
(unary_expression
  operator: "<-"
  operand: (_) @channel) @receive
"""


# --- RES601 -------------------------------------------------------------------------------


@check("RES601", fragments=(DELAY_CALLS,))
def retry_without_backoff(ctx: CheckContext) -> Iterator[Report]:
    """Waits in retry loops whose delay is the same on every iteration.

    A fixed delay is sane, and left alone, when the loop polls the local machine, makes few attempts
    (`max-fixed-delay-attempts`), when the delay is long (`min-fixed-delay`), or when a
    loop that ends (a bound or a context check, as RES602 asks) takes it from
    configuration: a field of a value, which whoever deploys the program chose.
    """
    max_attempts = int(ctx.scalar_option(*MAX_ATTEMPTS_OPTION))
    min_delay = parse_duration(ctx.scalar_option(*MIN_DELAY_OPTION)) or 0.0
    for loop in retry_loops(ctx):
        context = loop.context
        if polls_local_state(loop.loop, context):
            continue
        assignments = Assignments.of(loop.loop, context)
        attempts = attempt_bound(loop.loop, context, assignments)
        if attempts is not None and attempts <= max_attempts:
            continue
        for delay in loop.delays:
            if delay.argument is None or not assignments.invariant(delay.argument):
                continue
            seconds = duration_seconds(delay.argument, context)
            if seconds is not None and seconds >= min_delay:
                continue
            if (loop.bounded or loop.watches_context) and reads_field(delay.argument, context):
                continue
            yield report(delay.call, context, call=first_line(context.text(delay.call)))


# --- RES602 -------------------------------------------------------------------------------


@check("RES602", fragments=(DELAY_CALLS, BACKOFF_SETTINGS))
def unbounded_retry(ctx: CheckContext) -> Iterator[Report]:
    """Retry loops with no bound and no context check; backoff settings meaning forever."""
    for loop in retry_loops(ctx):
        if not loop.bounded and not loop.watches_context and not polls_local_state(loop.loop, loop.context):
            yield report(loop.loop, loop.context)
    for match in ctx.matches(BACKOFF_SETTINGS):
        setting = match.node("setting")
        key = match.context.text(match.node("key"))
        if match.context.text(match.node("value")) != "0":
            continue
        if (
            _means_forever(key, setting, match.context)
            and not _deadline_in_scope(setting, match.context)
            and not _handed_to_caller(setting, match.context)
        ):
            code = f"{key} = 0" if setting.type == "assignment_statement" else f"{key}: 0"
            yield report(setting, match.context, "forever_setting", setting=code)


def _means_forever(key: str, setting: Node, context: FileContext) -> bool:
    """cenkalti/backoff `MaxElapsedTime` and dskit/backoff `MaxRetries`: 0 is unlimited."""
    owner = _setting_owner(setting, context)
    if key == "MaxElapsedTime":
        if not owner.package:  # `b.MaxElapsedTime = 0` with b of an unknown type
            return setting.type == "assignment_statement" and any(
                _is_cenkalti(path) for path in context.imports.paths
            )
        return _is_cenkalti(owner.package)
    is_dskit = owner.is_type(f"{DSKIT_BACKOFF}.Config")
    return is_dskit and _loops_while_ongoing(setting, context) and not _cancellable_backoff(setting, context)


def _loops_while_ongoing(setting: Node, context: FileContext) -> bool:
    """Does the function loop on `b.Ongoing()`? Only then does `MaxRetries: 0` loop forever.

    A backoff used just for its delays (`b.Wait()` in a loop bounded by its own counter,
    `b.NextDelay()`) never stops anything, whatever its MaxRetries.
    """
    function = enclosing_function(setting, context)
    return function is not None and bool(captures_within(function, _ONGOING_LOOP, context.file.budget))


def _cancellable_backoff(setting: Node, context: FileContext) -> bool:
    """Is every dskit backoff of the function built on a context that can be cancelled?

    `Ongoing()` is false once the backoff's context is done, so `backoff.New(ctx, …)` with
    a caller's or service's context stops at cancellation, as a loop that checks
    `ctx.Done()` does; on `context.Background()` it never does.
    """
    function = enclosing_function(setting, context)
    if function is None:
        return False
    contexts = [
        arguments.named_children[0]
        for call in calls_within(function, context.file.budget)
        if (name := callee_name(call, context)) is not None
        and name.package == DSKIT_BACKOFF
        and name.name == "New"
        and (arguments := call.child_by_field_name("arguments")) is not None
        and arguments.named_children
    ]
    return bool(contexts) and all(never_expiring_context(c, context) is None for c in contexts)


def _is_cenkalti(path: str) -> bool:
    return path == CENKALTI_BACKOFF or path.startswith(CENKALTI_BACKOFF + "/")


def _setting_owner(setting: Node, context: FileContext) -> TypeRef:
    """The type of the struct the setting belongs to (its package, when only that is known)."""
    if setting.type == "keyed_element":
        elements = parent_of(setting, context)
        literal = parent_of(elements, context) if elements is not None else None
        if literal is None or literal.type != "composite_literal":
            return UNKNOWN
        return declared_type(literal.child_by_field_name("type"), context)
    left = setting.child_by_field_name("left")
    selector = left.named_children[0] if left is not None and left.named_children else None
    operand = selector.child_by_field_name("operand") if selector is not None else None
    if operand is None or operand.type != "identifier":
        return UNKNOWN
    return type_of(operand, context)


def _handed_to_caller(setting: Node, context: FileContext) -> bool:
    """Does the function return the backoff it configures (a constructor of backoffs)?

    Whoever retries with it then decides when to stop (`backoff.WithContext(NewJobBackOff(…),
    ctx)`): the setting alone retries nothing. The backoff is the assigned operand
    (`b.MaxElapsedTime = 0`), a literal setting it, or the variable that literal is assigned
    to, returned as it is or inside what the function returns (`return &Job{b}`).
    """
    function = enclosing_function(setting, context)
    if function is None:
        return False
    returned = returned_values(function, context)
    if any(v.start_byte <= setting.start_byte and setting.end_byte <= v.end_byte for v in returned):
        return True  # `return &backoff.ExponentialBackOff{MaxElapsedTime: 0, …}`
    if setting.type == "assignment_statement":
        left = setting.child_by_field_name("left")
        selector = left.named_children[0] if left is not None and left.named_children else None
        configured = selector.child_by_field_name("operand") if selector is not None else None
    else:
        elements = parent_of(setting, context)
        literal = parent_of(elements, context) if elements is not None else None
        configured = assignment_target(literal, context) if literal is not None else None
    declared = declaration_of(configured, context) if configured is not None else None
    if declared is None:
        return False
    return any(
        _is_binding(candidate, declared, context)
        for value in returned
        for candidate in (value, *_literal_values(value))
    )


def _literal_values(value: Node) -> list[Node]:
    """The element values of `T{a, f: b}` or `&T{…}` (what a wrapper returned holds)."""
    value = _without_address(value)
    body = value.child_by_field_name("body") if value.type == "composite_literal" else None
    elements = body.named_children if body is not None else []
    return [e.named_children[-1].named_children[0] for e in elements if _element_value(e)]


def _element_value(element: Node) -> bool:
    last = element.named_children[-1] if element.named_children else None
    return last is not None and last.type == "literal_element" and bool(last.named_children)


def _without_address(value: Node) -> Node:
    value = unparen(value)
    operand = value.child_by_field_name("operand") if value.type == "unary_expression" else None
    return unparen(operand) if operand is not None else value


def _is_binding(value: Node, declared: Node, context: FileContext) -> bool:
    """Is `value` (`b`, `&b`) the variable declared at `declared`?"""
    found = declaration_of(_without_address(value), context)
    return found is not None and found.id == declared.id


def _deadline_in_scope(node: Node, context: FileContext) -> bool:
    """Does the function around `node` derive a context with a deadline?"""
    function = enclosing_function(node, context)
    if function is None:
        return False
    return any(
        (name := callee_name(captures["call"][0], context)) is not None
        and name.package == "context"
        and name.name in DEADLINE_CONTEXTS
        for captures in captures_within(function, _DEADLINE_CONTEXT, context.file.budget)
    )


# --- RES603 -------------------------------------------------------------------------------


@check("RES603", fragments=(COMMAND_WAITS,))
def hand_rolled_supervisor(ctx: CheckContext) -> Iterator[Report]:
    """Unbounded loops that start the same child process again each time it exits."""
    reported: set[tuple[str, int]] = set()
    for match in ctx.matches(COMMAND_WAITS):
        context = match.context
        if match.node("arguments").named_children:
            continue
        loop = innermost_loop(match.node("call"), context)
        if loop is None or not runs_forever(loop, context) or (context.file.display, loop.id) in reported:
            continue
        command = _exec_command(match.node("command"), context)
        if command is None or _driven_by_channel(loop, context) or not _same_command(command, loop, context):
            continue
        reported.add((context.file.display, loop.id))
        yield report(loop, context, call=_describe_command(command, context))


def _exec_command(operand: Node, context: FileContext) -> Node | None:
    """The `exec.Command(…)` call that built `operand` (the call itself or a variable's value)."""
    operand = unparen(operand)
    if operand.type == "identifier":
        binding = lookup(operand, context)
        value = binding.value_node if binding is not None and binding.is_local else None
        operand = unparen(value) if value is not None else operand
    if operand.type != "call_expression":
        return None
    name = callee_name(operand, context)
    return operand if name is not None and str(name) in EXEC_COMMANDS else None


def _same_command(command: Node, loop: Node, context: FileContext) -> bool:
    """The command line is the same every time round (not one command per input read)."""
    arguments = command.child_by_field_name("arguments")
    return arguments is not None and Assignments.of(loop, context).invariant(arguments)


def _driven_by_channel(loop: Node, context: FileContext) -> bool:
    """A receive from a ticker or an event channel drives the loop: a job, not a restart.

    Receives from `ctx.Done()` and `time.After(…)` do not drive a loop: they only cancel
    or delay the next restart.
    """
    for captures in captures_within(loop, _RECEIVES, context.file.budget):
        channel = unparen(captures["channel"][0])
        if not same_function(channel, loop, context):
            continue
        if channel.type == "call_expression":
            function = channel.child_by_field_name("function")
            field = function.child_by_field_name("field") if function is not None else None
            if field is not None and context.text(field) == "Done":
                continue
            name = callee_name(channel, context)
            if name is not None and str(name) == "time.After":
                continue
        return True
    return False


def _describe_command(command: Node, context: FileContext) -> str:
    """`exec.Command("/bin/worker", …)`: the callee and the program it starts."""
    function = command.child_by_field_name("function")
    arguments = command.child_by_field_name("arguments")
    values = arguments.named_children if arguments is not None else []
    name = context.text(function) if function is not None else "exec.Command"
    if name.endswith("CommandContext"):
        values = values[1:]
    if not values:
        return f"{name}(…)"
    return f"{name}({first_line(context.text(values[0]))}{', …' if len(values) > 1 else ''})"
