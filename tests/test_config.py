"""`avatar-preflight config`: the effective configuration, each value's source, and precedence:
option > environment > avatar-preflight.toml > [tool.avatar-preflight] in pyproject.toml > default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

KEY_ID, SECRET, TOKEN = "LTAI5tCONFIGKEY9876", "config-secret-canary-1234", "config-token-canary-5678"


def config(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, Any, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AVATAR_PREFLIGHT_")}
    done = subprocess.run(
        [sys.executable, "-m", "validator", "config", "-f", "json", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return (
        done.returncode,
        json.loads(done.stdout) if done.returncode == 0 else None,
        done.stdout + done.stderr,
    )


def test_defaults_outside_any_project(tmp_path: Path) -> None:
    code, doc, _ = config(tmp_path)
    assert code == 0 and doc["schema_version"] == 1
    assert doc["connection"]["region"] == {"value": "cn-shanghai", "source": "default"}
    assert doc["connection"]["endpoint"]["value"] == "ice.cn-shanghai.aliyuncs.com"
    assert doc["profile"]["max_duration"] == {"value": "900.0", "source": "default"}


def test_precedence_of_each_layer(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.avatar-preflight]\nregion = "cn-beijing"\nbucket = "from-pyproject"\nprefix = "py/"\n'
        "max_duration = 600\n"
    )
    sub = tmp_path / "videos"
    sub.mkdir()
    code, doc, _ = config(sub)
    assert code == 0
    pyproject = f"{tmp_path / 'pyproject.toml'} [tool.avatar-preflight]"
    assert doc["connection"]["bucket"] == {"value": "from-pyproject", "source": pyproject}
    assert doc["connection"]["endpoint"]["value"] == "ice.cn-beijing.aliyuncs.com"  # follows the region
    assert doc["profile"]["max_duration"] == {"value": "600.0", "source": pyproject}
    assert doc["profile"]["min_duration"]["source"] == "default"

    (sub / "avatar-preflight.toml").write_text('bucket = "from-own-file"\nmax_duration = 700\n')
    _, doc, _ = config(sub)
    assert doc["connection"]["bucket"]["value"] == "from-own-file"  # the nearer file wins...
    assert doc["connection"]["region"]["value"] == "cn-shanghai"  # ...and is the only file read
    assert doc["profile"]["max_duration"]["value"] == "700.0"

    _, doc, _ = config(sub, env={"AVATAR_PREFLIGHT_BUCKET": "from-env"})
    assert doc["connection"]["bucket"] == {"value": "from-env", "source": "env AVATAR_PREFLIGHT_BUCKET"}

    _, doc, _ = config(sub, "--bucket", "from-option", env={"AVATAR_PREFLIGHT_BUCKET": "from-env"})
    assert doc["connection"]["bucket"] == {"value": "from-option", "source": "--bucket"}


def test_rules_file_shows_its_own_values(tmp_path: Path) -> None:
    rules = tmp_path / "studio.toml"
    rules.write_text('name = "studio"\n[severity]\naudio-missing = "off"\n')
    _, doc, _ = config(tmp_path, "--rules", str(rules))
    assert doc["profile"]["name"] == {"value": "studio", "source": str(rules)}
    assert json.loads(doc["profile"]["severities"]["value"]) == {"audio-missing": "off"}


def test_credentials_are_located_and_masked(tmp_path: Path) -> None:
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
        "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN,
    }
    for fmt in ("json", "text"):
        done = subprocess.run(
            [sys.executable, "-m", "validator", "config", "-f", fmt],
            cwd=tmp_path,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        everything = done.stdout + done.stderr
        assert done.returncode == 0
        assert SECRET not in everything and TOKEN not in everything and KEY_ID not in everything
        assert "LTAI…9876" in everything and "(set, hidden)" in everything


def test_broken_project_file_exits_3(tmp_path: Path) -> None:
    (tmp_path / "avatar-preflight.toml").write_text("this is = not [toml\n")
    code, _, output = config(tmp_path)
    assert code == 3 and "invalid TOML" in output and "Traceback" not in output


def test_a_pyproject_section_of_the_wrong_shape_or_type_exits_3(tmp_path: Path) -> None:
    for text, words in (
        ("[tool]\navatar-preflight = 5\n", "line 2: [tool.avatar-preflight] must be a table"),
        (
            '[tool.avatar-preflight]\nregion = "cn-shanghai"\ncontainers = "mp4"\n',
            "line 3: bad value for 'containers'",
        ),
    ):
        (tmp_path / "pyproject.toml").write_text(text)
        code, _, output = config(tmp_path)
        assert code == 3 and words in output and "Traceback" not in output, output


def test_a_table_of_thresholds_shows_each_threshold_and_its_source(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.avatar-preflight]\naudio = { min-lead-in = 2 }\n")
    code, doc, out = config(tmp_path)
    assert code == 0, out
    assert doc["profile"]["audio.min_lead_in"]["value"] == "2.0"
    assert doc["profile"]["audio.min_lead_in"]["source"].endswith("pyproject.toml [tool.avatar-preflight]")
    assert doc["profile"]["audio.max_noise_dbfs"]["source"] == "default"
