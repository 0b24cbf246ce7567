"""The picture rules on hand-built facts, for what no generated take shows (a face at the edge, an
uneven screen, a flickering matte, HDR, nothing decodable), and the sharpness measure on a frame
blurred on purpose. Rules are pure: facts in, findings out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from validator.content.facts import Box, ContentFacts, Sample
from validator.profile import default_profile, from_mapping
from validator.rules.content import evaluate

PROFILE = default_profile()


def facts_of(**video: object) -> object:
    from fractions import Fraction

    from validator.facts import AlphaEvidence, MediaFacts, VideoStreamFacts

    stream = VideoStreamFacts(
        index=0, codec="h264", profile="High", width=1920, height=1080, rotation=0,
        sample_aspect_ratio=None, average_rate=Fraction(30), nominal_rate=Fraction(30),
        pix_fmt="yuv420p", bit_depth=8, duration=40.0, duration_source=None, frames=None,
    )  # fmt: skip
    return MediaFacts(
        path="take.mp4", size=1, container="mp4", format_name="mp4", brand="isom",
        video=replace(stream, **video), video_stream_count=1, audio=(), container_duration=40.0,
        moov_position=None, fragmented=False, truncated=False, alpha=AlphaEvidence(), bytes_read=1,
    )  # fmt: skip


def centred(t: float, **more: object) -> Sample:
    base = Sample(t, faces=(Box(800, 300, 320, 320),), luma=150.0, sharpness=150.0)
    return replace(base, **more)


def content(samples: list[Sample], **more: object) -> ContentFacts:
    return ContentFacts(40.0, 1920, 1080, 360, tuple(samples), **more)  # type: ignore[arg-type]


def rules(facts: ContentFacts, media: object | None = None, profile: object = PROFILE) -> set[str]:
    found = evaluate(facts, media or facts_of(), profile)  # type: ignore[arg-type]
    return {f.rule for f in found if not f.rule.startswith(("audio", "speech", "lead-in"))}


STEADY = [centred(2.0 * i) for i in range(20)]


def test_a_steady_take_passes_every_picture_rule() -> None:
    assert rules(content(STEADY)) == set()


def test_a_face_at_the_edge() -> None:
    edge = [replace(s, faces=(Box(1700, 300, 220, 220),)) if i >= 10 else s for i, s in enumerate(STEADY)]
    assert rules(content(edge)) == {"face-edge", "face-unsteady"}
    found = evaluate(content(edge), facts_of(), PROFILE)  # type: ignore[arg-type]
    assert next(f for f in found if f.rule == "face-edge").at[0].start == STEADY[10].time


def test_an_uneven_green_screen_and_spill() -> None:
    even = [replace(s, key_share=0.7, key_spread=0.05, spill=0.01) for s in STEADY]
    assert rules(content(even)) == set()
    uneven = [replace(s, key_spread=0.6) for s in even]
    assert rules(content(uneven)) == {"greenscreen-uneven"}
    room = [replace(s, key_share=0.01, key_spread=None, spill=0.5) for s in STEADY]
    assert rules(content(room)) == set(), "spill is judged only on a green-screen take"


def test_a_flickering_matte() -> None:
    steady = [replace(s, opaque=0.3, face_opaque=1.0) for s in STEADY]
    assert rules(content(steady)) == set()
    flicker = [replace(s, opaque=0.8) if i == 7 else s for i, s in enumerate(steady)]
    found = evaluate(content(flicker), facts_of(), PROFILE)  # type: ignore[arg-type]
    assert {f.rule for f in found} >= {"alpha-flicker"}
    spans = next(f for f in found if f.rule == "alpha-flicker").at
    assert [(s.start, s.end) for s in spans] == [(12.0, 14.0), (14.0, 16.0)]


@pytest.mark.parametrize(
    ("video", "fires"),
    [
        ({}, False),
        ({"color_transfer": "bt709", "color_primaries": "bt709"}, False),
        ({"color_transfer": "smpte2084", "color_primaries": "bt2020"}, True),
        ({"color_transfer": "arib-std-b67"}, True),
        ({"color_primaries": "bt2020"}, True),
    ],
)
def test_hdr_from_the_stream_header(video: dict[str, str], fires: bool) -> None:
    assert ("hdr" in rules(content(STEADY), facts_of(**video))) is fires


def test_content_that_could_not_be_decoded_is_a_finding() -> None:
    assert rules(content([])) == {"content-unchecked"}
    assert rules(content(STEADY, samples_failed=10)) == {"content-unchecked"}
    assert rules(content(STEADY, samples_failed=1)) == set()


def test_thresholds_and_severities_are_profile_data() -> None:
    small = [replace(s, faces=(Box(900, 400, 200, 200),)) for s in STEADY]  # 200/1080: 19%
    assert "face-small" in rules(content(small))
    lenient = from_mapping({"face-min-height": 0.15}, origin="test")
    assert "face-small" not in rules(content(small), profile=lenient)
    off = from_mapping({"severity": {"face-small": "off"}}, origin="test")
    assert "face-small" not in rules(content(small), profile=off)


def test_blur_reads_low_on_a_soft_face_and_not_on_a_dark_one(content_take: Callable[[str], Path]) -> None:
    import av
    import cv2
    import numpy as np

    from validator.content.measure import Geometry, measure

    geometry = Geometry(1920, 1080, 0)
    with av.open(str(content_take("steady"))) as container:
        frame = next(container.decode(video=0))
    picture = frame.to_ndarray(format="rgb24")

    def sharpness(image: object) -> float:
        sample, _ = measure(av.VideoFrame.from_ndarray(image, format="rgb24"), 0.0, geometry)
        assert sample.faces and sample.sharpness is not None
        return sample.sharpness

    assert sharpness(picture) >= PROFILE.blur_min_sharpness
    assert sharpness(cv2.GaussianBlur(picture, (0, 0), 6)) < PROFILE.blur_min_sharpness
    assert sharpness((picture * 0.25).astype(np.uint8)) >= PROFILE.blur_min_sharpness
