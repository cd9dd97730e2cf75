"""Whole-site backups: a ``pg_dump`` of the database plus a tar of MEDIA_ROOT, and the restore.

A backup is one folder, ``var/backups/<UTC timestamp>/``, holding ``database.dump`` (pg_dump's
custom format) and ``media.tar.gz``. It works for the embedded cluster (over its socket) and
for any server named by DATABASE_URL: the connection comes from ``settings.DATABASES``.
A backup holds every account's password hash and session, so only its owner may read it: the
folder is created 0700 and each file 0600, whatever the umask.
Used by ``manage.py backup`` and ``manage.py restore`` (``make backup``, ``make restore``).
"""

import os
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from cancerchoices import localdb

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"


class BackupError(RuntimeError):
    pass


def client_program(name: str) -> str:
    """pg_dump or pg_restore: the newest server's own copy, else whichever is on the PATH."""
    try:
        candidate = localdb.server_bin_dir() / name
        if candidate.exists():
            return str(candidate)
    except localdb.LocalDatabaseError:
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found. Install PostgreSQL's client programs.")
    return found


def connection(database: dict) -> tuple[list[str], dict]:
    """Command-line options and environment that reach the database Django uses."""
    options = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            options += [flag, str(database[key])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if option in database.get("OPTIONS", {}):
            environment[variable] = str(database["OPTIONS"][option])
    return options, environment


def _run(args: list[str], environment: dict) -> None:
    result = subprocess.run(args, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed:\n{result.stderr or result.stdout}")


def _private_file(path: Path) -> Path:
    """An empty file only its owner may read or write (its writer keeps the mode)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    path.chmod(0o600)  # whatever the umask
    return path


def backup(destination: Path, database: dict, media_root: Path) -> Path:
    """Write a new backup folder under ``destination`` and return it."""
    folder = Path(destination) / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)  # whatever the umask
    _private_file(folder / DATABASE_FILE)
    options, environment = connection(database)
    _run(
        [
            client_program("pg_dump"),
            *options,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(folder / DATABASE_FILE),
            database["NAME"],
        ],
        environment,
    )
    with tarfile.open(_private_file(folder / MEDIA_FILE), "w:gz") as archive:
        if Path(media_root).is_dir():
            archive.add(media_root, arcname="media")
    return folder


def restore(source: Path, database: dict, media_root: Path) -> None:
    """Replace the database's contents with a backup's, and unpack its media over MEDIA_ROOT.

    ``source`` is a backup folder or the ``database.dump`` inside one. The database part runs
    in one transaction: it either restores completely or changes nothing.
    """
    source = Path(source)
    folder = source if source.is_dir() else source.parent
    dump = folder / DATABASE_FILE if source.is_dir() else source
    if not dump.is_file():
        raise BackupError(f"No database dump at {dump}.")
    options, environment = connection(database)
    _run(
        [
            client_program("pg_restore"),
            *options,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            database["NAME"],
            str(dump),
        ],
        environment,
    )
    media = folder / MEDIA_FILE
    if media.is_file():
        Path(media_root).mkdir(parents=True, exist_ok=True)
        with tarfile.open(media) as archive:
            members = [m for m in archive.getmembers() if m.name.startswith("media/")]
            for member in members:
                member.name = member.name.removeprefix("media/")
            # The "data" filter refuses absolute paths, links out of the folder and devices.
            archive.extractall(media_root, members=members, filter="data")
