"""Records behave as the frozen dataclasses they replace: a library user sees no difference."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from validator.facts import AlphaEvidence, AlphaPiece
from validator.findings import Finding, Severity
from validator.profile import Profile
from validator.records import record


@record
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


def test_construction_defaults_and_repr_match_a_frozen_dataclass() -> None:
    ours, theirs = Point(1, tags=("a",)), DataPoint(1, tags=("a",))
    assert repr(ours) == repr(theirs).replace("DataPoint", "Point")
    assert (ours.x, ours.y, ours.tags, ours.extra) == (1, 0, ("a",), {})
    assert Point(1).extra is not Point(1).extra  # a fresh default from the factory each time


def test_equality_and_hashing_use_the_compared_fields() -> None:
    assert Point(1, 2) == Point(1, 2, extra={"ignored": 1})
    assert Point(1, 2) != Point(2, 1)
    assert Point(1, 2).__eq__((1, 2)) is NotImplemented
    assert hash(Point(1, 2)) == hash(Point(1, 2, extra={"x": 1}))
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_fields_cannot_be_assigned_or_deleted() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.y
    assert point.x == 1


def test_dataclass_functions_and_pickling_work() -> None:
    point = Point(1, 2, ("a",))
    assert dataclasses.is_dataclass(point)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "tags", "extra"]
    assert dataclasses.asdict(point) == {"x": 1, "y": 2, "tags": ("a",), "extra": {}}
    assert dataclasses.replace(point, y=5) == Point(1, 5, ("a",))
    assert pickle.loads(pickle.dumps(point)) == point
    finding = Finding("resolution", Severity.ERROR, "too small", fix="ffmpeg ...")
    assert pickle.loads(pickle.dumps(finding)) == finding


def test_wrong_arguments_fail_as_for_any_function() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        Point(1, x=2)  # type: ignore[misc]


def test_post_init_validates_each_instance() -> None:
    with pytest.raises(Exception, match="deep_frames"):
        Profile(deep_frames=0)
    assert Profile(deep_frames=4).deep_frames == 4


def test_a_field_without_default_after_one_with_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="follows one with a default"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


def test_library_records_compare_by_value() -> None:
    piece = AlphaPiece("pix_fmt", True, "pix_fmt yuva420p")
    assert AlphaEvidence((piece,)) == AlphaEvidence((AlphaPiece("pix_fmt", True, "pix_fmt yuva420p"),))
    assert AlphaEvidence((piece,)).transparent is True
