"""RES501 heavy-probe-handler, RES502 liveness-checks-dependencies.

A probe handler is found through its route (routes.py). Its work is classified call by
call (knowledge/probe_work.py), in the handler and in same-package functions it calls (two levels deep); the
finding goes on the handler's line where that work starts: the heavy call itself, or
the call of the helper that leads to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from golint_resilience.knowledge.probe_work import Work, WorkSite, first_work
from golint_resilience.knowledge.routes import ROUTE_REGISTRATIONS, Handler, routes
from golint_resilience.registry import CheckContext, Report, check, report


def _probe_reports(
    ctx: CheckContext, paths: frozenset[str], wanted: Callable[[Work], bool]
) -> Iterator[tuple[WorkSite, str]]:
    """For each handler registered on one of `paths`: its first wanted work, and the paths."""
    handlers: dict[tuple[str, int], tuple[Handler, list[str]]] = {}
    for route in routes(ctx):
        if route.path not in paths:
            continue
        for handler in route.handlers:
            entry = handlers.setdefault(handler.key, (handler, []))
            if route.path not in entry[1]:
                entry[1].append(route.path)
    for handler, handler_paths in handlers.values():
        finding = first_work(handler.function, handler.context, wanted)
        if finding is not None:
            yield finding, " and ".join(handler_paths)


def _report(finding: WorkSite, path: str) -> Report:
    if not finding.helpers:
        return report(finding.site, finding.context, path=path, call=finding.work.description)
    via = f" via {' → '.join(finding.helpers[1:])}" if len(finding.helpers) > 1 else ""
    return report(
        finding.site,
        finding.context,
        "via_helper",
        path=path,
        call=finding.helpers[0],
        heavy=finding.work.description + via,
    )


@check("RES501", fragments=(ROUTE_REGISTRATIONS,))
def heavy_probe_handler(ctx: CheckContext) -> Iterator[Report]:
    """Probe handlers that query, call out, sleep, exec or walk the filesystem."""
    paths = frozenset(ctx.option("RES501", "probe-paths"))
    for finding, path in _probe_reports(ctx, paths, lambda work: work.heavy):
        yield _report(finding, path)


@check("RES502", fragments=(ROUTE_REGISTRATIONS,))
def liveness_checks_dependencies(ctx: CheckContext) -> Iterator[Report]:
    """Liveness handlers that ping or query a dependency."""
    paths = frozenset(ctx.option("RES502", "liveness-paths"))
    for finding, path in _probe_reports(ctx, paths, lambda work: work.dependency):
        yield _report(finding, path)
