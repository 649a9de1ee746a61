"""What leaves findings out after the checks: the one stage (stage.py) and the filters it runs in order."""
