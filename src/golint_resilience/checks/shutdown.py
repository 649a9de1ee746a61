"""RES404 no-graceful-shutdown, RES405 shutdown-without-deadline."""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.checks.contexts import is_background_context
from golint_resilience.checks.framework import CheckContext, Report, check, report
from golint_resilience.checks.servers import is_http_server, main_function_names
from golint_resilience.facts import (
    SERVES_HTTP_FUNCTION,
    SHUTS_DOWN_HTTP_SERVER,
    STARTS_HTTP_SERVER,
    ClosureFlags,
)


@check("RES404", fragments=("main_function",))
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


@check("RES405", fragments=("server_calls",))
def shutdown_without_deadline(ctx: CheckContext) -> Iterator[Report]:
    """`Shutdown(context.Background())` on a value known to be an http.Server."""
    for match in ctx.matches("server_calls"):
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
                call, context, call=context.text(operand) + ".Shutdown", argument=context.text(argument)
            )
