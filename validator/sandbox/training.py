"""The end of training: examine the job's video with the project's probe and decide.

This is where the sandbox makes the product's point visible: a video that breaks the training
rules, or a ``Transparent`` flag that contradicts the video, fails the job with a message saying
why, exactly as the real service fails it (only later and less helpfully).
"""

from __future__ import annotations

from validator.sandbox.jobs import Job, Verdict
from validator.sandbox.media import MediaLibrary, MediaStatus
from validator.sandbox.probe import ProbeFn, describe_problems


def make_verdict(media: MediaLibrary, probe: ProbeFn) -> Verdict:
    """A :data:`~validator.sandbox.jobs.Verdict` that probes the job's registered video."""

    def verdict(job: Job) -> str | None:
        if job.portrait and media.find(job.portrait) is None:
            return f"The Portrait media asset {job.portrait} does not exist."
        if not job.video:
            return "The job has no Video."
        asset = media.find(job.video)
        if asset is None:
            return f"The Video media asset {job.video} does not exist."
        if asset.status is MediaStatus.PREPARE_FAIL:
            return f"The Video media asset {job.video} could not be prepared: {asset.message}"
        path = media.path_of(asset)
        if path is None:
            return f"The video file oss://{asset.bucket}/{asset.key} no longer exists."
        # The service treats an undeclared flag as opaque video.
        transparent = bool(job.transparent)
        try:
            outcome = probe(path, transparent)
        except Exception as exc:  # an unreadable upload fails the job, not the sandbox
            return f"The video could not be examined: {exc}"
        if outcome.problems:
            return "The video does not meet the training requirements: " + describe_problems(outcome.problems)
        if outcome.facts is None:
            return "The video could not be read."
        return None

    return verdict
