"""RES701 pprof-exposed: the profiler registered on a default mux that the network can reach."""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.analysis.facts import SERVES_DEFAULT_MUX, SERVES_DEFAULT_MUX_SOMEWHERE, ClosureFlags
from golint_resilience.analysis.triggers import Imports
from golint_resilience.golang.index import string_value
from golint_resilience.registry import CheckContext, Report, check, fragment, report

PPROF = "net/http/pprof"

BLANK_IMPORTS = "blank_imports"
fragment(
    BLANK_IMPORTS,
    """
(import_spec
  name: (blank_identifier)
  path: (_) @path) @import
""",
    (Imports(PPROF.encode()),),
)


@check("RES701", fragments=(BLANK_IMPORTS,))
def pprof_exposed(ctx: CheckContext) -> Iterator[Report]:
    """A blank pprof import where the default mux is served beyond loopback.

    Served by the package itself or, for a package main, by its module-local imports;
    an address known only at run time is said to be so.
    """
    facts = ctx.own_facts
    for match in ctx.matches(BLANK_IMPORTS):
        if string_value(match.node("path"), match.context.file) != PPROF:
            continue
        node, context = match.node("import"), match.context
        if SERVES_DEFAULT_MUX in facts.flags:
            yield report(node, context, address=facts.witnesses[SERVES_DEFAULT_MUX])
        elif SERVES_DEFAULT_MUX_SOMEWHERE in facts.flags:
            yield report(
                node, context, "unknown_address", address=facts.witnesses[SERVES_DEFAULT_MUX_SOMEWHERE]
            )
        elif ctx.package.is_main:
            directory = str(ctx.package.directory)
            exposed = ClosureFlags(directory, any_of=(SERVES_DEFAULT_MUX,), witness="address")
            somewhere = ClosureFlags(
                directory,
                any_of=(SERVES_DEFAULT_MUX_SOMEWHERE,),
                none_of=(SERVES_DEFAULT_MUX,),
                witness="address",
            )
            yield report(node, context, condition=exposed)
            yield report(node, context, "unknown_address", condition=somewhere)
