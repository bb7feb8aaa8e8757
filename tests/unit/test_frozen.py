"""@frozen records behave as @dataclass(frozen=True) ones, to the rest of Python too."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from datetime import date

import pytest

from desktop.frozen import field, field_names, frozen, replace


@frozen
class Point:
    """A record with a default, a factory and a check."""

    x: int
    on: date
    label: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    note: str = field(default="n")

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError("x cannot be negative")

    @property
    def double(self) -> int:
        return 2 * self.x


@dataclasses.dataclass(frozen=True)
class Twin:
    x: int
    on: date
    label: str = ""
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str = dataclasses.field(default="n")


@frozen
class Empty:
    pass


@frozen
class One:
    value: int


DAY = date(2026, 1, 2)


def test_construction_defaults_and_post_init_as_a_dataclass() -> None:
    p = Point(1, DAY, label="a")
    assert (p.x, p.on, p.label, p.tags, p.note, p.double) == (1, DAY, "a", (), "n", 2)
    assert Point(x=1, on=DAY).tags is not None
    assert Point.label == "" and Point.note == "n" and not hasattr(Point, "tags")  # as dataclasses leaves them
    with pytest.raises(ValueError, match="negative"):
        Point(-1, DAY)
    with pytest.raises(TypeError):
        Point(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, DAY, nope=2)  # type: ignore[call-arg]


def test_eq_hash_repr_and_match_args_as_a_dataclass() -> None:
    p, twin = Point(1, DAY, "a", ("t",)), Twin(1, DAY, "a", ("t",))
    assert p == Point(1, DAY, "a", ("t",)) and p != Point(2, DAY, "a", ("t",))
    assert p != twin  # another class: never equal, as between two dataclasses
    assert hash(p) == hash(Point(1, DAY, "a", ("t",))) == hash(dataclasses.astuple(twin))
    assert repr(p) == repr(twin).replace("Twin", "Point")
    assert Point.__match_args__ == Twin.__match_args__
    assert Empty() == Empty() and repr(Empty()) == "Empty()" and hash(Empty()) == hash(())
    assert One(1) == One(1) != One(2) and hash(One(1)) == hash((1,)) and repr(One(1)) == "One(value=1)"


def test_fields_are_read_only() -> None:
    p = Point(1, DAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.label


def test_dataclasses_functions_work_on_records() -> None:
    p = Point(1, DAY, "a", ("t",))
    assert dataclasses.is_dataclass(p)
    assert [f.name for f in dataclasses.fields(p)] == [f.name for f in dataclasses.fields(Twin)]
    assert list(field_names(p)) == [f.name for f in dataclasses.fields(p)]
    assert dataclasses.asdict(p) == dataclasses.asdict(Twin(1, DAY, "a", ("t",)))
    assert dataclasses.replace(p, x=5) == replace(p, x=5) == Point(5, DAY, "a", ("t",))
    with pytest.raises(ValueError, match="negative"):
        replace(p, x=-1)  # the copy is checked as a new record is
    assert pickle.loads(pickle.dumps(p)) == p


def test_reading_records_imports_no_dataclasses() -> None:
    code = (
        "import sys\n"
        "from desktop.domain.entities import DataCenter\n"
        "from desktop.frozen import replace\n"
        "site = replace(DataCenter('a', capacity_mw=2.0), id=3)\n"
        "assert site == DataCenter('a', capacity_mw=2.0, id=3) and 'dataclasses' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
