"""What does a name refer to? Syntax-only resolution shared by every check.

Resolution walks up from a use to the root and, at each level, looks only at the
siblings that come *before* the path (Go scopes start after the declaration). It never
recurses into subtrees, so its cost is depth × breadth of the few nodes it is asked
about, and it cannot overflow Python's stack on deep trees.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from golint_resilience.golang.index import Decl, FileContext, fields_named, receiver_type_name, string_value
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.library import (
    BUILDER_TYPES,
    CONSTRUCTOR_RESULTS,
    METHOD_RESULTS,
    PACKAGE_VALUES,
    PREDECLARED_TYPES,
)

FUNCTION_NODES = frozenset({"function_declaration", "method_declaration", "func_literal"})
DECLARATION_NODES = frozenset({"function_declaration", "method_declaration"})


@dataclass(frozen=True)
class LocalBinding:
    """A name bound inside a function: where, and its declared type or value if known."""

    name: str
    declared_at: Node
    type_node: Node | None
    value_node: Node | None


@dataclass(frozen=True)
class QualifiedName:
    """A package-level name reached through an import: `net/http` + `Get`."""

    package: str
    name: str

    def __str__(self) -> str:
        return f"{self.package}.{self.name}"


def parent_of(node: Node, context: FileContext) -> Node | None:
    """The parent of a node of the context's file (`Node.parent` searches from the root)."""
    return context.file.lineage.parent(node)


def ancestors(node: Node, context: FileContext) -> Iterator[Node]:
    """Parents of a node of the context's file, nearest first."""
    return context.file.lineage.ancestors(node)


def enclosing(node: Node, types: frozenset[str], context: FileContext) -> Node | None:
    """The nearest ancestor of `node` whose type is one of `types` (remembered: cheap to ask again)."""
    return context.file.lineage.nearest(node, types)


def inside_within(node: Node, kind: str, stop: Node, context: FileContext) -> bool:
    """Is `node` inside a `kind` node (a go or defer statement, …) below the ancestor `stop`?"""
    for ancestor in ancestors(node, context):
        if ancestor.id == stop.id:
            return False
        if ancestor.type == kind:
            return True
    return False


def enclosing_function(node: Node, context: FileContext) -> Node | None:
    """The innermost function declaration, method or literal around `node`."""
    return enclosing(node, FUNCTION_NODES, context)


def enclosing_declaration(node: Node, context: FileContext) -> Node | None:
    """The top-level function or method declaration around `node` (through literals)."""
    return enclosing(node, DECLARATION_NODES, context)


def statement_call(statement: Node) -> Node | None:
    """The call expression of a `defer` or `go` statement."""
    return next((c for c in statement.named_children if c.type == "call_expression"), None)


def is_deferred_literal(function: Node | None, context: FileContext) -> bool:
    """Is this the function literal of `defer func() { … }()`?"""
    if function is None or function.type != "func_literal":
        return False
    call = parent_of(function, context)
    if call is None or call.type != "call_expression":
        return False
    statement = parent_of(call, context)
    return statement is not None and statement.type == "defer_statement"


def function_key(declaration: Node, context: FileContext) -> str:
    """`F` for a function, `T.m` for a method: how facts name a declaration."""
    name_node = declaration.child_by_field_name("name")
    name = context.text(name_node) if name_node else ""
    if declaration.type == "method_declaration":
        return f"{receiver_type_name(declaration, context.file)}.{name}"
    return name


def unparen(node: Node) -> Node:
    """Strip parentheses around an expression."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _names(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.type == "identifier":
        return [node]
    return [c for c in node.named_children if c.type == "identifier"]


def _declared_by(statement: Node, name: str, context: FileContext) -> LocalBinding | None:
    """The binding of `name` introduced by `statement`, if it introduces one."""
    kind = statement.type
    if kind == "short_var_declaration" or (
        kind in {"range_clause", "receive_statement"} and _defines(statement)
    ):
        left_field = "left"
        right_field = "right"
        lefts = _names(statement.child_by_field_name(left_field))
        rights = statement.child_by_field_name(right_field)
        values = rights.named_children if rights is not None and rights.type == "expression_list" else []
        for position, ident in enumerate(lefts):
            if context.text(ident) == name:
                value = (
                    values[position]
                    if kind == "short_var_declaration" and len(values) == len(lefts)
                    else None
                )
                if kind == "short_var_declaration" and len(values) == 1 and len(lefts) > 1 and position == 0:
                    value = values[0]  # `x, err := f()`: x is f's first result
                return LocalBinding(name, ident, None, value)
        return None
    if kind in {"var_declaration", "const_declaration"}:
        for child in statement.named_children:
            specs = child.named_children if child.type == "var_spec_list" else [child]
            for spec in specs:
                binding = _spec_binding(spec, name, context)
                if binding is not None:
                    return binding
        return None
    if kind == "parameter_list":
        for param in statement.named_children:
            for ident in param.children_by_field_name("name"):
                if context.text(ident) == name:
                    return LocalBinding(name, ident, param.child_by_field_name("type"), None)
        return None
    if kind == "for_clause":
        initializer = statement.child_by_field_name("initializer")
        return _declared_by(initializer, name, context) if initializer is not None else None
    if kind == "type_switch_statement":
        alias = statement.child_by_field_name("alias")
        for ident in _names(alias):
            if context.text(ident) == name:
                return LocalBinding(name, ident, None, None)
    return None


def _defines(statement: Node) -> bool:
    """True for `for k, v := range` and `case v := <-ch` (not plain `=` assignments)."""
    return any(child.type == ":=" for child in statement.children)


def _spec_binding(spec: Node, name: str, context: FileContext) -> LocalBinding | None:
    names = spec.children_by_field_name("name")
    for position, ident in enumerate(names):
        if context.text(ident) != name:
            continue
        value_list = spec.child_by_field_name("value")
        values = value_list.named_children if value_list is not None else []
        value = (
            values[position]
            if len(values) == len(names)
            else (values[0] if len(values) == 1 and position == 0 else None)
        )
        return LocalBinding(name, ident, spec.child_by_field_name("type"), value)
    return None


_SCOPE_STOP = frozenset({"source_file"})


@functools.cache
def _unqualified_use(name: str) -> re.Pattern[bytes]:
    """`name` as a whole word that is neither a selector's operand nor its field."""
    return re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"\b(?!\s*\.[^.])")  # `name ...T` binds


def _may_declare(name: str, use: Node, context: FileContext) -> bool:
    """Can the top-level declaration around `use` bind `name` locally (a cheap text test)?

    A binding (`name :=`, `var name`, a parameter…) is the word not followed by `.`; where
    the word only ever stands before a `.` (`log.Printf`), nothing local binds it.
    """
    declaration = context.file.root.first_named_child_for_byte(use.start_byte)
    if declaration is None:
        return True
    key = (declaration.start_byte, name)
    found = context.may_declare.get(key)
    if found is None:
        text = context.file.data[declaration.start_byte : declaration.end_byte]
        found = context.may_declare[key] = _unqualified_use(name).search(text) is not None
    return found


def local_binding(name: str, use: Node, context: FileContext) -> LocalBinding | None:
    """The innermost binding of `name` visible at `use` inside its function, if any.

    Bindings are parameters, receivers, named results, `:=`, `var`, `const`, range and
    select-case variables, and type-switch aliases. Package-level names are not local.
    """
    if not _may_declare(name, use, context):
        return None
    child = use
    for parent in ancestors(use, context):
        if parent.type in _SCOPE_STOP:
            return None
        for sibling in parent.named_children:
            if sibling.start_byte >= child.start_byte:
                break
            binding = _declared_by(sibling, name, context)
            if binding is not None:
                return binding
        # The header of an if/for/switch is in scope of its body: it precedes the body,
        # so the loop above already saw it. A type switch alias is a field of the parent.
        if parent.type == "type_switch_statement" and child.type != "expression_list":
            binding = _declared_by(parent, name, context)
            if binding is not None:
                return binding
        child = parent
    return None


def imported_package(identifier: Node, context: FileContext) -> str | None:
    """The import path an identifier names, unless a local binding shadows the import."""
    if identifier.type not in {"identifier", "package_identifier"}:
        return None
    name = context.text(identifier)
    path = context.imports.by_name.get(name)
    if path is None or local_binding(name, identifier, context) is not None:
        return None
    return path


def qualified_name(expression: Node, context: FileContext) -> QualifiedName | None:
    """`pkg.Name` where `pkg` is an unshadowed import → (import path, Name)."""
    expression = unparen(expression)
    if expression.type == "selector_expression":
        operand = expression.child_by_field_name("operand")
        field = expression.child_by_field_name("field")
        if operand is not None and field is not None:
            path = imported_package(operand, context)
            if path is not None:
                return QualifiedName(path, context.text(field))
    elif expression.type == "qualified_type":
        package = expression.child_by_field_name("package")
        name = expression.child_by_field_name("name")
        if package is not None and name is not None:
            path = context.imports.by_name.get(context.text(package))
            if path is not None:
                return QualifiedName(path, context.text(name))
    return None


def method_receiver(call: Node, methods: frozenset[str], context: FileContext) -> Node | None:
    """`x` of a call `x.M(…)` whose method M is one of `methods` (and x is not an import)."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None
    operand = function.child_by_field_name("operand")
    field = function.child_by_field_name("field")
    if operand is None or field is None or context.text(field) not in methods:
        return None
    return None if imported_package(operand, context) is not None else operand


def callee_name(call: Node, context: FileContext) -> QualifiedName | None:
    """The qualified name of a call's function: `pkg.F(…)`, or `f(…)` after `f := pkg.F`."""
    function = call.child_by_field_name("function")
    if function is None:
        return None
    if function.type == "identifier":
        return function_value(function, context)
    return qualified_name(function, context)


def function_value(identifier: Node, context: FileContext) -> QualifiedName | None:
    """`pkg.F` when the identifier is a local variable bound to that function (`f := pkg.F`)."""
    binding = local_binding(context.text(identifier), identifier, context)
    if binding is None or binding.type_node is not None or binding.value_node is None:
        return None
    value = unparen(binding.value_node)
    return qualified_name(value, context) if value.type == "selector_expression" else None


def qualified_type(type_node: Node | None, context: FileContext) -> QualifiedName | None:
    """`*pkg.T`, `pkg.T`, `[]pkg.T` stripped to `pkg.T` (element types do not count)."""
    while type_node is not None and type_node.type in {"pointer_type", "parenthesized_type"}:
        type_node = type_node.named_children[0] if type_node.named_children else None
    if type_node is None:
        return None
    if type_node.type == "generic_type":
        type_node = type_node.child_by_field_name("type")
        if type_node is None:
            return None
    return qualified_name(type_node, context)


@dataclass(frozen=True)
class SamePackageTarget:
    """A call target resolved inside the package: every declaration it may be."""

    name: str
    declarations: tuple[Decl, ...]
    is_method: bool

    def fact_keys(self) -> tuple[str, ...]:
        """How facts name each candidate: `F`, or `T.m` for every receiver type it may be.

        A claim about the call ("it exits", "it recovers") holds only when it holds for
        every key: the receiver may be any of them.
        """
        if not self.is_method:
            return (self.name,)
        return tuple(sorted({f"{receiver_type_name(d.node, d.file)}.{self.name}" for d in self.declarations}))


def same_package_callee(function: Node, context: FileContext) -> SamePackageTarget | None:
    """Resolve `f` or `x.m` to the package's own declarations, by name.

    `f` must not be shadowed locally; `x.m` must not be an import. Methods are matched
    by name on every receiver type (callers rely only on what all of them share).
    """
    function = unparen(function)
    if function.type == "identifier":
        name = context.text(function)
        if local_binding(name, function, context) is not None:
            return None
        decls = context.package.functions(name)
        return SamePackageTarget(name, tuple(decls), is_method=False) if decls else None
    if function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        field = function.child_by_field_name("field")
        if operand is None or field is None or imported_package(operand, context) is not None:
            return None
        name = context.text(field)
        decls = context.package.methods(name)
        known = operand_type(operand, context)
        if known is not None:
            if not known.local:
                return None
            decls = [d for d in decls if receiver_type_name(d.node, d.file) == known.name]
        return SamePackageTarget(name, tuple(decls), is_method=True) if decls else None
    return None


@dataclass(frozen=True)
class OperandType:
    """The named type of an expression, when syntax tells: `T` of this package, or another's.

    Another package cannot name this package's types (imports have no cycles), so the
    fields and method results of its values are of other packages' types too, unless it
    is a generic type instantiated here (`atomic.Pointer[T]`): then they are `instantiated`.
    """

    name: str  # "T"; "import/path.T" when not local; "" when only "not local" is known
    local: bool
    instantiated: bool = False  # another package's generic type, with type arguments


_MAX_TYPE_DEPTH = 6


def operand_type(expression: Node, context: FileContext, depth: int = _MAX_TYPE_DEPTH) -> OperandType | None:
    """The named type of a variable, field, literal or constructor call; None when unknown.

    Read from a declared type (parameter, receiver, typed var, struct field, a type
    assertion), or from the value a variable was initialised with (`&T{}`, a same-package
    function with a declared result, a call of another package: `pkg.New()` gives another
    package's type, named when library.CONSTRUCTOR_RESULTS knows it). Method values and
    interfaces of unknown origin stay unknown.
    """
    expression = unparen(expression)
    if depth <= 0:
        return None
    kind = expression.type
    if kind == "identifier":
        found = binding_of(expression, context)
        if found is None:
            return None
        binding, declared_in = found
        if binding.type_node is not None:
            return _named_type(binding.type_node, declared_in)
        return operand_type(binding.value_node, declared_in, depth - 1) if binding.value_node else None
    if kind == "selector_expression":
        operand = expression.child_by_field_name("operand")
        field = expression.child_by_field_name("field")
        if operand is None or field is None:
            return None
        if imported_package(operand, context) is not None:  # a variable of another package
            return OperandType(PACKAGE_VALUES.get(str(qualified_name(expression, context)), ""), local=False)
        return _field_type(operand, context.text(field), context, depth)
    if kind == "type_assertion_expression":
        return _named_type(expression.child_by_field_name("type"), context)
    if kind == "unary_expression":  # `&T{}`, `*p`: peeled in a loop, they can nest deeply
        operand = expression.child_by_field_name("operand")
        while operand is not None and unparen(operand).type == "unary_expression":
            operand = unparen(operand).child_by_field_name("operand")
        return operand_type(operand, context, depth) if operand is not None else None
    if kind == "composite_literal":
        return _named_type(expression.child_by_field_name("type"), context)
    if kind == "call_expression":
        return _call_result_type(expression, context, depth)
    return None


def _field_type(operand: Node, field_name: str, context: FileContext, depth: int) -> OperandType | None:
    """The type of `operand.field`, from the operand's struct when its type is known.

    Otherwise every struct field of that name in the package counts: the type is known
    when they agree, or foreign when none of them is a type of this package.
    """
    owner = operand_type(operand, context, depth - 1)
    if owner is not None and not owner.local:
        return None if owner.instantiated else _FOREIGN  # its struct cannot name a type of this one
    declaration = context.package.type_spec(owner.name) if owner is not None else None
    struct = declaration.node.child_by_field_name("type") if declaration is not None else None
    if declaration is not None and struct is not None and struct.type == "struct_type":
        fields = fields_named(struct, field_name, context.package.context_of(declaration.file))
    else:
        fields = field_types(operand, field_name, context)
    types = {_named_type(t, c) for t, c in fields}
    if not types or None in types:
        return None
    known = {t for t in types if t is not None}
    if len(known) == 1:
        return known.pop()
    return _FOREIGN if not any(t.local for t in known) else None


_FOREIGN = OperandType("", local=False)


def _call_result_type(call: Node, context: FileContext, depth: int) -> OperandType | None:
    """The type of a call's first result, when syntax tells.

    `pkg.F()` and a method of another package's value return another package's type (an
    imported package cannot name this package's types), named when the library tables
    know it; `f()` and `x.m()` of this package their declared result. A call with type
    arguments (`pkg.F[T](…)`) may return its type argument: unknown.
    """
    qualified = callee_name(call, context)
    if qualified is not None:
        if call.child_by_field_name("type_arguments") is not None:
            return None
        return OperandType(CONSTRUCTOR_RESULTS.get(str(qualified), ""), local=False)
    function = call.child_by_field_name("function")
    if function is None:
        return None
    if function.type == "selector_expression":
        return _method_result_type(function, context, depth)
    if function.type != "identifier":
        return None
    name = context.text(function)
    if local_binding(name, function, context) is not None:
        return None
    return _declared_result(context.package.functions(name), context)


def _method_result_type(selector: Node, context: FileContext, depth: int) -> OperandType | None:
    """The result type of `x.m()`: foreign when x is foreign, else T.m's declared result."""
    operand = selector.child_by_field_name("operand")
    field = selector.child_by_field_name("field")
    if operand is None or field is None:
        return None
    owner = operand_type(operand, context, depth - 1)
    if owner is None:
        return None
    if not owner.local:
        if owner.instantiated:
            return None
        builds = owner.name if owner.name in BUILDER_TYPES else ""
        return OperandType(METHOD_RESULTS.get((owner.name, context.text(field)), builds), local=False)
    methods = context.package.methods(context.text(field))
    return _declared_result([d for d in methods if receiver_type_name(d.node, d.file) == owner.name], context)


def _declared_result(declarations: list[Decl], context: FileContext) -> OperandType | None:
    """The named type of the first result that all these declarations agree on."""
    results = set()
    for declaration in declarations:
        result = declaration.node.child_by_field_name("result")
        if result is not None and result.type == "parameter_list":
            first = result.named_children[0] if result.named_children else None
            result = first.child_by_field_name("type") if first is not None else None
        results.add(_named_type(result, context.package.context_of(declaration.file)))
    return results.pop() if len(results) == 1 else None


def _named_type(type_node: Node | None, context: FileContext) -> OperandType | None:
    """The type a type expression names; None for a type parameter, which may be any type."""
    type_node = _strip_pointer(type_node)
    instantiated = False
    if type_node is not None and type_node.type == "generic_type":
        instantiated = type_node.child_by_field_name("type_arguments") is not None
        type_node = type_node.child_by_field_name("type")
    if type_node is None:
        return None
    if type_node.type == "type_identifier":
        name = context.text(type_node)
        if context.package.type_spec(name) is not None:
            return OperandType(name, local=True)
        return OperandType(name, local=False) if name in PREDECLARED_TYPES else None
    qualified = qualified_name(type_node, context)
    if qualified is None:
        return None
    return OperandType(str(qualified), local=False, instantiated=instantiated)


def _strip_pointer(type_node: Node | None) -> Node | None:
    while type_node is not None and type_node.type in {"pointer_type", "parenthesized_type"}:
        type_node = type_node.named_children[0] if type_node.named_children else None
    return type_node


def _declared_type(operand: Node, context: FileContext) -> tuple[Node | None, bool]:
    """The declared type of an identifier operand; (None, False) when it is not known."""
    if operand.type != "identifier":
        return None, False
    binding = local_binding(context.text(operand), operand, context)
    if binding is None or binding.type_node is None:
        return None, False
    return _strip_pointer(binding.type_node), True


def field_types(operand: Node, field_name: str, context: FileContext) -> list[tuple[Node, FileContext]]:
    """Possible types of `operand.field_name`: (type node, the file it is written in).

    When the operand's type is declared (a parameter, receiver or typed var of a struct
    type of this package, or an inline struct), only that struct's field counts; when it
    is not known, every struct field of that name in the package does, and a caller
    should rely only on what they all share.
    """
    type_node, known = _declared_type(operand, context)
    if not known:
        return context.package.struct_fields(field_name)
    if type_node is None:
        return []
    if type_node.type == "struct_type":
        return fields_named(type_node, field_name, context)
    if type_node.type == "generic_type":
        type_node = type_node.child_by_field_name("type")
    if type_node is not None and type_node.type == "type_identifier":
        declaration = context.package.type_spec(context.text(type_node))
        struct = declaration.node.child_by_field_name("type") if declaration is not None else None
        if declaration is not None and struct is not None and struct.type == "struct_type":
            return fields_named(struct, field_name, context.package.context_of(declaration.file))
    return []


@dataclass(frozen=True)
class Variable:
    """What an identifier names when it is a variable: its declared type and initial value.

    `context` is the file the declaration is written in (another file of the package for a
    package-level var); `is_local` tells a binding inside a function from a package var.
    """

    declared_at: Node
    type_node: Node | None
    value_node: Node | None
    context: FileContext
    is_local: bool


def variable(identifier: Node, context: FileContext) -> Variable | None:
    """The local binding or package-level `var` that an identifier refers to, if any."""
    if identifier.type != "identifier":
        return None
    name = context.text(identifier)
    binding = local_binding(name, identifier, context)
    if binding is not None:
        return Variable(binding.declared_at, binding.type_node, binding.value_node, context, is_local=True)
    found = package_binding(name, context)
    if found is None:
        return None
    binding, declared_in = found
    spec = parent_of(binding.declared_at, declared_in)
    if spec is None or spec.type != "var_spec":
        return None
    return Variable(binding.declared_at, binding.type_node, binding.value_node, declared_in, is_local=False)


def assignment_target(value: Node, context: FileContext) -> Node | None:
    """The left-hand side that receives `value` in `x := v`, `x = v`, `var x = v`.

    `&v` and `(v)` count as `v`; `req, err := f()` gives `req` for `f()`. None when the
    value is not the whole right-hand side of an assignment (an argument, a field of a
    composite literal, a return value).
    """
    node = value
    values = None
    for parent in ancestors(value, context):
        if parent.type != "parenthesized_expression" and not (
            parent.type == "unary_expression" and unary_operator(parent) == "&"
        ):
            values = parent
            break
        node = parent
    statement = parent_of(values, context) if values is not None else None
    if values is None or statement is None or values.type != "expression_list":
        return None
    if statement.type in {"short_var_declaration", "assignment_statement"}:
        right = statement.child_by_field_name("right")
        if right is None or right.id != values.id:
            return None
        left = statement.child_by_field_name("left")
        targets = left.named_children if left is not None else []
    elif statement.type == "var_spec":
        targets = statement.children_by_field_name("name")
    else:
        return None
    position = next(i for i, v in enumerate(values.named_children) if v.id == node.id)
    if len(targets) == len(values.named_children):
        return targets[position]
    return targets[0] if len(values.named_children) == 1 and targets else None


def assigned_value(assignment: Node, target: Node) -> Node | None:
    """The value `x = v` gives its left-hand side `target`; None for `x, err = f()`."""
    left = assignment.child_by_field_name("left")
    right = assignment.child_by_field_name("right")
    targets = left.named_children if left is not None else []
    values = right.named_children if right is not None else []
    if len(targets) != len(values):
        return None
    return next((v for t, v in zip(targets, values, strict=True) if t.id == target.id), None)


def unary_operator(unary: Node) -> str:
    """The operator token of a unary expression (`&`, `*`, `<-`, `!`, `-`)."""
    operator = unary.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def package_binding(name: str, context: FileContext) -> tuple[LocalBinding, FileContext] | None:
    """The package-level var or const `name` of this package, with the file declaring it."""
    if name in context.imports.by_name:
        return None
    declaration = context.package.value_spec(name)
    if declaration is None:
        return None
    declared_in = context.package.context_of(declaration.file)
    binding = _spec_binding(declaration.node, name, declared_in)
    return (binding, declared_in) if binding is not None else None


def package_constant(identifier: Node, context: FileContext) -> tuple[Node, FileContext] | None:
    """The value expression of the same-package constant an identifier names (not shadowed)."""
    name = context.text(identifier)
    if local_binding(name, identifier, context) is not None:
        return None
    found = package_binding(name, context)
    if found is None:
        return None
    binding, declared_in = found
    spec = parent_of(binding.declared_at, declared_in)
    if spec is None or spec.type != "const_spec" or binding.value_node is None:
        return None
    return unparen(binding.value_node), declared_in


def string_constant(expression: Node, context: FileContext) -> str | None:
    """The value of a string literal, or of a same-package string constant naming one."""
    expression = unparen(expression)
    if expression.type != "identifier":
        return string_value(expression, context.file)
    found = package_constant(expression, context)
    return string_value(found[0], found[1].file) if found is not None else None


def value_source(expression: Node, context: FileContext, depth: int = 4) -> QualifiedName | None:
    """What syntax tells of where a value comes from, as a qualified name.

    The type of a composite literal (`&http.Server{…}` → net/http.Server) or of a declared
    variable, parameter, receiver or struct field (`srv *http.Server`); the function whose
    call produced it (`gin.Default()` → …/gin.Default); an imported package-level value
    (`http.DefaultClient`). Identifiers are followed to their `:=`/`var` value. None when
    it cannot be known, or when several struct fields of that name disagree.
    """
    expression = unparen(expression)
    if depth <= 0:
        return None
    kind = expression.type
    if kind == "unary_expression":
        operand = expression.child_by_field_name("operand")
        return value_source(operand, context, depth - 1) if operand is not None else None
    if kind == "composite_literal":
        return qualified_type(expression.child_by_field_name("type"), context)
    if kind == "call_expression":
        return _call_source(expression, context)
    if kind == "identifier":
        return _identifier_source(expression, context, depth)
    if kind == "selector_expression":
        operand = expression.child_by_field_name("operand")
        field = expression.child_by_field_name("field")
        if operand is None or field is None:
            return None
        if imported_package(operand, context) is not None:
            return qualified_name(expression, context)
        sources = {qualified_type(t, c) for t, c in field_types(operand, context.text(field), context)}
        return sources.pop() if len(sources) == 1 else None
    return None


def _call_source(call: Node, context: FileContext) -> QualifiedName | None:
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    is_new = function is not None and function.type == "identifier" and context.text(function) == "new"
    if is_new and arguments is not None and arguments.named_children:
        return qualified_type(arguments.named_children[0], context)
    return callee_name(call, context)


def binding_of(identifier: Node, context: FileContext) -> tuple[LocalBinding, FileContext] | None:
    """The local or package-level binding of an identifier, with the file that declares it."""
    name = context.text(identifier)
    binding = local_binding(name, identifier, context)
    return (binding, context) if binding is not None else package_binding(name, context)


def _identifier_source(identifier: Node, context: FileContext, depth: int) -> QualifiedName | None:
    found = binding_of(identifier, context)
    if found is None:
        return None
    binding, declared_in = found
    if binding.type_node is not None:
        return qualified_type(binding.type_node, declared_in)
    if binding.value_node is not None:
        return value_source(binding.value_node, declared_in, depth - 1)
    return None
