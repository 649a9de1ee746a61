"""The run: one way from discovered packages through parsing, facts and checks to findings.

Also the cache of per-package results and the worker pool.
"""
