"""What is a `recover()` call, and does it stop a panic? Read by RES201–RES203 and RES103.

`recover()` stops a panic only when it is called directly by a deferred function: in the
body of `defer func() { … }()`, or in the body of a function that is itself the deferred
call (`defer logPanic()`). Anywhere else it returns nil and the panic goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

from golint_resilience.analysis.resolve import enclosing_function, is_builtin, parent_type, same_node
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, captures_within
from golint_resilience.registry import MatchContext, fragment

RECOVER_CALLS = "recover_calls"
_RECOVER_QUERY = """
(call_expression
  function: (identifier) @_name
  arguments: (argument_list)
  (#eq? @_name "recover")) @call
"""
fragment(RECOVER_CALLS, _RECOVER_QUERY, (b"recover(",))


@dataclass(frozen=True)
class RecoverCall:
    """A call of the builtin `recover()`, with the function whose body makes it."""

    call: Node
    owner: Node | None  # the innermost function declaration, method or literal
    context: FileContext


def is_builtin_recover(call: Node, context: FileContext) -> bool:
    """`recover()` with no arguments, where `recover` is not a local or package-level name."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or arguments is None or arguments.named_children:
        return False
    return is_builtin(function, "recover", context)  # not a function or var called recover


def recover_calls(ctx: MatchContext) -> list[RecoverCall]:
    """Every builtin `recover()` call of the package."""
    found = []
    for match in ctx.matches(RECOVER_CALLS):
        call = match.node("call")
        if is_builtin_recover(call, match.context):
            found.append(RecoverCall(call, enclosing_function(call, match.context), match.context))
    return found


def recovers_directly(function: Node, context: FileContext, before: int | None = None) -> bool:
    """Does this function's own body (not a nested literal, not `defer recover()`) call recover()?

    With `before`, only a call that starts before that byte counts.
    """
    end = function.end_byte if before is None else min(before, function.end_byte)
    if context.file.data.find(b"recover", function.start_byte, end) < 0:
        return False
    for captures in captures_within(function, _RECOVER_QUERY, context.file.budget):
        call = captures["call"][0]
        if (
            call.start_byte < end
            and is_builtin_recover(call, context)
            and same_node(enclosing_function(call, context), function)
            and parent_type(call, context) != "defer_statement"
        ):
            return True
    return False
