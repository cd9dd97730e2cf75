"""Real processes for the server tests and the benchmark: gunicorn, Redis, Debian packages."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def ensure_debian_package(command: str, package: str) -> None:
    """Install a Debian package when its command is missing (a fresh machine has neither)."""
    if shutil.which(command):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for a Django DATABASES entry, Unix sockets included."""
    user = quote(settings_dict["USER"], safe="")
    if settings_dict.get("PASSWORD"):
        user += ":" + quote(settings_dict["PASSWORD"], safe="")
    query = f"?host={quote(settings_dict['HOST'])}&port={settings_dict['PORT']}"
    return f"postgres://{user}@/{settings_dict['NAME']}{query}"


def settings_value(expression: str, **env) -> str:
    """``expression`` evaluated on the local settings (``s``) in a fresh process with ``env``."""
    unset = {"REDIS_URL", "CACHE_DIR", "DATABASE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    script = f"from cancerchoices.settings import local as s; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def fetch(url: str, headers: dict | None = None, timeout: float = 10):
    """GET a URL; returns (status, headers, body text) for any status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not come up within {timeout} seconds")


@contextmanager
def gunicorn(env: dict, port: int | None = None, workers: int | None = None, log=None):
    """The app under the shipped gunicorn.conf.py on loopback; yields (base URL, process)."""
    port = port or free_port()
    command = [
        str(GUNICORN),
        "cancerchoices.wsgi",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
    ]
    if workers:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env={**os.environ, **env},
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: fetch(base + "/healthz/live", timeout=2)[0] == 200, 30, "gunicorn")
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def redis_server(folder: Path):
    """A throwaway Redis on a free loopback port, with nothing saved to disk; yields its URL."""
    ensure_debian_package("redis-server", "redis-server")
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            lambda: socket.create_connection(("127.0.0.1", port), 1).close() is None,
            10,
            "redis-server",
        )
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
