"""The states of an avatar-training job, as the ICE API spells them: one vocabulary for the client
(:mod:`validator.cloud`) and the sandbox that serves the same API (:mod:`validator.sandbox`).

Only the words are shared. What each state allows (Transparent editable, Video frozen while busy)
is written twice on purpose: the sandbox enforces the service's rules and the client predicts them
(:mod:`validator.cloud.jobstate`), so a client that mispredicts a rule meets a sandbox that refuses,
and a test notices. A rule shared between the two would agree with itself whatever the service does.
"""

from __future__ import annotations

from enum import Enum


class JobStatus(str, Enum):
    """The documented job states. The client keeps a job's status as the service's string, since
    the service has shown values outside these five; a member compares and hashes as its string."""

    INIT = "Init"
    QUEUING = "Queuing"
    TRAINING = "Training"
    SUCCESS = "Success"
    FAIL = "Fail"


FINAL = frozenset({JobStatus.SUCCESS, JobStatus.FAIL})
"""States a job does not leave by itself: training is over."""
