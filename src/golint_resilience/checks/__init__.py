"""Every rule module; importing this package registers their fragments, facts and checks.

The modules of this package and of `knowledge` (which registers the fragments that
several rules share) are discovered, not listed: a new check module registers itself by
being here. The registries are then checked against the rule catalog, so a fragment name
that nothing registers, a check without a rule file or a rule file without a check fails
here, at load, with a message naming the rule.
"""

import importlib
import pkgutil
from types import ModuleType

from golint_resilience import knowledge
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.registry import validate_registry


def _modules_of(package_name: str, path: list[str]) -> list[ModuleType]:
    infos = sorted(pkgutil.iter_modules(path), key=lambda m: m.name)
    return [importlib.import_module(f"{package_name}.{info.name}") for info in infos]


MODULES = [  # every module that registers checks, facts or fragments
    *_modules_of(knowledge.__name__, list(knowledge.__path__)),
    *_modules_of(__name__, list(__path__)),
    importlib.import_module("golint_resilience.deploy.rules"),  # the deployment family (RES8xx)
]

validate_registry(load_catalog(), MODULES)
