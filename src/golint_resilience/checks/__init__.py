"""Every check family; importing this package registers their fragments, facts and checks."""

from golint_resilience.checks import exit_calls, exits, retries, retry_loops

__all__ = ["exit_calls", "exits", "retries", "retry_loops"]
