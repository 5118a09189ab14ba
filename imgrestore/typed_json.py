"""JSON values checked against a dataclass's field types, so bad metadata is one clear error.

Weights metadata and ``-c KEY=VALUE`` settings arrive as JSON; a field of the wrong type would
otherwise surface deep inside a model's constructor as a TypeError traceback.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, Union

from imgrestore.errors import ConfigTypeError


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def conform(value: Any, annotation: Any, where: str) -> Any:
    """``value`` as ``annotation`` wants it (JSON lists become tuples); ConfigTypeError if it does not fit."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is Any:
        return value
    if origin in (Union, types.UnionType):
        for option in args:
            try:
                return conform(value, option, where)
            except ConfigTypeError:
                continue
        raise ConfigTypeError(f"{where}: expected {_type_name(annotation)}, got {value!r}")
    if origin is Literal:
        if value in args:
            return value
        raise ConfigTypeError(f"{where}: expected one of {', '.join(map(repr, args))}, got {value!r}")
    if annotation is type(None):
        if value is None:
            return None
        raise ConfigTypeError(f"{where}: expected null, got {value!r}")
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise ConfigTypeError(f"{where}: expected a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            items = [conform(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)]
        elif args:
            if len(args) != len(value):
                raise ConfigTypeError(f"{where}: expected {len(args)} values, got {value!r}")
            items = [conform(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args))]
        else:
            items = list(value)
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigTypeError(f"{where}: expected an object, got {value!r}")
        return value
    if annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ConfigTypeError(f"{where}: expected a number, got {value!r}")
    if annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigTypeError(f"{where}: expected an integer, got {value!r}")
    if annotation in (bool, str):
        if isinstance(value, annotation):
            return value
        raise ConfigTypeError(f"{where}: expected {annotation.__name__}, got {value!r}")
    return value  # a type this checker does not know: left to the constructor


def build(cls: type, values: dict[str, Any], where: str) -> Any:
    """An instance of dataclass ``cls`` from JSON ``values`` whose fields are all checked first."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    checked = {key: conform(value, hints[key], f"{where}: field '{key}'") for key, value in values.items() if key in names}
    try:
        return cls(**checked)
    except (TypeError, ValueError) as exc:
        raise ConfigTypeError(f"{where}: {exc}") from None
