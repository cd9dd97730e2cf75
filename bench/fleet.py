"""`make bench-fleet`: a small fleet under mixed traffic, and what its readers see after a
publication.

Starts a throwaway PostgreSQL primary and a streaming hot standby of it (``tests.replica``),
one Redis, two gunicorn app servers with production settings sharing them (the standby as
DATABASE_REPLICA_URL) and two background workers on the primary, each named as a host of its
own, writing their e-mail to files. It builds a small data set on the primary (40 published
therapies and two sign-ins), then for a bounded time:

* readers (threads) fetch public pages round-robin across both servers: therapy pages, the
  index, searches, and the page of the therapy the editor changes;
* an editor works through the admin as people do, signed in with a password, CSRF token and
  all, alternating between the servers: a researcher starts a draft, edits its summary on the
  change form, submits it; a clinical consultant approves and publishes it. Every few seconds.

After each confirmed publication (the publish step's redirect, and the admin saying "now
published") the editor polls every server until the new summary shows: the time from the
confirmation to the new page, per server. A stale read is a reader's read of an older summary
that started after that server first showed the new one, or more than ``BOUND`` seconds after
the confirmation. Targets: no errors, no stale reads, every new page on every server within
``BOUND`` seconds, and each publication's three e-mails (submitted, approved, published)
sent once each. Exit status 1 when one is missed.

With ``--database lagging`` the standby's replay is paused before the traffic starts, so it
falls further behind with every publication; ``--database primary`` runs without a standby.

    python -m bench.fleet [--seconds 60] [--readers 4] [--rate 40] [--every 5]
                          [--database standby|lagging|primary] [--json]
"""

import argparse
import itertools
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin

from tests.replica import streaming_pair
from tests.servers import (
    background_worker,
    gunicorn,
    production_server_env,
    redis_server,
    tcp_postgres,
)

THERAPIES = 40
BOUND = 1.0  # seconds: the target for a new page on every server, and the stale-read bound
PASSWORD = "fleet-bench-password"
SIGN_INS = {"researcher": "Researcher", "consultant": "Clinical consultant"}
SEARCHES = ["mushroom", "turmeric", "yoga", "ginger tea", "vitamin"]
TOKEN = re.compile(r"Fleet edit number (\d+)\.")
# Each publication's e-mail, one of each, sent by the workers: the consultant hears of the
# submission, the researcher of the approval and of the publication.
EMAILS = ["Review submitted for approval", "Review approved", "Review published"]
WORKER_SETTINGS = """\
from cancerchoices.settings.production import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = {outbox!r}
"""


# The database ---------------------------------------------------------------------------


@contextmanager
def databases(standby: bool):
    """(primary URL, its streaming standby or None, a wait until the standby has caught up)."""
    if not standby:
        with tcp_postgres() as cluster:
            yield cluster.url, None, lambda: None
        return
    with streaming_pair() as (primary, replica):
        yield primary.url, replica, lambda: replica.wait_caught_up(primary)


def build(primary_url: str) -> list[str]:
    """Migrate the primary, build the data set and the sign-ins; returns the therapies' slugs."""
    os.environ["DATABASE_URL"] = primary_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cancerchoices.settings.local"
    os.environ.pop("DATABASE_REPLICA_URL", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connections, transaction

    from bench.run import _create_content
    from therapies.models import ReviewVersion, Therapy

    call_command("migrate", "--no-input", verbosity=0)
    with transaction.atomic():
        _create_content(THERAPIES)
        for username, role in SIGN_INS.items():
            user = get_user_model().objects.create_user(
                username, f"{username}@example.org", PASSWORD, is_staff=True
            )
            user.groups.add(Group.objects.get(name=role))
        slugs = list(Therapy.objects.order_by("pk").values_list("slug", flat=True))
        _valid_ratings(ReviewVersion.objects.get(therapy__slug=slugs[0]))
    connections.close_all()
    return slugs


def _valid_ratings(version) -> None:
    """Scores that agree with their evidence levels, for the edited review: the data set's
    scores are spread for the page's sake, but its change form, like an editor's, takes only
    valid ratings."""
    from django.core.exceptions import ValidationError

    for rating in version.ratings.all():
        for score in [rating.score, *range(6), None]:
            rating.score = score
            try:
                rating.full_clean()
            except ValidationError:
                continue
            rating.save()
            break


# Workers --------------------------------------------------------------------------------


@contextmanager
def workers(env: dict, folder: Path, count: int = 2):
    """``count`` background workers, each named as a host of its own, on the primary (never
    the standby) and Redis, writing their e-mail to files in the folder they yield; stopped with
    SIGTERM, so each finishes its job."""
    outbox = folder / "outbox"
    (folder / "fleet_worker_settings.py").write_text(WORKER_SETTINGS.format(outbox=str(outbox)))
    worker_env = {**env, "DJANGO_SETTINGS_MODULE": "fleet_worker_settings"}
    worker_env["PYTHONPATH"] = str(folder)
    worker_env["DATABASE_REPLICA_URL"] = ""  # the primary only, whatever the shell says
    with ExitStack() as stack:
        for n in range(1, count + 1):
            log = stack.enter_context((folder / f"worker-{n}.log").open("w"))
            stack.enter_context(background_worker(worker_env, log, name=f"host-{n}"))
        yield outbox


def emails_sent(outbox: Path, timeout: float = 60) -> dict[str, int]:
    """Once the e-mail queue is empty (or after ``timeout``): how many messages of each kind in
    EMAILS the workers wrote. The file backend writes a file a connection, each message in it
    with a Subject header of its own."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    waiting = ProcrastinateJob.objects.filter(queue_name="email", status__in=["todo", "doing"])
    deadline = time.monotonic() + timeout
    while waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    subjects = [
        subject
        for path in sorted(outbox.glob("*"))
        for subject in re.findall(r"^Subject: (.*)$", path.read_text(), re.MULTILINE)
    ]
    return {kind: sum(s.startswith(kind + ":") for s in subjects) for kind in EMAILS}


# HTTP -----------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(NoRedirect)


def request(url: str, data: dict | None = None, headers: dict | None = None, timeout=10):
    """(status, headers, body) of one GET or form POST; redirects are not followed."""
    body = urlencode(data, doseq=True).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with _opener.open(req, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class FormParser(HTMLParser):
    """Every POST form of a page, each as a browser would post it (checked boxes and radios,
    selected options, text areas), with its submit buttons: ``forms``, a list of (action,
    fields, buttons)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]], dict[str, str]]] = []
        self._form = None
        self._select = self._textarea = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = (a.get("action") or "", [], {})
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        _, fields, buttons = self._form
        name = a.get("name")
        kind = (a.get("type") or "text").lower()
        if tag == "input" and name:
            if kind in {"submit", "button", "image"}:
                buttons[name] = a.get("value") or ""
            elif kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((name, a.get("value") or "on"))
            elif kind != "file":
                fields.append((name, a.get("value") or ""))
        elif tag == "button" and name:
            buttons[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form:
            self._form[1].append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def main_form(self):
        """The page's own form: the first POST form but the header's sign-out."""
        for action, fields, buttons in self.forms:
            if "logout" not in action and any(n == "csrfmiddlewaretoken" for n, _ in fields):
                return action, fields, buttons
        return None


class Session:
    """A signed-in admin user, as a browser holds one: its cookies, sent back on every request
    (the production settings mark them Secure; here everything is plain HTTP on loopback)."""

    def __init__(self, username: str):
        self.username = username
        self.cookies: dict[str, str] = {}

    def call(self, url: str, data: dict | list | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            headers["Referer"] = url
        status, response_headers, body = request(url, data, headers)
        for cookie in response_headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value
        if status >= 400:
            raise RuntimeError(f"{self.username}: {url} answered {status}")
        return status, response_headers, body

    def submit_form(self, url: str, changes: dict | None = None, button: str | None = None):
        """GET ``url``, post its form back with ``changes``; returns the redirect's address."""
        _, _, page = self.call(url)
        parser = FormParser()
        parser.feed(page)
        if not (form := parser.main_form()):
            raise RuntimeError(f"{self.username}: no form at {url}")
        action, fields, buttons = form
        changes = changes or {}
        data = [(name, value) for name, value in fields if name not in changes]
        data += list(changes.items())
        if button:
            data.append((button, buttons.get(button, "")))
        status, headers, body = self.call(urljoin(url, action or url), data)
        if status != 302:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
            raise RuntimeError(f"{self.username}: {url} refused the form: {errors or status}")
        return urljoin(url, headers["Location"])

    def sign_in(self, base: str):
        address = self.submit_form(
            base + "/admin/login/?next=/admin/",
            {"username": self.username, "password": PASSWORD},
        )
        if not address.endswith("/admin/"):
            raise RuntimeError(f"{self.username} could not sign in")


# The run --------------------------------------------------------------------------------


class Run:
    def __init__(self, servers: list[str], slugs: list[str], edited: str):
        self.servers = servers
        self.slugs = slugs
        self.edited = edited
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.reads = dict.fromkeys(servers, 0)
        self.latencies: dict[str, list[float]] = {base: [] for base in servers}
        self.old_polls = dict.fromkeys(servers, 0)  # the editor's polls answered the old page
        self.errors: list[str] = []
        self.edited_reads: list[tuple[str, float, int]] = []  # (server, started, number seen)
        # Each confirmed publication: (number, confirmed at, {server: first seen fresh at}).
        self.publications: list[tuple[int, float, dict[str, float]]] = []

    def error(self, what: str):
        with self.lock:
            self.errors.append(what)

    def reader(self, index: int, interval: float):
        pages = [f"/therapies/{slug}/" for slug in self.slugs[index::4]] + ["/therapies/"]
        pages += [f"/therapies/?q={q.replace(' ', '+')}" for q in SEARCHES]
        pages += [f"/therapies/{self.edited}/"] * 4
        servers = itertools.cycle(self.servers[index % 2 :] + self.servers[: index % 2])
        slot = time.monotonic()
        for path in itertools.cycle(pages):
            slot += interval  # a steady pace, not as fast as the servers answer
            if self.stop.wait(max(0.0, slot - time.monotonic())):
                return
            base = next(servers)
            started = time.monotonic()
            try:
                status, _, body = request(base + path)
            except OSError as error:
                self.error(f"{base}{path}: {error}")
                continue
            with self.lock:
                self.reads[base] += 1
                self.latencies[base].append(time.monotonic() - started)
            if status != 200:
                self.error(f"{base}{path}: {status}")
            elif path == f"/therapies/{self.edited}/":
                found = TOKEN.search(body)
                with self.lock:
                    self.edited_reads.append((base, started, int(found.group(1)) if found else 0))

    def editor(self, every: float, therapy_pk: int):
        researcher, consultant = Session("researcher"), Session("consultant")
        researcher.sign_in(self.servers[0])
        consultant.sign_in(self.servers[1])
        for number in itertools.count(1):
            started = time.monotonic()
            base = self.servers[number % 2]
            try:
                confirmed, change = self.publish(base, number, researcher, consultant, therapy_pk)
                fresh = self.wait_fresh(number, confirmed)
                # The step's redirect confirmed it; the admin's message says so too.
                if "now published" not in consultant.call(change)[2]:
                    raise RuntimeError("the admin did not say the version is now published")
            except (OSError, RuntimeError) as error:
                self.error(f"editor, publication {number}: {error}")
                return
            self.publications.append((number, confirmed, fresh))
            if self.stop.wait(max(0.0, every - (time.monotonic() - started))):
                return

    def publish(self, base, number, researcher, consultant, therapy_pk) -> tuple[float, str]:
        """One change through the admin; returns when its publication was confirmed (the
        publish step's redirect), and where that redirect leads."""
        draft = researcher.submit_form(f"{base}/admin/therapies/reviewversion/start-draft/"
                                       f"{therapy_pk}/")  # fmt: skip
        summary = f"Fleet edit number {number}. What the research says, revised."
        step = researcher.submit_form(draft, {"summary": summary, "_step": "submit"})
        researcher.submit_form(
            step, {"change_kind": "correction", "change_summary": f"Fleet edit {number}."}
        )
        version = step.split("step/")[0]
        consultant.submit_form(version + "step/approve/", {"comment": ""})
        change = consultant.submit_form(version + "step/publish/")
        return time.monotonic(), change

    def wait_fresh(self, number: int, confirmed: float) -> dict[str, float]:
        """Poll every server, each in a thread of its own, until the new summary shows on it;
        when each first did (a request's end). Given up after 30 s."""
        fresh: dict[str, float] = {}

        def poll(base: str):
            while time.monotonic() < confirmed + 30:
                try:
                    status, _, body = request(f"{base}/therapies/{self.edited}/")
                except OSError as error:
                    self.error(f"editor, polling {base}: {error}")
                    continue
                found = TOKEN.search(body)
                if status == 200 and found and int(found.group(1)) >= number:
                    fresh[base] = time.monotonic()
                    return
                with self.lock:
                    self.old_polls[base] += 1

        pollers = [threading.Thread(target=poll, args=(base,)) for base in self.servers]
        for poller in pollers:
            poller.start()
        for poller in pollers:
            poller.join()
        return fresh

    def stale_reads(self) -> tuple[dict[str, int], dict[str, int]]:
        """Per server: the stale reads (of an older summary, started after the server first
        showed the newer one or more than BOUND seconds after its publication was confirmed);
        and every read of an older summary started after a confirmation, those in flight while
        the new page was on its way included."""
        stale = dict.fromkeys(self.servers, 0)
        old = dict.fromkeys(self.servers, 0)
        for base, started, seen in self.edited_reads:
            late = [(n, c, f) for n, c, f in self.publications if seen < n and started >= c]
            if late:
                old[base] += 1
            if any(started >= min(f.get(base, float("inf")), c + BOUND) for _, c, f in late):
                stale[base] += 1
        return stale, old


def run(seconds: float, readers: int, rate: float, every: float, database: str) -> dict:
    """``database``: "standby" (a primary and its streaming standby), "lagging" (the standby's
    replay paused once the data set is there, so it falls further behind with each
    publication) or "primary" (no standby)."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fleet-")))
        primary_url, standby, caught_up = stack.enter_context(databases(database != "primary"))
        print(f"Building {THERAPIES} therapies on the primary...", flush=True)
        slugs = build(primary_url)
        from therapies.models import Therapy

        edited = slugs[0]
        therapy_pk = Therapy.objects.get(slug=edited).pk
        caught_up()
        if database == "lagging":
            standby.pause_replay()
        redis_url = stack.enter_context(redis_server(folder))
        env = {
            **production_server_env(primary_url, folder / "cache"),
            "REDIS_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        if standby:
            env["DATABASE_REPLICA_URL"] = standby.url
        logs = [stack.enter_context((folder / f"server-{n}.log").open("w")) for n in (1, 2)]
        servers = [stack.enter_context(gunicorn(env, workers=2, log=log))[0] for log in logs]
        outbox = stack.enter_context(workers(env, folder))
        result = drive(servers, slugs, edited, therapy_pk, seconds, readers, rate, every)
        result["database"] = database
        result["emails"] = emails_sent(outbox)
        result["jobs_run"] = {
            f"host-{n}": (folder / f"worker-{n}.log").read_text().count('"Starting job ')
            for n in (1, 2)
        }
        if result["errors"]:
            for log in (folder / "server-1.log", folder / "server-2.log"):
                print(f"--- {log.name}:\n{log.read_text()[-3000:]}", file=sys.stderr)
        return result


def drive(servers, slugs, edited, therapy_pk, seconds, readers, rate, every) -> dict:
    fleet = Run(servers, slugs, edited)
    interval = readers / rate
    threads = [threading.Thread(target=fleet.reader, args=(n, interval)) for n in range(readers)]
    threads.append(threading.Thread(target=fleet.editor, args=(every, therapy_pk)))
    print(f"Driving traffic for {seconds:.0f} s...", flush=True)
    for thread in threads:
        thread.start()
    fleet.stop.wait(seconds)
    fleet.stop.set()
    for thread in threads:
        thread.join(60)
    stale, old = fleet.stale_reads()
    per_server = {}
    for n, base in enumerate(servers, start=1):
        times = [fresh[base] - confirmed for _, confirmed, fresh in fleet.publications
                 if base in fresh]  # fmt: skip
        missing = sum(base not in fresh for _, _, fresh in fleet.publications)
        latencies = sorted(fleet.latencies[base]) or [0.0]
        per_server[f"server {n}"] = {
            "reads": fleet.reads[base],
            "read_p50_ms": statistics.median(latencies) * 1000,
            "read_p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
            "stale": stale[base],
            "old_after_confirmation": old[base],
            "fresh_p50_ms": statistics.median(times) * 1000 if times else None,
            "fresh_max_ms": max(times) * 1000 if times else None,
            "never_fresh": missing,
            "old_polls": fleet.old_polls[base],
        }
    return {
        "seconds": seconds,
        "readers": readers,
        "rate": rate,
        "read_rate": sum(fleet.reads.values()) / seconds,
        "publications": len(fleet.publications),
        "errors": len(fleet.errors),
        "error_samples": fleet.errors[:10],
        "edited_page_reads": len(fleet.edited_reads),
        "servers": per_server,
    }


def missed_targets(result: dict) -> list[str]:
    missed = []
    if result["errors"]:
        missed.append(f"{result['errors']} errors")
    if not result["publications"]:
        missed.append("no publication confirmed")
    for kind, sent in result["emails"].items():
        if sent != result["publications"]:
            missed.append(f"{sent} '{kind}' e-mails for {result['publications']} publications")
    for name, row in result["servers"].items():
        if row["stale"]:
            missed.append(f"{name}: {row['stale']} stale reads")
        if row["never_fresh"]:
            missed.append(f"{name}: {row['never_fresh']} publications never seen")
        if row["fresh_max_ms"] is not None and row["fresh_max_ms"] >= BOUND * 1000:
            missed.append(f"{name}: new page after {row['fresh_max_ms']:.0f} ms")
    return missed


def print_table(result: dict) -> None:
    database = {
        "standby": "a primary and its streaming standby",
        "lagging": "a primary and a standby whose replay is paused",
        "primary": "a primary alone",
    }[result["database"]]
    rows = result["servers"].values()
    print()
    print(
        f"2 app servers (gunicorn, 2 workers each), 2 background workers, 1 Redis, {database}. "
        f"{result['seconds']:.0f} s: {result['readers']} readers at {result['read_rate']:.0f} "
        f"reads/s in all; {result['publications']} publications through the admin."
    )
    print()
    print("| server | reads | read p50 | read p99 | stale reads | publish to new page p50 "
          "| max | target |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, row in result["servers"].items():
        p50, worst = row["fresh_p50_ms"], row["fresh_max_ms"]
        met = worst is not None and worst < BOUND * 1000 and not row["never_fresh"]
        print(
            f"| {name} | {row['reads']} | {row['read_p50_ms']:.0f} ms "
            f"| {row['read_p99_ms']:.0f} ms | {row['stale']} "
            f"| {p50 or 0:.0f} ms | {worst or 0:.0f} ms "
            f"| < {BOUND * 1000:.0f} ms: {'met' if met else 'MISSED'} |"
        )
    print()
    sent = ", ".join(f"{result['emails'][kind]} '{kind}'" for kind in EMAILS)
    print(f"E-mail from the 2 workers: {sent} (target {result['publications']} of each)")
    jobs = ", ".join(f"{name} {count}" for name, count in result["jobs_run"].items())
    print(f"Jobs each worker started (e-mail and the periodic checks): {jobs}")
    print(f"Errors (non-200 answers, failed connections, refused admin steps): {result['errors']} "
          "(target 0)")  # fmt: skip
    print(f"Stale reads: {sum(row['stale'] for row in rows)} of {result['edited_page_reads']} "
          "reads of the edited page (target 0)")  # fmt: skip
    print(f"A stale read: a reader's read of an older summary that started after that server "
          f"first showed the new one, or over {BOUND:.0f} s after the publication was "
          "confirmed.")  # fmt: skip
    old = ", ".join(
        f"{name}: {row['old_after_confirmation']} of readers' reads, {row['old_polls']} of the "
        "editor's polls"
        for name, row in result["servers"].items()
    )
    print(f"The old page read after a confirmation, in flight or stale: {old}")
    for sample in result["error_samples"]:
        print(f"error: {sample}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long traffic runs")
    parser.add_argument("--readers", type=int, default=4, help="reader threads")
    parser.add_argument("--rate", type=float, default=40, help="reads a second, all readers")
    parser.add_argument("--every", type=float, default=5, help="seconds between publications")
    parser.add_argument(
        "--database",
        choices=["standby", "lagging", "primary"],
        default="standby",
        help="a primary and its standby, the standby lagging (replay paused), or no standby",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args(argv)
    result = run(args.seconds, args.readers, args.rate, args.every, args.database)
    print_table(result)
    missed = missed_targets(result)
    if args.json:
        print("RESULT " + json.dumps({**result, "missed": missed}))
    if missed:
        print(f"Targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
