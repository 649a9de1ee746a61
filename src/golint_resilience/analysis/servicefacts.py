"""What a Go package tells deployment checks about the service it belongs to.

Recorded per package in phase 1 (with the other package facts, so the cache keeps them)
and merged over a `main` package and its module-local imports when a deployment file is
checked against the program it runs. Plain frozen data only.
"""

from __future__ import annotations

from dataclasses import dataclass

from golint_resilience.model import Place

ALL_SIGNALS = "*"  # a `signal.Notify` that lists no signal asks for all of them


def request_path(path: str) -> str:
    """A probe's path as a mux matches it: no query, no trailing `/`."""
    return path.split("?", 1)[0].rstrip("/") or "/"


def covers(route_path: str, subtree: bool, request: str) -> bool:
    """Does a registration serve the request path: exactly, or as a subtree above it?"""
    return route_path == request or (subtree and request.startswith(route_path.rstrip("/") + "/"))


@dataclass(frozen=True, slots=True)
class RouteFact:
    """An HTTP route registration whose path could be read."""

    path: str  # as routes.route_path normalises it
    subtree: bool  # written with a trailing `/`: serves every path below it (net/http)
    place: Place
    dependency: str = ""  # the first dependency check its handler makes (RES502's analysis)
    dependency_place: Place | None = None


@dataclass(frozen=True, slots=True)
class DeadlineFact:
    """A graceful `Shutdown(ctx)` whose ctx has a deadline known in seconds."""

    seconds: float
    place: Place  # the WithTimeout call


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """Routes, listen ports, shutdown deadlines and handled signals of one package.

    `*_complete` is False when a registration, address or signal list could not be read:
    then an absence proves nothing.
    """

    routes: tuple[RouteFact, ...] = ()
    routes_complete: bool = True
    ports: tuple[int, ...] = ()
    ports_complete: bool = True
    deadlines: tuple[DeadlineFact, ...] = ()
    signals: tuple[str, ...] = ()  # "SIGTERM", "SIGINT", …; "*" when a Notify lists none (all)
    signals_complete: bool = True

    def merged(self, other: ServiceFacts) -> ServiceFacts:
        """Both packages' facts together (a program is its main package plus its imports)."""
        return ServiceFacts(
            routes=self.routes + other.routes,
            routes_complete=self.routes_complete and other.routes_complete,
            ports=tuple(sorted({*self.ports, *other.ports})),
            ports_complete=self.ports_complete and other.ports_complete,
            deadlines=self.deadlines + other.deadlines,
            signals=tuple(sorted({*self.signals, *other.signals})),
            signals_complete=self.signals_complete and other.signals_complete,
        )
