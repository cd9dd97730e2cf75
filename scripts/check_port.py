"""Is the port `make run` is about to serve on free? Answers before anything is set up.

    python3 scripts/check_port.py PORT [GUNICORN_PID_FILE]

Exits 0, silently, when gunicorn could bind 127.0.0.1:PORT and no gunicorn from an earlier
`make run` in this folder still runs (its pid file, var/gunicorn.pid, names a live gunicorn:
a second one would refuse to start on that pid file). Otherwise prints what holds the port,
and what to do, and exits 1. The standard library only, so it runs before the virtualenv exists.
"""

import errno
import os
import socket
import sys
from pathlib import Path

PID_FILE = Path(__file__).resolve().parent.parent / "var" / "gunicorn.pid"


def port_error(port: int) -> int | None:
    """The errno binding 127.0.0.1:port gives, as gunicorn binds it (SO_REUSEADDR), or None."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            return error.errno
    return None


def live_gunicorn(pid_file: Path) -> int | None:
    """The pid in gunicorn's pid file if that process runs and is a gunicorn (not a reused pid)."""
    try:
        pid = int(pid_file.read_text().strip())
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"gunicorn" in command_line else None


def listeners(port: int) -> list[tuple[int, str]]:
    """(pid, name) of the processes listening on TCP ``port``, from /proc; [] where unreadable."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            # local address "ADDR:PORT" in hex, state 0A is LISTEN, field 9 the socket's inode
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(f"socket:[{fields[9]}]")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                found.append((int(entry.name), (entry / "comm").read_text().strip()))
        except OSError:
            continue
    return sorted(found)


def problem(port: int, pid_file: Path = PID_FILE) -> str | None:
    """What stops `make run` from serving on ``port``, in plain words; None when nothing does."""
    other_port = f"`make run PORT={port + 1 if port < 65535 else 8000}`"
    ours = live_gunicorn(pid_file)
    error = port_error(port)
    if error is None and ours is None:
        return None
    if error == errno.EACCES:
        return f"Port {port} needs root privileges; choose another with {other_port}."
    if error not in (None, errno.EADDRINUSE):
        return f"Cannot serve on 127.0.0.1:{port}: {os.strerror(error)}."
    if error is None:
        return (
            f"The site from an earlier `make run` in this folder still runs (gunicorn, pid "
            f"{ours}), on another port: stop it with `make stop` first."
        )
    if ours is not None:
        return (
            f"Port {port} is in use: the site from an earlier `make run` in this folder "
            f"still runs (gunicorn, pid {ours}). Stop it with `make stop`, or choose another "
            f"port with {other_port}."
        )
    held_by = listeners(port)
    by = f" by {held_by[0][1]} (pid {held_by[0][0]})" if held_by else ""
    if held_by and held_by[0][1] != "gunicorn":
        return f"Port {port} is in use{by}: choose another port with {other_port}."
    return (
        f"Port {port} is in use{by}, perhaps by an earlier `make run`: stop it with `make stop` "
        f"in the folder it was started from, or choose another port with {other_port}."
    )


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: python3 scripts/check_port.py PORT [GUNICORN_PID_FILE]", file=sys.stderr)
        return 2
    try:
        port = int(argv[1])
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        print(f"PORT must be a number from 1 to 65535, not {argv[1]!r}.", file=sys.stderr)
        return 2
    message = problem(port, Path(argv[2]) if len(argv) == 3 else PID_FILE)
    if message:
        print(message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
