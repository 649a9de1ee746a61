"""Calls made through a function value: `f := http.Get; f(u)`, `notify := signal.Notify`.

A fragment that looks for calls of `pkg.F` adds `value_patterns(...)` to its query, so
that a local variable bound to `pkg.F` (without a call) is matched too, and reads its
matches through `fragment_calls`, which yields the direct calls and every call of such a
variable in the function that binds it. `resolve.callee_name` names those calls `pkg.F`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from golint_resilience.analysis.resolve import enclosing_function, lookup
from golint_resilience.analysis.triggers import Confirmed
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, captures_within
from golint_resilience.registry import MatchContext

_IDENTIFIER_CALLS = "(call_expression function: (identifier) @function) @call"


def value_patterns(names: Iterable[str]) -> str:
    """Query patterns for `v := pkg.Name` and `var v = pkg.Name`, Name one of `names`."""
    alternatives = "|".join(sorted(names))
    selector = f"""(selector_expression
      field: (field_identifier) @_value_name
      (#match? @_value_name "^({alternatives})$"))"""
    return f"""
(short_var_declaration
  left: (expression_list . (identifier) @alias .)
  right: (expression_list . {selector} .))
(var_spec
  name: (identifier) @alias .
  value: (expression_list . {selector} .))
"""


def value_triggers(names: Iterable[str]) -> tuple[Confirmed, ...]:
    """`.Name` written as a value: followed by the end of a statement, not by `(`."""
    return tuple(
        Confirmed(f".{name}".encode(), re.compile(rb"\." + re.escape(name.encode()) + rb"[ \t]*(?:\n|;|//)"))
        for name in sorted(names)
    )


def fragment_calls(ctx: MatchContext, fragment: str) -> Iterator[tuple[Node, FileContext]]:
    """The calls a fragment found: `@call` captures, and the calls of each `@alias` variable."""
    for match in ctx.matches(fragment):
        if "call" in match.captures:
            yield match.node("call"), match.context
        else:
            yield from ((call, match.context) for call in _calls_of(match.node("alias"), match.context))


def _calls_of(alias: Node, context: FileContext) -> list[Node]:
    """Calls `alias(…)` in the function that binds it, where `alias` is that binding."""
    function = enclosing_function(alias, context)
    if function is None:
        return []
    name = context.text(alias)
    found = []
    for captures in captures_within(function, _IDENTIFIER_CALLS, context.file.budget):
        use = captures["function"][0]
        if use.start_byte <= alias.start_byte or context.text(use) != name:
            continue
        binding = lookup(use, context)
        if binding is not None and binding.declared_at is not None and binding.declared_at.id == alias.id:
            found.append(captures["call"][0])
    return found
