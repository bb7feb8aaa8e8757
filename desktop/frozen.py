"""Frozen record classes, built without the dataclasses module.

``@frozen`` makes what ``@dataclass(frozen=True)`` makes for the records the command line
reads with (entities, stage counts, summary and report figures): ``__init__`` with the
annotated fields in order and their defaults, ``__post_init__``, ``__eq__``, ``__hash__``,
``__repr__``, ``__match_args__``, read-only fields (``dataclasses.FrozenInstanceError``).
It exists for start-up time: importing dataclasses costs ~6 ms and each dataclass ~0.5 ms
to build (its methods are compiled from text one by one), a third of a `summary` call;
``@frozen`` compiles one small text per class and reuses shared methods.

They stay dataclasses to the rest of Python: ``dataclasses.fields``, ``replace``, ``asdict``
and ``is_dataclass`` work, as does pytest's field-by-field diff, through a
``__dataclass_fields__`` built (importing dataclasses) the first time something asks for it.
``replace`` and ``field_names`` below do the same without that import.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from typing_extensions import dataclass_transform

    _T = TypeVar("_T")
else:

    def dataclass_transform(**_: object) -> object:
        return lambda decorator: decorator


class _Field:
    """What ``field()`` puts in a class body until ``@frozen`` takes it out."""

    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any, default_factory: Any) -> None:
        self.default = default
        self.default_factory = default_factory


_MISSING: Any = _Field  # a sentinel nothing passes as a default


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None) -> Any:
    """A field's default (``default_factory``: a new value for each record), as dataclasses.field."""
    return _Field(default, default_factory)


def field_names(record: object) -> tuple[str, ...]:
    """The record's fields in order (dataclasses.fields' names, without importing dataclasses)."""
    names: tuple[str, ...] = type(record).__frozen_fields__  # type: ignore[attr-defined]
    return names


def replace(record: _T, **changes: Any) -> _T:
    """A copy of ``record`` with ``changes`` (dataclasses.replace for @frozen records)."""
    values = {name: getattr(record, name) for name in field_names(record)}
    values.update(changes)
    return type(record)(**values)


def _repr(self: object) -> str:
    fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in field_names(self))
    return f"{type(self).__qualname__}({fields})"


def _refuse_set(self: object, name: str, value: object) -> None:
    import dataclasses  # only to raise its error: writing a field is a bug

    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: object, name: str) -> None:
    import dataclasses

    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


class _DataclassFields:
    """``__dataclass_fields__`` built on first use: real dataclasses.Field objects, taken from
    a dataclass with the same fields and defaults, so every dataclasses function works."""

    def __get__(self, record: object, cls: Any) -> dict[str, Any]:
        import dataclasses

        body: dict[str, Any] = {"__annotations__": dict(cls.__frozen_types__)}
        for name, made in cls.__frozen_defaults__.items():
            body[name] = dataclasses.field(default_factory=made.default_factory) if isinstance(made, _Field) else made
        twin: Any = dataclasses.dataclass(frozen=True)(type(cls.__name__, (), body))
        cls.__dataclass_fields__ = twin.__dataclass_fields__
        return cls.__dataclass_fields__


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[_T]) -> type[_T]:
    """A frozen record class from ``cls``'s annotated fields (see the module's docstring)."""
    record: Any = cls  # gets attributes no type declares
    types: dict[str, str] = {}
    for klass in reversed(record.__mro__[:-1]):  # a base's fields first, as dataclasses orders them
        # (not inspect.get_annotations: inspect is one of the imports this module avoids)
        for name, annotation in klass.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
            if not str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                types[name] = annotation
    defaults: dict[str, Any] = {}
    for name in types:
        value = getattr(record, name, _MISSING)
        if isinstance(value, _Field):
            if value.default_factory is not None:
                defaults[name] = value
                delattr(record, name)
                continue
            value = value.default
            setattr(record, name, value)
        if value is not _MISSING:
            defaults[name] = value
        elif defaults:
            raise TypeError(f"non-default argument {name!r} follows default argument")
    names = tuple(types)
    _compile_methods(record, names, defaults)
    made = {
        "__frozen_fields__": names,
        "__frozen_types__": types,
        "__frozen_defaults__": defaults,
        "__repr__": _repr,
        "__setattr__": _refuse_set,
        "__delattr__": _refuse_delete,
        "__match_args__": names,
        "__dataclass_fields__": _DataclassFields(),
    }
    for attribute, value in made.items():
        setattr(record, attribute, value)
    return cls


def _compile_methods(cls: type, names: tuple[str, ...], defaults: dict[str, Any]) -> None:
    """``__init__`` compiled from text (as fast as a dataclass's) when the first record is made:
    compiling costs ~0.15 ms a class, and a command uses few of the classes it imports.
    ``__eq__`` and ``__hash__`` shared, over the fields' values as one tuple."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # the first record's: puts the real one in place
        init = _compiled_init(cls, names, defaults)
        cls.__init__ = init  # type: ignore[misc]
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    made = {"__init__": __init__, "__eq__": _eq, "__hash__": _hash, "__frozen_values__": _values_of(names)}
    for attribute, value in made.items():
        setattr(cls, attribute, value)


def _compiled_init(cls: type, names: tuple[str, ...], defaults: dict[str, Any]) -> Callable[..., None]:
    params, sets = [], []
    scope: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    for name in names:
        if name not in defaults:
            params.append(name)
            value = name
        elif isinstance(defaults[name], _Field):
            scope[f"_factory_{name}"] = defaults[name].default_factory
            params.append(f"{name}=_MISSING")
            value = f"_factory_{name}() if {name} is _MISSING else {name}"
        else:
            scope[f"_default_{name}"] = defaults[name]
            params.append(f"{name}=_default_{name}")
            value = name
        sets.append(f"  _set(self, {name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        sets.append("  self.__post_init__()")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(sets or ["  pass"]), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _values_of(names: tuple[str, ...]) -> staticmethod[[Any], tuple[Any, ...]]:
    """The fields' values as one tuple, as a dataclass compares and hashes them."""
    if len(names) > 1:
        return staticmethod(attrgetter(*names))
    if names:
        only = names[0]
        return staticmethod(lambda record: (getattr(record, only),))
    return staticmethod(lambda record: ())


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self.__frozen_values__(self) == other.__frozen_values__(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__frozen_values__(self))
