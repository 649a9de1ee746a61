"""What is a retry loop? Shared by RES601 and RES602 (and what stays the same in a loop, RES603).

A *retry loop* tries an operation, waits after an error and tries again, and is left on
success. A *periodic loop* waits whatever happened (janitors, pollers, consumers,
tickers) and is never judged. Loops are found from their waits (`time.Sleep`,
`time.After`, `time.NewTimer`): the innermost `for` around a wait in the same function,
unless the wait is on the success path (a grace period after an answer). The loop is
then classified from its exits:

- SUCCESS: a `break`/`return` in the `err == nil` branch of an `if` (or a switch case),
  in the `else` of `err != nil`, or after an `if err != nil { …; continue }` in the same
  block; or the loop condition `err != nil`. A loop without one is not a retry loop.
- ERROR: leaving on particular errors (`err == errNotFound`): no bound.
- GIVE_UP: leaving on every error but the retriable ones (`!retryable(err)`): the error
  of a cancelled context ends the loop too.
- BOUND: anything else (a counter, a deadline, a stop flag or channel, `panic`, a
  `Fatal`/`Exit` call, `return fmt.Errorf(…)`).

Conditions are read term by term: `err == nil || tries > 5` is a success and a bound.

`for _, x := range xs` makes one attempt per item (failover, batches): never a retry loop.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from golint_resilience.analysis.resolve import (
    FUNCTION_NODES,
    ancestors,
    block_statements,
    callee_name,
    imported_package,
    lookup,
    package_constant,
    parameter_names,
    parent_of,
    qualified_name,
    same_package_callee,
    unparen,
)
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, calls_within, captures_within
from golint_resilience.registry import MatchContext, fragment

DELAY_FUNCTIONS = frozenset({"Sleep", "After", "NewTimer"})
ERROR_CONSTRUCTORS = frozenset(
    {
        "fmt.Errorf",
        "errors.New",
        "github.com/pkg/errors.New",
        "github.com/pkg/errors.Errorf",
        "github.com/pkg/errors.Wrap",
        "github.com/pkg/errors.Wrapf",
    }
)

DELAY_CALLS = "delay_calls"
fragment(
    DELAY_CALLS,
    """
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^(Sleep|After|NewTimer)$")) @call
""",
    (b"Sleep(", b"After(", b"NewTimer("),
)

ERROR_NAME = re.compile(r"err", re.IGNORECASE)  # a variable that holds an error, by name
_CONTEXT_NAME = re.compile(r"ctx|context", re.IGNORECASE)
_BREAKABLE = frozenset(
    {"for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"}
)
_CASES = frozenset({"expression_case", "default_case", "type_case", "communication_case"})
_JUMPS = frozenset({"continue_statement", "return_statement", "break_statement", "goto_statement"})

_EXITS = """
(return_statement) @exit
(break_statement) @exit
(continue_statement (label_name)) @exit
(call_expression
  function: (identifier) @_name
  (#eq? @_name "panic")) @exit
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^(Fatal|Fatalf|Fatalln|Exit|Exitf|Exitln|Goexit)$")) @exit
"""
_VARIABLES = "(identifier) @name"
_CONTEXT_SIGNALS = """
(unary_expression
  operator: "<-"
  operand: (call_expression
    function: (selector_expression
      field: (field_identifier) @_method)
    (#eq? @_method "Done"))) @done
(call_expression
  function: (selector_expression
    operand: (_) @operand
    field: (field_identifier) @_method)
  arguments: (argument_list) @arguments
  (#eq? @_method "Err")) @err
(selector_expression
  field: (field_identifier) @_name
  (#match? @_name "^(Canceled|DeadlineExceeded)$")) @sentinel
"""


@dataclass(frozen=True)
class Delay:
    """A wait inside a loop: the call and its delay argument."""

    call: Node
    argument: Node | None


@dataclass
class RetryLoop:
    """A `for` statement classified as a retry loop, with the waits it contains."""

    loop: Node
    context: FileContext
    delays: list[Delay] = field(default_factory=list)
    bounded: bool = False  # a header bound (counter, range, condition) or a bounding exit
    watches_context: bool = False  # checks ctx.Done()/ctx.Err() or context.Canceled


def retry_loops(ctx: MatchContext) -> list[RetryLoop]:
    """Every retry loop of the package that contains a wait, in source order."""
    loops: dict[tuple[str, int], RetryLoop | None] = {}
    for match in ctx.matches(DELAY_CALLS):
        call = match.node("call")
        context = match.context
        name = callee_name(call, context)
        if name is None or name.package != "time" or name.name not in DELAY_FUNCTIONS:
            continue
        loop = innermost_loop(call, context)
        if loop is None or _on_success_path(call, loop, context):
            continue
        key = (context.file.display, loop.id)
        if key not in loops:
            loops[key] = classify(loop, context)
        found = loops[key]
        if found is not None:
            found.delays.append(Delay(call, _first_argument(call)))
    return [loop for loop in loops.values() if loop is not None]


def _on_success_path(node: Node, loop: Node, context: FileContext) -> bool:
    """Is `node` reached only when the error is nil (a pause after success, not a retry wait)?

    It is inside the success branch of an error test, or after an `if err != nil { …; jump }`
    in its block.
    """
    child = node
    for ancestor in ancestors(node, context):
        if ancestor.id == loop.id:
            return False
        if ancestor.type == "if_statement" and child.type == "block":
            consequence = ancestor.child_by_field_name("consequence")
            in_consequence = consequence is not None and child.id == consequence.id
            condition = ancestor.child_by_field_name("condition")
            if condition is not None and _implies_nil_error(condition, in_consequence, context):
                return True
        if ancestor.type == "statement_list" and _after_jumping_error_branch(child, context):
            return True
        child = ancestor
    return False


def _after_jumping_error_branch(statement: Node, context: FileContext) -> bool:
    """Does an earlier `if err != nil { …; jump }` of the block leave only success to `statement`?"""
    sibling = statement.prev_named_sibling
    while sibling is not None:
        condition, branch = _if_without_else(sibling)
        if (
            condition is not None
            and branch is not None
            and _implies_nil_error(condition, False, context)
            and _ends_with_jump(branch)
        ):
            return True
        sibling = sibling.prev_named_sibling
    return False


def _first_argument(call: Node) -> Node | None:
    arguments = call.child_by_field_name("arguments")
    return arguments.named_children[0] if arguments is not None and arguments.named_children else None


def innermost_loop(node: Node, context: FileContext) -> Node | None:
    """The nearest `for` statement around `node` in the same function."""
    for ancestor in ancestors(node, context):
        if ancestor.type in FUNCTION_NODES:
            return None
        if ancestor.type == "for_statement":
            return ancestor
    return None


def same_function(node: Node, loop: Node, context: FileContext) -> bool:
    """Is `node` part of `loop`'s own code, not of a function literal inside it?"""
    for ancestor in ancestors(node, context):
        if ancestor.id == loop.id:
            return True
        if ancestor.type in FUNCTION_NODES:
            return False
    return False


def classify(loop: Node, context: FileContext) -> RetryLoop | None:
    """A RetryLoop when `loop` is left on success, else None (a periodic loop)."""
    if _iterates_items(loop, context):
        return None
    kinds: set[ExitKind] = set()
    header = loop_header(loop)
    if header is not None and header.type == "range_clause":
        kinds.add(ExitKind.BOUND)
    condition = loop_condition(loop)
    if condition is not None and not _is_true(condition, context):
        kinds.update(_condition_kinds(condition, False, context))  # it ends when the condition fails
    for captures in captures_within(loop, _EXITS, context.file.budget):
        exit_node = captures["exit"][0]
        if _leaves(exit_node, loop, context):
            kinds.update(_exit_kinds(exit_node, loop, context))
    if ExitKind.SUCCESS not in kinds:
        return None
    bounded = ExitKind.BOUND in kinds
    watches = ExitKind.GIVE_UP in kinds or _watches_context(loop, context)
    return RetryLoop(loop, context, bounded=bounded, watches_context=watches)


def _iterates_items(loop: Node, context: FileContext) -> bool:
    """`for _, x := range xs`: one attempt per item (a failover or a batch), not a retry."""
    header = loop_header(loop)
    if header is None or header.type != "range_clause":
        return False
    left = header.child_by_field_name("left")
    names = left.named_children if left is not None else []
    return len(names) == 2 and context.text(names[1]) != "_"


def loop_header(loop: Node) -> Node | None:
    """The clause or condition between `for` and the body; None for `for {`."""
    body = loop.child_by_field_name("body")
    return next((c for c in loop.named_children if body is None or c.id != body.id), None)


def loop_condition(loop: Node) -> Node | None:
    """The loop's condition: `for cond {` or `for init; cond; post {`."""
    header = loop_header(loop)
    if header is None or header.type == "range_clause":
        return None
    return header.child_by_field_name("condition") if header.type == "for_clause" else header


def _is_true(header: Node, context: FileContext) -> bool:
    return header.type == "true" or (header.type == "identifier" and context.text(header) == "true")


def runs_forever(loop: Node, context: FileContext) -> bool:
    """`for {` or `for true {`."""
    header = loop_header(loop)
    return header is None or _is_true(header, context)


def _leaves(exit_node: Node, loop: Node, context: FileContext) -> bool:
    """Does this return/break/continue/panic/exit call leave `loop`?"""
    if not same_function(exit_node, loop, context):
        return False
    kind = exit_node.type
    if kind == "call_expression":  # panic, or Fatal/Exit of any logger-like value or package
        return True
    if kind == "return_statement":
        return True
    label = next((c for c in exit_node.named_children if c.type == "label_name"), None)
    if label is None:  # an unlabelled break leaves the nearest for/switch/select
        target = next((a for a in ancestors(exit_node, context) if a.type in _BREAKABLE), None)
        return target is not None and target.id == loop.id
    return _label_outside(context.text(label), exit_node, loop, context, kind == "break_statement")


def _label_outside(name: str, jump: Node, loop: Node, context: FileContext, is_break: bool) -> bool:
    """Does `break L`/`continue L` leave `loop`?

    `break` of the loop itself does, and so does either jump to a label around the loop
    (a label always encloses its jumps).
    """
    if _labels(loop, name, context):
        return is_break
    for ancestor in ancestors(jump, context):
        if ancestor.id == loop.id:
            return True
        if ancestor.type == "labeled_statement" and _labels(ancestor.named_children[-1], name, context):
            return False
    return False


def _guard(node: Node, loop: Node, context: FileContext) -> tuple[Node, Node] | None:
    """The nearest `if` branch or case around `node` inside `loop`: (statement, branch)."""
    child = node
    for ancestor in ancestors(node, context):
        if ancestor.id == loop.id:
            return None
        if ancestor.type == "if_statement" and child.type == "block":
            return ancestor, child
        if ancestor.type in _CASES or ancestor.type == "for_statement":
            return ancestor, child
        child = ancestor
    return None


class ExitKind(enum.Enum):
    """Why a loop is left."""

    SUCCESS = "success"  # the error is nil
    ERROR = "error"  # on particular errors only (`err == errNotFound`): no bound
    GIVE_UP = "give up"  # on every error but the retriable ones: a cancelled ctx's error ends it
    BOUND = "bound"  # a counter, a deadline, a stop flag or channel, a panic or process exit


def _exit_kinds(exit_node: Node, loop: Node, context: FileContext) -> tuple[ExitKind, ...]:
    if exit_node.type == "call_expression" or _returns_new_error(exit_node, context):
        return (ExitKind.BOUND,)  # panic, a process exit, `return fmt.Errorf(…)`: a failure
    guard = _guard(exit_node, loop, context)
    if guard is None:
        return _after_error_branch(exit_node, loop, context)
    statement, branch = guard
    if statement.type == "if_statement":
        condition = statement.child_by_field_name("condition")
        consequence = statement.child_by_field_name("consequence")
        in_consequence = consequence is not None and branch.id == consequence.id
        return _condition_kinds(condition, in_consequence, context)
    if statement.type == "expression_case":
        return _condition_kinds(statement.child_by_field_name("value"), True, context)
    return (ExitKind.BOUND,)


def _returns_new_error(statement: Node, context: FileContext) -> bool:
    """`return …, fmt.Errorf(…)`: whatever the condition said, this exit reports a failure."""
    if statement.type != "return_statement":
        return False
    results = statement.named_children[0].named_children if statement.named_children else []
    return any(
        value.type == "call_expression" and str(callee_name(value, context)) in ERROR_CONSTRUCTORS
        for value in results
    )


def _condition_kinds(condition: Node | None, when_true: bool, context: FileContext) -> tuple[ExitKind, ...]:
    """Why a loop is left when `condition` holds (or fails, when not `when_true`).

    `a || b` holds when either term does, and fails when one of the terms of `a && b`
    fails: each such term is a separate reason (`err == nil || tries > 5` is a success
    and a bound).
    """
    if condition is None:
        return (ExitKind.BOUND,)
    terms = _terms(condition, "||" if when_true else "&&", context)
    return tuple(dict.fromkeys(_term_kind(term, when_true, context) for term in terms))


def _term_kind(term: Node, holds: bool, context: FileContext) -> ExitKind:
    if _implies_nil_error(term, holds, context):
        return ExitKind.SUCCESS
    if _only_errors(term, context):
        return ExitKind.GIVE_UP if _is_negative(term, context) == holds else ExitKind.ERROR
    return ExitKind.BOUND


def _implies_nil_error(condition: Node, holds: bool, context: FileContext) -> bool:
    """Does `condition` holding (or failing) mean the error is nil?

    It holds only if every term of `a && b` does, so one `err == nil` term suffices; it
    fails only if every term of `a || b` fails, so one `err != nil` term suffices.
    """
    operator, test = ("&&", "==") if holds else ("||", "!=")
    return any(_is_nil_test(term, test, context) for term in _terms(condition, operator, context))


def _implies_error(condition: Node, context: FileContext) -> bool:
    """Does `condition` holding mean the error is not nil (`err != nil && retryable(err)`)?"""
    return any(_is_nil_test(term, "!=", context) for term in _terms(condition, "&&", context))


def _terms(condition: Node, operator: str, context: FileContext) -> list[Node]:
    """The operands of a chain `a op b op c` (through parentheses), in order."""
    terms = []
    pending = [condition]
    while pending:
        node = unparen(pending.pop())
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        found = node.child_by_field_name("operator")
        if node.type == "binary_expression" and found is not None and context.text(found) == operator:
            pending.extend(n for n in (right, left) if n is not None)
        else:
            terms.append(node)
    return terms


def _is_nil_test(term: Node, operator: str, context: FileContext) -> bool:
    """Is `term` exactly `err <operator> nil` (either way round)?"""
    term = unparen(term)
    if term.type != "binary_expression":
        return False
    left, found, right = (term.child_by_field_name(f) for f in ("left", "operator", "right"))
    return (
        left is not None
        and right is not None
        and found is not None
        and context.text(found) == operator
        and _compares_error_to_nil(left, right, context)
    )


def _is_negative(condition: Node, context: FileContext) -> bool:
    """`!retryable(err)`, `err != errBusy`: true for every error but a few."""
    condition = unparen(condition)
    operator = condition.child_by_field_name("operator")
    return operator is not None and context.text(operator) in {"!", "!="}


def _only_errors(condition: Node, context: FileContext) -> bool:
    """Does the condition look at error values only (`err == errX`, `!retryable(err)`)?"""
    names = [
        captures["name"][0]
        for captures in captures_within(condition, _VARIABLES, context.file.budget)
        if not _is_callee_or_package(captures["name"][0], context)
    ]
    return bool(names) and all(ERROR_NAME.search(context.text(name)) for name in names)


def _is_callee_or_package(identifier: Node, context: FileContext) -> bool:
    parent = parent_of(identifier, context)
    if parent is None:
        return False
    if parent.type == "call_expression":
        function = parent.child_by_field_name("function")
        return function is not None and function.id == identifier.id
    return parent.type == "selector_expression" and imported_package(identifier, context) is not None


def _after_error_branch(exit_node: Node, loop: Node, context: FileContext) -> tuple[ExitKind, ...]:
    """An exit on the straight path, after an earlier `if err != nil { … }` of its block.

    When that branch always goes round again (it ends with a jump), the straight path is
    the success path. When it only sometimes does (`if retryable(err) { …; continue }`),
    the other errors fall through and give up there too.
    """
    if _after_jumping_error_branch(exit_node, context):
        return (ExitKind.SUCCESS,)
    sibling = exit_node.prev_named_sibling
    while sibling is not None:
        branch = _error_branch(sibling, context)
        if branch is not None and _continues(branch, loop, context):
            return (ExitKind.SUCCESS, ExitKind.GIVE_UP)
        sibling = sibling.prev_named_sibling
    return (ExitKind.BOUND,)


def _error_branch(statement: Node, context: FileContext) -> Node | None:
    """The block of `if err != nil { … }` (with no else; success skips it), else None."""
    condition, branch = _if_without_else(statement)
    return branch if condition is not None and _implies_error(condition, context) else None


def _if_without_else(statement: Node) -> tuple[Node | None, Node | None]:
    """(condition, block) of an `if` statement without `else`; (None, None) otherwise."""
    if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
        return None, None
    return statement.child_by_field_name("condition"), statement.child_by_field_name("consequence")


def _continues(block: Node, loop: Node, context: FileContext) -> bool:
    """Does `block` contain a `continue` of `loop`?"""
    for captures in captures_within(block, "(continue_statement) @continue", context.file.budget):
        statement = captures["continue"][0]
        label = next((c for c in statement.named_children if c.type == "label_name"), None)
        if label is None:
            target = next((a for a in ancestors(statement, context) if a.type == "for_statement"), None)
            if target is not None and target.id == loop.id:
                return True
        elif _labels(loop, context.text(label), context):
            return True
    return False


def _labels(statement: Node, name: str, context: FileContext) -> bool:
    """Is `statement` labelled `name`?"""
    parent = parent_of(statement, context)
    if parent is None or parent.type != "labeled_statement":
        return False
    label = parent.child_by_field_name("label")
    return label is not None and context.text(label) == name


def _ends_with_jump(block: Node) -> bool:
    last = _last_statement(block)
    return last is not None and last.type in _JUMPS


def _last_statement(block: Node) -> Node | None:
    """The statement a block ends with."""
    statements = block.named_children
    if statements and statements[-1].type == "statement_list":
        statements = statements[-1].named_children
    return statements[-1] if statements else None


def _compares_error_to_nil(left: Node, right: Node, context: FileContext) -> bool:
    if right.type != "nil":
        left, right = right, left
    if right.type != "nil":
        return False
    left = unparen(left)
    if left.type == "selector_expression":
        left = left.child_by_field_name("field") or left
    is_name = left.type in {"identifier", "field_identifier"}
    return is_name and ERROR_NAME.search(context.text(left)) is not None


def _watches_context(loop: Node, context: FileContext) -> bool:
    """`<-x.Done()`, `ctx.Err()`, or `context.Canceled`/`DeadlineExceeded` inside the loop.

    Or in a function of the package the loop calls, which returns success once cancelled
    (`case <-ctx.Done(): return nil`): the loop's own success exit then ends it.
    """
    if any(_succeeds_when_cancelled(call, context) for call in calls_within(loop, context.file.budget)):
        return True
    for captures in captures_within(loop, _CONTEXT_SIGNALS, context.file.budget):
        if "done" in captures:
            return True
        if (
            "err" in captures
            and not captures["arguments"][0].named_children
            and _CONTEXT_NAME.search(context.text(captures["operand"][0]))
        ):
            return True
        if "sentinel" in captures:
            name = qualified_name(captures["sentinel"][0], context)
            if name is not None and name.package == "context":
                return True
    return False


def _succeeds_when_cancelled(call: Node, context: FileContext) -> bool:
    """Is the callee a function of the package with a `case <-x.Done(): return nil` (or bare `return`)?"""
    function = call.child_by_field_name("function")
    target = same_package_callee(unparen(function), context) if function is not None else None
    if target is None or not target.declarations:
        return False
    for declaration in target.declarations:
        declared_in = context.package.context_of(declaration.file)
        for captures in captures_within(declaration.node, _CANCELLED_CASES, declared_in.file.budget):
            body = block_statements(captures["case"][0])[1:]  # after the communication itself
            if len(body) == 1 and body[0].type == "return_statement" and _returns_success(body[0]):
                return True
    return False


def _returns_success(statement: Node) -> bool:
    """`return` or `return nil` (every result nil)."""
    values = statement.named_children[0].named_children if statement.named_children else []
    return all(value.type == "nil" for value in values)


_CANCELLED_CASES = """
(communication_case
  communication: (receive_statement
    right: (unary_expression
      operator: "<-"
      operand: (call_expression
        function: (selector_expression field: (field_identifier) @_method)
        (#eq? @_method "Done"))))) @case
"""


# --- how many attempts, and where the delay comes from -----------------------------------

_COUNTS_UP = {"<": 0, "<=": 1}  # i := a; i < n; i++ runs n - a times; i <= n once more
_COUNTS_DOWN = {">": 0, ">=": 1}
_SELECTORS = "(selector_expression operand: (_) @operand) @selector"
_IDENTIFIERS = "(identifier) @name"


def attempt_bound(loop: Node, context: FileContext, assignments: Assignments) -> int | None:
    """How many times the loop's header lets it run, when literals or constants say so.

    `for range 3`, `for i := range 3`, `for i := 0; i < 3; i++`, `for i := 1; i <= 3; i++`,
    `for n := 3; n > 0; n--` (a condition may add `&& err != nil`), `cnt := 0` earlier in
    the block and `for err = f(); err != nil && cnt < 3; cnt++`, and `attempts := 1` right
    before `for attempts <= 3 {` whose body ends each round in `attempts++`. None for any
    other header, or when the body assigns the counter too.
    """
    header = loop_header(loop)
    if header is not None and header.type == "range_clause":
        return int_constant(header.child_by_field_name("right"), context)
    if header is None:
        return _counted_in_body(loop, context, assignments)
    if header.type != "for_clause":
        return _counted_while(loop, header, context, assignments)
    fields = ("initializer", "condition", "update")
    initializer, condition, update = (header.child_by_field_name(f) for f in fields)
    if condition is None or update is None:
        return None
    step = {"inc_statement": 1, "dec_statement": -1}.get(update.type)
    updated = update.named_children[0] if update.named_children else None
    if step is None or updated is None:
        return None
    counter = context.text(updated)
    declared = _counter_declaration(initializer, context) if initializer is not None else None
    writes = 2  # the initializer and the update only
    if declared is None or declared[0] != counter:  # `cnt := 0` earlier, `for err = f(); …; cnt++`
        declared, writes = _declared_before(loop, counter, context), 1
    if declared is None or len(assignments.by_target.get(counter, ())) != writes:
        return None
    return _rounds(condition, counter, declared[1], step, context)


def _counted_in_body(loop: Node, context: FileContext, assignments: Assignments) -> int | None:
    """`for { …; tries++; if tries >= maxTries { return err }; … }`: a counter the body gives up on.

    The counter is written once in the loop, by `++` or `--`, and an `if` of the loop
    (no `else`) leaves it when a comparison of the counter with a constant holds. It
    starts from a constant declared before the loop, or, for a parameter of the
    function (`retries int`, counted down to 0), from the constant every call in the
    package passes. Attempts are counted in the order the body updates and checks it.
    """
    for counter, writes in assignments.by_target.items():
        if len(writes) != 1 or writes[0][0].type not in _STEPS:
            continue
        update = writes[0][0]
        start = _start_value(loop, counter, context)
        if start is None:
            continue
        for check, operator, end in _give_ups(loop, counter, context):
            attempts = _attempts(
                start, _STEPS[update.type], operator, end, update.start_byte < check.start_byte
            )
            if attempts is not None:
                return attempts
    return None


_STEPS = {"inc_statement": 1, "dec_statement": -1}
_HOLDS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_MAX_COUNTED = 1000


def _attempts(start: int, step: int, operator: str, end: int, updated_first: bool) -> int | None:
    """The attempt on which `counter operator end` first holds where the loop checks it."""
    holds = _HOLDS.get(operator)
    if holds is None:
        return None
    for attempt in range(1, _MAX_COUNTED):
        value = start + (attempt if updated_first else attempt - 1) * step
        if holds(value, end):
            return attempt
    return None


def _give_ups(loop: Node, counter: str, context: FileContext) -> list[tuple[Node, str, int]]:
    """The `if counter OP constant { …return/break… }` of the loop: (the if, OP, constant)."""
    found = []
    for captures in captures_within(loop, _IF_STATEMENTS, context.file.budget):
        statement = captures["if"][0]
        condition = statement.child_by_field_name("condition")
        consequence = statement.child_by_field_name("consequence")
        around = innermost_loop(statement, context)
        if (
            condition is None
            or consequence is None
            or statement.child_by_field_name("alternative") is not None
            or around is None
            or around.id != loop.id
        ):
            continue
        limit = _counter_limit(condition, counter, context)
        last = _last_statement(consequence)
        if (
            limit is not None
            and last is not None
            and last.type in _GIVING_UP
            and _leaves(last, loop, context)
        ):
            found.append((statement, *limit))
    return found


_IF_STATEMENTS = "(if_statement) @if"
_GIVING_UP = frozenset({"return_statement", "break_statement"})


def _start_value(loop: Node, counter: str, context: FileContext) -> int | None:
    """A counter's first value: a constant declared before the loop, or what callers pass."""
    declared = _declared_before(loop, counter, context)
    if declared is not None:
        return declared[1]
    return _passed_constant(loop, counter, context)


def _passed_constant(loop: Node, parameter: str, context: FileContext) -> int | None:
    """The constant every call of the enclosing function in the package passes for `parameter`."""
    function = next((a for a in ancestors(loop, context) if a.type in FUNCTION_NODES), None)
    name = function.child_by_field_name("name") if function is not None else None
    if function is None or name is None:
        return None
    names = [context.text(n) for n in parameter_names(function)]
    if parameter not in names:
        return None
    position, callee = names.index(parameter), context.text(name)
    passed: set[int | None] = set()
    for other in context.package.mentioning(callee):
        for call in calls_within(other.file.root, other.file.budget):
            called = call.child_by_field_name("function")
            called = unparen(called) if called is not None else None
            if called is None:
                continue
            if called.type == "selector_expression":
                called = called.child_by_field_name("field")
            if called is None or other.text(called) != callee:
                continue
            arguments = call.child_by_field_name("arguments")
            values = arguments.named_children if arguments is not None else []
            passed.add(int_constant(values[position], other) if position < len(values) else None)
    if not passed or None in passed:
        return None
    return max(p for p in passed if p is not None)


def _declared_before(loop: Node, counter: str, context: FileContext) -> tuple[str, int] | None:
    """`cnt := 0` among the statements before the loop in its block, none of them assigning it again."""
    sibling = loop.prev_named_sibling
    while sibling is not None:
        declared = _counter_declaration(sibling, context)
        if declared is not None and declared[0] == counter:
            return declared
        if counter in Assignments.of(sibling, context).by_target:
            return None
        sibling = sibling.prev_named_sibling
    return None


def _counted_while(loop: Node, condition: Node, context: FileContext, assignments: Assignments) -> int | None:
    """`n := 1` just before `for n <= 3 {`, the body counting `n++` at its top level, no `continue`."""
    parent = parent_of(loop, context)
    siblings = parent.named_children if parent is not None else []
    position = next((i for i, s in enumerate(siblings) if s.id == loop.id), 0)
    declared = _counter_declaration(siblings[position - 1], context) if position > 0 else None
    body = loop.child_by_field_name("body")
    if declared is None or body is None:
        return None
    counter, start = declared
    writes = assignments.by_target.get(counter, [])
    if len(writes) != 1 or _CONTINUE.search(context.file.data, body.start_byte, body.end_byte):
        return None
    statement = writes[0][0]
    step = {"inc_statement": 1, "dec_statement": -1}.get(statement.type)
    top_level = parent_of(statement, context)
    if top_level is not None and top_level.type == "statement_list":
        top_level = parent_of(top_level, context)
    if step is None or top_level is None or top_level.id != body.id:
        return None
    return _rounds(condition, counter, start, step, context)


_CONTINUE = re.compile(rb"\bcontinue\b")


def _counter_declaration(statement: Node, context: FileContext) -> tuple[str, int] | None:
    """`i := 3`: the counter's name and its integer start."""
    if statement.type != "short_var_declaration":
        return None
    left, right = statement.child_by_field_name("left"), statement.child_by_field_name("right")
    if left is None or right is None or len(left.named_children) != 1 or len(right.named_children) != 1:
        return None
    start = int_constant(right.named_children[0], context)
    return (context.text(left.named_children[0]), start) if start is not None else None


def _rounds(condition: Node, counter: str, start: int, step: int, context: FileContext) -> int | None:
    """How many rounds a condition on a counter allows, from `start` by `step`."""
    for term in _terms(condition, "&&", context):
        limit = _counter_limit(term, counter, context)
        if limit is None:
            continue
        operator, end = limit
        if step > 0 and operator in _COUNTS_UP:
            return max(0, end - start + _COUNTS_UP[operator])
        if step < 0 and operator in _COUNTS_DOWN:
            return max(0, start - end + _COUNTS_DOWN[operator])
    return None


_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _counter_limit(term: Node, counter: str, context: FileContext) -> tuple[str, int] | None:
    """`i < 3` (or `3 > i`) → ("<", 3): the comparison of the counter with a constant."""
    term = unparen(term)
    if term.type != "binary_expression":
        return None
    left, found, right = (term.child_by_field_name(f) for f in ("left", "operator", "right"))
    if left is None or found is None or right is None or context.text(found) not in _MIRRORED:
        return None
    operator = context.text(found)
    if context.text(unparen(right)) == counter:
        left, right, operator = right, left, _MIRRORED[operator]
    if context.text(unparen(left)) != counter:
        return None
    end = int_constant(right, context)
    return (operator, end) if end is not None else None


def int_constant(expression: Node | None, context: FileContext) -> int | None:
    """An integer literal, or a same-package constant naming one."""
    if expression is None:
        return None
    expression = unparen(expression)
    if expression.type == "identifier":
        found = package_constant(expression, context)
        if found is None:
            return None
        expression, context = found
    if expression.type != "int_literal":
        return None
    text = context.text(expression).replace("_", "")
    try:
        return int(text, 8) if len(text) > 1 and text[0] == "0" and text.isdigit() else int(text, 0)
    except ValueError:
        return None


def reads_field(expression: Node, context: FileContext, depth: int = 2) -> bool:
    """Does the value read a field of a value (`cfg.RetryInterval`, `o.retry.Delay`)?

    That is how configuration and options reach code; a package's `pkg.Name` does not count.
    A local variable is followed to the value it was declared with.
    """
    if depth <= 0:
        return False
    for captures in captures_within(expression, _SELECTORS, context.file.budget):
        if imported_package(captures["operand"][0], context) is None:
            return True
    for captures in captures_within(expression, _IDENTIFIERS, context.file.budget):
        identifier = captures["name"][0]
        binding = lookup(identifier, context)
        value = binding.value_node if binding is not None and binding.is_local else None
        if value is not None and reads_field(value, context, depth - 1):
            return True
    return False


# --- what stays the same from one iteration to the next ---------------------------------

_ASSIGNMENTS = """
(assignment_statement
  left: (expression_list (_) @target)) @assignment
(short_var_declaration
  left: (expression_list (identifier) @target)) @assignment
(var_spec
  name: (identifier) @target) @assignment
(inc_statement (_) @target) @assignment
(dec_statement (_) @target) @assignment
(range_clause
  left: (expression_list (identifier) @target)) @assignment
(receive_statement
  left: (expression_list (identifier) @target)) @assignment
"""
_NAMES = """
(identifier) @name
(selector_expression) @name
(call_expression
  function: (_) @function) @call
"""
# Calls that only convert or clamp: they cannot make a delay grow or jitter.
_PURE_FUNCTIONS = frozenset(
    {"float32", "float64", "int", "int32", "int64", "uint", "uint32", "uint64", "min", "max"}
)
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Assignments:
    """What a loop writes: each target's text → the statements that assign it."""

    context: FileContext
    by_target: dict[str, list[tuple[Node, Node]]]  # target → [(statement, target node)]

    @classmethod
    def of(cls, loop: Node, context: FileContext) -> Assignments:
        """Collect the assignments anywhere inside `loop` (its header included)."""
        by_target: dict[str, list[tuple[Node, Node]]] = {}
        for captures in captures_within(loop, _ASSIGNMENTS, context.file.budget):
            target = captures["target"][0]
            by_target.setdefault(context.text(target), []).append((captures["assignment"][0], target))
        return cls(context, by_target)

    def invariant(self, expression: Node, depth: int = _MAX_DEPTH) -> bool:
        """Does `expression` have the same value on every iteration?

        It must call nothing but conversions, and every name in it must either not be
        written in the loop or be (re)declared from an invariant value each time round.
        Any other call (a backoff step, a random jitter, a helper) counts as varying.
        """
        if depth <= 0:
            return False
        for captures in captures_within(expression, _NAMES, self.context.file.budget):
            if "call" in captures:
                if not self._is_pure(captures["function"][0]):
                    return False
                continue
            name = self.context.text(captures["name"][0])
            writes = self.by_target.get(name, [])
            if not all(self._invariant_write(statement, target, depth) for statement, target in writes):
                return False
        return True

    def _is_pure(self, function: Node) -> bool:
        function = unparen(function)
        if function.type == "identifier":
            return self.context.text(function) in _PURE_FUNCTIONS
        name = qualified_name(function, self.context)
        return name is not None and str(name) == "time.Duration"

    def _invariant_write(self, statement: Node, target: Node, depth: int) -> bool:
        """A plain `x := v`, `var x = v` or `x = v` whose value v is itself invariant."""
        if statement.type == "assignment_statement":
            operator = statement.child_by_field_name("operator")
            if operator is None or self.context.text(operator) != "=":
                return False
        elif statement.type not in {"short_var_declaration", "var_spec"}:
            return False
        value = _value_for(statement, target)
        return value is not None and self.invariant(value, depth - 1)


def _value_for(statement: Node, target: Node) -> Node | None:
    """The value assigned to `target` when the statement pairs names and values one to one."""
    if statement.type == "var_spec":
        targets = statement.children_by_field_name("name")
        values_node = statement.child_by_field_name("value")
    else:
        left = statement.child_by_field_name("left")
        targets = left.named_children if left is not None else []
        values_node = statement.child_by_field_name("right")
    values = values_node.named_children if values_node is not None else []
    if len(values) != len(targets):
        return None
    position = next((i for i, t in enumerate(targets) if t.id == target.id), None)
    return values[position] if position is not None else None
