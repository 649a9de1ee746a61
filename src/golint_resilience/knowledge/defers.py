"""The `defer` statements of a package: one fragment read by the exit, recover and goroutine checks."""

from __future__ import annotations

from golint_resilience.analysis.triggers import LOCAL_IMPORT, AnyName, StatementStart, Trigger
from golint_resilience.knowledge.exit_calls import exit_triggers
from golint_resilience.registry import Options, fragment

DEFER_STATEMENTS = "defer_statements"
RECOVER_HELPERS_OPTION = ("RES201", "recover-helpers")


def _defers_gate(options: Options) -> tuple[Trigger, ...]:
    """Where a defer statement can matter: what every reader of defer statements needs.

    RES102 an exit call in the same function; RES103 `defer f()` where f exits (an exit call
    in the package, or a module-local import); RES202 and the `defers-recovery` fact a
    `recover` in the package, a configured recover helper, or a module-local import.
    """
    rule, knob = RECOVER_HELPERS_OPTION
    helpers = frozenset(helper.rsplit(".", 1)[-1].encode() for helper in options.get(rule, {}).get(knob, ()))
    return (*exit_triggers(options), b"recover", AnyName(helpers), LOCAL_IMPORT)


fragment(DEFER_STATEMENTS, "(defer_statement) @defer", (StatementStart(b"defer"),), _defers_gate)
