"""The question types of the language: one module per type in this package, found by name in one registry.

A type module defines a subclass of `QuestionType` (`forms/types/base.py`) decorated with `@register`. The
registry imports every module of this package the first time a type is looked up, so a new type is one new
module here: the YAML loader, the form builder, storage, the answering templates and the exporters all ask
the type's object and never compare its name.
"""
from __future__ import annotations

import importlib
import pkgutil
import threading
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from forms.types.base import QuestionType

T = TypeVar("T", bound="type[QuestionType]")
_registry: dict[str, QuestionType] = {}
_discovered: list[bool] = []
_lock = threading.Lock()


def register(cls: T) -> T:
    """Class decorator: make a question type available under its `name`.

    A second type under a name already taken is refused at import, naming both modules: two modules
    claiming one name is a mistake that would otherwise surface as the wrong form or export."""
    taken = _registry.get(cls.name)
    if taken is not None and _origin(type(taken)) != _origin(cls):
        raise ValueError(f"question type {cls.name!r} of {_origin(cls)} is already registered by "
                         f"{_origin(type(taken))}")
    _registry[cls.name] = cls()
    return cls


def _origin(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def unregister(name: str) -> None:
    """Remove a registered type (for a type registered by a test)."""
    _registry.pop(name, None)


def _discover() -> None:
    if _discovered:
        return
    with _lock:
        if not _discovered:
            for module in pkgutil.iter_modules(__path__):
                if module.name != "base":
                    importlib.import_module(f"{__name__}.{module.name}")
            _discovered.append(True)


def question_type(name: str) -> QuestionType:
    """The type called `name` (KeyError when the language has none)."""
    _discover()
    return _registry[name]


def question_types() -> list[QuestionType]:
    """Every type, in the order the documentation lists them."""
    _discover()
    return sorted(_registry.values(), key=lambda t: (t.position, t.name))


def type_names() -> tuple[str, ...]:
    """The names a questionnaire may use for `type:`."""
    return tuple(t.name for t in question_types())
