"""RES404 no-graceful-shutdown, RES405 shutdown-without-deadline."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from golint_resilience.analysis.facts import (
    SERVES_HTTP_FUNCTION,
    SHUTS_DOWN_HTTP_SERVER,
    STARTS_HTTP_SERVER,
    ClosureFlags,
)
from golint_resilience.analysis.resolve import FUNCTION_NODES, ancestors, parent_of, unparen
from golint_resilience.fixes.edits import (
    SHUTDOWN_TIMEOUT,
    indentation,
    insert,
    make_fix,
    replace,
    unused_names,
)
from golint_resilience.fixes.imports import package_name
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.contexts import is_background_context
from golint_resilience.knowledge.servers import (
    MAIN_FUNCTION,
    SERVER_CALLS,
    is_http_server,
    main_function_names,
)
from golint_resilience.model import Fix
from golint_resilience.registry import CheckContext, Report, check, report


@check("RES404", fragments=(MAIN_FUNCTION,))
def no_graceful_shutdown(ctx: CheckContext) -> Iterator[Report]:
    """A program that serves HTTP but never shuts an http.Server down, over its imports."""
    directory = str(ctx.package.directory)
    server_never_shut_down = ClosureFlags(
        directory, any_of=(STARTS_HTTP_SERVER,), none_of=(SHUTS_DOWN_HTTP_SERVER,), witness="server"
    )
    only_package_functions = ClosureFlags(
        directory,
        any_of=(SERVES_HTTP_FUNCTION,),
        none_of=(STARTS_HTTP_SERVER, SHUTS_DOWN_HTTP_SERVER),
        witness="call",
    )
    for name, context in main_function_names(ctx):
        yield report(name, context, condition=server_never_shut_down)
        yield report(name, context, "package_function", condition=only_package_functions)


@check("RES405", fragments=(SERVER_CALLS,))
def shutdown_without_deadline(ctx: CheckContext) -> Iterator[Report]:
    """`Shutdown(context.Background())` on a value known to be an http.Server."""
    for match in ctx.matches(SERVER_CALLS):
        call, context = match.node("call"), match.context
        if context.text(match.node("name")) != "Shutdown":
            continue
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        operand = function.child_by_field_name("operand") if function is not None else None
        if operand is None or arguments is None or len(arguments.named_children) != 1:
            continue
        argument = arguments.named_children[0]
        if is_background_context(argument, context) and is_http_server(operand, context):
            yield report(
                call,
                context,
                call=context.text(operand) + ".Shutdown",
                argument=context.text(argument),
                fix=_deadline_fix(call, argument, context),
            )


_CONTEXT_NAMES = (("ctx", "cancel"), ("shutdownCtx", "cancelShutdown"))
_NO_FIX_STATEMENTS = frozenset({"defer_statement", "go_statement"})
_GOTO = re.compile(r"\bgoto\b")


def _within_function(node: Node, context: FileContext) -> list[Node]:
    """The ancestors of a node inside its function, nearest first."""
    found = []
    for ancestor in ancestors(node, context):
        if ancestor.type in FUNCTION_NODES:
            break
        found.append(ancestor)
    return found


def _deadline_fix(call: Node, argument: Node, context: FileContext) -> Fix | None:
    """`ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)`, `defer cancel()`.

    Safe when the call is a statement of its own outside loops. Inside a larger statement
    (`if err := srv.Shutdown(…)`, a loop header) or in a loop, the context is created
    before that statement or the deferred cancel waits for the function's end: unsafe.
    Never in `defer`/`go` statements, whose call runs later than the new context is made,
    nor in a function with a `goto`, which might jump over the new declarations.
    """
    path = _within_function(call, context)
    statement = next((n for n, parent in itertools.pairwise(path) if parent.type == "statement_list"), None)
    background = argument.child_by_field_name("function")
    package = background.child_by_field_name("operand") if background is not None else None
    if statement is None or package is None or statement.type in _NO_FIX_STATEMENTS:
        return None
    function = parent_of(path[-1], context) if path else None
    if function is None or _GOTO.search(context.text(function)):
        return None
    names = unused_names(_CONTEXT_NAMES, call, context)
    named = package_name("time", call, context)
    if names is None or named is None:
        return None
    (ctx, cancel), (time, import_edits) = names, named
    indent = indentation(context, statement.start_byte)
    timeout = SHUTDOWN_TIMEOUT.format(time=time)
    header = (
        f"{ctx}, {cancel} := {context.text(package)}.WithTimeout({context.text(argument)}, {timeout})\n"
        f"{indent}defer {cancel}()\n{indent}"
    )
    alone = statement.type == "expression_statement" and unparen(statement.named_children[0]).id == call.id
    in_loop = any(a.type == "for_statement" for a in path)
    return make_fix(
        f"Give Shutdown a {timeout} deadline",
        (insert(context, statement.start_byte, header), replace(context, argument, ctx), *import_edits),
        safe=alone and not in_loop,
    )
