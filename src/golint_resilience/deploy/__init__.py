"""The deployment front end: Kubernetes manifests, Dockerfiles and systemd units.

discover (sources.py) → parse (kubernetes.py, dockerfile.py, systemd.py) → link each
container or unit to the Go `main` package it runs (linking.py) → check the pair
(rules.py) with the service facts the Go analysis recorded (servicefacts.py).
"""
