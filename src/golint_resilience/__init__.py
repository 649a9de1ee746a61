"""resilint: finds resilience anti-patterns in Go code with tree-sitter."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("resilint")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
