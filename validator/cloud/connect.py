"""Build the cloud services from settings and a credential source: the one place that wires the SDKs.

Called by the flow only after every local check has passed, so a run refused for a bad parameter
never resolves credentials or imports oss2 and the ICE SDK. Retries are reported to the event sink,
so a person sees "throttled, retrying in 1.2 s" instead of a pause.
"""

from __future__ import annotations

from pathlib import Path

from validator.cloud.credentials import CredentialSource
from validator.cloud.errors import CloudError
from validator.cloud.events import Event, EventKind, Sink, Step, ignore
from validator.cloud.ice import SdkIceService, Timeouts, sdk_client
from validator.cloud.options import Services
from validator.cloud.retry import RetryPolicy
from validator.cloud.settings import Settings
from validator.cloud.storage import OssObjectStore, UploadTuning


def connect(
    settings: Settings,
    credentials: CredentialSource,
    *,
    sink: Sink = ignore,
    tuning: UploadTuning | None = None,
    retry: RetryPolicy | None = None,
    timeouts: Timeouts | None = None,
    cache_dir: Path | None = None,
) -> Services:
    """The ICE client and the object store for ``settings``; resolves credentials first, so a missing
    one is reported before any request."""
    credentials.get()
    timeouts = timeouts or Timeouts()
    region = settings.region.value or ""

    def ice_retry(action: str, attempt: int, wait: float, error: CloudError) -> None:
        sink(Event(Step.JOB, EventKind.RETRY, f"{action}: {_why(error)}; retry {attempt} in {wait:.1f} s"))

    def oss_retry(attempt: int, wait: float, error: CloudError) -> None:
        sink(Event(Step.UPLOAD, EventKind.RETRY, f"{error.action}: {_why(error)}; resuming in {wait:.1f} s"))

    client = sdk_client(
        settings.endpoint.value or "", region, settings.ice_protocol, credentials.sdk_client(), timeouts
    )
    ice = SdkIceService(client, retry=retry, timeouts=timeouts, on_retry=ice_retry)
    store = OssObjectStore(
        settings.oss_endpoint.value or "",
        settings.bucket.value or "",
        region,
        credentials,
        cache_dir=cache_dir,
        tuning=tuning,
        retry=retry,
        on_retry=oss_retry,
    )
    return Services(ice, store)


def _why(error: CloudError) -> str:
    """``Throttling.User (HTTP 400, request ID ...)``: enough to quote to support."""
    extra = [f"HTTP {error.status}"] if error.status and error.status > 0 else []
    if error.request_id:
        extra.append(f"request ID {error.request_id}")
    return error.code + (f" ({', '.join(extra)})" if extra else "")
