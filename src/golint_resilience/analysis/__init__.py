"""What Go code means: names and types, facts across packages, prefilter triggers and code roles."""
