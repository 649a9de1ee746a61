"""The one filter stage between checks and reporters: paths, suppressions, baselines and new-from-rev."""
