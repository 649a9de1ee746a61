"""What a package's own files say about its role (phase 1 of roles.py, cached with its facts).

Plain frozen data, recorded with the other package facts: a `main`, a `//go:build tools`
file, the directories that `//go:generate go run` lines run, the files that import
`testing` or are named like mocks. role_reading.py reads them from a package's files;
roles.py decides the role from them in the parent. This module imports nothing of the
analysis, so that a run the cache answers can decode facts without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RoleFacts:
    """What one package's own files say about its role (phase 1, cached with its facts).

    File names are base names in the package's directory; `root` bounds the directory
    names that count (a checkout under `~/examples/` is no example): the top level of the
    git work tree, else the outermost module around the package (`checkout_root`), else ""
    (no directory name counts).
    """

    is_main: bool = False
    root: str = ""
    tools_file: str = ""  # a file constrained by `//go:build tools`
    generate_targets: tuple[
        tuple[str, str], ...
    ] = ()  # (directory run, "gen.go:3": the `//go:generate` line)
    testing_files: tuple[tuple[str, str], ...] = ()  # (file name, why it is test support)
    files: int = 0  # non-test files
    c_exports: str = ""  # a file with a cgo `//export F`: a main built as a C library or plugin
    delegate: str = ""  # the module-local package a main's main() hands the program to (`main_delegate`)
    delegate_call: str = ""  # the call that does, as written (`etcdmain.Main(os.Args)`)
    code_imports: tuple[str, ...] = ()  # a main's module-local imports whose code it runs (`code_imports`)
    # module-local imports (directories) with the names selected from them (`imported_names`)
    named_imports: tuple[tuple[str, tuple[str, ...]], ...] = ()
