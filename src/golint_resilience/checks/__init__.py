"""Every check family; importing this package registers their fragments, facts and checks.

The modules of this package are discovered, not listed: a new check module registers
itself by being here. The registries are then checked against the rule catalog, so a
fragment name that nothing registers, a check without a rule file or a rule file without
a check fails here, at load, with a message naming the rule.
"""

import importlib
import pkgutil

from golint_resilience.catalog import load_catalog
from golint_resilience.checks.framework import validate_registry

MODULES = [  # every module that registers checks, facts or knowledge
    importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
]
MODULES.append(importlib.import_module("golint_resilience.deploy.rules"))  # the deployment family (RES8xx)

validate_registry(load_catalog(), MODULES)
