"""The Go front end: discovery of packages, go.mod, sources, parsing and the per-package index."""
