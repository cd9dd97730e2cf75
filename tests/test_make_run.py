"""`make run` on a first try: the runtime set only, the port checked before anything else."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
CHECK_PORT = PROJECT / "scripts" / "check_port.py"
# A bound, not a wait: the check answers in well under a second.
DEADLINE = 30


def check_port(port: int | str, pid_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK_PORT), str(port), str(pid_file)],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )


@pytest.fixture
def listening():
    """A socket listening on a free port of 127.0.0.1, held by this test process."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_free_port_passes_silently(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_port(port, tmp_path / "gunicorn.pid")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_port_in_use_is_refused_with_what_holds_it_and_what_to_do(listening, tmp_path):
    result = check_port(listening, tmp_path / "gunicorn.pid")
    assert result.returncode == 1
    assert f"Port {listening} is in use by " in result.stderr
    assert f"(pid {os.getpid()})" in result.stderr
    assert f"`make run PORT={listening + 1}`" in result.stderr


def test_a_live_gunicorn_from_an_earlier_run_is_named(listening, tmp_path):
    # Stands in for gunicorn: the check knows it by "gunicorn" in its command line.
    stand_in = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()", "gunicorn"], stdin=subprocess.PIPE
    )
    pid_file = tmp_path / "gunicorn.pid"
    pid_file.write_text(f"{stand_in.pid}\n")
    try:
        in_use = check_port(listening, pid_file)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free = probe.getsockname()[1]
        elsewhere = check_port(free, pid_file)
    finally:
        stand_in.communicate(timeout=DEADLINE)
    assert in_use.returncode == 1
    assert f"still runs (gunicorn, pid {stand_in.pid}). Stop it with `make stop`" in in_use.stderr
    # A second gunicorn would refuse that pid file, whatever its port.
    assert elsewhere.returncode == 1
    assert f"still runs (gunicorn, pid {stand_in.pid}), on another port" in elsewhere.stderr
    # Once it has ended, the stale pid file is no obstacle.
    assert check_port(free, pid_file).returncode == 0


def test_a_port_that_is_no_number_is_refused(tmp_path):
    result = check_port("80x", tmp_path / "gunicorn.pid")
    assert result.returncode == 2
    assert "PORT must be a number from 1 to 65535" in result.stderr


def dry_run(target: str) -> str:
    """The commands `make` would run for ``target``, prerequisites included, running none."""
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target, "PORT=8000"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=True,
    )
    return result.stdout


def test_make_run_checks_the_port_first_and_installs_the_runtime_set_only():
    commands = dry_run("run")
    assert commands.index("scripts/check_port.py 8000") < commands.index("venv")
    assert commands.index("scripts/check_port.py 8000") < commands.index("manage.py migrate")
    assert "-r requirements.txt" in commands
    assert "requirements-dev.txt" not in commands


@pytest.mark.parametrize("target", ["test", "lint", "format", "lock"])
def test_tools_install_the_dev_set(target):
    assert "-r requirements-dev.txt" in dry_run(target)


def names(requirements: Path) -> set[str]:
    """The package names a requirements file lists (no options, comments or hashes)."""
    found = set()
    for line in requirements.read_text().splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if match:
            found.add(re.sub(r"[-_.]+", "-", match.group(1)).lower())
    return found


def test_the_runtime_lock_holds_no_test_or_tooling_package():
    dev_only = names(PROJECT / "requirements-dev.in")
    assert {"pytest", "playwright", "ruff"} <= dev_only
    assert dev_only & names(PROJECT / "requirements.txt") == set()
