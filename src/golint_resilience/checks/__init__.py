"""Every check family; importing this package registers their fragments, facts and checks."""

from golint_resilience.checks import assertions, exit_calls, exits, goroutines, http_timeouts, recovers

__all__ = ["assertions", "exit_calls", "exits", "goroutines", "http_timeouts", "recovers"]
