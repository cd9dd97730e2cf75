"""Real processes for the server tests and the benchmark: gunicorn, Redis, Debian packages."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass
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
    script = f"import json; from cancerchoices.settings import local as s; print({expression})"
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
def gunicorn(
    env: dict,
    port: int | None = None,
    workers: int | None = None,
    log=None,
    app: str = "cancerchoices.wsgi",
):
    """The app under the shipped gunicorn.conf.py on loopback; yields (base URL, process)."""
    port = port or free_port()
    command = [
        str(GUNICORN),
        app,
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
def background_worker(env: dict, log, name: str | None = None):
    """``manage.py procrastinate worker`` on every queue (``name``: as on a host of its own),
    with ``env`` added to this process's environment; stopped with SIGTERM, so it finishes its
    job, unless it has already exited (a test may kill it)."""
    command = [sys.executable, "manage.py", "procrastinate", "worker"]
    if name:
        command += ["--name", name]
    process = subprocess.Popen(
        command, cwd=PROJECT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
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


FAILING_PAGE = "/about/"


def application_failing_at_about():
    """The WSGI application with the about page raising, for tests of what an error leaves in
    the logs: ``gunicorn(..., app="tests.servers:application_failing_at_about()")``."""
    from cancerchoices.wsgi import application
    from therapies.views import AboutView

    def fail(self, request, *args, **kwargs):
        raise RuntimeError("Deliberate failure for the log test")

    AboutView.get = fail
    return application


def run_manage(*args: str, env: dict) -> None:
    """``manage.py`` with ``args`` in a fresh process, with ``env`` on top of ours."""
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


@dataclass
class Cluster:
    data: Path  # the cluster's data folder
    url: str  # DATABASE_URL of its project database, over TCP on loopback


@contextmanager
def tcp_postgres():
    """A throwaway PostgreSQL cluster of the caller's own, listening on a free loopback TCP
    port (libpq's TCP options such as keepalives apply to TCP only; a Unix socket ignores
    them). Stopped and deleted on exit. Nothing else uses it, so it may be paused or stopped."""
    from cancerchoices import localdb

    # Under /var/tmp: when we are root, the server runs as `postgres`, who must reach it.
    folder = Path(tempfile.mkdtemp(prefix="cancerchoices-tcp-", dir="/var/tmp"))
    data = folder / "pgdata"
    try:
        localdb.start(data)  # creates the cluster and its database, on a Unix socket only
        localdb.stop(data)
        port = free_port()
        options = f"-k {data / 'socket'} -c listen_addresses=127.0.0.1 -p {port}"
        pg_ctl = str(localdb.server_bin_dir() / "pg_ctl")
        log = str(data / "server.log")
        result = localdb._run_as_server_user(
            [pg_ctl, "start", "-w", "-D", str(data), "-l", log, "-o", options]
        )
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}")
        yield Cluster(data, f"postgres://{localdb.DB_USER}@127.0.0.1:{port}/{localdb.DB_NAME}")
    finally:
        try:
            localdb.stop(data)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4: the parent's pid
            found.append(int(entry.name))
    return found


@contextmanager
def paused(data: Path):
    """Every process of the cluster in ``data`` stopped with SIGSTOP, as a hung server is:
    connections stay open and the kernel still accepts bytes, but nothing answers. Resumed
    with SIGCONT on exit. Only ever for a cluster of the test's own."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    stopped = []
    try:
        os.kill(postmaster, signal.SIGSTOP)  # first, so that it starts no new process
        stopped.append(postmaster)
        for pid in _children(postmaster):
            with suppress(ProcessLookupError):  # ended meanwhile
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
        yield
    finally:
        for pid in reversed(stopped):
            with suppress(ProcessLookupError):  # ended meanwhile
                os.kill(pid, signal.SIGCONT)


def production_server_env(database_url: str, cache_dir: Path) -> dict:
    """The environment of a server with production settings on the loopback address (plain
    HTTP), its static files collected: for the benchmarks."""
    import secrets

    env = {
        "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "CACHE_DIR": str(cache_dir),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=PROJECT,
        env={**os.environ, **env},
        check=True,
    )
    return env


def bench_database_url(name: str, rebuild: bool = False) -> str:
    """A database of a benchmark's own in the embedded cluster, created when missing (dropped
    first with ``rebuild``)."""
    import psycopg

    from cancerchoices import localdb

    localdb.start()
    params = localdb.connection_settings()
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"], user=params["USER"], dbname="postgres"
    ) as conn:
        conn.autocommit = True
        if rebuild:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return database_url({**params, "NAME": name})
