"""Every check family; importing this package registers their fragments, facts and checks."""

from golint_resilience.checks import exit_calls, exits, exposure, probes, routes, servers, shutdown, signals

__all__ = ["exit_calls", "exits", "exposure", "probes", "routes", "servers", "shutdown", "signals"]
