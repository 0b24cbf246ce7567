"""The sandbox's request handling, independent of the socket server: route, authenticate, answer.

:class:`SandboxApp` owns the state (database, objects, jobs, media) and turns one
:class:`~validator.sandbox.wire.Request` into one :class:`~validator.sandbox.wire.Response`. Every
failure becomes the service's own error format: a handler's traceback never reaches a client.
"""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
import json
import logging
import re
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from validator.sandbox import acs3, oss_auth
from validator.sandbox.clock import Clock
from validator.sandbox.config import SandboxConfig
from validator.sandbox.credentials import KeyRing
from validator.sandbox.db import Database
from validator.sandbox.errors import ApiError, OssError
from validator.sandbox.faults import FaultKind, Faults, Service
from validator.sandbox.ice import VERSION, IceApi
from validator.sandbox.jobs import Jobs
from validator.sandbox.media import MediaLibrary
from validator.sandbox.nonces import Nonces
from validator.sandbox.objects import ObjectStore
from validator.sandbox.oss import OssApi, error_body
from validator.sandbox.probe import ProbeFn
from validator.sandbox.requestlog import Logged, RequestLog, oss_action
from validator.sandbox.strict import same_secret
from validator.sandbox.training import make_verdict
from validator.sandbox.wire import BadRequestBody, DropConnection, Request, Response

log = logging.getLogger(__name__)

ICE_BODY_CAP = 1024 * 1024
ADMIN_PREFIX = "/-/sandbox/"
"""Control paths. ``-`` cannot start a bucket name, so these never shadow an object."""

_ICE_FAULTS = {
    FaultKind.THROTTLE: (400, "Throttling.User", "Request was denied due to user flow control."),
    FaultKind.ERROR_500: (500, "InternalError", "The request processing has failed due to some "
                          "unknown error, exception or failure."),
    FaultKind.ERROR_503: (503, "ServiceUnavailable", "The request has failed due to a temporary "
                          "failure of the server."),
}
_OSS_FAULTS = {
    FaultKind.THROTTLE: (503, "ServiceUnavailable", "Please reduce your request rate."),
    FaultKind.ERROR_500: (500, "InternalError", "We encountered an internal error. Please try "
                          "again."),
    FaultKind.ERROR_503: (503, "ServiceUnavailable", "Service is temporarily unavailable. Please "
                          "try again."),
}


class SandboxApp:
    """Both APIs over one state directory."""

    def __init__(
        self, config: SandboxConfig, db: Database, keys: KeyRing, faults: Faults, clock: Clock,
        probe: ProbeFn, objects_root: Path, admin_secret: str,
    ) -> None:
        self.config = config
        self._admin_secret = admin_secret
        self.db = db
        self.keys = keys
        self.faults = faults
        self.clock = clock
        self.nonces = Nonces(db, config.max_clock_skew_seconds)
        self.nonces.prune(clock.now())
        self.objects = ObjectStore(db, objects_root, clock, config.max_object_bytes)
        self.objects.recover()  # completions a crash cut short, before any request is served
        self.media = MediaLibrary(db, clock, self.objects, probe, config.prepare_seconds,
                                  config.region)
        self.jobs = Jobs(db, clock, config.queue_seconds, config.train_seconds,
                         make_verdict(self.media, probe))
        self.ice = IceApi(self.jobs, self.media)
        self.oss = OssApi(self.objects, faults, config.max_object_bytes, db)
        self.log = RequestLog()

    def reset(self) -> None:
        """Forget all jobs, media, objects, nonces and logged requests; restore the configured faults."""
        self.db.clear()  # nonces included
        self.objects.clear_files()
        self.log.clear()
        self.faults.replace(self.config.faults)

    def serve(self, request: Request) -> Response:
        """Answer one request of either API (or a control request)."""
        if request.path.startswith(ADMIN_PREFIX):
            return self._admin(request)
        if request.header("x-acs-action") or (
            request.path == "/" and "Action" in request.params()
        ):
            return self._ice(request)
        return self._oss(request)

    # -- ICE -----------------------------------------------------------------------------------

    def _ice(self, request: Request) -> Response:
        request_id = str(uuid.uuid4()).upper()
        host = request.host or "ice.sandbox"
        try:
            body = acs3.verify(request, lambda: _ice_body(request), self.keys, self.nonces,
                               self.clock.now(), self.config.max_clock_skew_seconds)
            version = request.header("x-acs-version") or request.params().get("Version", "")
            if version != VERSION:
                raise ApiError(400, "InvalidVersion",
                               f"Specified parameter Version {version!r} is not valid.")
            self._fault(Service.ICE)
            params = request.params()
            if "form-urlencoded" in request.header("Content-Type") and body:
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            action = request.header("x-acs-action") or params.get("Action", "")
            result: dict[str, Any] = {"RequestId": request_id, **self.ice.handle(action, params)}
            self.log.record(Logged(Service.ICE, action, 200, None, params, _returned(result)))
            if self.faults.take_lost_answer(action):
                raise DropConnection(f"lost the answer to {action} (carried out)")
            return _json(200, result, [("x-acs-request-id", request_id)])
        except DropConnection:
            raise
        except ApiError as error:
            self._log_ice_error(request, error)
            return _ice_error(error, request_id, host)
        except Exception:
            log.exception("unexpected error answering an ICE request")
            internal = ApiError(500, "InternalError", "The request processing has failed due to "
                                "some unknown error, exception or failure.")
            self._log_ice_error(request, internal)
            return _ice_error(internal, request_id, host)

    def _log_ice_error(self, request: Request, error: ApiError) -> None:
        params = request.params()
        action = request.header("x-acs-action") or params.get("Action", "")
        self.log.record(Logged(Service.ICE, action, error.status, error.code, params))

    # -- OSS -----------------------------------------------------------------------------------

    def _oss(self, request: Request) -> Response:
        request_id = uuid.uuid4().hex[:24].upper()
        host = request.host or "oss.sandbox"
        try:
            bucket, key = address(request)
            oss_auth.verify(request, bucket, key, self.keys, self.clock.now(),
                            self.config.max_clock_skew_seconds)
            self._fault(Service.OSS)
            if self.faults.refuses(oss_action(request.method, request.params(), bucket_level=not key)):
                raise OssError(403, "AccessDenied", "You have no right to access this object because "
                               "of bucket acl.")
            response = self.oss.handle(request, bucket, key)
        except DropConnection:
            raise
        except OssError as error:
            response = _oss_error(error, request_id, host, head=request.method == "HEAD")
        except Exception:
            log.exception("unexpected error answering an OSS request")
            internal = OssError(500, "InternalError", "We encountered an internal error. Please "
                                "try again.")
            response = _oss_error(internal, request_id, host, head=request.method == "HEAD")
        response.headers.append(("x-oss-request-id", request_id))
        self._log_oss(request, response)
        return response

    def _log_oss(self, request: Request, response: Response) -> None:
        params = request.params()
        bucket, key = address(request)
        logged = {"Bucket": bucket or "", "Key": key}
        if "partNumber" in params:
            logged["PartNumber"] = params["partNumber"]
        code = None
        if response.status >= 300 and response.body:
            found = re.search(rb"<Code>([^<]*)</Code>", response.body)
            code = found[1].decode("utf-8", "replace") if found else None
        sent = response.content_length if response.status < 300 and request.method != "HEAD" else 0
        action = oss_action(request.method, params, bucket_level=not key)
        self.log.record(Logged(Service.OSS, action, response.status, code, logged, bytes_sent=sent))

    # -- shared --------------------------------------------------------------------------------

    def _fault(self, service: Service) -> None:
        delay = self.faults.latency_seconds(service)
        if delay:
            time.sleep(delay)
        kind = self.faults.decide(service)
        if kind is FaultKind.NONE:
            return
        if service is Service.ICE:
            status, code, message = _ICE_FAULTS[kind]
            headers = {}
            retry_after = self.faults.config.throttle_retry_after_ms
            if kind is FaultKind.THROTTLE and retry_after is not None:
                headers["x-acs-retry-after"] = str(retry_after)
            raise ApiError(status, code, message, headers=headers)
        status, code, message = _OSS_FAULTS[kind]
        raise OssError(status, code, message)

    def _admin(self, request: Request) -> Response:
        """``GET health``; with the secret in ``x-sandbox-secret``: ``GET/PUT faults``, ``POST reset``."""
        name = request.path[len(ADMIN_PREFIX):]
        if name == "health" and request.method == "GET":
            return _json(200, {"Status": "ok"})
        if not same_secret(request.header("x-sandbox-secret"), self._admin_secret):
            return _json(403, {"Code": "AccessDenied", "Message": "x-sandbox-secret is missing or "
                                                                   "wrong."})
        try:
            if name == "faults" and request.method == "PUT":
                changes = json.loads(request.body.read_all(64 * 1024) or b"{}")
                self.faults.set(**changes)
            elif name == "reset" and request.method == "POST":
                self.reset()
                return _json(200, {"Status": "reset"})
            elif name != "faults" or request.method != "GET":
                return _json(404, {"Code": "NotFound", "Message": f"No control {name!r}."})
        except (ValueError, TypeError, BadRequestBody) as exc:
            return _json(400, {"Code": "InvalidArgument", "Message": str(exc)})
        config = dataclasses.asdict(self.faults.config)
        config["services"] = sorted(s.value for s in self.faults.config.services)
        return _json(200, config)


def address(request: Request) -> tuple[str | None, str]:
    """Bucket and decoded key: virtual-host style when the host's first label names a bucket."""
    hostname = request.host.rsplit(":", 1)[0] if not request.host.startswith("[") else ""
    path = request.path
    if _is_bucket_host(hostname):
        return hostname.split(".", 1)[0], unquote(path[1:])
    bucket, _, key = path[1:].partition("/")
    return (unquote(bucket) or None), unquote(key)


def _is_bucket_host(hostname: str) -> bool:
    if not hostname or hostname == "localhost" or "." not in hostname:
        return False
    try:
        ipaddress.ip_address(hostname)
        return False
    except ValueError:
        pass
    return not hostname.startswith(("oss-", "oss.", "ice.", "ice-"))


def _ice_body(request: Request) -> bytes:
    try:
        return request.body.read_all(ICE_BODY_CAP)
    except BadRequestBody as exc:
        raise ApiError(400, "InvalidParameter", f"The request body is invalid: {exc}.") from exc


def _returned(result: dict[str, Any]) -> str | None:
    """The ID an ICE answer hands back: ``MediaId``, or ``Data.JobId``."""
    if isinstance(result.get("MediaId"), str):
        return str(result["MediaId"])
    data = result.get("Data")
    if isinstance(data, dict) and isinstance(data.get("JobId"), str):
        return str(data["JobId"])
    return None


def _json(status: int, body: dict[str, Any], headers: list[tuple[str, str]] | None = None) -> Response:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(status, [("Content-Type", "application/json;charset=utf-8"), *(headers or [])],
                    data)


def _ice_error(error: ApiError, request_id: str, host: str) -> Response:
    body = {
        "RequestId": request_id,
        "HostId": host,
        "Code": error.code,
        "Message": error.message,
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={error.code}&product=ICE"
                     f"&requestId={request_id}",
    }
    return _json(error.status, body, [("x-acs-request-id", request_id), *error.headers.items()])


def _oss_error(error: OssError, request_id: str, host: str, *, head: bool) -> Response:
    body = error_body(error, request_id, host)
    if head:  # HEAD answers carry no body: OSS puts the error document in a header instead
        return Response(error.status, [("x-oss-err", base64.b64encode(body).decode("ascii"))])
    return Response(error.status, [("Content-Type", "application/xml")], body)
