"""The socket side: a threading HTTP/1.1 server on loopback, and :class:`Sandbox`, its public face.

One port serves ICE RPC, OSS and the control paths. The handler reads the request line and headers,
hands a :class:`~validator.sandbox.wire.Request` to :class:`~validator.sandbox.app.SandboxApp`,
and writes the answer (streaming files with ``sendfile``). Unread request bodies are drained when
small, so keep-alive connections stay usable after an early error; large ones close the connection.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import socket
import struct
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from validator import envvars
from validator.sandbox.app import SandboxApp
from validator.sandbox.clock import Clock, ShiftedClock
from validator.sandbox.config import (
    SandboxConfig,
    StsCredential,
    new_sts_credential,
    random_access_key_id,
    random_secret,
)
from validator.sandbox.credentials import KeyRing
from validator.sandbox.db import Database
from validator.sandbox.errors import SandboxError
from validator.sandbox.faults import Faults
from validator.sandbox.probe import ProbeFn, project_probe
from validator.sandbox.requestlog import RequestLog
from validator.sandbox.wire import BadRequestBody, Body, DropConnection, Request, Response

log = logging.getLogger(__name__)

DEMO_BUCKET = "avatar-preflight-demo"
"""The bucket :meth:`Sandbox.environment` names (the sandbox serves any bucket name)."""
DRAIN_CAP = 64 * 1024 * 1024
"""Unread body bytes we are willing to skip to keep a connection alive after an early answer. They
are read and dropped a chunk at a time, so a refused request costs time on the wire, never memory;
this many lets a client whose signature is refused read the 403 rather than a reset, up to the
uploader's largest single PUT (32 MiB)."""
IDLE_TIMEOUT = 60.0
"""Seconds a connection may sit idle (or stall mid-request) before it is closed."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AliyunSandbox"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _serve(self) -> None:
        target = self.path
        host = str(self.headers.get("Host") or "")
        if target.startswith(("http://", "https://")):  # absolute form, as sent to a proxy
            parts = urlsplit(target)
            host = host or parts.netloc
            target = parts.path + ("?" + parts.query if parts.query else "")
        path, _, query = target.partition("?")
        try:
            body = Body(self.rfile, self.headers)  # type: ignore[arg-type]
        except BadRequestBody as exc:
            self._write(Response(400, [("Content-Type", "text/plain")], str(exc).encode()), close=True)
            return
        request = Request(self.command, path or "/", query, self.headers, body, host)
        try:
            response = self.server.app.serve(request)
        except DropConnection as drop:
            log.info("fault injection: %s", drop)
            self._drop()
            return
        close = not body.done and not body.drain(DRAIN_CAP)
        if body.broken and response.status != 400:  # whatever the handler said, the request is malformed
            response = Response(400, [("Content-Type", "text/plain")], b"malformed chunked body")
        self._write(response, close=close)

    def _write(self, response: Response, *, close: bool) -> None:
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(response.content_length))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command == "HEAD":
                return
            if response.file is None:
                self.wfile.write(response.body)
            elif response.length:
                with response.file.open("rb") as fh:
                    self.connection.sendfile(fh, response.offset, response.length)
        except (BrokenPipeError, ConnectionResetError, TimeoutError) as exc:
            log.debug("client went away: %s", exc)
            self.close_connection = True

    def _drop(self) -> None:
        """Reset the connection (RST, not FIN): the client sees it die mid-request."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        self.app = app
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Log instead of printing: clients hanging up are routine, anything else is a bug."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.debug("connection from %s ended: %s", client_address, error)
        else:
            log.exception("unexpected error serving %s", client_address)


class Sandbox:
    """A local stand-in for ICE avatar training and OSS, on one loopback port.

    ``start()`` binds and serves from a background thread; ``stop()`` closes everything. State lives
    in :attr:`data_dir`, so a sandbox started again on the same directory keeps its jobs, media,
    objects and key pair.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        clock: Clock | None = None,
        probe: ProbeFn | None = None,
    ) -> None:
        self.config = config or SandboxConfig()
        self.clock: Clock = clock or ShiftedClock()
        self.faults = Faults(self.config.faults)
        self._probe = probe or project_probe
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._app: SandboxApp | None = None
        self._keys: KeyRing | None = None
        self._temp_dir: Path | None = None
        self._stopped = threading.Event()
        self.data_dir: Path | None = None
        self.access_key_id = ""
        self.access_key_secret = ""

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Bind the port and start serving; returns ``self``."""
        if self._server is not None:
            raise SandboxError("the sandbox is already running")
        if self.config.data_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="avatar-sandbox-"))
        data_dir = Path(self.config.data_dir) if self.config.data_dir else self._temp_dir
        assert data_dir is not None
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            db = Database(data_dir / "sandbox.sqlite3")
        except OSError as exc:
            raise SandboxError(f"cannot use data directory {data_dir}: {exc}") from exc
        self.data_dir = data_dir
        self.access_key_id, self.access_key_secret = _key_pair(self.config, db)
        self._keys = KeyRing(self.access_key_id, self.access_key_secret)
        for sts in self.config.sts:
            self._keys.add_sts(sts)
        self._app = SandboxApp(self.config, db, self._keys, self.faults, self.clock, self._probe,
                               data_dir / "objects", self.access_key_secret)
        try:
            self._server = _Server((self.config.host, self.config.port), self._app)
        except OSError as exc:
            db.close()
            raise SandboxError(
                f"cannot listen on {self.config.host}:{self.config.port}: {exc}"
            ) from exc
        self._stopped.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
            name="avatar-sandbox", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (and a temporary data directory)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._app is not None:
            self._app.db.close()
            self._app = None
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        self._stopped.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until :meth:`stop` is called (from another thread); ``True`` once stopped."""
        return self._stopped.wait(timeout)

    def reset(self) -> None:
        """Forget every job, media asset, object and upload; restore the configured faults."""
        self._running_app().reset()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what clients need ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise SandboxError("the sandbox is not running")
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return self.config.host

    @property
    def endpoint(self) -> str:
        """``HOST:PORT`` for the ICE SDK's ``Config(endpoint=..., protocol='http')``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def oss_endpoint(self) -> str:
        """``http://HOST:PORT`` for ``oss2.Bucket(auth, endpoint, bucket, region=...)``."""
        return f"http://{self.endpoint}"

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def requests(self) -> RequestLog:
        """Every request answered since the start (or the last :meth:`reset`), in order."""
        return self._running_app().log

    def issue_sts(self, ttl_seconds: float | None = 3600.0) -> StsCredential:
        """Accept a new temporary credential valid for ``ttl_seconds`` (``None``: forever)."""
        keys = self._keys
        if keys is None:
            raise SandboxError("the sandbox is not running")
        expires = None if ttl_seconds is None else self.clock.now() + ttl_seconds
        sts = new_sts_credential(expires)
        keys.add_sts(sts)
        return sts

    def environment(self) -> dict[str, str]:
        """The environment that points ``update``, ``status`` and ``jobs`` here: endpoints, region,
        a bucket (any name is served) and the key pair, named as the client reads them."""
        return {
            envvars.ENDPOINT: self.endpoint,
            envvars.OSS_ENDPOINT: self.oss_endpoint,
            envvars.REGION: self.region,
            envvars.BUCKET: DEMO_BUCKET,
            envvars.ACCESS_KEY_ID: self.access_key_id,
            envvars.ACCESS_KEY_SECRET: self.access_key_secret,
        }

    def describe(self) -> str:
        """Shell lines that point the cloud commands here (``eval "$(...)"``, or ``.`` of a file they
        were written to); comments say what is served and from where. A profile or an STS token in
        the environment would take the place of the key pair, so the lines unset them."""
        lines = [
            f"# avatar-preflight sandbox: ICE and OSS on {self.endpoint}, data in {self.data_dir}",
            "# these lines point check, update, status and jobs at it:",
            *(f"export {name}={shlex.quote(value)}" for name, value in self.environment().items()),
            f"unset {envvars.PROFILE} {envvars.SECURITY_TOKEN}",
        ]
        return "\n".join(lines)

    def _running_app(self) -> SandboxApp:
        if self._app is None:
            raise SandboxError("the sandbox is not running")
        return self._app


def _key_pair(config: SandboxConfig, db: Database) -> tuple[str, str]:
    """The configured pair, else the one stored in the data directory, else a new stored one."""
    if config.access_key_id and config.access_key_secret:
        return config.access_key_id, config.access_key_secret
    key_id, secret = db.meta_get("access_key_id"), db.meta_get("access_key_secret")
    if key_id and secret:
        return key_id, secret
    key_id, secret = random_access_key_id(), random_secret()
    db.meta_set("access_key_id", key_id)
    db.meta_set("access_key_secret", secret)
    return key_id, secret
