"""What does a name refer to, what type is a value? Syntax-only resolution shared by every check.

Two questions, one answer each: `lookup(identifier, context)` gives the declaration a name
refers to (a local, parameter or receiver, a package-level var, const or function of any
file of the package, an import), and `type_of(expression, context)` the named type of a
value (this package's `T`, another's `pkg.T`, or unknown), following bindings, fields and
calls to one depth limit. Checks and knowledge modules ask these two and compare the
answers; what other modules' APIs return is data, in knowledge/library.py.

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
from enum import Enum
from typing import cast

from golint_resilience.golang.index import Decl, FileContext, fields_named, receiver_type_name, string_value
from golint_resilience.golang.parsing import Node, captures_within
from golint_resilience.knowledge.library import (
    BUILDER_TYPES,
    METHOD_RESULTS,
    PACKAGE_VALUES,
    PREDECLARED_TYPES,
    RECEIVED_FROM_CALLS,
    RECEIVED_FROM_FIELDS,
    constructor_result,
)

FUNCTION_NODES = frozenset({"function_declaration", "method_declaration", "func_literal"})
DECLARATION_NODES = frozenset({"function_declaration", "method_declaration"})


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


def parent_type(node: Node, context: FileContext) -> str:
    """The type of a node's parent ("" at the root)."""
    parent = parent_of(node, context)
    return parent.type if parent is not None else ""


def same_node(a: Node | None, b: Node | None) -> bool:
    """Are both the same node of the tree (neither missing)?"""
    return a is not None and b is not None and a.id == b.id


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
    """The call expression of a `defer`, `go` or expression statement."""
    return next((c for c in statement.named_children if c.type == "call_expression"), None)


def callee_text(call: Node, context: FileContext, default: str = "call") -> str:
    """How a message names a call: its function as written (`log.Fatalf`, `c.Do`), else `default`."""
    function = call.child_by_field_name("function")
    return context.text(function) if function is not None else default


def declares(identifier: Node, context: FileContext) -> bool:
    """Is this identifier a name that a `var` spec or a `:=` declares?"""
    parent = parent_of(identifier, context)
    if parent is None:
        return False
    if parent.type == "var_spec":
        return True
    statement = parent_of(parent, context)
    if statement is None or statement.type != "short_var_declaration":
        return False
    left = statement.child_by_field_name("left")
    return left is not None and left.id == parent.id


def parameter_declarations(function: Node) -> list[Node]:
    """A function's or literal's `parameter_declaration`s, in order (variadic ones aside)."""
    parameters = function.child_by_field_name("parameters")
    return [
        p
        for p in (parameters.named_children if parameters is not None else [])
        if p.type == "parameter_declaration"
    ]


def signature(declaration: Node, context: FileContext) -> tuple[str, tuple[str, ...], str]:
    """A function's name, its parameter types as written (one per name) and its result ("" for none).

    `func (a *A) Set(value string) error` gives ("Set", ("string",), "error");
    `func f(a, b int, rest ...string)` gives ("f", ("int", "int", "...string"), "").
    """
    name = declaration.child_by_field_name("name")
    result = declaration.child_by_field_name("result")
    parameters = declaration.child_by_field_name("parameters")
    types: list[str] = []
    for parameter in parameters.named_children if parameters is not None else ():
        written = parameter.child_by_field_name("type")
        if written is None:
            continue
        variadic = "..." if parameter.type == "variadic_parameter_declaration" else ""
        count = max(1, len(parameter.children_by_field_name("name")))
        types.extend([variadic + context.text(written)] * count)
    return (
        context.text(name) if name is not None else "",
        tuple(types),
        context.text(result) if result is not None else "",
    )


def parameter_names(function: Node) -> list[Node]:
    """The names of a function's parameters, in order (`func(a, b int, c string)`: a, b, c)."""
    return [name for p in parameter_declarations(function) for name in p.children_by_field_name("name")]


def declaration_of(identifier: Node, context: FileContext) -> Node | None:
    """The name declaring the local variable or parameter `identifier` names (itself where it declares)."""
    if identifier.type != "identifier":
        return None
    if declares(identifier, context):
        return identifier
    binding = lookup(identifier, context)
    return binding.declared_at if binding is not None and binding.is_local else None


def returned_values(function: Node, context: FileContext) -> list[Node]:
    """The first returned expression of each `return` of the function itself (not of its literals)."""
    values = []
    for captures in captures_within(
        function, "(return_statement (expression_list . (_) @value)) @return", context.file.budget
    ):
        owner = enclosing_function(captures["return"][0], context)
        if owner is not None and owner.id == function.id:
            values.append(captures["value"][0])
    return values


def block_statements(block: Node) -> list[Node]:
    """The statements of a block, without comments (tree-sitter-go wraps them in a statement_list)."""
    return [
        statement
        for child in block.named_children
        for statement in (child.named_children if child.type == "statement_list" else [child])
        if statement.type != "comment"
    ]


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


# --- lookup: what a name refers to -------------------------------------------------------


class BindingKind(Enum):
    """What kind of declaration a name refers to."""

    LOCAL = "local"  # `:=`, `var`/`const` in a function, range and select-case variables, type-switch aliases
    PARAMETER = "parameter"  # a parameter, receiver or named result
    PACKAGE_VAR = "package var"
    PACKAGE_CONST = "package const"
    PACKAGE_FUNC = "package func"
    IMPORT = "import"


@dataclass(frozen=True)
class Binding:
    """The declaration a name refers to at a point of the code.

    `context` is the file that declares it (another file of the package for a package-level
    name); `type_node`/`value_node` are its declared type and initial value when syntax
    shows them (`x, err := f()` gives x the value `f()`); `package` is the import path of
    an import; `declarations` the package's functions of that name (several with build tags).
    """

    name: str
    kind: BindingKind
    declared_at: Node | None
    context: FileContext
    type_node: Node | None = None
    value_node: Node | None = None
    package: str = ""
    declarations: tuple[Decl, ...] = ()

    @property
    def is_local(self) -> bool:
        """Declared inside a function (it shadows package-level names and imports)."""
        return self.kind in {BindingKind.LOCAL, BindingKind.PARAMETER}


def lookup(identifier: Node, context: FileContext, name: str | None = None) -> Binding | None:
    """The declaration `name` (default: the identifier's text) refers to at `identifier`.

    Scopes are Go's, innermost first: a function's (a literal's own parameters hide outer
    names; a binding counts only after its declaration), then the file's imports, then the
    package's vars, consts and functions in any of its files. None for a predeclared or
    undeclared name (a type, a builtin, a dot import).
    """
    if name is None:
        name = context.text(identifier)
    local = _local_binding(name, identifier, context)
    if local is not None:
        return local
    path = context.imports.by_name.get(name)
    if path is not None:
        return Binding(name, BindingKind.IMPORT, context.imports.nodes.get(path), context, package=path)
    return _package_binding(name, context)


def _package_binding(name: str, context: FileContext) -> Binding | None:
    """The package-level var, const or function `name`, with the file declaring it."""
    declaration = context.package.value_spec(name)
    if declaration is not None:
        declared_in = context.package.context_of(declaration.file)
        kind = BindingKind.PACKAGE_CONST if declaration.node.type == "const_spec" else BindingKind.PACKAGE_VAR
        return _spec_binding(declaration.node, name, declared_in, kind)
    functions = context.package.functions(name)
    if functions:
        first = functions[0]
        name_node = first.node.child_by_field_name("name")
        return Binding(
            name,
            BindingKind.PACKAGE_FUNC,
            name_node,
            context.package.context_of(first.file),
            declarations=tuple(functions),
        )
    return None


def _names(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.type == "identifier":
        return [node]
    return [c for c in node.named_children if c.type == "identifier"]


def _declared_by(statement: Node, name: str, context: FileContext) -> Binding | None:
    """The binding of `name` introduced by `statement`, if it introduces one.

    A label opens no scope: `retry: req, err := f()` declares `req` in the block around it.
    """
    if statement.type == "labeled_statement":
        labelled = statement.named_children[-1] if statement.named_children else None
        if labelled is None or labelled.type == "label_name":
            return None
        return _declared_by(labelled, name, context)
    kind = statement.type
    if kind == "short_var_declaration" or (
        kind in {"range_clause", "receive_statement"} and _defines(statement)
    ):
        lefts = _names(statement.child_by_field_name("left"))
        rights = statement.child_by_field_name("right")
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
                if kind == "receive_statement" and position == 0 and rights is not None:
                    value = rights  # `case v, ok := <-ch`: v is what `<-ch` gives
                return Binding(name, BindingKind.LOCAL, ident, context, value_node=value)
        return None
    if kind in {"var_declaration", "const_declaration"}:
        for child in statement.named_children:
            specs = child.named_children if child.type == "var_spec_list" else [child]
            for spec in specs:
                binding = _spec_binding(spec, name, context, BindingKind.LOCAL)
                if binding is not None:
                    return binding
        return None
    if kind == "parameter_list":
        for param in statement.named_children:
            for ident in param.children_by_field_name("name"):
                if context.text(ident) == name:
                    declared = param.child_by_field_name("type")
                    return Binding(name, BindingKind.PARAMETER, ident, context, type_node=declared)
        return None
    if kind == "for_clause":
        initializer = statement.child_by_field_name("initializer")
        return _declared_by(initializer, name, context) if initializer is not None else None
    if kind == "type_switch_statement":
        alias = statement.child_by_field_name("alias")
        for ident in _names(alias):
            if context.text(ident) == name:
                return Binding(name, BindingKind.LOCAL, ident, context)
    return None


def _defines(statement: Node) -> bool:
    """True for `for k, v := range` and `case v := <-ch` (not plain `=` assignments)."""
    return any(child.type == ":=" for child in statement.children)


def _spec_binding(spec: Node, name: str, context: FileContext, kind: BindingKind) -> Binding | None:
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
        return Binding(name, kind, ident, context, spec.child_by_field_name("type"), value)
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


def _local_binding(name: str, use: Node, context: FileContext) -> Binding | None:
    """The innermost binding of `name` visible at `use` inside its function, if any."""
    if not _may_declare(name, use, context):
        return None
    child = use
    for parent in ancestors(use, context):
        if parent.type in _SCOPE_STOP:
            return None
        first = _first_binding_in(parent, name, context)
        if first is not None and first[0] < child.start_byte:
            return first[1]
        # The header of an if/for/switch is in scope of its body: it precedes the body,
        # so the loop above already saw it. A type switch alias is a field of the parent.
        if parent.type == "type_switch_statement" and child.type != "expression_list":
            binding = _declared_by(parent, name, context)
            if binding is not None:
                return binding
        child = parent
    return None


def _first_binding_in(parent: Node, name: str, context: FileContext) -> tuple[int, Binding] | None:
    """The first child of `parent` that binds `name`, with where it starts; None if none does.

    Go lets a name be declared once per block, so the first is the one every later use
    sees. Remembered per file: lookups in a long function body would otherwise read every
    statement before each use again.
    """
    key = (parent.id, name)
    if key not in context.first_bindings:
        found = None
        for sibling in parent.named_children:
            binding = _declared_by(sibling, name, context)
            if binding is not None:
                found = (sibling.start_byte, binding)
                break
        context.first_bindings[key] = found
    return cast("tuple[int, Binding] | None", context.first_bindings[key])


def short_declaration_value(binding: Binding) -> Node | None:
    """The one value of the `:=` that declares the binding and its neighbours (`ctx, cancel := f()`)."""
    names = parent_of(binding.declared_at, binding.context) if binding.declared_at is not None else None
    statement = parent_of(names, binding.context) if names is not None else None
    right = statement.child_by_field_name("right") if statement is not None else None
    if statement is None or statement.type != "short_var_declaration" or right is None:
        return None
    return right.named_children[0] if len(right.named_children) == 1 else None


def is_builtin(function: Node, name: str, context: FileContext) -> bool:
    """Is `function` the predeclared `name` (`close`, `make`, `recover`), which no declaration shadows?"""
    return (
        function.type == "identifier" and context.text(function) == name and lookup(function, context) is None
    )


def is_shadowed(name: str, at: Node, context: FileContext) -> bool:
    """Does a binding inside the function hide the package-level `name` (or import) at `at`?"""
    binding = lookup(at, context, name)
    return binding is not None and binding.is_local


def imported_package(identifier: Node, context: FileContext) -> str | None:
    """The import path an identifier names, unless a local binding shadows the import."""
    if identifier.type not in {"identifier", "package_identifier"}:
        return None
    binding = lookup(identifier, context)
    return binding.package if binding is not None and binding.kind is BindingKind.IMPORT else None


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
        return _function_value(function, context)
    return qualified_name(function, context)


def _function_value(identifier: Node, context: FileContext) -> QualifiedName | None:
    """`pkg.F` when the identifier is a local variable bound to that function (`f := pkg.F`)."""
    binding = lookup(identifier, context)
    if binding is None or not binding.is_local or binding.type_node is not None or binding.value_node is None:
        return None
    value = unparen(binding.value_node)
    return qualified_name(value, context) if value.type == "selector_expression" else None


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
    """Resolve `f` or `x.m` to the package's own declarations.

    `f` must name a package-level function (not a local variable); `x.m` must not be an
    import. Methods are those of x's type when type_of knows it is a type of this package
    (none when it is another package's), else every method of that name (callers rely
    only on what all of them share).
    """
    function = unparen(function)
    if function.type == "identifier":
        binding = lookup(function, context)
        if binding is None or binding.kind is not BindingKind.PACKAGE_FUNC:
            return None
        return SamePackageTarget(binding.name, binding.declarations, is_method=False)
    if function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        field = function.child_by_field_name("field")
        if operand is None or field is None or imported_package(operand, context) is not None:
            return None
        name = context.text(field)
        decls = context.package.methods(name)
        known = type_of(operand, context)
        if known.is_foreign:
            return None
        if known.is_local:
            decls = [d for d in decls if receiver_type_name(d.node, d.file) == known.name]
        return SamePackageTarget(name, tuple(decls), is_method=True) if decls else None
    return None


def package_constant(identifier: Node, context: FileContext) -> tuple[Node, FileContext] | None:
    """The value expression of the same-package constant an identifier names (not shadowed)."""
    binding = lookup(identifier, context)
    if binding is None or binding.kind is not BindingKind.PACKAGE_CONST or binding.value_node is None:
        return None
    return unparen(binding.value_node), binding.context


def string_constant(expression: Node, context: FileContext) -> str | None:
    """The value of a string literal, or of a same-package string constant naming one."""
    expression = unparen(expression)
    if expression.type != "identifier":
        return string_value(expression, context.file)
    found = package_constant(expression, context)
    return string_value(found[0], found[1].file) if found is not None else None


# --- type_of: what type a value has -----------------------------------------------------


class TypeKind(Enum):
    """Whose type a value has, as far as syntax tells."""

    LOCAL = "local"  # a type declared in this package
    FOREIGN = "foreign"  # another package's type (or a predeclared one)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TypeRef:
    """The named type of a value: `T` of this package, `pkg.T` of another, or unknown.

    Another package cannot name this package's types (imports have no cycles), so the
    fields and method results of its values are of other packages' types too, unless it
    is a generic type instantiated here (`atomic.Pointer[T]`): then they are unknown.
    A foreign type may be known only as foreign (`name` empty); `origin` then is the
    package whose function or variable gave the value, when one did.
    """

    kind: TypeKind
    name: str = ""  # LOCAL: "T"; FOREIGN: "import/path.T" (predeclared: "string"), or ""
    origin: str = ""  # FOREIGN without a name: the import path the value came from
    instantiated: bool = False  # another package's generic type, with type arguments

    @property
    def is_local(self) -> bool:
        """A type of this package."""
        return self.kind is TypeKind.LOCAL

    @property
    def is_foreign(self) -> bool:
        """Another package's type (or a predeclared one)."""
        return self.kind is TypeKind.FOREIGN

    @property
    def package(self) -> str:
        """The import path the type (or, without a name, the value) is known to come from."""
        if self.kind is not TypeKind.FOREIGN:
            return ""
        return self.name.rsplit(".", 1)[0] if "." in self.name else self.origin

    def is_type(self, qualified: str) -> bool:
        """Is it the foreign type `import/path.T` (a pointer to it counts the same)?"""
        return self.kind is TypeKind.FOREIGN and self.name == qualified


UNKNOWN = TypeRef(TypeKind.UNKNOWN)
_FOREIGN = TypeRef(TypeKind.FOREIGN)
_MAX_DEPTH = 6  # how many bindings, fields and calls type_of follows from an expression


def _foreign(name: str, origin: str = "", *, instantiated: bool = False) -> TypeRef:
    return TypeRef(TypeKind.FOREIGN, name, "" if name else origin, instantiated)


def type_of(expression: Node, context: FileContext, depth: int = _MAX_DEPTH) -> TypeRef:
    """The named type of an expression's value (a pointer and its element are the same).

    Read from a declared type (parameter, receiver, typed var of any file of the package,
    struct field, type assertion, composite literal, `new(T)`, a conversion), or from the
    value a variable was initialised with; a call gives its function's first result: a
    same-package function's or literal's declared result, a method's by its receiver
    type, and another package's function (or a method of another package's value) an
    other package's type, named when knowledge/library.py knows it. Interfaces of unknown
    origin and type parameters stay unknown.
    """
    expression = unparen(expression)
    if depth <= 0:
        return UNKNOWN
    kind = expression.type
    if kind == "identifier":
        return _identifier_type(expression, context, depth)
    if kind == "selector_expression":
        operand = expression.child_by_field_name("operand")
        field = expression.child_by_field_name("field")
        if operand is None or field is None:
            return UNKNOWN
        path = imported_package(operand, context)
        if path is not None:  # a variable (or function) of another package
            return _foreign(PACKAGE_VALUES.get(f"{path}.{context.text(field)}", ""), path)
        return _field_type(operand, context.text(field), context, depth)
    if kind == "type_assertion_expression":
        return declared_type(expression.child_by_field_name("type"), context)
    if kind == "unary_expression" and unary_operator(expression) == "<-":
        operand = expression.child_by_field_name("operand")
        return _received_type(operand, context, depth) if operand is not None else UNKNOWN
    if kind == "unary_expression":  # `&T{}`, `*p`: peeled in a loop, they can nest deeply
        operand = expression.child_by_field_name("operand")
        while operand is not None and unparen(operand).type == "unary_expression":
            operand = unparen(operand).child_by_field_name("operand")
        return type_of(operand, context, depth) if operand is not None else UNKNOWN
    if kind == "composite_literal":
        return declared_type(expression.child_by_field_name("type"), context)
    if kind == "call_expression":
        return _call_result_type(expression, context, depth)
    if kind == "index_expression":  # `sessions[id]`: the element of a map, slice or array
        operand = expression.child_by_field_name("operand")
        found = _container_type(operand, context, depth) if operand is not None else None
        element = _element_type_node(found[0]) if found is not None else None
        return declared_type(element, found[1]) if found is not None and element is not None else UNKNOWN
    return UNKNOWN


_CONTAINER_ELEMENT = {"map_type": "value", "slice_type": "element", "array_type": "element"}


def _element_type_node(container: Node) -> Node | None:
    """The element type of a `map[K]V`, `[]T` or `[n]T` type node."""
    container = _strip_pointer(container) or container
    field = _CONTAINER_ELEMENT.get(container.type)
    return container.child_by_field_name(field) if field is not None else None


def _container_type(expression: Node, context: FileContext, depth: int) -> tuple[Node, FileContext] | None:
    """The declared type node of a variable or a field of this package's struct (and its file)."""
    expression = unparen(expression)
    if expression.type == "identifier":
        binding = lookup(expression, context)
        if binding is None:
            return None
        value = unparen(binding.value_node) if binding.value_node is not None else None
        if binding.type_node is None and value is not None and value.type == "composite_literal":
            return value.child_by_field_name("type") or value, binding.context  # `m := map[K]V{}`
        return (binding.type_node, binding.context) if binding.type_node is not None else None
    if expression.type != "selector_expression":
        return None
    operand, field = expression.child_by_field_name("operand"), expression.child_by_field_name("field")
    if operand is None or field is None:
        return None
    owner = type_of(operand, context, depth - 1)
    declaration = context.package.type_spec(owner.name) if owner.is_local else None
    struct = declaration.node.child_by_field_name("type") if declaration is not None else None
    if declaration is None or struct is None or struct.type != "struct_type":
        return None
    fields = fields_named(struct, context.text(field), context.package.context_of(declaration.file))
    return fields[0] if len(fields) == 1 else None


def _received_type(channel: Node, context: FileContext, depth: int) -> TypeRef:
    """The type of what `<-channel` gives: its element type, when the channel's is known.

    A channel declared or made here (`ch chan T`, `make(chan T)`), or one of another
    package's that knowledge/library.py knows (`time.After(d)`, `ticker.C`).
    """
    channel = unparen(channel)
    if channel.type == "call_expression":
        qualified = callee_name(channel, context)
        if qualified is not None and str(qualified) in RECEIVED_FROM_CALLS:
            return _foreign(RECEIVED_FROM_CALLS[str(qualified)], qualified.package)
        return UNKNOWN
    if channel.type == "selector_expression":
        operand, field = channel.child_by_field_name("operand"), channel.child_by_field_name("field")
        owner = type_of(operand, context, depth - 1) if operand is not None else UNKNOWN
        found = RECEIVED_FROM_FIELDS.get(f"{owner.name}.{context.text(field)}") if field is not None else None
        return _foreign(found, found.rpartition(".")[0]) if found is not None else UNKNOWN
    element = channel_element(channel, context)
    if element is not None:
        return declared_type(*element)
    binding = lookup(channel, context) if channel.type == "identifier" else None
    if binding is None or binding.type_node is not None or binding.value_node is None:
        return UNKNOWN
    return _received_type(binding.value_node, binding.context, depth - 1)  # `c := time.After(d)`


def channel_element(channel: Node, context: FileContext) -> tuple[Node, FileContext] | None:
    """The element type node of a channel variable (and its file): `ch chan T`, `make(chan T)`."""
    written = written_type(channel, context) if channel.type == "identifier" else None
    if written is None:
        return None
    declared, declared_in = written
    element = declared.child_by_field_name("value") if declared.type == "channel_type" else None
    return (element, declared_in) if element is not None else None


def written_type(expression: Node, context: FileContext) -> tuple[Node, FileContext] | None:
    """The type node a variable or struct field is written with (and its file).

    `m map[K]V`, `m := make(map[K]V)`, `m := map[K]V{}`, or the field of a struct of this
    package (`s.m`). None when the declaration is not visible, the value's type is not
    written there (`m := f()`), or the package's fields of that name disagree.
    """
    expression = unparen(expression)
    if expression.type == "identifier":
        binding = lookup(expression, context)
        if binding is None:
            return None
        if binding.type_node is not None:
            return binding.type_node, binding.context
        value = unparen(binding.value_node) if binding.value_node is not None else None
        made = made_type(value, binding.context) if value is not None else None
        return (made, binding.context) if made is not None else None
    operand = expression.child_by_field_name("operand")
    field = expression.child_by_field_name("field")
    if expression.type != "selector_expression" or operand is None or field is None:
        return None
    owner = type_of(operand, context)
    if owner.is_foreign:
        return None
    declaration = context.package.type_spec(owner.name) if owner.is_local else None
    struct = _strip_pointer(declaration.node.child_by_field_name("type")) if declaration is not None else None
    if declaration is not None and struct is not None and struct.type == "struct_type":
        candidates = fields_named(struct, context.text(field), context.package.context_of(declaration.file))
    else:
        candidates = field_types(operand, context.text(field), context)
    if not candidates or len({c.text(t) for t, c in candidates}) != 1:
        return None
    return candidates[0]


def made_type(value: Node, context: FileContext) -> Node | None:
    """The type a value is made as: `make(T, …)`, a composite literal `T{…}`."""
    if value.type == "composite_literal":
        return value.child_by_field_name("type")
    function = value.child_by_field_name("function") if value.type == "call_expression" else None
    arguments = value.child_by_field_name("arguments")
    if function is None or arguments is None or context.text(function) != "make":
        return None
    return arguments.named_children[0] if arguments.named_children else None


def _identifier_type(identifier: Node, context: FileContext, depth: int) -> TypeRef:
    binding = lookup(identifier, context)
    if binding is None or binding.kind in {BindingKind.IMPORT, BindingKind.PACKAGE_FUNC}:
        return UNKNOWN
    if binding.type_node is not None:
        return declared_type(binding.type_node, binding.context)
    if binding.value_node is not None:
        return type_of(binding.value_node, binding.context, depth - 1)
    return UNKNOWN


def _field_type(operand: Node, field_name: str, context: FileContext, depth: int) -> TypeRef:
    """The type of `operand.field`, from the operand's struct when its type is known.

    Otherwise every struct field of that name in the package counts: the type is known
    when they agree, or foreign when none of them is a type of this package.
    """
    owner = type_of(operand, context, depth - 1)
    if owner.is_foreign:
        return UNKNOWN if owner.instantiated else _FOREIGN  # its struct cannot name a type of this one
    declaration = context.package.type_spec(owner.name) if owner.is_local else None
    struct = declaration.node.child_by_field_name("type") if declaration is not None else None
    if declaration is not None and struct is not None and struct.type == "struct_type":
        fields = fields_named(struct, field_name, context.package.context_of(declaration.file))
    else:
        fields = field_types(operand, field_name, context)
    types = {declared_type(t, c) for t, c in fields}
    if not types or UNKNOWN in types:
        return UNKNOWN
    if len(types) == 1:
        return types.pop()
    return _FOREIGN if not any(t.is_local for t in types) else UNKNOWN


def field_types(operand: Node, field_name: str, context: FileContext) -> list[tuple[Node, FileContext]]:
    """Possible types of `operand.field_name` when the operand's named type is not known.

    An operand declared with an inline struct type gives that struct's field; one whose
    declaration is not visible, every struct field of that name in the package (a caller
    relies only on what they all share).
    """
    binding = lookup(operand, context) if operand.type == "identifier" else None
    if binding is None or binding.type_node is None:
        return context.package.struct_fields(field_name)
    type_node = _strip_pointer(binding.type_node)
    if type_node is not None and type_node.type == "struct_type":
        return fields_named(type_node, field_name, binding.context)
    return []


def _call_result_type(call: Node, context: FileContext, depth: int) -> TypeRef:
    """The type of a call's first result, when syntax tells.

    `pkg.F()` and a method of another package's value return another package's type (an
    imported package cannot name this package's types), named when the library tables
    know it; `f()` and `x.m()` of this package their declared result. A call with type
    arguments (`pkg.F[T](…)`) may return its type argument: unknown.
    """
    qualified = callee_name(call, context)
    if qualified is not None:
        if call.child_by_field_name("type_arguments") is not None:
            return UNKNOWN
        return _foreign(constructor_result(str(qualified)), qualified.package)
    function = call.child_by_field_name("function")
    if function is None:
        return UNKNOWN
    function = unparen(function)
    if function.type == "selector_expression":
        return _method_result_type(function, context, depth)
    if function.type == "func_literal":  # an immediately invoked literal: `x := func() T {…}()`
        return _declared_result([Decl(function, context.file)], context)
    if function.type == "identifier":
        return _identifier_call_type(call, function, context)
    if function.type == "unary_expression":  # a conversion `(*T)(p)`
        converted = _converted_type(function, context)
        return declared_type(converted, context) if converted is not None else UNKNOWN
    return UNKNOWN


def _identifier_call_type(call: Node, function: Node, context: FileContext) -> TypeRef:
    """`new(T)`, a conversion `T(x)`, a same-package function, a local function value."""
    binding = lookup(function, context)
    if binding is None:
        name = context.text(function)
        arguments = call.child_by_field_name("arguments")
        if name == "new" and arguments is not None and len(arguments.named_children) == 1:
            return declared_type(arguments.named_children[0], context)
        return declared_type(function, context) if _converted_type(function, context) is not None else UNKNOWN
    if binding.kind is BindingKind.PACKAGE_FUNC:
        return _declared_result(list(binding.declarations), context)
    value = unparen(binding.value_node) if binding.is_local and binding.value_node is not None else None
    if binding.type_node is None and value is not None and value.type == "func_literal":
        return _declared_result([Decl(value, context.file)], context)
    return UNKNOWN


def closure_literal(identifier: Node, context: FileContext) -> Node | None:
    """The literal a local variable is bound to: `stop := func(…) {…}; go stop(x)`."""
    if identifier.type != "identifier":
        return None
    binding = lookup(identifier, context)
    value = (
        unparen(binding.value_node)
        if binding is not None and binding.is_local and binding.value_node
        else None
    )
    return value if value is not None and value.type == "func_literal" else None


def _converted_type(function: Node, context: FileContext) -> Node | None:
    """The type a call's function names when the call is a conversion (`T(x)`, `(*T)(p)`, `string(b)`)."""
    while function.type in {"unary_expression", "parenthesized_expression"} and function.named_children:
        function = function.named_children[-1]
    if function.type not in {"identifier", "type_identifier"}:
        return None
    name = context.text(function)
    return function if name in PREDECLARED_TYPES or context.package.type_spec(name) is not None else None


def _method_result_type(selector: Node, context: FileContext, depth: int) -> TypeRef:
    """The result type of `x.m()`: foreign when x is foreign, else T.m's declared result."""
    operand = selector.child_by_field_name("operand")
    field = selector.child_by_field_name("field")
    if operand is None or field is None:
        return UNKNOWN
    owner = type_of(operand, context, depth - 1)
    if owner.kind is TypeKind.UNKNOWN:
        return UNKNOWN
    if owner.is_foreign:
        if owner.instantiated:
            return UNKNOWN
        builds = owner.name if owner.name in BUILDER_TYPES else ""
        return _foreign(METHOD_RESULTS.get((owner.name, context.text(field)), builds))
    methods = context.package.methods(context.text(field))
    return _declared_result([d for d in methods if receiver_type_name(d.node, d.file) == owner.name], context)


def _declared_result(declarations: list[Decl], context: FileContext) -> TypeRef:
    """The named type of the first result that all these declarations (or literals) agree on."""
    results = set()
    for declaration in declarations:
        result = declaration.node.child_by_field_name("result")
        if result is not None and result.type == "parameter_list":
            first = result.named_children[0] if result.named_children else None
            result = first.child_by_field_name("type") if first is not None else None
        results.add(declared_type(result, context.package.context_of(declaration.file)))
    return results.pop() if len(results) == 1 else UNKNOWN


def declared_type(type_node: Node | None, context: FileContext) -> TypeRef:
    """The type a type expression names: `T`, `*pkg.T`, `pkg.G[int]`.

    Unknown for a type parameter (which may be any type) and for unnamed types (slices,
    maps, funcs…).
    """
    type_node = _strip_pointer(type_node)
    instantiated = False
    if type_node is not None and type_node.type == "generic_type":
        instantiated = type_node.child_by_field_name("type_arguments") is not None
        type_node = type_node.child_by_field_name("type")
    if type_node is None:
        return UNKNOWN
    if type_node.type in {"type_identifier", "identifier"}:
        name = context.text(type_node)
        if context.package.type_spec(name) is not None:
            return TypeRef(TypeKind.LOCAL, name)
        return _foreign(name) if name in PREDECLARED_TYPES else UNKNOWN
    qualified = qualified_name(type_node, context)
    if qualified is None:
        return UNKNOWN
    return _foreign(str(qualified), instantiated=instantiated)


def _strip_pointer(type_node: Node | None) -> Node | None:
    while type_node is not None and type_node.type in {"pointer_type", "parenthesized_type"}:
        type_node = type_node.named_children[0] if type_node.named_children else None
    return type_node


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


def is_comma_ok(assertion: Node, context: FileContext) -> bool:
    """Is a type assertion in its two-value form, which cannot panic?

    `v, ok := x.(T)`, `v, ok = x.(T)`, `var v, ok = x.(T)` (also with `_`).
    """
    values = parent_of(assertion, context)
    if values is None or values.type != "expression_list" or len(values.named_children) != 1:
        return False
    statement = parent_of(values, context)
    if statement is None:
        return False
    if statement.type == "var_spec":
        return len(statement.children_by_field_name("name")) == 2
    left = statement.child_by_field_name("left")
    return (
        statement.type in {"short_var_declaration", "assignment_statement"}
        and left is not None
        and len(left.named_children) == 2
    )


def unary_operator(unary: Node) -> str:
    """The operator token of a unary expression (`&`, `*`, `<-`, `!`, `-`)."""
    operator = unary.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def module_local_method(function: Node, context: FileContext) -> tuple[str, str] | None:
    """`x.m` where x's type is `T` of another package of the module: (its directory, "T.m").

    The directory is absolute, the key of that package's facts.
    """
    operand = function.child_by_field_name("operand") if function.type == "selector_expression" else None
    field = function.child_by_field_name("field")
    known = type_of(operand, context) if operand is not None else None
    module = context.package.module
    if known is None or field is None or module is None or not known.is_foreign or "." not in known.name:
        return None
    package, type_name = known.name.rsplit(".", 1)
    directory = module.facts_directory(package)
    return (directory, f"{type_name}.{context.text(field)}") if directory is not None else None
