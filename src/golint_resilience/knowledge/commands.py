"""The functions a command-line framework runs as a command: each is that command's main().

`&cobra.Command{RunE: func(cmd *cobra.Command, args []string) error {…}}`, urfave/cli's
`Action`, paerser's `Run`: the framework calls the function once the command line has
chosen the command, and its end is the end of the program, as main()'s is. The function
may be written in the literal, named by the field (`Run: startProxy`, a function of the
package), or returned by a function of the same file whose call is the field's value
(`Run: runCmd(cfg)`, `func runCmd(…) func([]string) error { return func(…) error {…} }`).
The frameworks and fields are `knowledge/library.CLI_COMMAND_RUN_FIELDS`.
"""

from __future__ import annotations

from golint_resilience.analysis.resolve import ancestors, declared_type, parent_of
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, captures_within
from golint_resilience.knowledge.library import CLI_COMMAND_RUN_FIELDS
from golint_resilience.knowledge.servers import versionless

_KEYED_CALLS = """
(keyed_element
  key: (literal_element (identifier) @key)
  value: (literal_element (call_expression function: (identifier) @function))) @element
"""
_KEYED_NAMES = """
(keyed_element
  key: (literal_element (identifier) @key)
  value: (literal_element (identifier) @function)) @element
"""
_FIELD_NAMES = tuple(sorted({f.encode() for fields in CLI_COMMAND_RUN_FIELDS.values() for f in fields}))


def runs_as_command(literal: Node, context: FileContext) -> bool:
    """Is the function literal what a command-line framework runs as a command?"""
    if _command_field(literal, context):
        return True
    returning = _returning_function(literal, context)
    if returning is None:
        return False
    name = returning.child_by_field_name("name")
    if name is None:
        return False
    wanted = context.text(name)
    for captures in captures_within(context.file.root, _KEYED_CALLS, context.file.budget):
        if context.text(captures["function"][0]) == wanted and _command_field(
            captures["element"][0], context
        ):
            return True
    return False


def runs_as_named_command(declaration: Node, context: FileContext) -> bool:
    """Is the function declaration what a command literal of its package names to run (`Run: f`)?"""
    name = declaration.child_by_field_name("name")
    if declaration.type != "function_declaration" or name is None:
        return False
    return context.text(name) in context.package.remembered(
        ("named commands",), lambda: _named_commands(context)
    )


def _named_commands(context: FileContext) -> frozenset[str]:
    """The functions the package's command literals name in a run field (`RunE: runServe`)."""
    found = set()
    for other in context.package.contexts:
        if not any(field in other.file.data for field in _FIELD_NAMES):
            continue
        for captures in captures_within(other.file.root, _KEYED_NAMES, other.file.budget):
            if _command_field(captures["element"][0], other):
                found.add(other.text(captures["function"][0]))
    return frozenset(found)


def _command_field(node: Node, context: FileContext) -> bool:
    """Is `node` (a literal, or a keyed element) the value of a run field of a command literal?"""
    element: Node | None = node
    if node.type != "keyed_element":
        value = parent_of(node, context)
        element = parent_of(value, context) if value is not None and value.type == "literal_element" else None
    if element is None or element.type != "keyed_element":
        return False
    key = element.child_by_field_name("key")
    body = parent_of(element, context)
    literal = parent_of(body, context) if body is not None else None
    if key is None or literal is None or literal.type != "composite_literal":
        return False
    fields = CLI_COMMAND_RUN_FIELDS.get(
        versionless(declared_type(literal.child_by_field_name("type"), context))
    )
    return fields is not None and context.text(key) in fields


def _returning_function(literal: Node, context: FileContext) -> Node | None:
    """The declaration that returns the literal: `return func(…) {…}` in its body."""
    statement = parent_of(literal, context)
    if statement is not None and statement.type == "expression_list":
        statement = parent_of(statement, context)
    if statement is None or statement.type != "return_statement":
        return None
    for ancestor in ancestors(statement, context):
        if ancestor.type in {"function_declaration", "method_declaration"}:
            return ancestor
        if ancestor.type == "func_literal":
            return None
    return None
