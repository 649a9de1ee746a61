"""Values of a closed set of dataclass and enum types as plain data, for the cache on disk.

The cache must hold data only: whoever can write the cache directory (a shared
`RESILINT_CACHE_DIR`, a CI cache restored from another job) must not be able to make
resilint run code. pickle runs whatever a file names; marshal only rebuilds numbers,
strings, tuples, lists, dicts and sets (it can rebuild a code object, but never runs one,
and the decoder rejects it like any other unexpected value). On top of marshal, an object
of a registered type is a tuple of its tag (bytes, which no other value here uses) and
its fields; decoding rebuilds only registered types, so a crafted entry can at worst fail
to decode (a cache miss).
"""

from __future__ import annotations

import dataclasses
import enum
import marshal
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

_MARSHAL_VERSION = 4
_LEAVES = (str, int, float, bool, type(None))
_LEAF_TYPES = frozenset(_LEAVES)
_PATH_TAG = b"Path"  # a file system path, held as its text


class DecodeError(ValueError):
    """The data is not an encoding of registered types."""


class Codec:
    """Encodes and decodes values built from `types` (dataclasses and enums), paths and plain values."""

    def __init__(self, types: Iterable[type]) -> None:
        self._tags: dict[type, bytes] = {}
        self._types: dict[bytes, type] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        for cls in types:
            tag = cls.__name__.encode()
            if tag in self._types or tag == _PATH_TAG:
                msg = f"two registered types are called {cls.__name__}"
                raise ValueError(msg)
            self._tags[cls], self._types[tag] = tag, cls
            if dataclasses.is_dataclass(cls):
                self._fields[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
            elif not issubclass(cls, enum.Enum):
                msg = f"{cls.__name__} is neither a dataclass nor an enum"
                raise TypeError(msg)

    def dumps(self, value: object) -> bytes:
        """The bytes of `value`; TypeError if it holds anything but registered types and plain values."""
        return marshal.dumps(self.encode(value), _MARSHAL_VERSION)

    def loads(self, blob: bytes | memoryview) -> Any:
        """The value `dumps` gave these bytes of; DecodeError if they are anything else."""
        try:
            return self.decode(marshal.loads(blob))
        except DecodeError:
            raise
        # Truncated bytes, an enum value or a field its type refuses, a list as a dict key,
        # nesting deeper than Python recurses.
        except (EOFError, ValueError, TypeError, RecursionError) as exc:
            raise DecodeError(f"{type(exc).__name__}: {exc}") from exc

    def encode(self, value: object) -> Any:
        """`value` as plain data."""
        if isinstance(value, _LEAVES):
            return value
        tag = self._tags.get(type(value))
        if tag is not None:
            if isinstance(value, enum.Enum):
                return (tag, value.value)
            return (tag, *(self.encode(getattr(value, name)) for name in self._fields[type(value)]))
        if isinstance(value, Path):
            return (_PATH_TAG, os.fspath(value))
        mapped = _map_items(value, self.encode)
        if mapped is _NOT_A_CONTAINER:
            msg = f"{type(value).__name__} is not cache data"
            raise TypeError(msg)
        return mapped

    def decode(self, data: object) -> Any:
        """The value that `encode` turned into `data`.

        Dispatched on exact types: marshal rebuilds no subclasses, and a warm run decodes
        every directory's entry, so this loop is most of what such a run spends on the cache.
        """
        if type(data) in _LEAF_TYPES:
            return data
        if type(data) is tuple:
            if data and type(data[0]) is bytes:
                return self._rebuild(data[0], data[1:])
            return data if _only_leaves(data) else tuple([self.decode(item) for item in data])
        if type(data) is list:
            return data if _only_leaves(data) else [self.decode(item) for item in data]
        if type(data) is frozenset:  # most are a fact's few names: decoded as marshal built them
            return data if _only_leaves(data) else frozenset([self.decode(item) for item in data])
        if type(data) is dict:
            return {self.decode(key): self.decode(item) for key, item in data.items()}
        msg = f"unexpected {type(data).__name__}"
        raise DecodeError(msg)

    def _rebuild(self, tag: bytes, values: tuple[object, ...]) -> object:
        if tag == _PATH_TAG:
            if len(values) != 1 or type(values[0]) is not str:
                msg = "a path is held as one string"
                raise DecodeError(msg)
            return Path(values[0])
        cls = self._types.get(tag)
        if cls is None:
            msg = f"unknown type {tag!r}"
            raise DecodeError(msg)
        if issubclass(cls, enum.Enum):
            (value,) = values
            return cls(value)
        if len(values) != len(self._fields[cls]):
            msg = f"{cls.__name__} takes {len(self._fields[cls])} fields, not {len(values)}"
            raise DecodeError(msg)
        return cls(*[self.decode(value) for value in values])


_NOT_A_CONTAINER = object()


def _only_leaves(items: tuple[object, ...] | list[object] | frozenset[object]) -> bool:
    """Are all the items plain values? Then marshal's container is already the decoded one."""
    return _LEAF_TYPES.issuperset(map(type, items))


def _map_items(value: object, function: Callable[[object], object]) -> object:
    """The list, tuple, frozenset or dict `value` with `function` applied to each item (and key)."""
    if isinstance(value, list):
        return [function(item) for item in value]
    if isinstance(value, tuple):
        return tuple(function(item) for item in value)
    if isinstance(value, frozenset):
        return frozenset(function(item) for item in value)
    if isinstance(value, dict):
        return {function(key): function(item) for key, item in value.items()}
    return _NOT_A_CONTAINER
