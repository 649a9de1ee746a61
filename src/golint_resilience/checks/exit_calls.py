"""What is an exit call? Shared by RES101–RES103 and by the `exits` function fact.

A call exits the process when it is a known exit function reached through an import
(`os.Exit`, std `log.Fatal*`, logrus, klog, glog, zerolog's `log.Fatal()` chain,
configured `exit-functions`), or a `Fatal*` method on a value that is provably a logger
(built by a known constructor, or declared with a known logger type). `t.Fatal` on
`*testing.T` and `Fatal` methods of unknown types are never exit calls.
"""

from __future__ import annotations

from golint_resilience.checks.framework import MatchContext, Options, fact_extractor, fragment
from golint_resilience.facts import EXITS, FactsBuilder
from golint_resilience.index import FileContext
from golint_resilience.parsing import Node
from golint_resilience.resolve import (
    QualifiedName,
    ancestors,
    callee_name,
    enclosing_function,
    field_types,
    function_key,
    imported_package,
    local_binding,
    method_receiver,
    qualified_name,
    qualified_type,
    unparen,
    variable,
)
from golint_resilience.triggers import SelectorCall

EXIT_FUNCTIONS_OPTION = ("RES101", "exit-functions")

_KLOG = frozenset({"Fatal", "Fatalf", "Fatalln", "FatalDepth", "Exit", "Exitf", "Exitln", "ExitDepth"})
EXIT_FUNCTIONS: dict[str, frozenset[str]] = {
    "os": frozenset({"Exit"}),
    "syscall": frozenset({"Exit"}),
    "log": frozenset({"Fatal", "Fatalf", "Fatalln"}),
    "github.com/sirupsen/logrus": frozenset({"Fatal", "Fatalf", "Fatalln", "Exit"}),
    "k8s.io/klog": _KLOG,
    "k8s.io/klog/v2": _KLOG,
    "github.com/golang/glog": _KLOG,
}
ZEROLOG_GLOBAL = QualifiedName("github.com/rs/zerolog/log", "Fatal")

LOGGER_TYPES = frozenset(
    {
        "log.Logger",
        "go.uber.org/zap.Logger",
        "go.uber.org/zap.SugaredLogger",
        "github.com/sirupsen/logrus.Logger",
        "github.com/sirupsen/logrus.Entry",
        "github.com/sirupsen/logrus.FieldLogger",
        "github.com/sirupsen/logrus.Ext1FieldLogger",
    }
)
LOGGER_CONSTRUCTORS = frozenset(
    {
        "log.New",
        "log.Default",
        "go.uber.org/zap.New",
        "go.uber.org/zap.NewProduction",
        "go.uber.org/zap.NewDevelopment",
        "go.uber.org/zap.NewExample",
        "go.uber.org/zap.NewNop",
        "go.uber.org/zap.Must",
        "go.uber.org/zap.L",
        "go.uber.org/zap.S",
        "github.com/sirupsen/logrus.New",
        "github.com/sirupsen/logrus.StandardLogger",
        "github.com/sirupsen/logrus.NewEntry",
        "github.com/sirupsen/logrus.WithField",
        "github.com/sirupsen/logrus.WithFields",
        "github.com/sirupsen/logrus.WithError",
        "github.com/sirupsen/logrus.WithContext",
    }
)
# Methods of a logger that return a logger.
LOGGER_DERIVATIONS = frozenset(
    {
        "Sugar",
        "Desugar",
        "Named",
        "With",
        "WithOptions",
        "WithLazy",
        "WithField",
        "WithFields",
        "WithError",
        "WithContext",
    }
)
LOGGER_FATAL_METHODS = frozenset({"Fatal", "Fatalf", "Fatalln", "Fatalw"})
_MAX_DEPTH = 4


def configured_exit_functions(options: Options) -> frozenset[str]:
    """`exit-functions` entries: fully qualified `import/path.Func` names."""
    rule, knob = EXIT_FUNCTIONS_OPTION
    return frozenset(options.get(rule, {}).get(knob, ()))


def _method_names(options: Options) -> list[str]:
    names = set(_KLOG) | LOGGER_FATAL_METHODS
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
    because the exit happens when the event is sent.
    """
    function = call.child_by_field_name("function")
    if function is None:
        return None
    name = qualified_name(function, context)
    if name is not None:
        if name == ZEROLOG_GLOBAL:
            return _chain_end(call, context)
        if name.name in EXIT_FUNCTIONS.get(name.package, ()):
            return call
        if str(name) in configured_exit_functions(options):
            return call
        return None
    field = function.child_by_field_name("field")
    operand = function.child_by_field_name("operand")
    if field is None or operand is None or context.text(field) not in LOGGER_FATAL_METHODS:
        return None
    return call if is_logger(operand, context, _MAX_DEPTH) else None


def _chain_end(call: Node, context: FileContext) -> Node:
    """The outermost call of a method chain that starts with `call`."""
    node = call
    lineage = ancestors(call, context)  # pairs of (selector, call) while the chain goes on
    for selector in lineage:
        outer = next(lineage, None)
        if selector.type != "selector_expression" or outer is None or outer.type != "call_expression":
            break
        node = outer
    return node


def is_logger(expression: Node, context: FileContext, depth: int) -> bool:
    """True when `expression` is provably a logger whose Fatal* exits the process."""
    if depth <= 0:
        return False
    expression = unparen(expression)
    kind = expression.type
    if kind == "call_expression":
        return _is_logger_call(expression, context, depth)
    if kind == "identifier":
        return _is_logger_variable(expression, context, depth)
    if kind == "selector_expression":
        operand = expression.child_by_field_name("operand")
        field = expression.child_by_field_name("field")
        if operand is None or field is None or imported_package(operand, context) is not None:
            return False
        fields = field_types(operand, context.text(field), context)
        return bool(fields) and all(_is_logger_type(t, c) for t, c in fields)
    return False


def _is_logger_type(type_node: Node | None, context: FileContext) -> bool:
    name = qualified_type(type_node, context)
    return name is not None and str(name) in LOGGER_TYPES


def _is_logger_call(call: Node, context: FileContext, depth: int) -> bool:
    name = callee_name(call, context)
    if name is not None:
        return str(name) in LOGGER_CONSTRUCTORS
    derived_from = method_receiver(call, LOGGER_DERIVATIONS, context)
    if derived_from is not None:
        return is_logger(derived_from, context, depth - 1)
    function = call.child_by_field_name("function")
    if function is None:
        return False
    if function.type == "identifier" and local_binding(context.text(function), function, context) is None:
        declarations = context.package.functions(context.text(function))
        return bool(declarations) and all(
            _is_logger_type(d.node.child_by_field_name("result"), context.package.context_of(d.file))
            for d in declarations
        )
    return False


def _is_logger_variable(identifier: Node, context: FileContext, depth: int) -> bool:
    declared = variable(identifier, context)
    if declared is None:
        return False
    if declared.type_node is not None:
        return _is_logger_type(declared.type_node, declared.context)
    return declared.value_node is not None and is_logger(declared.value_node, declared.context, depth - 1)


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
