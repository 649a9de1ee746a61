"""A linked program as deployment checks see it: its facts over its module-local imports."""

from __future__ import annotations

from dataclasses import dataclass

from golint_resilience.analysis.facts import (
    SERVES_HTTP_FUNCTION,
    STARTS_HTTP_SERVER,
    FactStore,
    running_flags,
)
from golint_resilience.analysis.servicefacts import ALL_SIGNALS, RouteFact, ServiceFacts, covers, request_path


@dataclass(frozen=True)
class Service:
    """What a main package and the module-local packages it imports do, together."""

    facts: ServiceFacts
    serves_http: bool

    def route_for(self, path: str) -> RouteFact | None:
        """The registration that serves a request path, as net/http matches it (None: none)."""
        request = request_path(path)
        serving = [r for r in self.facts.routes if covers(r.path, r.subtree, request)]
        return max(serving, key=lambda r: (r.path == request, len(r.path)), default=None)

    @property
    def shutdown_seconds(self) -> float | None:
        """The longest graceful shutdown deadline (None: none known)."""
        return max((d.seconds for d in self.facts.deadlines), default=None)

    def handles(self, signal: str) -> bool | None:
        """Does the program ask for this signal? None: cannot tell."""
        signals = self.facts.signals
        if not self.facts.signals_complete or not signals or ALL_SIGNALS in signals:
            return None
        return signal in signals


def service(directory: str, store: FactStore) -> Service:
    """The service a main package makes, with its imports' facts."""
    merged = ServiceFacts()
    flags: set[str] = set()
    for facts, running in running_flags(directory, store):
        merged = merged.merged(facts.service)
        flags.update(running)
    return Service(merged, bool(flags & {STARTS_HTTP_SERVER, SERVES_HTTP_FUNCTION}))
