from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clusterbridge.config.options import OPTIONS, env_bool

ROOT = Path(__file__).resolve().parents[2]


def test_readme_documents_every_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))

    assert documented == {option.name for option in OPTIONS}


def test_env_bool_rejects_unclear_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ValueError, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG")


OPERATOR_ENV = {
    "OPERATOR_NAME": "Cluster Office GmbH",
    "OPERATOR_ADDRESS": "Musterstraße 1; 10115 Berlin",
    "OPERATOR_EMAIL": "office@cluster-office.example",
}


def _check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # The browser tests allow Django's ORM inside Playwright's event loop through an environment
    # variable that check --deploy rightly flags; production processes never have it.
    base = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("OPERATOR_")
    }
    env = {
        **base,
        "DEBUG": "false",
        "SECURE": "true",
        "SECRET_KEY": "x" * 60 + "production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "clusters.example.org",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "clusterbridge.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, **OPERATOR_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_the_operator_details(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, OPERATOR_EMAIL=OPERATOR_ENV["OPERATOR_EMAIL"])

    assert result.returncode == 1
    assert (
        "?: (clusterbridge.E001) The imprint and privacy pages lack the operator's details: "
        "OPERATOR_NAME, OPERATOR_ADDRESS are empty." in result.stderr
    )
