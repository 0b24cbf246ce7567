"""The ICE avatar-training API behind a small interface, and its implementation on the official SDK.

:class:`IceService` is what the flow needs; :class:`SdkIceService` speaks it through
``alibabacloud_ice20201109`` with explicit timeouts, retries throttling and 5xx answers with backoff
and jitter (honouring ``x-acs-retry-after``), and turns the SDK's two failure types (the service's
refusal, no answer at all) into one :class:`~validator.cloud.errors.CloudError` carrying the
service's code, message and request ID. Other exceptions are bugs and keep their type.
Parameters travel by their wire names (``AvatarName``, ``Video``...), so what a dry run prints is
exactly what is sent.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from validator.cloud.credentials import MISSING
from validator.cloud.errors import CloudError, CredentialsError
from validator.cloud.ice_views import job_view, media_view
from validator.cloud.jobs import JobPage, JobView, MediaView
from validator.cloud.retry import RetryPolicy, Verdict, call_with_retry
from validator.cloud.transport import transport_failure
from validator.errors import PreflightError

if TYPE_CHECKING:
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_ice20201109.client import Client
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
    from darabonba.model import DaraModel
    from darabonba.runtime import RuntimeOptions
    from Tea.exceptions import UnretryableException

T = TypeVar("T")
Body = TypeVar("Body", covariant=True)
Req = TypeVar("Req", bound="DaraModel", contravariant=True)


class _Response(Protocol[Body]):
    """An SDK ``*Response``: headers, status code and the parsed ``body``."""

    @property
    def body(self) -> Body: ...


UPDATE_FIELDS = {
    "AvatarName": "avatar_name",
    "AvatarDescription": "avatar_description",
    "Thumbnail": "thumbnail",
    "Portrait": "portrait",
    "Video": "video",
    "Transparent": "transparent",
}
"""UpdateAvatarTrainingJob's parameters besides JobId: wire name -> SDK attribute."""

SAFE_TO_REPEAT = frozenset(
    {
        "GetAvatarTrainingJob",
        "ListAvatarTrainingJobs",
        "GetMediaInfo",
        "RegisterMediaInfo",
        "UpdateAvatarTrainingJob",
    }
)
"""Actions retried after a broken connection too (RegisterMediaInfo is idempotent by ClientToken)."""
TIMEOUT_ATTEMPTS = 2
"""Tries in all when the server does not answer in time: once more, then give up (exit 4)."""


class IceService(Protocol):
    """The ICE calls the cloud commands make."""

    def create_job(self, name: str, description: str | None) -> str: ...

    def get_job(self, job_id: str) -> JobView: ...

    def list_jobs(self, status: str | None, page_no: int, page_size: int) -> JobPage: ...

    def update_job(self, job_id: str, fields: Mapping[str, object]) -> None: ...

    def submit_job(self, job_id: str) -> None: ...

    def register_media(self, input_url: str, media_type: str, title: str, client_token: str) -> str: ...

    def get_media(self, media_id: str) -> MediaView: ...


@dataclass(frozen=True)
class Timeouts:
    """Per-request timeouts in seconds."""

    connect: float = 5.0
    read: float = 20.0


RetryObserver = Callable[[str, int, float, CloudError], None]
"""``(action, attempt, wait_seconds, error)``: told before each retry's wait."""


class SdkIceService:
    """:class:`IceService` on the official SDK client (built by :func:`sdk_client`)."""

    def __init__(
        self,
        client: Client,
        *,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_retry: RetryObserver | None = None,
    ) -> None:
        from alibabacloud_ice20201109 import models
        from darabonba.runtime import RuntimeOptions

        self._client = client
        self._models = models
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._on_retry = on_retry
        t = timeouts or Timeouts()
        self._runtime = RuntimeOptions(
            autoretry=False, connect_timeout=int(t.connect * 1000), read_timeout=int(t.read * 1000)
        )
        self.calls: list[str] = []
        """Every action attempted, in order (retries included): what a dry run must leave empty."""

    def __repr__(self) -> str:
        return "SdkIceService()"

    # -- the interface -------------------------------------------------------------------------

    def create_job(self, name: str, description: str | None) -> str:
        request = self._models.CreateAvatarTrainingJobRequest(
            avatar_name=name, avatar_description=description
        )
        body = self._call(
            "CreateAvatarTrainingJob", self._client.create_avatar_training_job_with_options, request
        )
        return str(body.data.job_id)

    def get_job(self, job_id: str) -> JobView:
        request = self._models.GetAvatarTrainingJobRequest(job_id=job_id)
        body = self._call("GetAvatarTrainingJob", self._client.get_avatar_training_job_with_options, request)
        return job_view(body.data.avatar_training_job, job_id)

    def list_jobs(self, status: str | None, page_no: int, page_size: int) -> JobPage:
        request = self._models.ListAvatarTrainingJobsRequest(
            status=status, page_no=page_no, page_size=page_size
        )
        body = self._call(
            "ListAvatarTrainingJobs", self._client.list_avatar_training_jobs_with_options, request
        )
        data = body.data
        items = tuple(job_view(j, "") for j in (data.avatar_training_job_list or [])) if data else ()
        return JobPage(int(data.total_count or 0) if data else 0, items)

    def update_job(self, job_id: str, fields: Mapping[str, object]) -> None:
        unknown = set(fields) - set(UPDATE_FIELDS)
        if unknown:
            raise ValueError(f"not UpdateAvatarTrainingJob parameters: {sorted(unknown)}")
        request = self._models.UpdateAvatarTrainingJobRequest(
            job_id=job_id, **{UPDATE_FIELDS[k]: v for k, v in fields.items()}
        )
        self._call("UpdateAvatarTrainingJob", self._client.update_avatar_training_job_with_options, request)

    def submit_job(self, job_id: str) -> None:
        request = self._models.SubmitAvatarTrainingJobRequest(job_id=job_id)
        self._call("SubmitAvatarTrainingJob", self._client.submit_avatar_training_job_with_options, request)

    def register_media(self, input_url: str, media_type: str, title: str, client_token: str) -> str:
        request = self._models.RegisterMediaInfoRequest(
            input_url=input_url, media_type=media_type, title=title, client_token=client_token
        )
        body = self._call("RegisterMediaInfo", self._client.register_media_info_with_options, request)
        return str(body.media_id)

    def get_media(self, media_id: str) -> MediaView:
        request = self._models.GetMediaInfoRequest(media_id=media_id)
        body = self._call("GetMediaInfo", self._client.get_media_info_with_options, request)
        return media_view(body.media_info, media_id)

    # -- plumbing ------------------------------------------------------------------------------

    def _call(
        self, action: str, method: Callable[[Req, RuntimeOptions], _Response[Body]], request: Req
    ) -> Body:
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
        from Tea.exceptions import UnretryableException

        attempt = 0

        def once() -> Body:
            nonlocal attempt
            attempt += 1
            self.calls.append(action)
            # Only the SDK's two failure types are the cloud's doing: an answer that says no, and
            # a request that got no answer. Anything else is a bug (ours or the SDK's) and keeps
            # its type, so the command line reports it as one instead of as a network failure.
            try:
                return method(request, self._runtime).body
            except AlibabaCloudException as exc:
                raise refusal(exc, action) from exc
            except UnretryableException as exc:
                raise no_answer(exc, action) from exc

        def observe(n: int, wait: float, exc: Exception) -> None:
            if self._on_retry is not None and isinstance(exc, CloudError):
                self._on_retry(action, n, wait, exc)

        return call_with_retry(
            once,
            lambda exc: judge(exc, action),
            self._retry,
            sleep=self._sleep,
            rng=self._rng,
            on_retry=observe,
        )


def judge(exc: Exception, action: str) -> Verdict:
    """Retry throttling and 5xx; a broken connection only for actions safe to repeat."""
    if not isinstance(exc, CloudError):
        return Verdict(False)
    if exc.code.startswith("Throttling") or exc.status == 429:
        return Verdict(True, exc.retry_after)
    if exc.status is not None and exc.status >= 500:
        return Verdict(True)
    if exc.code == "NetworkError":
        return Verdict(action in SAFE_TO_REPEAT, attempts=TIMEOUT_ATTEMPTS if exc.unreachable else None)
    return Verdict(False)


def refusal(exc: AlibabaCloudException, action: str) -> CloudError:
    """The service's answer (code, message, request ID, HTTP status) as a :class:`CloudError`."""
    from alibabacloud_tea_openapi.exceptions import ThrottlingException

    retry_after = exc.retry_after if isinstance(exc, ThrottlingException) else None
    return CloudError(
        str(exc.code or "Unknown"),
        _clean(_service_message(exc)),
        request_id=exc.request_id or _request_id(exc),
        status=exc.status_code,
        action=action,
        retry_after=float(retry_after) / 1000.0 if retry_after else None,
    )


def no_answer(exc: UnretryableException, action: str) -> PreflightError:
    """A request the SDK gave up on. The SDK wraps whatever its request code raised in one type, so
    the wrapped exception decides: a transport failure becomes a ``NetworkError``, a credential the
    provider could not refresh a :class:`CredentialsError`; anything else is re-raised as itself."""
    from alibabacloud_credentials.exceptions import CredentialException

    inner = exc.inner_exception
    if isinstance(inner, CredentialException):
        return CredentialsError(f"{MISSING} (the credential could not be refreshed: {inner.message})")
    failure = transport_failure(exc)
    if failure is None:
        raise inner if isinstance(inner, Exception) else exc
    return CloudError("NetworkError", failure.message, action=action, unreachable=failure.unreachable)


def _service_message(exc: AlibabaCloudException) -> str:
    """The service's own ``Message`` (the SDK's text wraps it in ``code: 400, ... request id: ...``)."""
    data = getattr(exc, "data", None)
    if isinstance(data, Mapping) and isinstance(data.get("Message"), str):
        return str(data["Message"])
    return str(exc.message or "")


def _request_id(exc: AlibabaCloudException) -> str | None:
    data = getattr(exc, "data", None)
    if isinstance(data, Mapping):
        value = data.get("RequestId")
        return str(value) if value else None
    return None


def _clean(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first[:300]


def sdk_client(
    endpoint: str, region: str, protocol: str, credential: CredentialClient, timeouts: Timeouts
) -> Client:
    """The official client: endpoint set explicitly (the SDK's own map is wrong for several regions),
    credentials from the given ``alibabacloud_credentials`` client."""
    from alibabacloud_ice20201109.client import Client
    from alibabacloud_tea_openapi.models import Config

    return Client(
        Config(
            credential=credential,
            endpoint=endpoint,
            protocol=protocol,
            region_id=region,
            connect_timeout=int(timeouts.connect * 1000),
            read_timeout=int(timeouts.read * 1000),
        )
    )
