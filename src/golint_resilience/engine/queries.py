"""The combined query: every fragment a run needs, searched in one pass per file (in C)."""

from __future__ import annotations

from collections.abc import Iterable

from golint_resilience.analysis.triggers import Prefilter
from golint_resilience.golang.index import FileContext, Package
from golint_resilience.golang.parsing import Query, compile_query, matches
from golint_resilience.model import FileError
from golint_resilience.registry import CHECKS, FACT_EXTRACTORS, FRAGMENTS, FactExtractor, Match, Options
from golint_resilience.settings import RunSettings

_MAX_COMPILED_QUERIES = 64  # compiling one costs ~4 ms; the common combinations come first


class CombinedQuery:
    """The fragments a run needs, run in one query pass per file (in C).

    Each file gets a query made of only the fragments whose triggers it contains (most
    files trigger a few): a query costs per node and per pattern, so fewer patterns cost
    less. Compiling a query costs about as much as running it over a few dozen files, so a
    combination is compiled the second time a file asks for it; the first time, and for a
    single fragment, the fragments' own queries (compiled once) run one after the other.
    """

    def __init__(self, names: tuple[str, ...], options: Options) -> None:
        self.names = names
        self.sources = {name: FRAGMENTS[name].source(options) for name in names}
        self.fragment_queries = {
            name: compile_query(source, f"fragment {name}") for name, source in self.sources.items()
        }
        self.prefilter = Prefilter(
            {name: FRAGMENTS[name].triggers(options) for name in names},
            {name: FRAGMENTS[name].package_triggers(options) for name in names},
        )
        self._compiled: dict[tuple[str, ...], tuple[Query, list[str]]] = {}
        self._asked: set[tuple[str, ...]] = set()

    def _query(self, names: tuple[str, ...]) -> tuple[Query, list[str]] | None:
        """The compiled query of a combination of fragments; None: run them one by one."""
        compiled = self._compiled.get(names)
        if compiled is not None:
            return compiled
        if len(names) == 1 or names not in self._asked:
            self._asked.add(names)
            return None
        if len(self._compiled) >= _MAX_COMPILED_QUERIES:
            return None  # a rare combination, once the common ones are compiled
        query = compile_query("\n".join(self.sources[name] for name in names), "combined query")
        owner = [name for name in names for _ in range(self.fragment_queries[name].pattern_count)]
        compiled = self._compiled[names] = (query, owner)
        return compiled

    def run(self, context: FileContext, names: tuple[str, ...], into: dict[str, list[Match]]) -> bool:
        """Run the fragments `names` over one file and file the matches under them.

        False when the search had to drop some (see parsing.MATCH_LIMIT).
        """
        compiled = self._query(names)
        if compiled is None:
            complete = True
            for name in names:
                found, searched = matches(self.fragment_queries[name], context.file.root)
                complete = complete and searched
                into.setdefault(name, []).extend(Match(context, captures) for _, captures in found)
            return complete
        query, owner = compiled
        found, complete = matches(query, context.file.root)
        for pattern, captures in found:
            into.setdefault(owner[pattern], []).append(Match(context, captures))
        return complete


_QUERY_CACHE: dict[tuple[tuple[str, ...], str], CombinedQuery] = {}


def combined_query(names: Iterable[str], settings: RunSettings) -> CombinedQuery:
    """The compiled query for a set of fragments, cached per process."""
    key = (tuple(sorted(set(names))), settings.digest)
    if key not in _QUERY_CACHE:
        _QUERY_CACHE[key] = CombinedQuery(key[0], settings.options)
    return _QUERY_CACHE[key]


def extractors(settings: RunSettings) -> list[FactExtractor]:
    """The fact extractors a run needs (those for deployment files only when it checks some)."""
    return [e for e in FACT_EXTRACTORS if settings.deployment_facts or not e.for_deployment]


def fragments_for(settings: RunSettings) -> set[str]:
    """Every fragment the run's fact extractors and selected checks read."""
    names = {name for extractor in extractors(settings) for name in extractor.fragments}
    names.update(
        name for rule_id in settings.rules if rule_id in CHECKS for name in CHECKS[rule_id].fragments
    )
    return names


_INCOMPLETE_SEARCH = "nested too deeply to search completely: findings in it may be missing"


def collect_matches(package: Package, query: CombinedQuery) -> tuple[dict[str, list[Match]], list[FileError]]:
    """The package's matches by fragment, each file searched for what its prefilter says it may hold."""
    found: dict[str, list[Match]] = {}
    errors = []
    wanted_by_file = query.prefilter.wanted(query.prefilter.searches(package))
    for context, wanted in zip(package.contexts, wanted_by_file, strict=True):
        if not wanted:
            continue
        if not query.run(context, wanted, found):
            errors.append(FileError(context.file.display, _INCOMPLETE_SEARCH))
        if context.file.root.has_error:
            errors.append(
                FileError(
                    context.file.display, "syntax errors: analysed where the tree is sound", partial=True
                )
            )
    return found, errors
