"""The rule catalog: every rule id the tool can report, its default severity and what it means.

Ids are part of the public interface (JSON, JUnit, profile overrides): they are never renamed or reused.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.findings import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    """One documented rule."""

    id: str
    severity: Severity
    summary: str


_ALL = (
    Rule("file-unreadable", Severity.ERROR, "The file cannot be opened or parsed as video."),
    Rule("file-truncated", Severity.ERROR, "The file ends before its own structure says it should."),
    Rule(
        "probe-limit",
        Severity.ERROR,
        "Probing exceeded its time or size limit (hostile or pathological file).",
    ),
    Rule("container-format", Severity.ERROR, "The container, judged by content, is not MP4, MOV or WebM."),
    Rule("video-missing", Severity.ERROR, "The file has no video stream."),
    Rule("duration-range", Severity.ERROR, "The video stream is not 5 to 15 minutes long (inclusive)."),
    Rule("resolution", Severity.ERROR, "The displayed size is not exactly 1920x1080 or 1080x1920."),
    Rule(
        "transparent-mismatch",
        Severity.ERROR,
        "The declared Transparent flag contradicts the file's alpha evidence.",
    ),
    Rule("rotation", Severity.WARNING, "Rotation metadata: the coded size differs from the displayed size."),
    Rule("pixel-aspect", Severity.WARNING, "Pixels are not square (sample aspect ratio is not 1:1)."),
    Rule("frame-rate-low", Severity.WARNING, "The average frame rate is below 25 fps."),
    Rule("frame-rate-variable", Severity.WARNING, "The frame rate is variable."),
    Rule("audio-missing", Severity.WARNING, "The file has no audio track."),
    Rule(
        "moov-at-end",
        Severity.WARNING,
        "The MP4/MOV index (moov) is after the media data: slow to probe remotely.",
    ),
    Rule("extension-mismatch", Severity.WARNING, "The file extension does not match the container."),
    Rule("alpha-unknown", Severity.WARNING, "No evidence either way about an alpha channel."),
    Rule(
        "alpha-opaque",
        Severity.WARNING,
        "An alpha channel is present but every sampled pixel is opaque (--deep).",
    ),
    # --content: the picture (validator.rules.content)
    Rule("scene-cut", Severity.ERROR, "The take is edited: a hard cut or a jump in the picture."),
    Rule("face-missing", Severity.ERROR, "No face in more than a small share of the sampled frames."),
    Rule("face-count", Severity.ERROR, "Two or more faces in more than a small share of the sampled frames."),
    Rule("alpha-hole", Severity.ERROR, "With alpha: the matte is transparent inside the face."),
    Rule(
        "face-small", Severity.WARNING, "The median face height is below a share of the frame's shorter side."
    ),
    Rule("face-edge", Severity.WARNING, "The face touches or leaves the frame's edge."),
    Rule(
        "face-unsteady",
        Severity.WARNING,
        "The face jumps or drifts across the picture (camera or subject moved).",
    ),
    Rule("exposure", Severity.WARNING, "The face is too dark or over-exposed."),
    Rule("blur", Severity.WARNING, "The face is soft or out of focus."),
    Rule("hdr", Severity.WARNING, "PQ/HLG transfer or wide-gamut primaries: providers train on SDR Rec.709."),
    Rule("greenscreen-uneven", Severity.WARNING, "The green-screen background is unevenly lit."),
    Rule("green-spill", Severity.WARNING, "Key green spills onto the subject's face."),
    Rule("alpha-flicker", Severity.WARNING, "With alpha: the opaque area changes abruptly between samples."),
    Rule(
        "content-unchecked", Severity.WARNING, "The content could not be fully analysed (frames undecodable)."
    ),
    # --content, the sound (validator.rules.content_audio)
    Rule("speech-low", Severity.WARNING, "Speech covers too little of the take (--content)."),
    Rule(
        "lead-in-silence",
        Severity.WARNING,
        "The take does not open with silence, mouth closed, before the first word (--content).",
    ),
    Rule("audio-clipping", Severity.WARNING, "The sound clips: samples at full scale (--content)."),
    Rule("audio-level", Severity.WARNING, "The speech is too quiet or too loud (--content)."),
    Rule("audio-noise", Severity.WARNING, "The noise floor between phrases is high (--content)."),
    Rule(
        "audio-unchecked",
        Severity.WARNING,
        "The sound could not be checked: no audio track, or it cannot be decoded (--content).",
    ),
    # jobs --audit: a training job and its media (validator.cloud.audit_rules)
    Rule("job-video-missing", Severity.ERROR, "A job that can be submitted has no Video."),
    Rule("job-portrait-missing", Severity.WARNING, "A job that can be submitted has no Portrait."),
    Rule("job-media-not-found", Severity.ERROR, "The job's Video or Portrait names no existing media asset."),
    Rule(
        "job-media-state",
        Severity.ERROR,
        "The job's Video or Portrait media asset is not Normal (PrepareFail, or still Preparing).",
    ),
    Rule(
        "job-media-unreadable",
        Severity.ERROR,
        "The job's Video or Portrait could not be read (GetMediaInfo refused, or the file behind it).",
    ),
    Rule("job-unreadable", Severity.ERROR, "The job itself could not be read (GetAvatarTrainingJob failed)."),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
"""Every rule by id, in documentation order."""
