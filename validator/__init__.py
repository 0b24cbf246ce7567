"""avatar-preflight: check training videos for Alibaba Cloud ICE digital humans before training.

The library never prints and never exits: it returns facts, findings and reports.
"""

from validator.check import check_file, check_files
from validator.errors import PreflightError, ProbeError, ProfileError, UsageError
from validator.facts import MediaFacts, VideoStreamFacts
from validator.findings import BatchReport, FileReport, Finding, Severity, Verdict
from validator.profile import Profile

__version__ = "0.1.0"

__all__ = [
    "BatchReport",
    "FileReport",
    "Finding",
    "MediaFacts",
    "PreflightError",
    "ProbeError",
    "Profile",
    "ProfileError",
    "Severity",
    "UsageError",
    "Verdict",
    "VideoStreamFacts",
    "__version__",
    "check_file",
    "check_files",
]
