"""`python -m golint_resilience` runs the CLI."""

from golint_resilience.cli import main

main(prog_name="resilint")
