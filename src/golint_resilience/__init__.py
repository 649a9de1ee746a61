"""resilint: finds resilience anti-patterns in Go code with tree-sitter."""

# The single source of the version (pyproject.toml reads it through hatch): a literal,
# because importlib.metadata would add ~50 ms to every start.
__version__ = "0.1.0"
