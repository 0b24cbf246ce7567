"""What decoding a sample costs on a stream with B-frames, as a camera or an editor writes it: the
decoder is drained after the target's own packet when the next target is sought afresh, so a
keyframe sample is one packet and any other frame no more than its GOP up to it. The counts follow
from the stream's own index, never from the tool; no time is measured.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from samples.generate.content import TakeSpec, make_take
from validator.content import decode, index
from validator.content.plan import Target

SPEC = replace(TakeSpec(), duration=8.0, width=640, height=360, b_frames=2, audio=False)
"""8 s at 5 fps, a keyframe every 2 s, 2 B-frames: four GOPs of 10 frames."""


@pytest.fixture(scope="module")
def take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_take(tmp_path_factory.mktemp("b-frames") / "b-frames.mp4", SPEC)


def packet_index(path: Path) -> index.PacketIndex:
    import av

    with av.open(str(path)) as container:
        return index.build(container, container.streams.video[0])


def run(path: Path, positions: list[int]) -> tuple[list[tuple[int, int | None]], decode.Tally]:
    """(target pts, decoded frame pts) for a target at each of ``positions`` (decode order), each
    one sought afresh, and what the decoding cost."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = index.build(container, stream)
        targets = sorted((Target(p, packets.pts[p], True, seek=True) for p in positions), key=lambda t: t.pts)
        keyframe_of = {}
        for t in targets:
            key = packets.keyframe_before(t.position)
            keyframe_of[t.position] = (packets.pts[key], key)
        tally = decode.Tally()
        found = decode.decoded(container, stream, targets, keyframe_of=keyframe_of, tally=tally)
        return [(t.pts, frame.pts) for t, frame in found], tally


def test_the_take_reorders_frames(take: Path) -> None:
    """The premise of the two tests below: frames are shown in another order than decoded."""
    packets = packet_index(take)
    assert list(packets.pts) != sorted(packets.pts)
    assert len(packets.keyframes) == round(SPEC.duration / SPEC.gop_seconds)


def test_a_keyframe_sample_costs_one_packet(take: Path) -> None:
    packets = packet_index(take)
    got, tally = run(take, packets.keyframes)
    assert [target for target, _ in got] == sorted(packets.pts[k] for k in packets.keyframes)
    assert all(frame == target for target, frame in got)
    assert tally.packets == len(packets.keyframes) and tally.failed == 0


def test_a_frame_inside_a_gop_costs_its_gop_up_to_it(take: Path) -> None:
    packets = packet_index(take)
    inside = [k + 4 for k in packets.keyframes]  # a P- or B-frame, a few packets into each GOP
    got, tally = run(take, inside)
    assert len(got) == len(inside) and all(frame == target for target, frame in got)
    assert tally.packets == sum(p - packets.keyframe_before(p) + 1 for p in inside)
