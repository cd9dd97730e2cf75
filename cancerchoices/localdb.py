"""The embedded PostgreSQL default: a throwaway cluster under ``var/`` for local use.

With no ``DATABASE_URL`` the project uses its own cluster, created on first use from the
machine's PostgreSQL server binaries and reached over a Unix socket, so a fresh checkout needs
no database set-up. Run as a script::

    python -m cancerchoices.localdb start|stop|status

The server refuses to run as root, so when we are root it runs as the ``postgres`` user. That
user must be able to reach the data folder; when the checkout sits somewhere it cannot traverse
(a home folder), the cluster lives in a folder of its own under /var/tmp and ``var/pgdata``
links to it.

The functions take an optional data folder and port, so tests can run a throwaway cluster of
their own (in a folder the ``postgres`` user can reach, such as one under /var/tmp).
"""

import hashlib
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_DIR / "var"
DATA_LINK = VAR_DIR / "pgdata"
DB_NAME = "cancerchoices"
DB_USER = "postgres"
PORT = 5432  # Only names the socket file; nothing listens on TCP.
POSTGRES_LIB = Path("/usr/lib/postgresql")  # Debian: one versioned folder per major version


class LocalDatabaseError(RuntimeError):
    pass


def server_bin_dir() -> Path:
    """Find the folder holding ``initdb`` and ``pg_ctl`` (Debian keeps it off the PATH)."""
    candidates = sorted(POSTGRES_LIB.glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    candidates += [Path(p).parent for p in (shutil.which("initdb"),) if p]
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise LocalDatabaseError(
        "No PostgreSQL server binaries found (initdb, pg_ctl). Install them with "
        "`apt-get install postgresql` (Debian/Ubuntu), or set DATABASE_URL to use another server."
    )


def _as_root() -> bool:
    return os.geteuid() == 0


def _server_user_can_reach(path: Path) -> bool:
    if not _as_root():
        return True
    result = subprocess.run(
        ["runuser", "-u", DB_USER, "--", "test", "-x", str(path)], capture_output=True
    )
    return result.returncode == 0


def _run_as_server_user(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    if _as_root():
        args = ["runuser", "-u", DB_USER, "--", *args]
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def data_dir(folder: Path | None = None) -> Path:
    """The cluster's folder: ``var/pgdata``, or the folder that link points to, or ``folder``."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        _hand_to_server_user(folder)
        return folder
    VAR_DIR.mkdir(exist_ok=True)
    if DATA_LINK.is_symlink() or DATA_LINK.exists():
        return DATA_LINK.resolve()
    if _server_user_can_reach(VAR_DIR):
        DATA_LINK.mkdir()
    else:
        digest = hashlib.sha256(str(PROJECT_DIR).encode()).hexdigest()[:12]
        outside = Path("/var/tmp") / f"cancerchoices-{digest}" / "pgdata"
        outside.mkdir(parents=True, exist_ok=True)
        DATA_LINK.symlink_to(outside)
    _hand_to_server_user(DATA_LINK.resolve())
    return DATA_LINK.resolve()


def _hand_to_server_user(folder: Path) -> None:
    if _as_root():
        user = pwd.getpwnam(DB_USER)
        for path in (folder, folder.parent):
            os.chown(path, user.pw_uid, user.pw_gid)
    folder.chmod(0o700)


def connection_settings(folder: Path | None = None, port: int = PORT) -> dict:
    """Django DATABASES entry for the embedded cluster (no side effects)."""
    if folder is None:
        folder = DATA_LINK.resolve() if DATA_LINK.exists() else DATA_LINK
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": DB_USER,
        "HOST": str(folder / "socket"),
        "PORT": str(port),
    }


def is_running(folder: Path | None = None) -> bool:
    folder = data_dir(folder)
    if not (folder / "PG_VERSION").exists():
        return False
    result = _run_as_server_user([str(server_bin_dir() / "pg_ctl"), "status", "-D", str(folder)])
    return result.returncode == 0


def start(folder: Path | None = None, port: int = PORT) -> None:
    """Create the cluster if needed, start it, and create the project database. Idempotent."""
    bin_dir = server_bin_dir()
    folder = data_dir(folder)
    if not (folder / "PG_VERSION").exists():
        result = _run_as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(folder),
                "-U",
                DB_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
        if result.returncode != 0:
            raise LocalDatabaseError(f"initdb failed:\n{result.stdout}{result.stderr}")
    sockets = folder / "socket"
    if not sockets.exists():
        _run_as_server_user(["mkdir", "-p", str(sockets)])
    if not is_running(folder):
        options = f"-k {sockets} -c listen_addresses='' -p {port} -c max_connections=200"
        result = _run_as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "start",
                "-w",
                "-D",
                str(folder),
                "-l",
                str(folder / "server.log"),
                "-o",
                options,
            ]
        )
        if result.returncode != 0:
            raise LocalDatabaseError(
                f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n"
                f"See {folder / 'server.log'}."
            )
    _create_database(bin_dir, sockets, port)


def _create_database(bin_dir: Path, sockets: Path, port: int) -> None:
    psql = [str(bin_dir / "psql"), "-h", str(sockets), "-p", str(port), "-U", DB_USER, "-tA"]
    exists = subprocess.run(
        [*psql, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'", "postgres"],
        capture_output=True,
        text=True,
    )
    if exists.stdout.strip() != "1":
        created = subprocess.run(
            [*psql, "-c", f'CREATE DATABASE "{DB_NAME}"', "postgres"],
            capture_output=True,
            text=True,
        )
        if created.returncode != 0:
            raise LocalDatabaseError(f"CREATE DATABASE failed:\n{created.stdout}{created.stderr}")


def stop(folder: Path | None = None) -> None:
    if is_running(folder):
        result = _run_as_server_user(
            [
                str(server_bin_dir() / "pg_ctl"),
                "stop",
                "-m",
                "fast",
                "-w",
                "-D",
                str(data_dir(folder)),
            ]
        )
        if result.returncode != 0:
            raise LocalDatabaseError(f"PostgreSQL did not stop:\n{result.stdout}{result.stderr}")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    try:
        if command == "start":
            start()
            print(f"PostgreSQL is running (socket in {data_dir() / 'socket'}).")
        elif command == "stop":
            stop()
            print("PostgreSQL is stopped.")
        elif command == "status":
            print("running" if is_running() else "stopped")
        else:
            print("usage: python -m cancerchoices.localdb start|stop|status", file=sys.stderr)
            return 2
    except LocalDatabaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
