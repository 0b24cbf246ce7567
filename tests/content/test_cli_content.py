"""``check --content`` and ``update --content`` from the command line: the extra's absence (exit 3 with
the install line), a plain ``check`` that loads none of the extra, the text and JSON reports of a
take with a cut, and an update refused for its content before anything is sent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import ROOT, cli_env
from validator.content import INSTALL

EXTRA = ("numpy", "cv2", "webrtcvad")
PATHS = pytest.mark.parametrize("fast", [True, False], ids=["fast-parser", "typer"])


def python(code: str, *args: str, fast: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if not fast:
        env["AVATAR_PREFLIGHT_NO_FAST_PATH"] = "1"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@PATHS
def test_content_without_the_extra_exits_3_with_the_install_line(fast: bool, tmp_path: Path) -> None:
    hidden = "import sys\nfor name in ('cv2', 'numpy', 'webrtcvad'):\n    sys.modules[name] = None\n"
    result = python(hidden + "from cli import main\nmain()", "check", "--content", str(tmp_path), fast=fast)
    assert result.returncode == 3, result.stderr
    assert INSTALL in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@PATHS
def test_a_plain_check_imports_nothing_of_the_extra(fast: bool, media: Callable[[str], Path]) -> None:
    code = (
        "import sys, cli\n"
        "from avatar_preflight_cli.invocation import Invocation\n"
        "cli.run(Invocation(tuple(sys.argv[1:])))\n"
        f"print(sorted(m for m in {EXTRA!r} if m in sys.modules))"
    )
    result = python(code, "check", str(media("landscape")), fast=fast)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


def test_check_content_text_shows_where_and_what_was_sampled(content_take: Callable[[str], Path]) -> None:
    take = content_take("hard-cut")
    result = python("from cli import main; main()", "check", "--content", str(take))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    summary = next(line for line in lines if line.startswith("  content: "))
    assert "frames sampled 0:00-" in summary and "1 cut" in summary
    cut = next(line for line in lines if "scene-cut" in line)
    assert cut.endswith("(at 0:20)")


def test_check_content_json_is_schema_2_with_a_content_object(content_take: Callable[[str], Path]) -> None:
    from samples.generate.content import VARIANTS

    spec = VARIANTS["face-leaves"]
    take = str(content_take("face-leaves"))
    result = python("from cli import main; main()", "check", "--content", "-f", "json", take)
    document = json.loads(result.stdout)
    assert document["schema_version"] == 2
    entry = document["files"][0]
    assert {"path", "verdict", "findings", "facts"} <= set(entry)  # version 1's fields are all there
    content = entry["content"]
    assert content["frame_width"] == spec.width and content["samples"]
    for sample in content["samples"]:
        assert all(set(face) == {"x", "y", "width", "height"} for face in sample["faces"])
    absent = spec.face_absent
    assert absent is not None
    missing = [s["time"] for s in content["samples"] if not s["faces"]]
    assert missing and all(absent.start <= t < absent.end for t in missing)
    finding = next(f for f in entry["findings"] if f["rule"] == "face-missing")
    assert finding["at"] and all(set(span) == {"start", "end"} for span in finding["at"])
    assert content["audio"]["speech"], "the speech segments are in the report"
    plain = python("from cli import main; main()", "check", "-f", "json", take)
    assert json.loads(plain.stdout)["files"][0]["content"] is None


def test_update_content_refuses_a_take_with_a_content_error(content_take: Callable[[str], Path]) -> None:
    from validator.cloud.events import Outcome
    from validator.cloud.flow import run_update
    from validator.cloud.options import FlowOptions
    from validator.cloud.params import UpdateParams
    from validator.profile import from_mapping

    # Short, slow test takes pass the format rules under this profile: only the content can refuse.
    profile = from_mapping({"min-duration": 10, "min-frame-rate": 1}, origin="test")
    params = UpdateParams(job_id="new", name="take", video=str(content_take("hard-cut")))

    class Connected(Exception):
        pass

    def connect() -> object:
        raise Connected  # the flow went past the local checks: it would upload

    options = FlowOptions(region="cn-shanghai", bucket="b", profile=profile, content=True)
    refused = run_update(params, connect, options)  # type: ignore[arg-type]
    assert refused.outcome is Outcome.REFUSED
    assert "scene-cut" in {p.rule for p in refused.problems}
    with pytest.raises(Connected):
        run_update(params, connect, FlowOptions(region="cn-shanghai", bucket="b", profile=profile))  # type: ignore[arg-type]


def test_update_without_content_suggests_it(tmp_path: Path, content_take: Callable[[str], Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from cli import main; main()", "update", "--sandbox", "--job-id", "new",
         "--video", str(content_take("steady")), "--dry-run"],
        cwd=ROOT, env=cli_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    tips = [line for line in result.stderr.splitlines() if "--content" in line]
    assert len(tips) == 1, result.stderr
