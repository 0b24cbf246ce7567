"""Videos already in the cloud are checked where they are, reading headers over Range requests."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import build_services, fast_options, ice_client, oss_bucket, register_video
from validator.cloud.errors import RemoteReadError
from validator.cloud.events import Outcome
from validator.cloud.flow import run_update
from validator.cloud.params import UpdateParams
from validator.cloud.remote import HttpRangeSource
from validator.probe import probe_source
from validator.sandbox import Sandbox


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same 5.5-minute video with its index first (faststart) and last."""
    from samples.generate import VideoSpec, generate

    folder = tmp_path_factory.mktemp("layouts")
    out = {}
    for name, faststart in (("faststart", True), ("moov-at-end", False)):
        out[name] = folder / f"{name}.mp4"
        generate(
            VideoSpec(
                "mp4",
                codec="h264",
                width=1920,
                height=1080,
                duration=330,
                audio_duration=330,
                faststart=faststart,
            ),
            out[name],
        )
    return out


@pytest.mark.parametrize("layout", ["faststart", "moov-at-end"])
def test_media_id_is_checked_remotely_reading_headers_only(
    sandbox: Sandbox, layouts: dict[str, Path], cache_dir: Path, layout: str
) -> None:
    path = layouts[layout]
    media_id = register_video(ice_client(sandbox), oss_bucket(sandbox), path, key=f"in/{path.name}")
    job_id = (
        ice_client(sandbox)
        .create_avatar_training_job(
            __import__("alibabacloud_ice20201109.models", fromlist=["x"]).CreateAvatarTrainingJobRequest(
                avatar_name="r"
            )
        )
        .body.data.job_id
    )
    services = build_services(sandbox, cache_dir)
    result = run_update(UpdateParams(job_id, video=media_id), lambda: services, fast_options(dry_run=True))
    assert result.outcome is Outcome.DRY_RUN, result.problems
    remote = result.media[0].remote
    assert remote is not None and remote.size == path.stat().st_size
    assert remote.bytes_read <= 512 * 1024 < remote.size  # headers, never the whole file
    assert remote.requests <= 12
    assert result.video is not None and result.video.facts is not None
    assert result.video.facts.video is not None and result.video.facts.video.duration == pytest.approx(
        330, abs=0.1
    )
    rules = {f.rule for f in result.video.findings}
    assert ("moov-at-end" in rules) == (layout == "moov-at-end")
    assert result.requests[0].params == {"JobId": job_id, "Video": media_id, "Transparent": False}


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder with Range support (206), as object stores and CDNs do."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if self.path.startswith("/elsewhere"):
            self.send_response(302)
            self.send_header("Location", "http://example.invalid/x.mp4")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = path.read_bytes()
        header = self.headers.get("Range")
        if self.path.startswith("/norange") or not header:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        first, last = (int(x) for x in header.split("=")[1].split("-"))
        chunk = data[first : last + 1]
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {first}-{first + len(chunk) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        self.wfile.write(chunk)


@pytest.fixture(scope="module")
def http_root(layouts: dict[str, Path]) -> Iterator[str]:
    folder = layouts["faststart"].parent
    (folder / "norange").mkdir(exist_ok=True)
    (folder / "norange" / "faststart.mp4").write_bytes(layouts["faststart"].read_bytes())

    def handler(*args: object, **kwargs: object) -> _RangeHandler:
        return _RangeHandler(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("layout", ["faststart", "moov-at-end"])
def test_http_range_source_reads_a_fraction_of_the_file(
    http_root: str, layouts: dict[str, Path], layout: str
) -> None:
    source = HttpRangeSource(f"{http_root}/{layout}.mp4", timeout=5)
    facts = probe_source(source, f"{layout}.mp4")
    summary = source.summary()
    source.close()
    assert facts.video is not None and facts.video.width == 1920
    assert summary.size == layouts[layout].stat().st_size
    assert summary.bytes_read == facts.bytes_read + 1  # the size lookup read one byte
    assert summary.bytes_read < summary.size / 2


def test_http_source_refuses_a_server_without_ranges_and_foreign_redirects(http_root: str) -> None:
    with pytest.raises(RemoteReadError, match="Range"):
        HttpRangeSource(f"{http_root}/norange/faststart.mp4", timeout=5)
    with pytest.raises(RemoteReadError, match="another host"):
        HttpRangeSource(f"{http_root}/elsewhere.mp4", timeout=5)
