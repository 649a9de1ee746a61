"""What is an exit call? Shared by RES101–RES103 and by the `exits` function fact.

A call exits the process when it is a known exit function reached through an import
(`os.Exit`, std `log.Fatal*`, logrus, klog, glog, zerolog's `log.Fatal()` chain,
configured `exit-functions`), or a `Fatal*` method on a value that is provably a logger
(built by a known constructor, or declared with a known logger type). What is known of
those libraries is data, in library.py. `t.Fatal` on `*testing.T` and `Fatal` methods of
unknown types are never exit calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from golint_resilience.analysis.facts import EXIT_WRAPPER, EXITS, Condition, FactsBuilder, FunctionFact
from golint_resilience.analysis.resolve import (
    ancestors,
    enclosing_function,
    function_key,
    module_local_method,
    parent_of,
    qualified_name,
    same_package_callee,
    type_of,
)
from golint_resilience.analysis.triggers import SelectorCall
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, captures_within
from golint_resilience.knowledge.library import (
    EVENT_SENDERS,
    EXIT_FUNCTIONS,
    FATAL_EVENT_FUNCTIONS,
    FATAL_EVENT_METHODS,
    FATAL_METHODS,
)
from golint_resilience.registry import MatchContext, Options, fact_extractor, fragment

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


EXIT_CALLS = "exit_calls"
fragment(EXIT_CALLS, _exit_query, exit_triggers)


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
    known = type_of(expression, context)
    if not known.is_foreign:
        return None
    return known.name if known.name in FATAL_METHODS or known.name in FATAL_EVENT_METHODS else None


@dataclass(frozen=True)
class ExitCall:
    """A call that ends the process: the call, the node to report, its file.

    `wrapper` names the exit wrapper it calls ("T.Fatalf"), "" for a known exit function;
    `condition`, for a wrapper of another package of the module, is what its facts must say.
    """

    call: Node
    site: Node
    context: FileContext
    wrapper: str = ""
    condition: Condition | None = None


def exit_calls(ctx: MatchContext) -> list[ExitCall]:
    """Every exit call of the package: known exit functions, then calls of exit wrappers."""
    found = []
    others = []
    for match in ctx.matches(EXIT_CALLS):
        call = match.node("call")
        site = exit_call_site(call, match.context, ctx.options)
        if site is not None:
            found.append(ExitCall(call, site, match.context))
        else:
            others.append((call, match.context))
    wrappers = exit_wrappers(found)
    for call, context in others:
        wrapper = _wrapper_call(call, context, wrappers)
        if wrapper is not None:
            found.append(wrapper)
    return found


def exit_wrappers(calls: list[ExitCall]) -> frozenset[str]:
    """Methods named like a logger's Fatal whose own body always exits ("T.Fatalf").

    The fatal-forwarding adapter `func (l *adapter) Fatal(args ...any) { l.z.Fatal(args...) }`:
    the exit is a statement of the method's body itself, not under a branch or in a literal,
    and the body has no `return` that could leave before it.
    """
    keys = set()
    for exit_call in calls:
        method = _always_exits(exit_call)
        if method is not None:
            keys.add(function_key(method, exit_call.context))
    return frozenset(keys)


def _always_exits(exit_call: ExitCall) -> Node | None:
    """The Fatal* method whose body has the exit call as one of its own statements, if any."""
    context = exit_call.context
    statement = parent_of(exit_call.site, context)
    statements = parent_of(statement, context) if statement is not None else None
    body = parent_of(statements, context) if statements is not None else None
    method = parent_of(body, context) if body is not None else None
    if (
        statement is None
        or statement.type != "expression_statement"
        or statements is None
        or statements.type != "statement_list"
        or method is None
        or method.type != "method_declaration"
    ):
        return None
    name = method.child_by_field_name("name")
    if name is None or context.text(name) not in _FATAL_NAMES:
        return None
    returns = captures_within(method, _RETURNS, context.file.budget)
    if any(_same_node(enclosing_function(c["return"][0], context), method) for c in returns):
        return None  # `if l.quiet { return }`: it decides whether to exit
    return method


_RETURNS = "(return_statement) @return"


def _same_node(a: Node | None, b: Node) -> bool:
    return a is not None and a.id == b.id


def _wrapper_call(call: Node, context: FileContext, wrappers: frozenset[str]) -> ExitCall | None:
    """`x.Fatalf(…)` where every method it may be is an exit wrapper (of this package or the module's)."""
    function = call.child_by_field_name("function")
    if function is None:
        return None
    target = same_package_callee(function, context)
    if target is not None:
        keys = target.fact_keys()
        if target.is_method and all(key in wrappers for key in keys):
            return ExitCall(call, call, context, wrapper=keys[0])
        return None
    method = module_local_method(function, context)
    if method is None:
        return None
    directory, key = method
    return ExitCall(call, call, context, wrapper=key, condition=FunctionFact(directory, key, EXIT_WRAPPER))


@fact_extractor(fragments=(EXIT_CALLS,))
def record_exiting_functions(ctx: MatchContext, facts: FactsBuilder) -> None:
    """A function or method whose own body (not a nested literal) calls an exit; exit wrappers.

    Calls of wrappers of other packages count only where their facts are read (a condition).
    """
    calls = exit_calls(ctx)
    for exit_call in calls:
        function = enclosing_function(exit_call.call, exit_call.context)
        if function is not None and function.type != "func_literal" and exit_call.condition is None:
            facts.add(function_key(function, exit_call.context), EXITS)
    for key in exit_wrappers([c for c in calls if not c.wrapper]):
        facts.add(key, EXIT_WRAPPER)
