"""Scheduling: which directories the cache answers, and which go to worker processes, in what batches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from golint_resilience.engine import interrupts
from golint_resilience.engine.cache import ResultCache
from golint_resilience.engine.directory import analyse_directory, load_analysis, lookup, overlaid
from golint_resilience.engine.results import DirectoryResult
from golint_resilience.golang.discover import PackageDir
from golint_resilience.settings import RunSettings

Job = tuple[list[PackageDir], RunSettings, "ResultCache | None"]
_BATCH_BYTES = 512 * 1024  # small directories travel together, so that scheduling costs stay small
_BATCHES_PER_JOB = 16  # ... but a small tree is still cut finely enough to keep every worker busy


def _worker(job: Job) -> list[DirectoryResult]:
    directories, settings, cache = job
    return [analyse_directory(directory, settings, cache) for directory in directories]


def _size(directory: PackageDir) -> int:
    total = 0
    for file in directory.files:
        try:
            total += file.stat().st_size
        except OSError:
            continue
    return total


def _batches(directories: list[PackageDir], jobs: int) -> list[list[PackageDir]]:
    """Largest directories first, each alone; the small ones grouped into batches.

    Largest first keeps every worker busy to the end (no big package is left for last).
    """
    sized = sorted(((_size(d), d) for d in directories), key=lambda p: -p[0])
    limit = min(_BATCH_BYTES, sum(size for size, _ in sized) // (jobs * _BATCHES_PER_JOB))
    batches: list[list[PackageDir]] = []
    batch: list[PackageDir] = []
    batch_bytes = 0
    for size, directory in sized:
        batch.append(directory)
        batch_bytes += size
        if batch_bytes >= limit:
            batches.append(batch)
            batch, batch_bytes = [], 0
    if batch:
        batches.append(batch)
    return batches


def analyse_all(
    directories: list[PackageDir],
    settings: RunSettings,
    cache: ResultCache | None,
    overlay: Mapping[str, bytes] | None = None,
) -> Iterator[DirectoryResult]:
    """Results of every directory, in no particular order (the caller sorts).

    The parent looks every directory up in the cache (reading and hashing its files is
    cheap); only the others go to the workers, which read the files again themselves
    and key what they store by what they read. With an overlay (contents not on disk),
    every directory is analysed here, without the cache.
    """
    if overlay is not None:
        for directory in directories:
            yield analyse_directory(directory, settings, None, overlaid(directory, settings, overlay))
        return
    todo = directories
    if cache is not None:
        todo = []
        for directory in directories:
            files, stored = lookup(directory, settings, cache)
            if stored is not None:
                yield stored
            elif settings.jobs <= 1:
                yield analyse_directory(directory, settings, cache, files)
            else:
                todo.append(directory)
    if settings.jobs <= 1 or len(todo) <= 1:
        for directory in todo:
            yield analyse_directory(directory, settings, cache)
        return
    load_analysis()
    import multiprocessing  # noqa: PLC0415 (only a run with work for several workers starts them)

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    workers = min(settings.jobs, len(todo))
    with multiprocessing.get_context(method).Pool(workers, initializer=interrupts.in_worker) as pool:
        jobs: list[Job] = [(batch, settings, cache) for batch in _batches(todo, settings.jobs)]
        for results in pool.imap_unordered(_worker, jobs):
            yield from results
