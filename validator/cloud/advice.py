"""What to do about a cloud failure: one sentence per kind of error code, for the line after it.

The service's code, message and request ID say what happened; a person also needs to know whether
to fix a credential, a clock, a job ID, or simply run the command again. Codes are matched by family
(``InvalidSecurityToken.*``), so a variant the documentation does not list still gets the right
advice; an unknown code gets none rather than a guess.
"""

from __future__ import annotations

from validator.cloud.errors import CloudError

_CREDENTIALS = (
    "check the credentials: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (with "
    "ALIBABA_CLOUD_SECURITY_TOKEN for an STS token, which expires), or the profile named by --profile; "
    "'avatar-preflight config' shows which one is used"
)
_CLOCK = (
    "this computer's clock differs from the service's by more than 15 minutes: set it right "
    "(e.g. 'timedatectl set-ntp true' or 'sntp -sS time.apple.com') and run again"
)


def advice(error: CloudError, job_id: str | None = None) -> str | None:
    """One sentence saying what to do about ``error``; ``None`` when there is nothing specific."""
    code = error.code
    job = job_id or "JOB_ID"
    if code.startswith(("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSecurityToken")) or code in (
        "MissingSecurityToken",
        "IncompleteSignature",
        "InvalidSignatureMethod",
    ):
        return _CREDENTIALS
    if code.startswith("InvalidTimeStamp") or code == "RequestTimeTooSkewed":
        return _CLOCK
    if code.startswith(("Forbidden", "AccessDenied", "NoPermission")):
        return (
            "the credential is valid but may not do this: grant its RAM user or role the ICE "
            f"permission for {error.action or 'this action'} (and oss:PutObject on the bucket to upload)"
        )
    if code.startswith("NotFound") and error.action and "AvatarTrainingJob" in error.action:
        return (
            f"job {job} does not exist (deleted, or in another region: check --region); list the "
            "jobs with 'avatar-preflight jobs', or create one with --job-id new"
        )
    if code.startswith(("NotFound", "NoSuchKey", "NoSuchBucket")):
        return "check the media ID, bucket and key; 'avatar-preflight config' shows the bucket used"
    if code == "NoSuchUpload":
        return "the interrupted upload expired on the service: run the command again to start it afresh"
    if error.action == "UpdateAvatarTrainingJob" and code.startswith("InvalidParameter"):
        return (
            "the job may have changed since it was read (another client submitted or edited it): "
            f"look at it with 'avatar-preflight status {job}', then run the command again; "
            "nothing else was changed"
        )
    if code.startswith("Throttling") or code in ("SlowDown", "QpsLimitExceeded"):
        return "the service is still throttling after several retries: wait a minute, then run again"
    if code == "NetworkError" and error.action == "CreateAvatarTrainingJob":
        return (
            "the job may have been created although no answer came: look for it with "
            "'avatar-preflight jobs' and run again with --job-id JOB_ID instead of new, or a second "
            "job is created"
        )
    if code == "NetworkError" and error.action == "SubmitAvatarTrainingJob":
        return (
            f"the job may have been submitted although no answer came: 'avatar-preflight status {job}' "
            "shows whether it is Queuing; submit again only if it is still Init or Fail"
        )
    if code == "NetworkError":
        return (
            "check the endpoint ('avatar-preflight config'), the network and any proxy; "
            "AVATAR_PREFLIGHT_TIMEOUT sets how many seconds to wait for an answer; running the command "
            "again is safe"
        )
    if code == "CrcMismatch":
        return "the upload was corrupted on the way: run the command again (it uploads the file afresh)"
    if code in ("PrepareFail", "PrepareTimeout"):
        return "the service could not read the uploaded file: check it with 'avatar-preflight check FILE'"
    if code == "WaitTimeout":
        return f"training goes on: follow it with 'avatar-preflight status {job}'"
    if error.status is not None and error.status >= 500:
        return (
            "the service failed after several retries: run the command again later; quote the request ID "
            "if you contact support"
        )
    return None
