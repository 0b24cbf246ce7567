"""The picture checks of ``--content`` on the content takes of ``samples.generate.content``: each
take is analysed once per session, and which picture rules fire (and where) follows from how its
``TakeSpec`` built it, never from the tool.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from samples.generate.content import VARIANTS, TakeSpec
from validator.check import check_file
from validator.content.facts import Span
from validator.content.run import content_report
from validator.findings import FileReport
from validator.profile import from_mapping
from validator.rules.content import RULE_IDS

PROFILE = from_mapping({"content-spacing": 2.0}, origin="tests")
"""A sample every 2 s: the takes are 40 s long, their events 10-20 s (the default's 4 s suits 5-15
minute takes)."""
PICTURE = set(RULE_IDS)


@pytest.fixture(scope="session")
def analysed(content_take: Callable[[str], Path]) -> Callable[[str], FileReport]:
    """``analysed(name)`` -> the ``--content`` report of the take ``name``, made once per session."""
    done: dict[str, FileReport] = {}

    def get(name: str) -> FileReport:
        if name not in done:
            path = content_take(name)
            done[name] = content_report(check_file(path), PROFILE)
        return done[name]

    return get


def expected(spec: TakeSpec) -> set[str]:
    """The picture rules a take breaks, by how it was made."""
    rules = set()
    if spec.face_absent is not None:
        rules.add("face-missing")
    if spec.second_face is not None:
        rules.add("face-count")
    if spec.face_height < PROFILE.face_min_height:
        rules.add("face-small")
    if spec.cut_at is not None:
        rules.add("scene-cut")
    if spec.pan is not None:
        rules.add("face-unsteady")
    if spec.brightness < 0.5:
        rules.add("exposure")
    if spec.background == "green" and spec.green_spill > 0:
        rules.add("green-spill")
    if spec.alpha == "hole":
        rules.add("alpha-hole")
    return rules


def fired(report: FileReport) -> set[str]:
    return {f.rule for f in report.findings if f.rule in PICTURE}


def overlaps(found: tuple[Span, ...], made: Span, slack: float) -> bool:
    return any(s.start <= made.end + slack and s.end >= made.start - slack for s in found)


CLEAN_OR_ONE_RULE = [
    "steady",
    "face-leaves",
    "second-face",
    "small-face",
    "pan",
    "dark",
    "greenscreen",
    "greenscreen-spill",
    "alpha-hole",
    "alpha-right",
]


@pytest.mark.parametrize("name", CLEAN_OR_ONE_RULE)
def test_each_take_gets_the_picture_findings_its_spec_calls_for(
    name: str, analysed: Callable[[str], FileReport]
) -> None:
    report = analysed(name)
    assert report.content is not None
    assert fired(report) == expected(VARIANTS[name])
    for finding in report.findings:
        if finding.rule in PICTURE:
            assert finding.fix and finding.expected and finding.actual


def test_a_hard_cut_is_found_at_its_time(analysed: Callable[[str], FileReport]) -> None:
    spec = VARIANTS["hard-cut"]
    report = analysed("hard-cut")
    assert "scene-cut" in fired(report)  # the new framing may also move the face: not asserted
    assert report.content is not None and spec.cut_at is not None
    assert [round(c.time, 1) for c in report.content.cuts] == [spec.cut_at]
    finding = next(f for f in report.findings if f.rule == "scene-cut")
    assert finding.at == (Span(spec.cut_at, spec.cut_at),)


@pytest.mark.parametrize(
    ("name", "rule", "when"),
    [
        ("face-leaves", "face-missing", "face_absent"),
        ("second-face", "face-count", "second_face"),
        ("pan", "face-unsteady", "pan"),
    ],
)
def test_findings_say_where_they_happen(
    name: str, rule: str, when: str, analysed: Callable[[str], FileReport]
) -> None:
    spec = VARIANTS[name]
    made: Span = getattr(spec, when)
    finding = next(f for f in analysed(name).findings if f.rule == rule)
    spacing = PROFILE.content_spacing
    assert finding.at and overlaps(finding.at, made, spacing)
    if rule != "face-unsteady":  # after a pan the face rests elsewhere: "moving" is the pan itself
        assert all(made.start - spacing <= s.start and s.end <= made.end + spacing for s in finding.at)


def test_samples_cover_the_whole_take_and_find_the_face(analysed: Callable[[str], FileReport]) -> None:
    spec = VARIANTS["steady"]
    content = analysed("steady").content
    assert content is not None
    times = [s.time for s in content.samples]
    assert times[0] < PROFILE.content_spacing and times[-1] > spec.duration - 2 * PROFILE.content_spacing
    assert len(times) <= PROFILE.content_samples
    made = spec.face_boxes_at(content.samples[0].time)[0]
    found = content.samples[0].faces[0]
    assert abs(found.x + found.width / 2 - (made.x + made.width / 2)) < made.width / 4
    assert abs(found.height - made.height) < made.height / 4


def test_the_matte_is_measured_only_with_alpha(analysed: Callable[[str], FileReport]) -> None:
    right, steady = analysed("alpha-right").content, analysed("steady").content
    assert right is not None and steady is not None
    assert all(s.opaque is not None and 0 < s.opaque < 1 for s in right.samples)
    least = PROFILE.alpha_face_opaque
    assert all(s.face_opaque is not None and s.face_opaque >= least for s in right.samples)
    assert all(s.opaque is None for s in steady.samples)


def test_green_screen_is_told_from_a_room(analysed: Callable[[str], FileReport]) -> None:
    green, room = analysed("greenscreen").content, analysed("steady").content
    assert green is not None and room is not None
    assert min(s.key_share or 0 for s in green.samples) >= PROFILE.greenscreen_min_share
    assert max(s.key_share or 0 for s in room.samples) < PROFILE.greenscreen_min_share
