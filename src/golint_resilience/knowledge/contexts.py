"""Where does a `context.Context` come from? Shared by the rules that judge deadlines.

- `never_expiring_context`: `context.Background()`/`TODO()` written in place, wrapped in
  `context.WithValue`, or held by a local variable assigned once from one of those.
  Parameters, `WithTimeout`/`WithDeadline`/`…Cause`, `WithCancel` and anything unknown
  are not never-expiring: the caller or a cancel function decides.
- `context_in_scope`: the context a fix should use at a given point (`ctx`, `r.Context()`);
  `fix_context`: the same when it provably is a context, for fixes that write it.
- `is_context_argument`: does an argument look like a context (to see that a request is
  passed along with one)?
"""

from __future__ import annotations

from dataclasses import dataclass

from golint_resilience.analysis.resolve import (
    FUNCTION_NODES,
    ancestors,
    callee_name,
    declared_type,
    enclosing_function,
    is_shadowed,
    lookup,
    parameter_declarations,
    parent_of,
    same_node,
    same_package_callee,
    short_declaration_value,
    type_of,
    unparen,
)
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, captures_within

CONTEXT = "context"
CONTEXT_TYPE = "context.Context"
HTTP_REQUEST = "net/http.Request"
NEVER_EXPIRING = frozenset({"Background", "TODO"})
KEEPS_PARENT_DEADLINE = frozenset({"WithValue"})  # derived contexts that add no deadline
_MAX_DEPTH = 4

_REASSIGNED_NAMES = """
(assignment_statement
  left: (expression_list (identifier) @name))
"""


@dataclass(frozen=True)
class NeverExpiring:
    """A context that nothing cancels: the `Background()`/`TODO()` call and how it got here."""

    call: Node
    via: Node | None  # the local variable that carries it, when not written in place


def is_background_context(expression: Node, context: FileContext) -> bool:
    """`context.Background()` or `context.TODO()` written in place: a context without a deadline."""
    expression = unparen(expression)
    if expression.type != "call_expression":
        return False
    name = callee_name(expression, context)
    return name is not None and name.package == CONTEXT and name.name in NEVER_EXPIRING


def never_expiring_context(
    expression: Node, context: FileContext, depth: int = _MAX_DEPTH
) -> NeverExpiring | None:
    """The `context.Background()`/`TODO()` that `expression` evaluates to, if provably one."""
    if depth <= 0:
        return None
    expression = unparen(expression)
    if is_background_context(expression, context):
        return NeverExpiring(expression, None)
    if expression.type == "call_expression":
        name = callee_name(expression, context)
        if name is None or name.package != CONTEXT:
            return None
        arguments = expression.child_by_field_name("arguments")
        if name.name in KEEPS_PARENT_DEADLINE and arguments is not None and arguments.named_children:
            return never_expiring_context(arguments.named_children[0], context, depth - 1)
        return None
    if expression.type != "identifier":
        return None
    declared = lookup(expression, context)
    if declared is None or not declared.is_local or declared.value_node is None:
        return None
    if declared.declared_at is None:
        return None
    if _reassigned(declared.declared_at, context):
        return None
    origin = never_expiring_context(declared.value_node, context, depth - 1)
    return NeverExpiring(origin.call, origin.via or expression) if origin is not None else None


def _reassigned(declared_at: Node, context: FileContext) -> bool:
    """Is the variable declared at `declared_at` assigned again (`ctx, cancel = …`) in its function?"""
    function = enclosing_function(declared_at, context)
    if function is None:
        return True
    name = context.text(declared_at)
    return any(
        context.text(captures["name"][0]) == name
        for captures in captures_within(function, _REASSIGNED_NAMES, context.file.budget)
    )


def _is_context_type(type_node: Node | None, context: FileContext) -> bool:
    return declared_type(type_node, context).is_type(CONTEXT_TYPE)


def context_in_scope(node: Node, context: FileContext) -> str | None:
    """The context a fix at `node` should pass, None if there is none.

    A visible `ctx`, else a context parameter of an enclosing function, else `r.Context()`
    of an enclosing function's `*http.Request` parameter.
    """
    if is_shadowed("ctx", node, context):
        return "ctx"
    functions = [a for a in ancestors(node, context) if a.type in FUNCTION_NODES]
    for function in functions:
        for parameter in parameter_declarations(function):
            names = [context.text(n) for n in parameter.children_by_field_name("name")]
            if names and names[0] != "_" and _is_context_type(parameter.child_by_field_name("type"), context):
                return names[0]
    for function in functions:
        for parameter in parameter_declarations(function):
            names = [context.text(n) for n in parameter.children_by_field_name("name")]
            type_name = declared_type(parameter.child_by_field_name("type"), context)
            if names and names[0] != "_" and type_name.is_type(HTTP_REQUEST):
                return f"{names[0]}.Context()"
    return None


def fix_context(node: Node, context: FileContext) -> str | None:
    """What `context_in_scope` names, when the binding it reaches at `node` provably is a context.

    A variable or parameter typed `context.Context` or initialised by a context call
    (`context.WithTimeout(…)`, `r.Context()`), or `r.Context()` of an `*http.Request`
    parameter; a shadowing `ctx := "…"` or `r := …` gives no context at all.
    """
    found = context_in_scope(node, context)
    if found is None:
        return None
    name = found.removesuffix(".Context()")
    binding = lookup(node, context, name)
    if binding is None or not binding.is_local:
        return None
    if name != found:
        return found if declared_type(binding.type_node, context).is_type(HTTP_REQUEST) else None
    if binding.type_node is not None:
        return found if _is_context_type(binding.type_node, context) else None
    value = unparen(binding.value_node) if binding.value_node is not None else None
    is_context = value is not None and value.type == "call_expression" and is_context_argument(value, context)
    return found if is_context else None


def is_context_argument(expression: Node, context: FileContext) -> bool:
    """Does an argument look like a context?

    A value of type context.Context (a variable typed or built as one, `context.…(…)`,
    `r.Context()` of a request), or, its type unknown, a name `ctx`/`…Ctx` or `x.Context()`.
    """
    if type_of(expression, context).is_type(CONTEXT_TYPE):
        return True
    expression = unparen(expression)
    if expression.type == "call_expression":
        function = expression.child_by_field_name("function")
        field = function.child_by_field_name("field") if function is not None else None
        if field is None or callee_name(expression, context) is not None:
            return False
        return context.text(field) == "Context"
    if expression.type == "selector_expression":
        field = expression.child_by_field_name("field")
        return field is not None and _is_context_name(context.text(field))
    return expression.type == "identifier" and _is_context_name(context.text(expression))


def _is_context_name(name: str) -> bool:
    return name == "ctx" or name.endswith("Ctx")


_CANCEL_CONSTRUCTORS = frozenset(
    {
        "context.WithCancel",
        "context.WithTimeout",
        "context.WithDeadline",
        "context.WithCancelCause",
        "os/signal.NotifyContext",  # its `stop` cancels the context and unregisters the signals
    }
)
_CANCEL_TYPES = frozenset({"context.CancelFunc", "context.CancelCauseFunc"})


def is_cancel_function(identifier: Node, context: FileContext) -> bool:
    """`cancel` of `ctx, cancel := context.WithCancel(…)` (or NotifyContext), or a `context.CancelFunc`."""
    binding = lookup(identifier, context)
    if binding is None or not binding.is_local:
        return False
    if binding.type_node is not None:
        return declared_type(binding.type_node, context).name in _CANCEL_TYPES
    value = short_declaration_value(binding)
    call = unparen(value) if value is not None else None
    if call is None or call.type != "call_expression":
        return False
    qualified = callee_name(call, context)
    if qualified is not None:
        return str(qualified) in _CANCEL_CONSTRUCTORS
    names = parent_of(binding.declared_at, context) if binding.declared_at is not None else None
    second = (
        names is not None
        and len(names.named_children) == 2
        and same_node(names.named_children[1], binding.declared_at)
    )
    return second and _derives_context(call, context)


def _derives_context(call: Node, context: FileContext) -> bool:
    """A same-package function that returns `(context.Context, context.CancelFunc)` or `(…, func())`.

    A function given back with a derived context is its cancel, by Go's convention
    (`ctx, cancel := withDeadline(ctx)`).
    """
    function = call.child_by_field_name("function")
    target = same_package_callee(function, context) if function is not None else None
    if target is None or not target.declarations:
        return False
    for declaration in target.declarations:
        where = context.package.context_of(declaration.file)
        result = declaration.node.child_by_field_name("result")
        types = [p.child_by_field_name("type") for p in result.named_children] if result is not None else []
        if len(types) != 2 or types[0] is None or types[1] is None:
            return False
        if not declared_type(types[0], where).is_type("context.Context"):
            return False
        cancel = types[1]
        parameters = cancel.child_by_field_name("parameters")
        bare = (
            cancel.type == "function_type"
            and cancel.child_by_field_name("result") is None
            and (parameters is None or not parameters.named_children)
        )
        if not bare and declared_type(cancel, where).name not in _CANCEL_TYPES:
            return False
    return True
