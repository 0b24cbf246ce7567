"""A local sandbox of the ICE avatar-training API and the OSS object API, for tests and CI.

Real SDK clients (``alibabacloud-ice20201109``, ``oss2``) talk to it over loopback::

    from validator.sandbox import Sandbox, SandboxConfig

    with Sandbox(SandboxConfig(queue_seconds=0.2, train_seconds=0.5)) as sb:
        sb.endpoint          # '127.0.0.1:PORT' for the ICE SDK (protocol='http')
        sb.oss_endpoint      # 'http://127.0.0.1:PORT' for oss2.Bucket
        sb.access_key_id, sb.access_key_secret
        sb.faults.set(throttle_share=0.3, seed=1)
        sb.requests.count("UpdateAvatarTrainingJob")   # answered requests, seen from the service
        sb.reset()
"""

from validator.sandbox.clock import Clock, ShiftedClock, SystemClock
from validator.sandbox.config import SandboxConfig, StsCredential
from validator.sandbox.errors import SandboxError
from validator.sandbox.faults import FaultConfig, Faults, Service
from validator.sandbox.probe import ProbeFn, ProbeOutcome, Problem
from validator.sandbox.requestlog import Logged, RequestLog
from validator.sandbox.server import Sandbox

__all__ = [
    "Clock",
    "FaultConfig",
    "Faults",
    "Logged",
    "ProbeFn",
    "ProbeOutcome",
    "Problem",
    "RequestLog",
    "Sandbox",
    "SandboxConfig",
    "SandboxError",
    "Service",
    "ShiftedClock",
    "StsCredential",
    "SystemClock",
]
