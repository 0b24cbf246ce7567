"""Frozen records that cost nothing to define: the facts, findings and profile of a ``check``.

``@dataclass(frozen=True)`` compiles six methods with ``exec`` for each class as its module is
imported, about half a millisecond per class on Python 3.11. For the dozen classes a ``check`` loads,
that was 6-10 ms of every start-up, more than half of the tool's own import time. :func:`record` makes
the same frozen dataclass (``fields``, ``asdict``, ``replace`` and pickling work as before; equality,
hashing and ``repr`` behave as the generated ones) from methods shared by every record, and compiles a
class's ``__init__`` only when the class is first instantiated, once per process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # only type checkers read it; typing has it from Python 3.11 on, typing_extensions costs ms to import

    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated


_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen dataclass with positional-or-keyword fields in declaration order."""
    cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    seen_default = False
    for f in fields:
        if not f.init or f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name}: records take every field in __init__, in order")
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        if seen_default and not has_default:
            raise TypeError(f"{cls.__name__}.{f.name}: a field without a default follows one with a default")
        seen_default = seen_default or has_default
    cls.__record_compare__ = tuple(f.name for f in fields if f.compare)  # type: ignore[attr-defined]
    cls.__record_hash__ = tuple(  # type: ignore[attr-defined]
        f.name for f in fields if (f.compare if f.hash is None else f.hash)
    )
    cls.__record_repr__ = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
    for name, method in _SHARED.items():
        if name not in cls.__dict__:
            setattr(cls, name, method)
    return cls


def _init_on_first_call(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    init = _compile_init(cls)
    cls.__init__ = init
    init(self, *args, **kwargs)


def _compile_init(cls: type) -> Callable[..., None]:
    """The ``__init__`` a frozen dataclass would have: each field set with ``object.__setattr__``."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": dataclasses.MISSING}
    params = ["self"]
    body = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"    if {f.name} is _MISSING:\n        {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
        body.append(f"    _set(self, {f.name!r}, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    exec(f"def __init__({', '.join(params)}):\n" + "\n".join(body or ["    pass"]), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _values(obj: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = self.__record_compare__
    return _values(self, names) == _values(other, names)


def _hash(self: Any) -> int:
    return hash(_values(self, self.__record_hash__))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{type(self).__qualname__}({shown})"


def _setattr(self: Any, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


_SHARED: dict[str, Callable[..., Any]] = {
    "__init__": _init_on_first_call,
    "__eq__": _eq,
    "__hash__": _hash,
    "__repr__": _repr,
    "__setattr__": _setattr,
    "__delattr__": _delattr,
}
