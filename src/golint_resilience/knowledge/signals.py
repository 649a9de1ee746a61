"""What signal handling looks like in Go: the calls that ask for signals, and the signals they list.

Read by RES401–RES403 and by the deployment checks (what a program traps is what its
runner's stop signal meets).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from golint_resilience.analysis.function_values import fragment_calls, value_patterns
from golint_resilience.analysis.resolve import (
    callee_name,
    enclosing_declaration,
    imported_package,
    lookup,
    parent_of,
    unparen,
)
from golint_resilience.analysis.triggers import Imports, Trigger
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.library import EXIT_FUNCTIONS
from golint_resilience.registry import (
    MatchContext,
    Options,
    fragment,
)

SIGNAL = "os/signal"
NOTIFY_FUNCTIONS = frozenset({"Notify", "NotifyContext"})
# Calls that count as asking for SIGTERM/SIGINT: helpers that wrap `signal.Notify`, and
# frameworks that own a program's lifecycle and trap the signals themselves.
HELPER_OPTIONS = (("RES401", "signal-helpers"), ("RES401", "signal-frameworks"))
# Packages whose exported names are signals: `os.Interrupt`, `syscall.SIGTERM`, `unix.SIGINT`.
SIGNAL_PACKAGES = frozenset({"os", "syscall", "golang.org/x/sys/unix", "golang.org/x/sys/windows"})
SIGTERM = "SIGTERM"
# Listing one of these shows the intent to shut down on a signal; SIGQUIT alone is a stack dump.
INTERRUPTS = frozenset({"Interrupt", "SIGINT"})
SHUTDOWN_SIGNALS = INTERRUPTS | {"SIGQUIT"}
# Signals no process can catch: listing them often stands where SIGTERM was meant.
UNCATCHABLE = frozenset({"Kill", "SIGKILL", "SIGSTOP"})


def helpers(options: Options) -> frozenset[str]:
    """Fully qualified `import/path.Func` names whose call handles the signals."""
    return frozenset(name for rule, knob in HELPER_OPTIONS for name in options.get(rule, {}).get(knob, ()))


def _signal_call_query(options: Options) -> str:
    names = sorted(NOTIFY_FUNCTIONS | {helper.rsplit(".", 1)[-1] for helper in helpers(options)})
    return f"""
(call_expression
  function: (selector_expression
    field: (field_identifier) @name)
  (#match? @name "^({"|".join(names)})$")) @call
""" + value_patterns(NOTIFY_FUNCTIONS)


def _signal_call_triggers(options: Options) -> tuple[Trigger, ...]:
    # A call resolves only through an import of its package in the same file.
    packages = {"os/signal", *(helper.rsplit(".", 1)[0] for helper in helpers(options))}
    return tuple(Imports(f'"{package}"'.encode()) for package in sorted(packages))


SIGNAL_CALLS = "signal_calls"
fragment(SIGNAL_CALLS, _signal_call_query, _signal_call_triggers)


def notify_calls(ctx: MatchContext) -> Iterator[tuple[Node, FileContext]]:
    """`signal.Notify(…)` and `signal.NotifyContext(…)` calls of the package."""
    for call, context in fragment_calls(ctx, "signal_calls"):
        name = callee_name(call, context)
        if name is not None and name.package == SIGNAL and name.name in NOTIFY_FUNCTIONS:
            yield call, context


@dataclass(frozen=True)
class SignalList:
    """The signals a Notify call lists; `complete` is False when some cannot be read."""

    names: tuple[str, ...]  # "Interrupt", "SIGTERM", …
    texts: tuple[str, ...]  # as written: "os.Interrupt"
    complete: bool


def signal_arguments(call: Node) -> list[Node]:
    """The signal arguments of a Notify call (after the channel or context)."""
    arguments = call.child_by_field_name("arguments")
    return list(arguments.named_children[1:]) if arguments is not None else []


def _spread_elements(spread: Node, context: FileContext) -> tuple[list[Node], FileContext] | None:
    """The elements of `sigs...` when `sigs` is a local or package slice literal."""
    identifier = unparen(spread.named_children[0]) if spread.named_children else None
    if identifier is None or identifier.type != "identifier":
        return None
    binding = lookup(identifier, context)
    if binding is None:
        return None
    declared_in = binding.context
    value = unparen(binding.value_node) if binding.value_node is not None else None
    body = (
        value.child_by_field_name("body") if value is not None and value.type == "composite_literal" else None
    )
    if body is None:
        return None
    return [e.named_children[0] if e.named_children else e for e in body.named_children], declared_in


def signal_list(call: Node, context: FileContext) -> SignalList:
    """Read the signals a Notify call lists, following a spread slice to its literal."""
    names: list[str] = []
    texts: list[str] = []
    complete = True
    pending = [(argument, context) for argument in signal_arguments(call)]
    while pending:
        argument, where = pending.pop(0)
        if argument.type == "variadic_argument":
            elements = _spread_elements(argument, where)
            if elements is None:
                complete = False
            else:
                pending.extend((element, elements[1]) for element in elements[0])
            continue
        argument = unparen(argument)
        operand = argument.child_by_field_name("operand") if argument.type == "selector_expression" else None
        field = argument.child_by_field_name("field") if operand is not None else None
        if operand is None or field is None or imported_package(operand, where) not in SIGNAL_PACKAGES:
            complete = False
            continue
        names.append(where.text(field))
        texts.append(where.text(argument))
    return SignalList(tuple(names), tuple(texts), complete)


def exits_on_signal(call: Node, context: FileContext) -> bool:
    """`signal.Notify(c, …)` whose every receive of `c` goes on to end the process.

    `go func() { <-c; conn.Close(); os.Exit(0) }()`: the program does its work and is cut
    short by Ctrl-C, as a command-line tool is; it does not run until signalled.
    """
    name = callee_name(call, context)
    arguments = call.child_by_field_name("arguments")
    channel = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    declaration = enclosing_declaration(call, context)
    if (
        name is None
        or name.name != "Notify"
        or channel is None
        or channel.type != "identifier"
        or declaration is None
    ):
        return False
    wanted = context.text(channel)
    receives, stack = [], [declaration]
    while stack:
        node = stack.pop()
        operand = node.child_by_field_name("operand") if node.type == "unary_expression" else None
        if operand is not None and node.children[0].type == "<-" and context.text(operand) == wanted:
            receives.append(node)
        elif (
            node.type == "range_clause" and context.text(node.child_by_field_name("right") or node) == wanted
        ):
            return False  # a signal loop: it runs until signalled
        stack.extend(node.named_children)
    return bool(receives) and all(_exit_follows(receive, context) for receive in receives)


def _exit_follows(receive: Node, context: FileContext) -> bool:
    """Does a statement after the receive's, in the same block, end the process?"""
    statement = receive
    parent = parent_of(statement, context)
    while parent is not None and parent.type not in {"block", "statement_list"}:
        statement, parent = parent, parent_of(parent, context)
    if parent is None:
        return False
    later = [s for s in parent.named_children if s.start_byte > statement.start_byte]
    return any(_ends_process(s, context) for s in later)


def _ends_process(statement: Node, context: FileContext) -> bool:
    call = unparen(statement.named_children[0]) if statement.type == "expression_statement" else None
    name = callee_name(call, context) if call is not None and call.type == "call_expression" else None
    return name is not None and name.name in EXIT_FUNCTIONS.get(name.package, frozenset())
