"""Soak: analyse every package of a tree with every rule, and report crashes and slow files.

    python bench/soak.py DIR [PATTERN ...] [--jobs N] [--slowest 10]

Runs in DIR (patterns default to ./...; add ./vendor/... for a vendor tree) with
`--select ALL --include-tests --include-generated` and no cache. Each directory is timed
in its worker; the slowest directories then have each of their files timed alone (a file
alone is analysed as a package of one file), which names the files that cost the time.
Prints the wall time, the tool errors (crashes of a check), the notices of files that ran
out of budget or could not be searched completely, and the slowest directories and files.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

from golint_resilience.catalog.specs import load_catalog
from golint_resilience.engine.directory import analyse_directory
from golint_resilience.engine.results import DirectoryResult
from golint_resilience.golang.discover import PackageDir, discover
from golint_resilience.settings import RunSettings, default_options, select_rules

BUDGET_NOTICES = ("skipped: the analysis", "nested too deeply")


def _settings() -> RunSettings:
    catalog = load_catalog()
    return RunSettings(
        rules=select_rules(catalog, ("ALL",)),
        options=default_options(catalog),
        include_tests=True,
        include_generated=True,
        jobs=1,
    )


def _timed(directory: PackageDir) -> tuple[PackageDir, float, DirectoryResult]:
    started = time.perf_counter()
    result = analyse_directory(directory, _settings())
    return directory, time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("patterns", nargs="*", default=["./..."])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--slowest", type=int, default=10)
    args = parser.parse_args()
    os.chdir(args.tree)
    directories = discover(args.patterns)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        timed = list(pool.imap_unordered(_timed, directories))
    wall = time.perf_counter() - started
    files = sum(result.files for _, _, result in timed)
    crashes = [error for _, _, result in timed for error in result.tool_errors]
    notices = [
        error
        for _, _, result in timed
        for error in result.file_errors
        if any(phrase in error.message for phrase in BUDGET_NOTICES)
    ]
    print(f"{args.tree}: {len(directories)} directories, {files} files, {wall:.1f} s wall (-j {args.jobs})")
    print(f"tool errors (crashes): {len(crashes)}")
    for error in crashes:
        print(f"  {error.path}: {error.rule_id}: {error.message}")
    print(f"budget notices: {len(notices)}")
    for error in notices:
        print(f"  {error.path}: {error.message}")
    slowest = sorted(timed, key=lambda item: -item[1])[: args.slowest]
    print("slowest directories:")
    for directory, seconds, result in slowest:
        print(f"  {seconds:6.2f} s  {result.files:4d} files  {directory.path}")
    per_file = []
    for directory, _, _ in slowest:
        for file in directory.files:
            _, seconds, _ = _timed(PackageDir(directory.path, [file]))
            per_file.append((seconds, file))
    print("slowest files (each analysed alone):")
    for seconds, file in sorted(per_file, key=lambda item: -item[0])[: args.slowest]:
        print(f"  {seconds:6.2f} s  {file.stat().st_size / 1024:8.1f} KB  {file}")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
