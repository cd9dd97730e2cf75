"""`make bench-markdown`: hostile Markdown through the real preview view, each answered in time.

Starts the site under gunicorn (the shipped gunicorn.conf.py, production settings) on a database
of its own (``cancerchoices_markdown_bench``, or BENCH_MARKDOWN_DATABASE_URL), signs in as a
staff user, and POSTs generated hostile inputs up to the 100,000-character cap to the admin's
Markdown preview (``/admin/markdownx/markdownify/``, field ``content``, with the CSRF token):
the shapes that took Python-Markdown seconds or recursed past Python's limit, at full size and
at the largest size the formatting limit lets through, plus randomly mixed shapes (bracket,
emphasis, quote and backtick runs, deep lists and quotes, wide tables, thousands of citations
and glossary marks). Each input is sent ``--rounds`` times; its time is the median.

Every input must answer 200 (rendered, or refused with the preview's error note) or 413 (a
request over the size limit), and within ``--bound`` seconds. Prints the slowest inputs as a
Markdown table, and exits 1 if any input fails.

    python -m bench.markdown_bound [--bound 1.0] [--rounds 3] [--mixes 40] [--seed 1]
"""

import argparse
import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from cancerchoices.markdown import (
    MAX_FORMATTING_CHARACTERS,
    MAX_MARKDOWN_LENGTH,
    formatting_characters,
)
from tests.servers import PROJECT, bench_database_url, gunicorn, production_server_env

BENCH_DB = "cancerchoices_markdown_bench"
CACHE_DIR = PROJECT / "var" / "cache" / "markdown-bench"
PREVIEW = "/admin/markdownx/markdownify/"
USERNAME = "markdown-bench"
CAP = MAX_MARKDOWN_LENGTH
BUDGET = MAX_FORMATTING_CHARACTERS
PROSE = "Researchers found modest benefits in small trials of this therapy for some people. "


# --- Inputs ----------------------------------------------------------------------------------


def fill(unit: str, budget: int = BUDGET, cap: int = CAP) -> str:
    """``unit`` repeated as often as the cap and the formatting limit allow (just under both)."""
    per_unit = max(formatting_characters(unit), 1)
    return unit * min(cap // len(unit), (budget - 1) // per_unit)


def spread(unit: str, budget: int = BUDGET, cap: int = CAP) -> str:
    """As many ``unit``s as the formatting limit allows, with prose between them up to the cap."""
    count = max((budget - 1) // max(formatting_characters(unit), 1), 1)
    gap = max((cap - count * len(unit)) // count, 0)
    filler = (PROSE * (gap // len(PROSE) + 1))[:gap].replace("\n", " ")
    return ((unit + filler) * count)[:cap]


def table(columns: int, rows: int, body: str = "b") -> str:
    header = "|" + "a|" * columns + "\n|" + "-|" * columns + "\n"
    return header + ("|" + f"{body}|" * columns + "\n") * rows


ISSUE = {
    # The issue's measurements on Python-Markdown: RecursionError, 7-18 s, 3 MB of HTML.
    "issue: deep list (RecursionError)": "- " * 496 + "x",
    "issue: *a x 49,000": "*a" * 49000,
    'issue: " x 99,000': '"' * 99000,
    "issue: **a x 33,000": "**a" * 33000,
    "issue: ``a x 33,000": "``a" * 33000,
    "issue: 80 KB table, 20,000 columns": "|a" * 20000 + "\n" + "|-" * 20000,
    "issue: 98 KB of citations": "[@key] " * 14000,
}

UNITS = {
    # bracket runs
    "[": "[",
    "![": "![",
    "[b": "[b",
    "[a][": "[a][",
    "[a](b": "[a](b",
    "[a](bbbb (link destinations)": "[a](" + "b" * 30,
    "](": "](",
    "[a](<b": "[a](<b",
    "[a](b 'c": "[a](b 'c",
    # emphasis runs
    "*a": "*a",
    "_a": "_a",
    "**a": "**a",
    "***a": "***a",
    "a_": "a_",
    "*a_": "*a_",
    "*[a*](": "*[a*](",
    # quote runs
    '"': '"',
    "'": "'",
    "\"a'": "\"a'",
    "'a ": "'a ",
    'a" ': 'a" ',
    # backtick runs
    "``a": "``a",
    "`": "`",
    # deep lists and quotes, and lines
    "- (nested)": "- ",
    "1. (nested)": "1. ",
    "> (nested)": "> ",
    ">": ">",
    "> - (nested)": "> - ",
    "- x 10 per line": "- " * 10 + "x\n",
    "1. x 10 per line": "1. " * 10 + "x\n",
    "> x 18 per line": "> " * 18 + "x\n",
    "a\\n": "a\n",
    "\\r": "\r",
    "# a\\n": "# a\n",
    "a\\n=\\n": "a\n=\n",
    "```\\n": "```\n",
    # entities, autolinks, escapes
    "&": "&",
    "&amp;": "&amp;",
    "<": "<",
    "<a": "<a",
    "<http://a": "<http://a",
    "\\\\": "\\",
    # citations and glossary marks
    "[@key]": "[@key] ",
    "[@key, p. 12]": "[@key, p. 12] ",
    "[@key; @key; @key]": "[@key; @key; @key] ",
    "[@gone]": "[@gone] ",
    "[[case study]]": "[[case study]] ",
    "[[shown|case-study]]": "[[shown|case-study]] ",
    "[[no such term]]": "[[no such term]] ",
}


def fixed_inputs() -> dict[str, str]:
    inputs = dict(ISSUE)
    for name, unit in UNITS.items():
        inputs[f"dense {name}"] = fill(unit)
        inputs[f"spread {name}"] = spread(unit)
    inputs |= {
        "plain prose at the cap": (PROSE * (CAP // len(PROSE) + 1))[:CAP],
        "nested brackets": "[" * (BUDGET // 2 - 1) + "a" + "]" * (BUDGET // 2 - 1),
        "nested emphasis": "*" * (BUDGET // 2 - 1) + "a" + "*" * (BUDGET // 2 - 1),
        "increasing backtick runs": "".join("`" * n + "a" for n in range(1, 140)),
        "unclosed citation, 99,998 characters": "[@" + "a" * (CAP - 2),
        "unclosed term": "[[" + "a" * (CAP - 2),
        "wide table (3,300 columns)": table(3300, 0),
        "tall table (2 columns)": table(2, BUDGET // 5),
        "table padded from short rows": table(300, 0) + "x\n" * 3000,
        "many padded tables": (table(40, 0) + "x\n" * 100 + "\n") * 40,
        "reference link used 3,000 times": "[a]: <" + "x" * 60000 + ">\n\n" + "[a] " * 3000,
        "emoji link address": "[a](" + "\U0001f389" * (CAP - 5) + ")",
        "emoji autolink": "<http://" + "\U0001f389" * (CAP - 9) + ">",
        "over the length cap": "x" * (CAP + 1),
        "a megabyte (refused before reading)": "x" * 1_000_000,
    }
    return inputs


def random_mixes(count: int, seed: int) -> dict[str, str]:
    """Texts up to the cap mixing the units above with prose, at random densities."""
    rng = random.Random(seed)
    units = [*UNITS.values(), "[", "]", "(", ")", "*", "_", "|", "-", "\n", "\n\n", "    "]
    words = PROSE.split()
    mixes = {}
    for number in range(count):
        chosen = rng.sample(units, rng.randint(1, 6))
        markup = rng.choice([0.05, 0.2, 0.5, 0.9, 1.0])
        parts, length = [], 0
        limit = rng.choice([CAP // 4, CAP // 2, CAP])
        while length < limit:
            piece = rng.choice(chosen) if rng.random() < markup else rng.choice(words) + " "
            piece *= rng.choice([1, 1, 1, 2, 5, 20])
            parts.append(piece)
            length += len(piece)
        text = "".join(parts)[:limit]
        shown = " ".join(repr(unit)[1:-1] for unit in chosen)
        mixes[f"mix {number + 1}: {shown}"[:70]] = text
    return mixes


# --- The site, a staff session, the preview --------------------------------------------------


def prepare_database(password: str) -> None:
    """Migrations, a staff user, and the reference and glossary term the inputs mark."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from therapies.models import GlossaryTerm, Reference

    call_command("migrate", "--no-input", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.is_staff, user.is_active = True, True
    user.set_password(password)
    user.save()
    Reference.objects.get_or_create(
        key="key",
        defaults={
            "authors": "Smith J, Jones AB",
            "title": "A randomized trial of a complementary therapy in people with cancer",
            "container": "Journal of Integrative Oncology",
            "year": 2020,
            "volume": "12",
            "issue": "3",
            "pages": "45-67",
        },
    )
    GlossaryTerm.objects.get_or_create(
        slug="case-study",
        defaults={
            "term": "case study",
            "short_definition": "A report on the treatment of one person.",
        },
    )


class Client:
    """Requests to the server, with its cookies (kept by hand: they are Secure in production)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers=None, timeout=60):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data.decode("utf-8", "replace"), elapsed

    def sign_in(self, password: str) -> None:
        status, page, _ = self.request("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise SystemExit(f"The sign-in page answered {status} without a CSRF token.")
        form = {
            "username": USERNAME,
            "password": password,
            "csrfmiddlewaretoken": token.group(1),
            "next": "/admin/",
        }
        status, _, _ = self.request(
            "POST",
            "/admin/login/",
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Signing in answered {status}, not a redirect with a session.")

    def preview(self, text: str):
        """POST ``text`` as the preview's ``content`` (multipart: UTF-8 as is, no %-escapes)."""
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="content"\r\n\r\n'
            f"{text}\r\n--{boundary}--\r\n"
        ).encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": self.cookies["csrftoken"],
        }
        return self.request("POST", PREVIEW, body, headers)


def outcome(status: int, html: str) -> str:
    if status == 413:
        return "refused (413)"
    if status != 200:
        return f"ERROR {status}"
    if html.startswith('<p class="errornote">') and not html.startswith(
        '<p class="errornote">Not found:'
    ):
        return "refused"
    return "rendered"


def measure(client: Client, inputs: dict[str, str], rounds: int) -> list[dict]:
    rows = []
    for name, text in inputs.items():
        times, results = [], set()
        size = 0
        for _ in range(rounds):
            status, html, elapsed = client.preview(text)
            times.append(elapsed)
            results.add(outcome(status, html))
            size = len(html)
        rows.append(
            {
                "name": name,
                "chars": len(text),
                "formatting": formatting_characters(text),
                "outcome": " / ".join(sorted(results)),
                "html": size,
                "median": statistics.median(times),
                "max": max(times),
            }
        )
    return rows


def print_table(rows: list[dict], trivial: float, bound: float, rounds: int, shown: int):
    """The slowest inputs as a Markdown table; returns the failures."""
    failures = [row for row in rows if row["median"] > bound or row["outcome"].startswith("ERROR")]
    slowest = sorted(rows, key=lambda row: row["median"], reverse=True)
    print()
    print(
        f"{len(rows)} inputs, each POSTed {rounds} times to {PREVIEW}; bound {bound:.2f} s "
        f"(median of the rounds); a trivial preview takes {trivial * 1000:.0f} ms."
    )
    print()
    print(
        "| input | characters | formatting | outcome | HTML KB | median ms | max ms | x trivial |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for row in slowest[:shown] + [row for row in failures if row not in slowest[:shown]]:
        print(
            f"| {row['name'].replace('|', '&#124;')} | {row['chars']:,} | {row['formatting']:,} "
            f"| {row['outcome']} | {row['html'] / 1024:,.0f} | {row['median'] * 1000:,.0f} "
            f"| {row['max'] * 1000:,.0f} | {row['median'] / trivial:,.0f} |"
        )
    print()
    counts = {}
    for row in rows:
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
    print("Outcomes: " + ", ".join(f"{name} {count}" for name, count in sorted(counts.items())))
    worst = slowest[0]
    print(f"Slowest: {worst['name']} at {worst['median'] * 1000:.0f} ms (median).")
    print(f"Largest answer: {max(row['html'] for row in rows) / 1024:,.0f} KB of HTML.")
    if failures:
        print(f"FAILED: {len(failures)} inputs over {bound:.2f} s or answered with an error.")
    else:
        print(f"Every input answered within {bound:.2f} s.")
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bound", type=float, default=1.0, help="seconds allowed per input")
    parser.add_argument("--rounds", type=int, default=3, help="POSTs of each input")
    parser.add_argument("--mixes", type=int, default=40, help="randomly mixed inputs")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random mixes")
    parser.add_argument("--shown", type=int, default=20, help="rows in the table")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_MARKDOWN_DATABASE_URL") or bench_database_url(BENCH_DB)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cancerchoices.settings.local"
    os.environ["CACHE_DIR"] = str(CACHE_DIR)
    import django

    django.setup()
    password = secrets.token_urlsafe(16)
    prepare_database(password)

    env = production_server_env(url, CACHE_DIR)
    inputs = fixed_inputs() | random_mixes(args.mixes, args.seed)
    print(f"{len(inputs)} inputs up to {CAP:,} characters; starting gunicorn...", flush=True)
    with gunicorn(env, log=subprocess.DEVNULL) as (base, _):
        client = Client(base)
        client.sign_in(password)
        for _ in range(3):  # warm up every worker's imports and parser
            client.preview("Warm *up* [@key] [[case study]]\n\n| a |\n|---|\n| b |")
        trivial = statistics.median(client.preview("Hello.")[2] for _ in range(9))
        rows = measure(client, inputs, args.rounds)
    failures = print_table(rows, trivial, args.bound, args.rounds, args.shown)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
