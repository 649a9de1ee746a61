"""Every check family; importing this package registers their fragments, facts and checks."""

from golint_resilience.checks import (
    assertions,
    exit_calls,
    exits,
    exposure,
    goroutines,
    http_timeouts,
    probes,
    recovers,
    retries,
    retry_loops,
    routes,
    servers,
    service,
    shutdown,
    signals,
)

__all__ = [
    "assertions",
    "exit_calls",
    "exits",
    "exposure",
    "goroutines",
    "http_timeouts",
    "probes",
    "recovers",
    "retries",
    "retry_loops",
    "routes",
    "servers",
    "service",
    "shutdown",
    "signals",
]
