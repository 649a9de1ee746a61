"""RES401 missing-signal-handling, RES402 sigterm-not-handled, RES403 unbuffered-signal-channel."""

from __future__ import annotations

import re
from collections.abc import Iterator

from golint_resilience.analysis.facts import (
    HANDLES_SIGNALS,
    STARTS_SERVER,
    WAITS_FOR_SIGNALS,
    ClosureFlags,
    FactsBuilder,
)
from golint_resilience.analysis.function_values import fragment_calls
from golint_resilience.analysis.resolve import (
    callee_name,
    declared_type,
    enclosing_declaration,
    lookup,
    unparen,
)
from golint_resilience.fixes.edits import insert, make_fix, replace
from golint_resilience.fixes.imports import package_name
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, calls_within
from golint_resilience.knowledge.servers import MAIN_FUNCTION, main_function_names
from golint_resilience.knowledge.signals import (
    INTERRUPTS,
    NOTIFY_FUNCTIONS,
    SHUTDOWN_SIGNALS,
    SIGNAL,
    SIGNAL_CALLS,
    SIGTERM,
    UNCATCHABLE,
    exits_on_signal,
    helpers,
    notify_calls,
    signal_arguments,
    signal_list,
)
from golint_resilience.model import Fix
from golint_resilience.registry import (
    CheckContext,
    MatchContext,
    Report,
    check,
    fact_extractor,
    report,
)


@fact_extractor(fragments=(SIGNAL_CALLS,))
def record_signal_handling(ctx: MatchContext, facts: FactsBuilder) -> None:
    """The package asks for signals itself or through a configured helper.

    It waits for them (runs until signalled, as a service does) unless its handler ends the
    process where the signal arrives: `go func() { <-c; cleanup(); os.Exit(0) }()` is a
    command-line tool's Ctrl-C exit.
    """
    configured = helpers(ctx.options)
    for call, context in fragment_calls(ctx, "signal_calls"):
        name = callee_name(call, context)
        if name is not None and (
            (name.package == SIGNAL and name.name in NOTIFY_FUNCTIONS) or str(name) in configured
        ):
            function = call.child_by_field_name("function")
            line = call.start_point[0] + 1
            text = context.text(function) if function is not None else "signal.Notify"
            facts.flag(HANDLES_SIGNALS, f"{text} at {context.file.display}:{line}")
            if not exits_on_signal(call, context):
                facts.flag(WAITS_FOR_SIGNALS, f"{text} at {context.file.display}:{line}")


@check("RES401", fragments=(MAIN_FUNCTION,))
def missing_signal_handling(ctx: CheckContext) -> Iterator[Report]:
    """A program that starts a server but never asks for SIGTERM/SIGINT, over its imports."""
    directory = str(ctx.package.directory)
    condition = ClosureFlags(directory, any_of=(STARTS_SERVER,), none_of=(HANDLES_SIGNALS,), witness="server")
    for name, context in main_function_names(ctx):
        yield report(name, context, condition=condition)


# --- RES402 ------------------------------------------------------------------------------


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
    arguments = signal_arguments(call)
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
