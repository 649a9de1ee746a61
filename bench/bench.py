"""Benchmark resilint on a Go tree against the tree-sitter parse floor, and against ast-grep.

    python bench/bench.py DIR [--runs 5] [--jobs N] [--ast-grep-config sgconfig.yml]

Prints the files and MB resilint reads (non-test .go files found by `./...`), the
parse-only floor (tree-sitter parsing every one of them in one process, one core), and
the whole-process wall and CPU time of `resilint ./...` (JSON to /dev/null):
cold (empty cache), warm (unchanged tree, cache filled), after a one-line edit of one
file, and `-j 1` against `-j N` without the cache, with peak RSS. Every figure is the
median of --runs runs, taken in rounds (floor, cold, warm, edit, -j1, -jN) so that a
change in the machine's load hits every kind alike. The tree itself is only read: the
edit run works on a hard-linked copy in a temporary directory. resilint's modules are
byte-compiled first, as `pip install` does (an editable install under
PYTHONDONTWRITEBYTECODE would otherwise compile them on every run).

With --ast-grep-config (an ast-grep project file; `ast-grep` on PATH, from
`pip install ast-grep-cli`), each round also runs `ast-grep scan` with those rules on the
tree, and resilint cold on the files ast-grep scans (`--include-tests --include-generated`,
plus `./vendor/...` when the tree has a vendor directory): the like-for-like ratio. Each
round also times a one-file run (`resilint FILE`, warm), what pre-commit and editors do.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import golint_resilience
from golint_resilience.golang.discover import discover
from golint_resilience.golang.parsing import parse

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Sample:
    """One whole-process run: wall and CPU seconds, largest process and whole tree RSS (MiB)."""

    wall: float
    cpu: float
    max_rss: float
    tree_rss: float


@dataclass
class Series:
    """Samples of one kind of run."""

    samples: list[Sample] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(s, name) for s in self.samples)

    def spread(self, name: str) -> str:
        values = [getattr(s, name) for s in self.samples]
        return f"{min(values):.2f}–{max(values):.2f}"


def source_files(directory: Path) -> list[Path]:
    """The files resilint reads with default settings: non-test .go files under `./...`."""
    cwd = Path.cwd()
    os.chdir(directory)
    try:
        found = [f for d in discover(["./..."]) for f in d.files]
    finally:
        os.chdir(cwd)
    return [directory / p for p in found if not p.name.endswith("_test.go")]


def parse_floor(files: list[Path]) -> tuple[float, float]:
    """Seconds (wall, CPU) tree-sitter takes to parse every file in this process, one core."""
    data = [p.read_bytes() for p in files]
    wall = cpu = 0.0
    for source in data:
        start, start_cpu = time.perf_counter(), time.process_time()
        parse(source)
        wall += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
    return wall, cpu


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        stack.extend(int(c) for c in children)
    return found


def _rss(pid: int) -> tuple[int, int]:
    """(largest process, sum over the process tree) resident bytes of `pid` and its descendants."""
    largest = total = 0
    for process in _descendants(pid):
        try:
            resident = int(Path(f"/proc/{process}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        largest, total = max(largest, resident), total + resident
    return largest, total


def measure(command: list[str], cwd: Path) -> Sample:
    """Run a command to completion: wall and CPU time (children included), peak RSS sampled
    every 10 ms from /proc (ru_maxrss would count the memory of this process before exec)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    largest = total = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal largest, total
        while not done.wait(0.01):
            one, tree = _rss(process.pid)
            largest, total = max(largest, one), max(total, tree)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    mib = 1024 * 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, largest / mib, total / mib)


def resilint(jobs: int, cache: Path | None, *arguments: str) -> list[str]:
    """The command line of a resilint run (default: `./...`, the default rules and files)."""
    cache_args = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    return [
        sys.executable,
        "-m",
        "golint_resilience",
        "--format",
        "json",
        "-o",
        os.devnull,
        "--no-progress",
        "-j",
        str(jobs),
        *cache_args,
        *(arguments or ("./...",)),
    ]


def same_files_as_ast_grep(tree: Path) -> list[str]:
    """resilint's arguments for the files ast-grep scans: tests, generated code and vendor/ too."""
    patterns = ["./...", "./vendor/..."] if (tree / "vendor").is_dir() else ["./..."]
    return ["--include-tests", "--include-generated", *patterns]


def ast_grep(config: Path, jobs: int) -> list[str]:
    """`ast-grep scan` with a project's rules over the working directory, JSON to stdout."""
    return ["ast-grep", "scan", "-c", str(config), "-j", str(jobs), "--json=stream", "."]


def linked_copy(source: Path, target: Path) -> None:
    """A copy of the tree whose files are hard links (copies where linking is refused)."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, symlinks=True)


def edit_and_run(tree: Path, edited: Path, jobs: int, cache: Path) -> Sample:
    """Append a comment line to one file (breaking its hard link), run warm, restore it."""
    original = edited.read_bytes()
    edited.unlink()
    edited.write_bytes(original + b"\n// edited by bench.py\n")
    try:
        return measure(resilint(jobs, cache), tree)
    finally:
        edited.unlink()
        edited.write_bytes(original)
        measure(resilint(jobs, cache), tree)  # the cache matches the restored tree again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--runs", type=int, default=5, help="runs of each kind (median reported)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N of -j N [CPU count]")
    parser.add_argument(
        "--ast-grep-config", type=Path, help="an ast-grep project file (sgconfig.yml): compare with ast-grep"
    )
    args = parser.parse_args()
    if args.ast_grep_config is not None:
        args.ast_grep_config = args.ast_grep_config.resolve()
        if shutil.which("ast-grep") is None:
            sys.exit("--ast-grep-config: no ast-grep on PATH (pip install ast-grep-cli)")
    directory = args.directory.resolve()
    compileall.compile_dir(Path(golint_resilience.__file__).parent, quiet=1)
    files = source_files(directory)
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    print(f"tree: {directory}")
    print(f"files: {len(files)} non-test .go, {megabytes:.2f} MB; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    floor, floor_cpu = [], []
    kinds = ["cold", "warm", "edit", "one", "j1", "jN"]
    if args.ast_grep_config is not None:
        kinds += ["same", "sg"]
    series = {kind: Series() for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="resilint-bench-") as scratch:
        tree = Path(scratch) / "tree"
        linked_copy(directory, tree)
        edited = tree / files[len(files) // 2].relative_to(directory)
        for run in range(args.runs):
            wall, cpu = parse_floor(files)
            floor.append(wall)
            floor_cpu.append(cpu)
            cache = Path(scratch) / f"cache-{run}"
            series["cold"].samples.append(measure(resilint(args.jobs, cache), tree))
            series["warm"].samples.append(measure(resilint(args.jobs, cache), tree))
            series["edit"].samples.append(edit_and_run(tree, edited, args.jobs, cache))
            one_file = str(edited.relative_to(tree))
            series["one"].samples.append(measure(resilint(args.jobs, cache, one_file), tree))
            series["j1"].samples.append(measure(resilint(1, None), tree))
            series["jN"].samples.append(measure(resilint(args.jobs, None), tree))
            if args.ast_grep_config is not None:
                same = resilint(args.jobs, Path(scratch) / f"same-{run}", *same_files_as_ast_grep(tree))
                series["same"].samples.append(measure(same, tree))
                series["sg"].samples.append(measure(ast_grep(args.ast_grep_config, args.jobs), tree))
            print(f"  round {run + 1}/{args.runs} done", file=sys.stderr)
    report(args, megabytes, floor, floor_cpu, series, edited.relative_to(tree))


def report(
    args: argparse.Namespace,
    megabytes: float,
    floor: list[float],
    floor_cpu: list[float],
    series: dict[str, Series],
    edited: Path,
) -> None:
    floor_wall = statistics.median(floor)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"medians of {args.runs} runs (min–max); wall and CPU in seconds, RSS in MiB")
    print(
        f"parse-only floor, 1 core: {floor_wall:.2f} s ({min(floor):.2f}–{max(floor):.2f}), "
        f"CPU {statistics.median(floor_cpu):.2f} s, {megabytes / floor_wall:.1f} MB/s"
    )
    labels = {
        "cold": f"cold  -j {args.jobs} (empty cache)",
        "warm": f"warm  -j {args.jobs} (unchanged tree)",
        "edit": f"edit  -j {args.jobs} (one file changed)",
        "one": "one file (warm): resilint FILE",
        "j1": "-j 1, no cache",
        "jN": f"-j {args.jobs}, no cache",
        "same": f"same files as ast-grep, cold -j {args.jobs}",
        "sg": f"ast-grep scan -j {args.jobs}",
    }
    labels = {kind: label for kind, label in labels.items() if kind in series}
    print(f"{'run':<34} {'wall':>6} {'(min–max)':>13} {'CPU':>6} {'max RSS':>8} {'tree RSS':>9}")
    for kind, label in labels.items():
        s = series[kind]
        print(
            f"{label:<34} {s.median('wall'):6.2f} {s.spread('wall'):>13} {s.median('cpu'):6.2f} "
            f"{s.median('max_rss'):8.0f} {s.median('tree_rss'):9.0f}"
        )
    print(f"edited file: {edited}")

    def paired(numerator: list[float], denominator: list[float]) -> str:
        ratios = [a / b for a, b in zip(numerator, denominator, strict=True)]
        return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"

    walls = {kind: [s.wall for s in v.samples] for kind, v in series.items()}
    print("ratios: median of the per-round (paired) ratios (min–max)")
    print(f"cold / floor:  {paired(walls['cold'], floor)}   target ≤ 0.75, stretch ≤ 0.6")
    print(f"warm / cold:   {paired(walls['warm'], walls['cold'])}   target ≤ 0.15, stretch ≤ 0.1")
    print(f"edit / cold:   {paired(walls['edit'], walls['cold'])}")
    print(f"-j 1 / -j {args.jobs}:   {paired(walls['j1'], walls['jN'])}   speed-up of -j {args.jobs}")
    print(f"one file:      {series['one'].median('wall'):.2f} s whole process, warm   target ≤ 0.15 s")
    if "sg" in series:
        print(f"default / ast-grep:     {paired(walls['cold'], walls['sg'])}   target ≤ 0.5")
        print(f"same files / ast-grep:  {paired(walls['same'], walls['sg'])}   target ≤ 0.8")
        same, sg = series["same"], series["sg"]
        print(
            f"peak RSS, same files: resilint {max(s.max_rss for s in same.samples):.0f} MiB per process, "
            f"ast-grep {max(s.max_rss for s in sg.samples):.0f} MiB"
        )
    peak = max(max(s.max_rss, s.tree_rss) for v in series.values() for s in v.samples)
    print(f"peak RSS: {peak:.0f} MiB (largest of: one process, sum over the process tree)")


if __name__ == "__main__":
    main()
