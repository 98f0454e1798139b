"""The set-up the two commands do: system packages, development settings, clear start-up errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.config import SETTINGS, STUDY_SETTINGS, ConfigError, load

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "system-packages.sh"


def _listed(group: str) -> list[str]:
    wanted = {"run"} if group == "run" else {"run", "test"}
    names = []
    for line in (ROOT / "tools" / "system-packages.txt").read_text().splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#") and parts[1] in wanted:
            names.append(parts[0])
    return names


def _fake_bin(tmp_path: Path, uid: int, installed: set[str]) -> dict:
    """A PATH where ``id -u`` and ``dpkg-query`` answer as a given machine would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    known = " ".join(sorted(installed))
    (bin_dir / "dpkg-query").write_text(
        "#!/bin/bash\npackage=${@: -1}\n"
        f'for p in {known}; do [ "$p" = "$package" ] && {{ echo installed; exit 0; }}; done\n'
        "exit 1\n"
    )
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "apt-get $*" >> {tmp_path}/apt.log\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def _run(env: dict, group: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), group], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("group", ["run", "test"])
def test_without_root_it_prints_the_one_command_to_run_and_stops(tmp_path, group):
    done = _run(_fake_bin(tmp_path, uid=1000, installed=set()), group)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("Missing system packages; as root run: apt-get update && apt-get")
    assert line.split("--no-install-recommends ")[1].split() == _listed(group)
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_installs_only_what_is_missing(tmp_path):
    have = set(_listed("test")) - {"chromium", "libharfbuzz-subset0"}
    done = _run(_fake_bin(tmp_path, uid=0, installed=have), "test")
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "apt.log").read_text().splitlines()
    assert log[0] == "apt-get update -qq"
    assert log[1].endswith("--no-install-recommends libharfbuzz-subset0 chromium")


def test_with_everything_installed_it_does_nothing(tmp_path):
    done = _run(_fake_bin(tmp_path, uid=1000, installed=set(_listed("test"))), "test")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_weasyprint_and_chromium_needs_are_in_the_list():
    assert {"libharfbuzz-subset0", "libpango-1.0-0", "fonts-dejavu-core"} <= set(_listed("run"))
    assert "chromium" in _listed("test") and "chromium" not in _listed("run")


# --- development settings ---------------------------------------------------------------


def _dev_settings(instance: Path, base_url: str) -> dict[str, str]:
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "dev_settings.py"), "--base-url", base_url,
         "--instance", str(instance)],
        check=True,
    )  # fmt: skip
    lines = (instance / "course.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_make_run_settings_keep_the_secret_and_follow_the_port(tmp_path):
    instance = tmp_path / "instance"
    first = _dev_settings(instance, "http://127.0.0.1:5000")
    assert first["COURSE_ENV"] == "development" and len(first["COURSE_SECRET_KEY"]) >= 32
    second = _dev_settings(instance, "http://127.0.0.1:8123")
    assert second["COURSE_SECRET_KEY"] == first["COURSE_SECRET_KEY"]
    assert second["COURSE_BASE_URL"] == "http://127.0.0.1:8123"
    assert oct((instance / "course.env").stat().st_mode & 0o777) == "0o600"
    config = load(instance, environ={})
    assert config["ENV"] == "development" and config["BASE_URL"] == "http://127.0.0.1:8123"


def test_make_run_writes_study_settings_labelled_as_development_values(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "course.env").write_text("COURSE_STUDY_PI=Dr. Set By Hand\n")
    values = _dev_settings(instance, "http://127.0.0.1:5000")
    assert values["COURSE_STUDY_PI"] == "Dr. Set By Hand"  # a line added by hand is kept
    for name in STUDY_SETTINGS[1:]:
        assert "(development value, not the study's)" in values[f"COURSE_{name}"]
    assert _dev_settings(instance, "http://127.0.0.1:5000") == values  # written once


def test_the_environment_wins_over_the_settings_file(tmp_path):
    (tmp_path / "course.env").write_text(
        "# a comment\n\nCOURSE_ENV=development\nCOURSE_TRIAL_END='2027-06-30'\n"
    )
    config = load(tmp_path, environ={"COURSE_TRIAL_END": "2028-01-01"})
    assert config["ENV"] == "development" and str(config["TRIAL_END"]) == "2028-01-01"
    assert load(tmp_path, environ={})["TRIAL_END"].year == 2027


def test_a_bad_line_in_the_settings_file_names_the_file_and_line(tmp_path):
    (tmp_path / "course.env").write_text("COURSE_ENV=development\nSECRET_KEY=abc\n")
    with pytest.raises(ConfigError, match=r"course\.env:2: expected COURSE_NAME=value"):
        load(tmp_path, environ={})


def test_an_empty_settings_file_setting_reads_no_file(tmp_path):
    (tmp_path / "course.env").write_text("COURSE_ENV=development\n")
    config = load(tmp_path, environ={"COURSE_SETTINGS_FILE": ""}, overrides={"ENV": "testing"})
    assert config["ENV"] == "testing"


@pytest.mark.parametrize("secret", [None, "short"])
def test_production_without_a_strong_secret_says_so_in_one_line(tmp_path, secret):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    env.update(COURSE_ENV="production", COURSE_SETTINGS_FILE="")
    if secret:
        env["COURSE_SECRET_KEY"] = secret
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "current"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: COURSE_SECRET_KEY is missing, default or shorter than 32")


def test_the_operators_guide_lists_every_setting():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    missing = [s.name for s in SETTINGS if f"| `COURSE_{s.name}` |" not in guide]
    assert not missing
