"""RES401 missing-signal-handling, RES402 sigterm-not-handled, RES403 unbuffered-signal-channel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from golint_resilience.analysis.facts import HANDLES_SIGNALS, STARTS_SERVER, ClosureFlags, FactsBuilder
from golint_resilience.analysis.function_values import fragment_calls, value_patterns
from golint_resilience.analysis.resolve import (
    callee_name,
    declared_type,
    enclosing_declaration,
    imported_package,
    lookup,
    unparen,
)
from golint_resilience.analysis.triggers import Imports, Trigger
from golint_resilience.fixes.edits import insert, make_fix, replace
from golint_resilience.fixes.imports import package_name
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, calls_within
from golint_resilience.knowledge.servers import MAIN_FUNCTION, main_function_names
from golint_resilience.model import Fix
from golint_resilience.registry import (
    CheckContext,
    MatchContext,
    Options,
    Report,
    check,
    fact_extractor,
    fragment,
    report,
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


def _helpers(options: Options) -> frozenset[str]:
    """Fully qualified `import/path.Func` names whose call handles the signals."""
    return frozenset(name for rule, knob in HELPER_OPTIONS for name in options.get(rule, {}).get(knob, ()))


def _signal_call_query(options: Options) -> str:
    names = sorted(NOTIFY_FUNCTIONS | {helper.rsplit(".", 1)[-1] for helper in _helpers(options)})
    return f"""
(call_expression
  function: (selector_expression
    field: (field_identifier) @name)
  (#match? @name "^({"|".join(names)})$")) @call
""" + value_patterns(NOTIFY_FUNCTIONS)


def _signal_call_triggers(options: Options) -> tuple[Trigger, ...]:
    # A call resolves only through an import of its package in the same file.
    packages = {"os/signal", *(helper.rsplit(".", 1)[0] for helper in _helpers(options))}
    return tuple(Imports(f'"{package}"'.encode()) for package in sorted(packages))


SIGNAL_CALLS = "signal_calls"
fragment(SIGNAL_CALLS, _signal_call_query, _signal_call_triggers)


def notify_calls(ctx: MatchContext) -> Iterator[tuple[Node, FileContext]]:
    """`signal.Notify(…)` and `signal.NotifyContext(…)` calls of the package."""
    for call, context in fragment_calls(ctx, "signal_calls"):
        name = callee_name(call, context)
        if name is not None and name.package == SIGNAL and name.name in NOTIFY_FUNCTIONS:
            yield call, context


@fact_extractor(fragments=(SIGNAL_CALLS,))
def record_signal_handling(ctx: MatchContext, facts: FactsBuilder) -> None:
    """The package asks for signals itself or through a configured helper."""
    helpers = _helpers(ctx.options)
    for call, context in fragment_calls(ctx, "signal_calls"):
        name = callee_name(call, context)
        if name is not None and (
            (name.package == SIGNAL and name.name in NOTIFY_FUNCTIONS) or str(name) in helpers
        ):
            function = call.child_by_field_name("function")
            line = call.start_point[0] + 1
            text = context.text(function) if function is not None else "signal.Notify"
            facts.flag(HANDLES_SIGNALS, f"{text} at {context.file.display}:{line}")


@check("RES401", fragments=(MAIN_FUNCTION,))
def missing_signal_handling(ctx: CheckContext) -> Iterator[Report]:
    """A program that starts a server but never asks for SIGTERM/SIGINT, over its imports."""
    directory = str(ctx.package.directory)
    condition = ClosureFlags(directory, any_of=(STARTS_SERVER,), none_of=(HANDLES_SIGNALS,), witness="server")
    for name, context in main_function_names(ctx):
        yield report(name, context, condition=condition)


# --- RES402 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalList:
    """The signals a Notify call lists; `complete` is False when some cannot be read."""

    names: tuple[str, ...]  # "Interrupt", "SIGTERM", …
    texts: tuple[str, ...]  # as written: "os.Interrupt"
    complete: bool


def _signal_arguments(call: Node) -> list[Node]:
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
    pending = [(argument, context) for argument in _signal_arguments(call)]
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


@check("RES402", fragments=(SIGNAL_CALLS,))
def sigterm_not_handled(ctx: CheckContext) -> Iterator[Report]:
    """Interrupt/SIGINT handled but SIGTERM nowhere in the package.

    Judged over all of the package's Notify calls: real projects register SIGINT in a
    cross-platform file and SIGTERM in a POSIX one, on different channels. A call that
    lists no signals (all of them) or a list that cannot be read may include SIGTERM.
    """
    calls = [(call, context, signal_list(call, context)) for call, context in notify_calls(ctx)]
    if any(not s.complete or not s.names or SIGTERM in s.names for _, _, s in calls):
        return
    for call, context, signals in calls:
        if INTERRUPTS.intersection(signals.names) and not _guards_terminal(call, context):
            function = call.child_by_field_name("function")
            pairs = list(zip(signals.names, signals.texts, strict=True))
            listed = [t for n, t in pairs if n in SHUTDOWN_SIGNALS]
            uncatchable = [_with_signal_name(n, t) for n, t in pairs if n in UNCATCHABLE]
            yield report(
                call,
                context,
                "uncatchable" if uncatchable else "default",
                call=context.text(function) if function is not None else "signal.Notify",
                signals=" and ".join(listed),
                uncatchable=" and ".join(uncatchable),
                fix=_sigterm_fix(call, context),
            )


# Packages that put a terminal in raw or no-echo mode: a Ctrl-C trap next to them restores it.
_TERMINAL_PACKAGES = frozenset({"golang.org/x/term", "golang.org/x/crypto/ssh/terminal"})


def _guards_terminal(call: Node, context: FileContext) -> bool:
    """Is the Notify in a function that drives the terminal (`term.ReadPassword`, `term.Restore`)?

    Trapping Ctrl-C there restores the terminal around an interactive prompt; it is not
    how the program shuts down, so the missing SIGTERM is no gap.
    """
    declaration = enclosing_declaration(call, context)
    return declaration is not None and any(
        (name := callee_name(inner, context)) is not None and name.package in _TERMINAL_PACKAGES
        for inner in calls_within(declaration, context.file.budget)
    )


def _with_signal_name(name: str, text: str) -> str:
    """`os.Kill (SIGKILL)`: the os package's name does not say which signal it is."""
    return f"{text} (SIG{name.upper()})" if name == "Kill" else text


_PLAN9_BUILD = re.compile(rb"^//go:build.*(?<![!\w])plan9\b", re.MULTILINE)


def _sigterm_fix(call: Node, context: FileContext) -> Fix | None:
    """Append `syscall.SIGTERM` to the listed signals.

    Not after a spread slice (`sigs...` must come last), and not in files built for plan9,
    whose syscall package has no SIGTERM.
    """
    arguments = _signal_arguments(call)
    file = context.file
    if any(a.type == "variadic_argument" for a in arguments) or not arguments:
        return None
    if file.path.name.endswith("_plan9.go") or _PLAN9_BUILD.search(file.data):
        return None
    named = package_name("syscall", call, context)
    if named is None:
        return None
    syscall, import_edits = named
    change = insert(context, arguments[-1].end_byte, f", {syscall}.SIGTERM")
    return make_fix("Add syscall.SIGTERM to the signals", (change, *import_edits), safe=True)


# --- RES403 ------------------------------------------------------------------------------


def _unbuffered_signal_make(value: Node | None, context: FileContext) -> Node | None:
    """The arguments of `make(chan os.Signal)` or `make(chan os.Signal, 0)`, else None."""
    if value is None:
        return None
    value = unparen(value)
    function = value.child_by_field_name("function") if value.type == "call_expression" else None
    arguments = value.child_by_field_name("arguments")
    if function is None or arguments is None or context.text(function) != "make":
        return None
    values = arguments.named_children
    if not values or values[0].type != "channel_type":
        return None
    element = values[0].child_by_field_name("value")
    if not declared_type(element, context).is_type("os.Signal"):
        return None
    unbuffered = len(values) == 1 or (len(values) == 2 and context.text(values[1]) == "0")
    return arguments if unbuffered else None


def _buffer_fix(arguments: Node, context: FileContext) -> Fix:
    """`make(chan os.Signal)` → `make(chan os.Signal, 1)`; a `0` capacity becomes `1`."""
    values = arguments.named_children
    change = (
        insert(context, values[0].end_byte, ", 1") if len(values) == 1 else replace(context, values[1], "1")
    )
    return make_fix("Give the signal channel a buffer of 1", (change,), safe=True)


@check("RES403", fragments=(SIGNAL_CALLS,))
def unbuffered_signal_channel(ctx: CheckContext) -> Iterator[Report]:
    """signal.Notify onto a channel made without a buffer (fix: a buffer of 1, same file only)."""
    for call, context in notify_calls(ctx):
        name = callee_name(call, context)
        arguments = call.child_by_field_name("arguments")
        if name is None or name.name != "Notify" or arguments is None or not arguments.named_children:
            continue
        channel = unparen(arguments.named_children[0])
        if channel.type != "identifier":
            continue
        found = lookup(channel, context)
        made = _unbuffered_signal_make(found.value_node, found.context) if found is not None else None
        if found is not None and made is not None:
            function = call.child_by_field_name("function")
            yield report(
                call,
                context,
                call=context.text(function) if function is not None else "signal.Notify",
                channel=context.text(channel),
                fix=_buffer_fix(made, context) if found.context.file is context.file else None,
            )
