"""Group items by a key, keeping their order: the folder engine groups images by channel count, the
restoring job and the evaluation harness by the model each image goes to."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

Item = TypeVar("Item")
Key = TypeVar("Key", bound=Hashable)


def group_by(items: Iterable[Item], key: Callable[[Item], Key]) -> dict[Key, list[int]]:
    """Indices of ``items`` per key, keys in order of first appearance, indices ascending."""
    groups: dict[Key, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(key(item), []).append(index)
    return groups
