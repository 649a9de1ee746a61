"""What is an exit call? Shared by RES101–RES103 and by the `exits` function fact.

A call exits the process when it is a known exit function reached through an import
(`os.Exit`, std `log.Fatal*`, logrus, klog, glog, zerolog's `log.Fatal()` chain,
configured `exit-functions`), or a `Fatal*` method on a value that is provably a logger
(built by a known constructor, or declared with a known logger type). What is known of
those libraries is data, in library.py. `t.Fatal` on `*testing.T` and `Fatal` methods of
unknown types are never exit calls.
"""

from __future__ import annotations

from golint_resilience.checks.framework import MatchContext, Options, fact_extractor, fragment
from golint_resilience.facts import EXITS, FactsBuilder
from golint_resilience.index import FileContext
from golint_resilience.library import (
    EVENT_SENDERS,
    EXIT_FUNCTIONS,
    FATAL_EVENT_FUNCTIONS,
    FATAL_EVENT_METHODS,
    FATAL_METHODS,
)
from golint_resilience.parsing import Node
from golint_resilience.resolve import (
    ancestors,
    enclosing_function,
    function_key,
    operand_type,
    qualified_name,
)
from golint_resilience.triggers import SelectorCall

EXIT_FUNCTIONS_OPTION = ("RES101", "exit-functions")
_FATAL_NAMES = frozenset().union(*FATAL_METHODS.values(), *FATAL_EVENT_METHODS.values())


def configured_exit_functions(options: Options) -> frozenset[str]:
    """`exit-functions` entries: fully qualified `import/path.Func` names."""
    rule, knob = EXIT_FUNCTIONS_OPTION
    return frozenset(options.get(rule, {}).get(knob, ()))


def _method_names(options: Options) -> list[str]:
    names = set().union(*EXIT_FUNCTIONS.values(), _FATAL_NAMES)
    names.update(entry.rsplit(".", 1)[-1] for entry in configured_exit_functions(options))
    return sorted(names)


def _exit_query(options: Options) -> str:
    alternatives = "|".join(_method_names(options))
    return f"""
(call_expression
  function: (selector_expression
    field: (field_identifier) @name)
  (#match? @name "^({alternatives})$")) @call
"""


def exit_triggers(options: Options) -> tuple[SelectorCall, ...]:
    """Selector calls of the names, grouped under the shortest name they start with (Fatal: Fatalf…)."""
    groups: dict[str, list[bytes]] = {}
    for name in _method_names(options):  # sorted: a prefix comes before the names it starts
        head = next((h for h in groups if name.startswith(h)), name)
        groups.setdefault(head, []).append(name.encode())
    return tuple(SelectorCall(tuple(names)) for names in groups.values())


fragment("exit_calls", _exit_query, exit_triggers)


def exit_call_site(call: Node, context: FileContext, options: Options) -> Node | None:
    """The node to report if `call` exits the process, else None.

    Usually the call itself; for zerolog's `log.Fatal().Msg(…)` it is the whole chain,
    because the exit happens when the event is sent (and not at all if it never is).
    """
    function = call.child_by_field_name("function")
    if function is None:
        return None
    name = qualified_name(function, context)
    if name is not None:
        if str(name) in FATAL_EVENT_FUNCTIONS:
            return _sent_event(call, context)
        if name.name in EXIT_FUNCTIONS.get(name.package, ()):
            return call
        if str(name) in configured_exit_functions(options):
            return call
        return None
    field = function.child_by_field_name("field")
    operand = function.child_by_field_name("operand")
    if field is None or operand is None or context.text(field) not in _FATAL_NAMES:
        return None
    logger = logger_type(operand, context)
    if logger is None:
        return None
    method = context.text(field)
    if method in FATAL_METHODS.get(logger, ()):
        return call
    return _sent_event(call, context) if method in FATAL_EVENT_METHODS.get(logger, ()) else None


def _sent_event(call: Node, context: FileContext) -> Node | None:
    """The outermost call of the method chain that starts with `call`, if it sends the event.

    `log.Fatal().Err(err).Str("k", "v").Msg("x")`: each link adds to the event, the last
    one (`Msg`, `Msgf`, `MsgFunc`, `Send`) writes it and exits.
    """
    node = call
    sent = False
    lineage = ancestors(call, context)  # pairs of (selector, call) while the chain goes on
    for selector in lineage:
        outer = next(lineage, None)
        if selector.type != "selector_expression" or outer is None or outer.type != "call_expression":
            break
        field = selector.child_by_field_name("field")
        sent = field is not None and context.text(field) in EVENT_SENDERS
        node = outer
    return node if sent else None


def logger_type(expression: Node, context: FileContext) -> str | None:
    """The library type of a value that is provably a logger whose Fatal methods exit, else None."""
    known = operand_type(expression, context)
    if known is None or known.local:
        return None
    return known.name if known.name in FATAL_METHODS or known.name in FATAL_EVENT_METHODS else None


def exit_calls(ctx: MatchContext) -> list[tuple[Node, Node, FileContext]]:
    """Every exit call of the package: (the call, the node to report, its file)."""
    found = []
    for match in ctx.matches("exit_calls"):
        call = match.node("call")
        site = exit_call_site(call, match.context, ctx.options)
        if site is not None:
            found.append((call, site, match.context))
    return found


@fact_extractor(fragments=("exit_calls",))
def record_exiting_functions(ctx: MatchContext, facts: FactsBuilder) -> None:
    """A function or method whose own body (not a nested literal) calls an exit."""
    for call, _site, context in exit_calls(ctx):
        function = enclosing_function(call, context)
        if function is not None and function.type != "func_literal":
            facts.add(function_key(function, context), EXITS)
