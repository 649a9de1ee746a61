"""A Dockerfile's build context, which the Dockerfile itself does not name.

`docker build -f build/app.Dockerfile .` is as common as a Dockerfile at the root: the
candidates are the Dockerfile's directory and each of its parents up to the module root
(or the Dockerfile's directory outside a module), nearest first.
"""

from __future__ import annotations

from pathlib import Path

from golint_resilience.deploy.dockerfile import Dockerfile
from golint_resilience.golang.gomod import find_module


def candidates(dockerfile: Dockerfile) -> list[Path]:
    """Directories that may be the build context, nearest first."""
    directory = dockerfile.file.path.parent.resolve()
    module = find_module(directory)
    top = module.root if module is not None else directory
    found = [directory]
    while directory not in {top, directory.parent}:
        directory = directory.parent
        found.append(directory)
    return found


def copied_script(dockerfile: Dockerfile, name: str) -> list[str] | None:
    """The lines of the file named `name` that the final stage copies in, if the tree has it."""
    for source, _destination in dockerfile.copies:
        if Path(source).name != name:
            continue
        for directory in candidates(dockerfile):
            try:
                return (directory / source).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
    return None
