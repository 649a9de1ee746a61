"""Safe fixes: the edits checks propose, the imports they need and applying them to files."""
