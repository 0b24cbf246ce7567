"""``check`` of cloud inputs, run as a person runs it: the command line against the sandbox, with oss2
and the ICE SDK. Each expected verdict is the one ``tests/media.py`` gives the file that was uploaded.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    REGION,
    cli_env,
    ice_client,
    oss_bucket,
    register_video,
    run_cli,
    sandbox_env,
)
from tests.media import CASES
from validator.probe import probe
from validator.sandbox import Sandbox

Media = Callable[[str], Path]


def _rules(case: str) -> set[str]:
    return set(CASES[case].errors | CASES[case].warnings)


def _found(document: dict[str, Any]) -> dict[str, set[str]]:
    return {f["path"]: {x["rule"] for x in f["findings"]} for f in document["files"]}


def _upload(bucket: Any, media: Media, objects: dict[str, str | bytes]) -> None:
    for key, what in objects.items():
        if isinstance(what, bytes):
            bucket.put_object(key, what)
        else:
            bucket.put_object_from_file(key, str(media(what)))


def test_every_input_form_and_a_local_file_in_one_call(
    sandbox: Sandbox, media: Media, tmp_path: Path
) -> None:
    bucket = oss_bucket(sandbox)
    name = bucket.bucket_name
    _upload(bucket, media, {"forms/landscape.mp4": "landscape", "forms/hd720.mp4": "res_720p"})
    media_id = register_video(ice_client(sandbox), bucket, media("moov_end"), key="forms/moov-end.mp4")
    inputs = {
        f"oss://{name}/forms/landscape.mp4": "landscape",
        f"https://{name}.oss-{REGION}.aliyuncs.com/forms/hd720.mp4": "res_720p",
        media_id: "moov_end",
        str(media("dur_299_9")): "dur_299_9",
    }
    done = run_cli(["check", "-f", "json", *inputs], sandbox_env(sandbox, tmp_path))
    assert done.returncode == 1, done.stderr  # the 720p object and the short local file fail
    document = json.loads(done.stdout)
    assert [f["path"] for f in document["files"]] == list(inputs)  # named as given, in that order
    assert _found(document) == {given: _rules(case) for given, case in inputs.items()}
    landscape = document["files"][0]["facts"]
    assert landscape["size"] == media("landscape").stat().st_size
    assert landscape["bytes_read"] <= 1.2 * probe(str(media("landscape"))).bytes_read  # headers, as locally


def test_a_prefix_is_checked_as_a_folder_is(sandbox: Sandbox, media: Media, tmp_path: Path) -> None:
    """Every video object under the prefix, nested "folders" included; other keys are left out, as a
    folder's other files are, and so is a key beside the prefix."""
    bucket = oss_bucket(sandbox)
    name = bucket.bucket_name
    videos = {
        "takes/a.mp4": "landscape",
        "takes/day2/b.webm": "vp9_alpha",
        "takes/day2/raw/c.mp4": "fragmented",
    }
    _upload(
        bucket,
        media,
        {
            **videos,
            "takes/notes.txt": b"slate notes",
            "takes/day2/": b"",  # the console's "folder" marker
            "takes/.git/annex/d.mp4": b"not a take",
            "takes-old/e.mp4": "res_720p",
        },
    )
    out = tmp_path / "report.xml"
    done = run_cli(
        ["check", "-f", "junit", "-o", str(out), f"oss://{name}/takes/"], sandbox_env(sandbox, tmp_path)
    )
    cases = {c.get("name"): c for c in ET.parse(out).getroot().iter("testcase")}
    assert set(cases) == {f"oss://{name}/{key}" for key in videos}
    for key, case in videos.items():
        failing = CASES[case].errors
        assert (cases[f"oss://{name}/{key}"].find("failure") is not None) == bool(failing)
    assert done.returncode == (1 if any(CASES[c].errors for c in videos.values()) else 0), done.stderr


def test_unreadable_cloud_inputs_are_findings_and_sarif_names_them(
    sandbox: Sandbox, media: Media, tmp_path: Path
) -> None:
    """A missing object and a media asset the service could not prepare (not a video) fail as
    unreadable; the object beside them is checked as usual."""
    bucket = oss_bucket(sandbox)
    name = bucket.bucket_name
    _upload(bucket, media, {"s/landscape.mp4": "landscape"})
    (tmp_path / "notes.mp4").write_text("slate notes, not a video")
    broken = register_video(ice_client(sandbox), bucket, tmp_path / "notes.mp4", key="s/notes.mp4")
    there, gone = f"oss://{name}/s/landscape.mp4", f"oss://{name}/s/gone.mp4"
    done = run_cli(["check", "-f", "sarif", there, gone, broken], sandbox_env(sandbox, tmp_path))
    assert done.returncode == 1, done.stderr
    results = json.loads(done.stdout)["runs"][0]["results"]
    located = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["ruleId"] for r in results}
    assert located == {gone: "file-unreadable", broken: "file-unreadable"}  # the landscape object passes
    assert any("PrepareFail" in r["message"]["text"] for r in results)
    text = run_cli(["check", gone], sandbox_env(sandbox, tmp_path))
    assert text.returncode == 1 and "does not exist" in text.stdout and "fix:" in text.stdout


def test_a_refused_listing_ends_the_run_with_exit_4(sandbox: Sandbox, media: Media, tmp_path: Path) -> None:
    bucket = oss_bucket(sandbox)
    _upload(bucket, media, {"denied/a.mp4": "landscape"})
    sandbox.faults.set(refuse_actions=["ListObjects"])
    done = run_cli(["check", f"oss://{bucket.bucket_name}/denied/"], sandbox_env(sandbox, tmp_path))
    assert done.returncode == 4
    assert "AccessDenied" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_credentials_are_needed_only_by_cloud_inputs(sandbox: Sandbox, media: Media, tmp_path: Path) -> None:
    bucket = oss_bucket(sandbox)
    _upload(bucket, media, {"c/a.mp4": "landscape"})
    cloud = f"oss://{bucket.bucket_name}/c/a.mp4"
    nothing = cli_env(tmp_path)  # no key pair anywhere
    local = run_cli(["check", str(media("landscape"))], nothing)
    assert local.returncode == 0, local.stderr
    missing = run_cli(["check", str(media("landscape")), cloud], nothing)
    assert missing.returncode == 3 and "Traceback" not in missing.stderr
    assert "credential" in missing.stderr.lower()
    wrong = run_cli(["check", cloud], sandbox_env(sandbox, tmp_path, key_id="LTAI" + "x" * 20))
    assert wrong.returncode == 4 and "Traceback" not in wrong.stderr


@pytest.mark.parametrize("cloud", ["oss://bucket/take.mp4", "0123456789abcdef0123456789abcdef"])
def test_content_is_refused_for_a_cloud_input(cloud: str, media: Media, tmp_path: Path) -> None:
    done = run_cli(["check", "--content", str(media("landscape")), cloud], cli_env(tmp_path))
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
    assert "--content" in done.stderr
