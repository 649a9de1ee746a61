"""What is an `*http.Client`, an `*http.Request`, an `http.Server` literal? Shared by RES3xx.

Everything is matched through the file's imports (`nethttp "net/http"` is net/http; a
local variable called `http` is not), and values are followed only as far as syntax
shows them: a literal, a variable's declared type or initial value, a struct field's
declared type. Anything else is unknown, and callers stay silent about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from golint_resilience.analysis.resolve import (
    UNKNOWN,
    BindingKind,
    QualifiedName,
    assigned_value,
    assignment_target,
    declaration_of,
    declared_type,
    enclosing_declaration,
    enclosing_function,
    imported_package,
    lookup,
    parameter_names,
    type_of,
    unary_operator,
    unparen,
)
from golint_resilience.golang.index import FileContext, Package, fields_named
from golint_resilience.golang.parsing import Node, calls_within, captures_within

NET_HTTP = "net/http"
DEFAULT_CLIENT = QualifiedName(NET_HTTP, "DefaultClient")
REQUEST_CONSTRUCTORS = frozenset({"NewRequest", "NewRequestWithContext"})
REQUEST_DERIVATIONS = frozenset({"WithContext", "Clone"})  # methods that return a new *Request
HTTP_CLIENT = f"{NET_HTTP}.Client"
HTTP_REQUEST = f"{NET_HTTP}.Request"
_MAX_DEPTH = 4  # how many variables and fields client_has_timeout follows to a literal
# What a variable may be: a value of a const or a function has no Timeout to set.
_VARIABLES = frozenset({BindingKind.LOCAL, BindingKind.PARAMETER, BindingKind.PACKAGE_VAR})

_FIELD_ASSIGNMENTS = """
(assignment_statement
  left: (expression_list
    (selector_expression
      operand: (_) @operand
      field: (field_identifier) @field) @target)) @assignment
"""
_VARIABLE_ASSIGNMENTS = """
(assignment_statement
  left: (expression_list (identifier) @target)) @assignment
"""
_STRUCT_LITERALS = """
(composite_literal
  type: (type_identifier) @type) @literal
"""


def is_net_http(name: QualifiedName | None, names: frozenset[str]) -> bool:
    """Is `name` one of `names` in package net/http?"""
    return name is not None and name.package == NET_HTTP and name.name in names


def http_type_name(type_node: Node | None, context: FileContext) -> str | None:
    """`Client` for a type written `http.Client`/`*http.Client` (net/http only), else None."""
    named = declared_type(type_node, context)
    return named.name.removeprefix(f"{NET_HTTP}.") if named.package == NET_HTTP else None


def http_literal_type(expression: Node, context: FileContext) -> str | None:
    """`Server` when `expression` builds one: `http.Server{…}`, `&http.Server{…}`, `new(http.Server)`."""
    expression = unparen(expression)
    if expression.type == "unary_expression" and unary_operator(expression) == "&":
        operand = expression.child_by_field_name("operand")
        expression = unparen(operand) if operand is not None else expression
    if expression.type == "composite_literal":
        return http_type_name(expression.child_by_field_name("type"), context)
    if expression.type == "call_expression":
        function = expression.child_by_field_name("function")
        arguments = expression.child_by_field_name("arguments")
        if (
            function is not None
            and function.type == "identifier"
            and context.text(function) == "new"
            and arguments is not None
            and len(arguments.named_children) == 1
        ):
            return http_type_name(arguments.named_children[0], context)
    return None


def literal_keys(expression: Node, context: FileContext) -> set[str]:
    """Field names set directly in a composite literal (nested literals do not count)."""
    return {key for key, _ in _literal_elements(expression, context) if key is not None}


def _literal_elements(expression: Node, context: FileContext) -> list[tuple[str | None, Node]]:
    """(field name, value) of each element of a (`&`) composite literal; None for a positional one."""
    expression = unparen(expression)
    if expression.type == "unary_expression":
        operand = expression.child_by_field_name("operand")
        expression = unparen(operand) if operand is not None else expression
    body = expression.child_by_field_name("body") if expression.type == "composite_literal" else None
    elements: list[tuple[str | None, Node]] = []
    for element in body.named_children if body is not None else []:
        if element.type != "keyed_element":
            elements.append((None, _element_value(element)))
            continue
        key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
        while key is not None and key.type == "literal_element" and key.named_children:
            key = key.named_children[0]
        if key is not None and value is not None:
            elements.append((context.text(key), _element_value(value)))
    return elements


def _element_value(element: Node) -> Node:
    """The expression of a `literal_element` (a nested `{…}` stays a literal_value)."""
    if element.type == "literal_element" and element.named_children:
        return element.named_children[0]
    return element


def fields_assigned_later(value: Node, fields: frozenset[str], context: FileContext) -> bool:
    """Is one of `fields` assigned on the variable that receives `value`, after it?

    `srv := &http.Server{…}; srv.ReadTimeout = d` and `s.srv = …; s.srv.ReadTimeout = d`
    count when the assignment follows in the same function (closures included); for a
    package-level `var srv = …`, anywhere in the package.
    """
    return any(True for _ in _later_field_values(value, fields, context))


def _later_field_values(value: Node, fields: frozenset[str], context: FileContext) -> Iterator[Node | None]:
    """The values those later assignments give (None: one of several results of a call)."""
    target = assignment_target(value, context)
    if target is None or target.type not in {"identifier", "selector_expression"}:
        return
    holder = context.text(target)
    function = enclosing_declaration(value, context)
    if function is not None:
        scopes = [(function, context)]
    else:
        needle = holder.encode()
        scopes = [(c.file.root, c) for c in context.package.contexts if needle in c.file.data]
    for scope, scope_context in scopes:
        for captures in captures_within(scope, _FIELD_ASSIGNMENTS, context.file.budget):
            assignment = captures["assignment"][0]
            if (
                (function is None or assignment.start_byte > value.end_byte)
                and scope_context.text(captures["field"][0]) in fields
                and scope_context.text(captures["operand"][0]) == holder
            ):
                yield assigned_value(assignment, captures["target"][0])


def is_http_client(expression: Node, context: FileContext) -> bool:
    """Is `expression` known to be an `http.Client` or `*http.Client` (its type_of)?"""
    return type_of(expression, context).is_type(HTTP_CLIENT)


def client_has_timeout(expression: Node, context: FileContext, depth: int = _MAX_DEPTH) -> bool:
    """Is `expression` a client known to have a `Timeout` (other than `Timeout: 0`)?

    A literal that sets one, or whose variable is given one after it (`c.Timeout = d`); a
    local or package-level variable initialised with such a client; a package-level
    variable declared without a value (`var c *http.Client`), or a field `x.f` of a struct
    of this package, to which every write in the package (`c = v`; `y.f = v`, `T{f: v}`)
    gives such a client.
    """
    if depth <= 0:
        return False
    expression = unparen(expression)
    if http_literal_type(expression, context) == "Client":
        values: list[Node | None] = [v for k, v in _literal_elements(expression, context) if k == "Timeout"]
        values.extend(_later_field_values(expression, frozenset({"Timeout"}), context))
        return any(not _is_zero(v, context) for v in values)
    if expression.type == "identifier":
        declared = lookup(expression, context)
        if (
            declared is not None
            and declared.kind is BindingKind.PARAMETER
            and declared.declared_at is not None
        ):
            passed = _literal_arguments(declared.declared_at, context)
            return bool(passed) and all(client_has_timeout(a, context, depth - 1) for a in passed)
        if declared is not None and declared.kind is BindingKind.PACKAGE_VAR and declared.value_node is None:
            return _package_variable_clients_have_timeout(context.text(expression), context.package, depth)
        return (
            declared is not None
            and declared.kind in _VARIABLES
            and declared.value_node is not None
            and client_has_timeout(declared.value_node, declared.context, depth - 1)
        )
    if expression.type == "selector_expression":
        return _field_clients_have_timeout(expression, context, depth)
    return False


def _literal_arguments(parameter: Node, context: FileContext) -> list[Node]:
    """What the calls of a local function literal pass as its parameter `parameter` (a name).

    `get := func(u string, hc *http.Client) {…}; get(u, client)`: the callers in the
    function around the literal, which only they can call; none when the literal is not
    bound to a local name or a call passes fewer arguments.
    """
    literal = enclosing_function(parameter, context)
    if literal is None or literal.type != "func_literal":
        return []
    names = parameter_names(literal)
    position = next((i for i, n in enumerate(names) if n.id == parameter.id), None)
    target = assignment_target(literal, context)
    outer = enclosing_function(literal, context)
    if position is None or target is None or target.type != "identifier" or outer is None:
        return []
    passed = []
    for call in calls_within(outer, context.file.budget):
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if (
            function is None
            or function.type != "identifier"
            or context.text(function) != context.text(target)
        ):
            continue
        found = declaration_of(function, context)
        if found is None or found.id != target.id or arguments is None:
            continue
        values = arguments.named_children
        if position >= len(values):
            return []
        passed.append(values[position])
    return passed


def _is_zero(value: Node | None, context: FileContext) -> bool:
    """A literal `0` (the zero Duration: no timeout); an unknown value is not known to be zero."""
    return value is not None and unparen(value).type == "int_literal" and context.text(unparen(value)) == "0"


def _field_clients_have_timeout(selector: Node, context: FileContext, depth: int) -> bool:
    """`x.f`, a field of x's struct type (of this package) that every write gives a client with a Timeout."""
    operand = selector.child_by_field_name("operand")
    field = selector.child_by_field_name("field")
    if operand is None or field is None or imported_package(operand, context) is not None:
        return False
    owner = type_of(operand, context)
    declaration = context.package.type_spec(owner.name) if owner.is_local else None
    struct = declaration.node.child_by_field_name("type") if declaration is not None else None
    if declaration is None or struct is None or struct.type != "struct_type":
        return False
    name = context.text(field)
    if not fields_named(struct, name, context.package.context_of(declaration.file)):
        return False  # a promoted field of an embedded struct, or a method
    package = context.package
    key = ("client field with a Timeout", owner.name, name)
    return _every_write_has_timeout(package, key, lambda: _field_writes(owner.name, name, package), depth)


def _package_variable_clients_have_timeout(name: str, package: Package, depth: int) -> bool:
    """A package-level `var c *http.Client` to which every write in the package gives a client with a Timeout.

    The program sets it once it has read its configuration (`httpclient = &http.Client{
    Timeout: *timeout}` in main), and the package's requests go through it.
    """
    key = ("client variable with a Timeout", name)
    return _every_write_has_timeout(package, key, lambda: _variable_writes(name, package), depth)


def _every_write_has_timeout(
    package: Package,
    key: tuple[str, ...],
    writes: Callable[[], list[tuple[Node | None, FileContext]]],
    depth: int,
) -> bool:
    """Is there a write, and does every one give a client with a Timeout? Remembered per package."""

    def judged() -> bool:
        found = writes()
        return bool(found) and all(v is not None and client_has_timeout(v, c, depth - 1) for v, c in found)

    return package.remembered(key, judged)


def _variable_writes(name: str, package: Package) -> list[tuple[Node | None, FileContext]]:
    """The values this package gives its package-level variable `name` (`name = v`); None when not visible."""
    writes: list[tuple[Node | None, FileContext]] = []
    for context in package.mentioning(name):
        for captures in captures_within(context.file.root, _VARIABLE_ASSIGNMENTS, context.file.budget):
            target = captures["target"][0]
            if context.text(target) != name:
                continue
            binding = lookup(target, context)
            if binding is not None and binding.kind is BindingKind.PACKAGE_VAR:
                writes.append((assigned_value(captures["assignment"][0], target), context))
    return writes


def _field_writes(type_name: str, field_name: str, package: Package) -> list[tuple[Node | None, FileContext]]:
    """The values this package gives field `field_name` of struct type `type_name`.

    `y.f = v` where y is of that type (or of a type not known), and `T{f: v}`; None for a
    value that is not visible (`y.f, err = g()`, a positional `T{a, b}`).
    """
    writes: list[tuple[Node | None, FileContext]] = []
    for context in package.mentioning(field_name):
        budget = context.file.budget
        for captures in captures_within(context.file.root, _FIELD_ASSIGNMENTS, budget):
            if context.text(captures["field"][0]) != field_name:
                continue
            holder = type_of(captures["operand"][0], context)
            if holder == UNKNOWN or (holder.is_local and holder.name == type_name):
                writes.append((assigned_value(captures["assignment"][0], captures["target"][0]), context))
        for captures in captures_within(context.file.root, _STRUCT_LITERALS, budget):
            if context.text(captures["type"][0]) != type_name:
                continue
            for key, value in _literal_elements(captures["literal"][0], context):
                if key is None:
                    writes.append((None, context))
                    break
                if key == field_name:
                    writes.append((value, context))
    return writes


def is_http_request(expression: Node, context: FileContext) -> bool:
    """Is `expression` known to be an `*http.Request` (its type_of)?

    Variables and fields declared `*http.Request`, and values from `http.NewRequest…`,
    `req.WithContext(…)` or `req.Clone(…)` of a known request (library.py's tables).
    """
    return type_of(expression, context).is_type(HTTP_REQUEST)
