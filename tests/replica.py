"""A real streaming replica for the server tests and the benchmarks: a throwaway primary cluster
and a hot standby of it, built with PostgreSQL's own tools.

Usage::

    from tests.replica import streaming_pair

    with streaming_pair() as (primary, standby):
        primary.url             # DATABASE_URL: the primary's project database, TCP on loopback
        standby.url             # DATABASE_REPLICA_URL: the same database on the standby
        primary.data            # the primary's data folder (for tests.servers.paused)
        standby.data            # the standby's data folder (for tests.servers.paused)
        standby.wait_caught_up(primary)   # until it has replayed all the primary wrote
        standby.pause_replay()  # pg_wal_replay_pause(): it stays connected but falls behind
        standby.resume_replay()
        standby.replay_lsn()    # pg_last_wal_replay_lsn(), as text
        standby.stop()          # pg_ctl stop -m fast
        standby.start()         # again, on the same port, streaming from where it stopped

``streaming_pair()`` makes a new cluster under /var/tmp (the ``postgres`` user, whom the server
runs as when we are root, must reach it) listening on a free loopback port with the project
database created, then ``pg_basebackup -R -X stream`` of it into a second folder and starts that
as a hot standby on its own socket folder and free port, and waits (polling, with a generous
deadline) until it is in recovery and has caught up. Both are stopped and deleted on exit.
Nothing else uses them, so a test may stop, pause (``tests.servers.paused``) or migrate them.

Primary and standby reach each other over the primary's Unix socket (``-R`` writes that into
the standby's ``primary_conninfo``); the app reaches both over TCP, as it would in production.
``initdb``'s defaults allow it: ``wal_level=replica``, ten WAL senders, and ``trust`` for local
replication connections of the ``postgres`` superuser.
"""

import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.servers import Cluster, free_port

DEADLINE = 120.0  # seconds: a loaded machine may take long to copy and start a cluster


class ReplicaError(RuntimeError):
    pass


def _localdb():
    from cancerchoices import localdb

    return localdb


def _pg_ctl(*args: str) -> None:
    localdb = _localdb()
    result = localdb._run_as_server_user([str(localdb.server_bin_dir() / "pg_ctl"), *args])
    if result.returncode != 0:
        raise ReplicaError(f"pg_ctl {args[0]} failed:\n{result.stdout}{result.stderr}")


def _start_server(data: Path, sockets: Path, port: int) -> None:
    options = f"-k {sockets} -c listen_addresses=127.0.0.1 -p {port} -c max_connections=100"
    _pg_ctl(
        "start",
        "-w",
        "-t",
        str(int(DEADLINE)),
        "-D",
        str(data),
        "-l",
        str(data / "server.log"),
        "-o",
        options,
    )


def _url(port: int) -> str:
    localdb = _localdb()
    return f"postgres://{localdb.DB_USER}@127.0.0.1:{port}/{localdb.DB_NAME}"


def _query(url: str, sql: str, params=()):
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchone()[0]


@dataclass
class Standby:
    data: Path  # the standby's data folder
    sockets: Path  # its Unix socket folder
    port: int  # its loopback TCP port
    url: str  # DATABASE_REPLICA_URL of its copy of the project database

    def query(self, sql: str, params=()):
        """The first column of the first row ``sql`` returns on the standby."""
        return _query(self.url, sql, params)

    def replay_lsn(self) -> str:
        return self.query("SELECT pg_last_wal_replay_lsn()::text")

    def pause_replay(self) -> None:
        """Replay stops (``pg_wal_replay_pause``): the standby answers, from old data."""
        self.query("SELECT pg_wal_replay_pause()::text")
        _wait(lambda: self.query("SELECT pg_get_wal_replay_pause_state()") == "paused", "pause")

    def resume_replay(self) -> None:
        self.query("SELECT pg_wal_replay_resume()::text")

    def has_replayed(self, lsn: str) -> bool:
        return self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])

    def wait_caught_up(self, primary: Cluster) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        target = _query(primary.url, "SELECT pg_current_wal_lsn()::text")
        _wait(lambda: self.has_replayed(target), f"replay up to {target}")

    def is_running(self) -> bool:
        localdb = _localdb()
        pg_ctl = str(localdb.server_bin_dir() / "pg_ctl")
        return localdb._run_as_server_user([pg_ctl, "status", "-D", str(self.data)]).returncode == 0

    def stop(self) -> None:
        if self.is_running():
            _pg_ctl("stop", "-m", "fast", "-w", "-D", str(self.data))

    def start(self) -> None:
        """Start it again; it answers once it is consistent (in recovery, streaming)."""
        _start_server(self.data, self.sockets, self.port)
        _wait(lambda: self.query("SELECT pg_is_in_recovery()"), "recovery")


def _wait(check, what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    error = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except psycopg.Error as problem:
            error = problem
        time.sleep(0.2)
    raise ReplicaError(f"The standby did not reach {what} within {timeout} s ({error})")


def _make_standby(primary_data: Path, primary_port: int, folder: Path) -> Standby:
    localdb = _localdb()
    data = folder / "standby"
    sockets = folder / "standby-socket"
    localdb.data_dir(data)  # created, owned by the server user, 0700
    localdb._run_as_server_user(["mkdir", "-p", str(sockets)])
    command = [
        str(localdb.server_bin_dir() / "pg_basebackup"),
        "--pgdata",
        str(data),
        "--host",
        str(primary_data / "socket"),
        "--port",
        str(primary_port),
        "--username",
        localdb.DB_USER,
        "--write-recovery-conf",
        "--wal-method=stream",
        "--checkpoint=fast",
        "--no-sync",
    ]
    result = localdb._run_as_server_user(command)
    if result.returncode != 0:
        raise ReplicaError(f"pg_basebackup failed:\n{result.stdout}{result.stderr}")
    # The primary's own files, copied with its data, are not the standby's.
    for leftover in ["server.log", "socket"]:
        path = data / leftover
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()
    port = free_port()
    standby = Standby(data, sockets, port, _url(port))
    standby.start()
    return standby


@contextmanager
def streaming_pair():
    """A throwaway primary and a hot standby streaming from it; yields (Cluster, Standby)."""
    localdb = _localdb()
    folder = Path(tempfile.mkdtemp(prefix="cancerchoices-replica-", dir="/var/tmp"))
    folder.chmod(0o755)  # the server user must traverse it to reach both data folders
    primary_data = folder / "primary"
    standby = None
    try:
        localdb.start(primary_data)  # creates the cluster and its database (socket only)
        localdb.stop(primary_data)
        port = free_port()
        _start_server(primary_data, primary_data / "socket", port)
        primary = Cluster(primary_data, _url(port))
        standby = _make_standby(primary_data, port, folder)
        standby.wait_caught_up(primary)
        yield primary, standby
    finally:
        try:
            if standby is not None:
                standby.stop()
        finally:
            try:
                localdb.stop(primary_data)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
