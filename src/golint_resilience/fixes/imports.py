"""The name a fix may write for a package, and the edit that imports it when the file does not.

The import goes where gofmt (and goimports) would keep it: into the block's group of
standard-library imports, in path order, else into a new first group; a file with only
single-line imports gets its last one turned into a block. When the name is taken (another
import, a package-level declaration, or a local binding at the fix), or the file imports
nothing (every fix is for a check that resolves an import), there is no fix.
"""

from __future__ import annotations

from golint_resilience.analysis.resolve import is_shadowed
from golint_resilience.fixes.edits import declared_in_package, indentation, insert, line_end, replace
from golint_resilience.golang.index import FileContext, default_import_name, string_value
from golint_resilience.golang.parsing import Node
from golint_resilience.model import Edit


def package_name(path: str, at: Node, context: FileContext) -> tuple[str, tuple[Edit, ...]] | None:
    """How code at `at` can name the standard-library package `path`, with the edits it needs.

    The file's own name for the package when it imports it; else its default name, with
    an edit that adds the import. None when that name means something else at `at`.
    """
    imports = context.imports
    bound = sorted(name for name, imported in imports.by_name.items() if imported == path)
    if bound:
        return (bound[0], ()) if _free(bound[0], at, context) else None
    name = default_import_name(path)
    if name in imports.by_name or not _free(name, at, context) or declared_in_package(name, context):
        return None
    edit = _import_edit(path, context)
    return (name, (edit,)) if edit is not None else None


def _free(name: str, at: Node, context: FileContext) -> bool:
    return not is_shadowed(name, at, context)


def _import_edit(path: str, context: FileContext) -> Edit | None:
    declarations = [d for d in context.file.root.named_children if d.type == "import_declaration"]
    for declaration in declarations:
        spec_list = next((c for c in declaration.named_children if c.type == "import_spec_list"), None)
        if spec_list is not None:
            return _into_block(path, spec_list, context)
    if not declarations:
        return None
    last = declarations[-1]
    specs = [c for c in last.named_children if c.type == "import_spec"]
    lines = sorted([(_spec_path(s, context), context.text(s)) for s in specs] + [(path, f'"{path}"')])
    body = "".join(f"\t{text}\n" for _, text in lines)
    return replace(context, last, f"import (\n{body})")


def _spec_path(spec: Node, context: FileContext) -> str:
    node = spec.child_by_field_name("path")
    return (string_value(node, context.file) or "") if node is not None else ""


def _is_standard(path: str) -> bool:
    return "." not in path.split("/", maxsplit=1)[0]


def _groups(spec_list: Node, context: FileContext) -> list[list[Node]]:
    """The block's import specs in the runs that gofmt sorts separately (split at blank lines)."""
    groups: list[list[Node]] = []
    previous: Node | None = None
    for spec in (c for c in spec_list.named_children if c.type == "import_spec"):
        lines = context.file.data[previous.end_byte : spec.start_byte].split(b"\n") if previous else []
        if previous is None or any(not line.strip() for line in lines[1:-1]):
            groups.append([])
        groups[-1].append(spec)
        previous = spec
    return groups


def _alone_on_line(node: Node, context: FileContext) -> bool:
    return not context.file.data[context.file.line_start(node.start_byte) : node.start_byte].strip()


def _first_line(spec: Node, context: FileContext) -> int:
    """Where the lines of `spec` begin, the comment lines right above it included."""
    top = spec
    sibling = spec.prev_named_sibling
    while (
        sibling is not None
        and sibling.type == "comment"
        and sibling.end_point[0] == top.start_point[0] - 1
        and _alone_on_line(sibling, context)
    ):
        top = sibling
        sibling = sibling.prev_named_sibling
    return context.file.line_start(top.start_byte)


def _into_block(path: str, spec_list: Node, context: FileContext) -> Edit:
    groups = _groups(spec_list, context)
    line = f'"{path}"'
    if not groups:
        return replace(context, spec_list, f"(\n\t{line}\n)")
    standard = next((g for g in groups if all(_is_standard(_spec_path(s, context)) for s in g)), None)
    if standard is None:
        first = groups[0][0]
        indent = indentation(context, first.start_byte)
        return insert(context, _first_line(first, context), f"{indent}{line}\n\n")
    indent = indentation(context, standard[0].start_byte)
    after = next((s for s in standard if _spec_path(s, context) > path), None)
    if after is not None:
        return insert(context, _first_line(after, context), f"{indent}{line}\n")
    return insert(context, line_end(context, standard[-1].end_byte), f"\n{indent}{line}")
