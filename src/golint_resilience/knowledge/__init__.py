"""Knowledge about libraries and idioms that several rules share; no rule lives here.

net/http clients and requests, contexts, exit calls, deferred cleanups, servers, routes,
service facts and retry loops: what each means, as data and small readers.
"""
