"""A bounded, seeded schemathesis run against a live server on loopback: no 5xx, nothing the schema does not say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.api.conftest import sample_settings, serving

pytestmark = pytest.mark.model
ST = Path(sys.executable).parent / "st"  # schemathesis' command, installed beside this Python
EXAMPLES = 100  # per operation and phase: about 250 cases, some 10 s here
SEED = 2026


def test_generated_requests_get_no_server_error_and_replies_match_the_schema(sample_dir: Path, tmp_path: Path) -> None:
    # Slack configured (its API unreachable: no request here is signed, so nothing is ever posted), so that
    # /slack/* answer as they do in production rather than 503.
    settings = sample_settings(sample_dir, slack_signing_secret=SecretStr("fuzz-secret"),
                               slack_bot_token=SecretStr("xoxb-fuzz"), slack_api_base="http://127.0.0.1:9/api/")
    with serving(settings) as base:
        run = subprocess.run(
            [str(ST), "run", f"{base}/openapi.json", "--checks", "all", "--max-examples", str(EXAMPLES),
             "--seed", str(SEED), "--workers", "1", "--no-color", "--request-timeout", "30"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "generated" in run.stdout
