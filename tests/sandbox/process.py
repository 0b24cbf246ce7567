"""The sandbox as a separate process (the ``sandbox`` command), for tests that must kill it, restart
it on the same data directory, or read its memory from outside (``/proc/PID/status``)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.helpers import REGION, ROOT, cli_env, command
from validator import envvars


class SandboxProcess:
    """``avatar-preflight sandbox --data-dir DIR`` in a subprocess, its address read from what it prints."""

    def __init__(self, data_dir: Path, home: Path, **env: str) -> None:
        self.proc = subprocess.Popen(
            command("sandbox", "--data-dir", str(data_dir), "--queue-seconds", "0.1",
                    "--train-seconds", "0.1", "--prepare-seconds", "0.1"),
            cwd=ROOT, env=cli_env(home, **env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        exported: dict[str, str] = {}
        assert self.proc.stdout is not None
        for line in iter(self.proc.stdout.readline, ""):
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                exported[name] = value.strip("'")
            if line.startswith("unset "):  # the last line it prints
                break
        if envvars.ENDPOINT not in exported:
            self.proc.kill()
            raise AssertionError(f"the sandbox did not start (exit {self.proc.wait(10)})")
        self.endpoint = exported[envvars.ENDPOINT]
        self.oss_endpoint = exported[envvars.OSS_ENDPOINT]
        self.port = int(self.endpoint.rsplit(":", 1)[1])
        self.access_key_id = exported[envvars.ACCESS_KEY_ID]
        self.access_key_secret = exported[envvars.ACCESS_KEY_SECRET]

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_bytes(self, field: str = "VmRSS") -> int:
        """Resident memory now (``VmHWM``: at its peak so far), as the kernel counts it."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field} in /proc status")

    def bucket(self, name: str) -> Any:
        import oss2

        auth = oss2.AuthV4(self.access_key_id, self.access_key_secret)
        return oss2.Bucket(auth, self.oss_endpoint, name, region=REGION)

    def ice(self) -> Any:
        from alibabacloud_ice20201109.client import Client
        from alibabacloud_tea_openapi.models import Config

        return Client(Config(access_key_id=self.access_key_id, access_key_secret=self.access_key_secret,
                             endpoint=self.endpoint, protocol="http", region_id=REGION))

    def wait(self, timeout: float) -> int:
        """The exit status once the process has ended by itself."""
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # Ctrl-C: the command's own way to stop
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def supports_proc() -> bool:
    """Whether this system shows a process's memory under ``/proc`` (Linux)."""
    return os.path.exists(f"/proc/{os.getpid()}/status")
