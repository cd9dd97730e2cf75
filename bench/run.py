"""`make bench`: throughput of public pages under gunicorn, as ratios to a trivial view.

Builds 1,000 published therapies (7 ratings, 30 references, 5 sub-pages and 3 findings each) in
a database
of its own (``cancerchoices_bench``; the Markdown rendered and stored as a save would store it),
serves it with the shipped gunicorn.conf.py on a free loopback port, and drives bounded wrk
runs at 4x the worker count. Two servers run one after the other: one with the page cache, one
with it switched off (PUBLIC_PAGE_CACHE=0) to measure the views themselves. Each page is
given as a ratio to the trivial view (/healthz/live), run on the same server just before it.

    python -m bench.run [--rounds 7] [--duration 3] [--rebuild]
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from tests.servers import (
    PROJECT,
    bench_database_url,
    ensure_debian_package,
    fetch,
    gunicorn,
    production_server_env,
)

BENCH_DB = "cancerchoices_bench"
CACHE_DIR = PROJECT / "var" / "cache" / "bench"
THERAPIES = 1000
REFERENCES_PER_THERAPY = 30
TARGETS = {"cached": 0.7, "uncached": 0.10}
RSS_TARGET_MB = 150
# A tiny template view through the whole middleware stack, as every page goes. (The health
# checks answer before the middleware, for load balancers, so they are no longer a yardstick.)
TRIVIAL = "/robots.txt"
SUBJECTS = ["Mushroom", "Turmeric", "Melatonin", "Ginger", "Green tea", "Yoga", "Acupuncture"]
SUBJECTS += ["Vitamin D", "Fish oil", "Mistletoe", "Curcumin", "Qigong", "Massage", "Fasting"]
FORMS = ["extract", "capsules", "tea", "practice", "programme", "powder", "tincture", "protocol"]
# The levels of the bench's findings: those every direction may have (therapies.models).
FINDING_LEVELS = ["strong", "good", "modest"]


def build_data_set() -> None:
    from django.core.management import call_command
    from django.db import transaction

    from therapies.models import Therapy

    call_command("migrate", "--no-input", verbosity=0)
    existing = Therapy.objects.count()
    if existing == THERAPIES:
        print(f"Data set: {THERAPIES} therapies already in {BENCH_DB}.")
        return
    if existing:
        raise SystemExit(f"{BENCH_DB} holds {existing} therapies; run with --rebuild.")
    print(f"Building the data set ({THERAPIES} therapies) in {BENCH_DB}...", flush=True)
    with transaction.atomic():
        _create_content()


def _markdown(topic: str, keys: list[str]) -> str:
    """Three paragraphs citing ``keys`` and marking a glossary term, as a researcher writes."""
    cites = "; ".join(f"@{key}" for key in keys)
    text = (
        f"Researchers have studied {topic} in small trials and [[bench term 1]] reports. "
        "Case reports suggest possible benefits, but the evidence is limited and mixed; "
        "talk with your care team first. "
    )
    return "\n\n".join(f"{text * 3}[{cites}]" for _ in range(3))


def _create_content(count: int = THERAPIES) -> None:
    """``count`` published therapies, rendered and indexed (the fleet run builds fewer)."""
    from people.models import Credit, Person
    from ratings.models import Attribute, EvidenceLevel, Rating
    from therapies.models import (
        CancerType,
        Category,
        Finding,
        GlossaryTerm,
        Reference,
        ReviewVersion,
        SubPage,
        Therapy,
    )
    from therapies.rendering import render_version

    today = datetime.date(2025, 6, 1)
    categories = Category.objects.bulk_create(
        Category(name=f"Bench category {n}", slug=f"bench-category-{n}") for n in range(6)
    )
    cancer_types = CancerType.objects.bulk_create(
        CancerType(name=f"Bench cancer {n}", slug=f"bench-cancer-{n}") for n in range(10)
    )
    people = Person.objects.bulk_create(
        Person(
            name=f"Sam Bench{n}",
            slug=f"sam-bench-{n}",
            credentials="MSN, RN",
            role_title="Researcher",
            short_bio="Writes and checks reviews.",
            bio="A sample profile.",
            bio_html="<p>A sample profile.</p>",
            is_sample=True,
        )
        for n in range(20)
    )
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(
            term=f"bench term {n}",
            slug=f"bench-term-{n}",
            short_definition="A plain definition.",
            definition_html="<p>A plain definition.</p>",
        )
        for n in range(20)
    )
    attributes = list(Attribute.objects.all())
    evidence_attributes = [a for a in attributes if a.is_evidence_based]
    levels = list(EvidenceLevel.objects.all())

    therapies = Therapy.objects.bulk_create(
        Therapy(slug=f"{SUBJECTS[n % len(SUBJECTS)]}-{n}".lower().replace(" ", "-"))
        for n in range(count)
    )
    names = [
        f"{SUBJECTS[n % len(SUBJECTS)]} {FORMS[n // len(SUBJECTS) % len(FORMS)]} {n}"
        for n in range(count)
    ]
    versions = ReviewVersion.objects.bulk_create(
        ReviewVersion(
            therapy=t,
            number=1,
            name=names[i],
            category=categories[i % len(categories)],
            is_sample=True,
            state=ReviewVersion.State.PUBLISHED,
            summary=f"What the research says about {names[i].lower()} for people with cancer.",
            body=_markdown(names[i].lower(), [f"bench-{i}-{r}" for r in range(10)]),
            last_updated=today,
            literature_reviewed=today.replace(day=1),
            published_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
        )
        for i, t in enumerate(therapies)
    )
    ReviewVersion.cancer_types.through.objects.bulk_create(
        ReviewVersion.cancer_types.through(reviewversion=v, cancertype=cancer_types[(i + k) % 10])
        for i, v in enumerate(versions)
        for k in (0, 3)
    )
    Rating.objects.bulk_create(
        Rating(
            version=v,
            attribute=a,
            score=(i + a.order) % 6,
            evidence_level=levels[i % len(levels)] if a.is_evidence_based else None,
            note=_markdown("this attribute", [f"bench-{i}-{r}" for r in range(10, 13)]),
        )
        for i, v in enumerate(versions)
        for a in attributes
    )
    SubPage.objects.bulk_create(
        SubPage(
            version=v,
            kind=kind,
            body=_markdown(kind, [f"bench-{i}-{r}" for r in range(k * 6, k * 6 + 6)]),
        )
        for i, v in enumerate(versions)
        for k, kind in enumerate(SubPage.Kind.values)
    )
    # Three findings each: two for the first of its cancer types, one for the other, over every
    # benefit, direction and level; a cancer type has 200 therapies with 300 findings (its
    # guide shows each benefit's best five, and a benefit's therapies 20 a page).
    strengths = [level for level in levels if level.code in FINDING_LEVELS]
    directions = Finding.Direction.values
    Finding.objects.bulk_create(
        Finding(
            version=v,
            attribute=evidence_attributes[(i + k) % len(evidence_attributes)],
            cancer_type=cancer_types[(i + (0 if k < 2 else 3)) % 10],
            direction=directions[(i + k) % len(directions)],
            evidence_level=strengths[(i // 4 + k) % len(strengths)],
            outcome="longer survival",
            population="people with advanced cancer",
            combined_with="chemotherapy" if k == 1 else "",
            detail="from two small randomized trials",
            sources=f"[@bench-{i}-{20 + k}]",
            order=k,
        )
        for i, v in enumerate(versions)
        for k in range(3)
    )
    Reference.objects.bulk_create(
        Reference(
            key=f"bench-{i}-{r}",
            authors="Smith J, Jones AB",
            title=f"A study of {v.name.lower()}, part {r}",
            container="Journal of Integrative Oncology",
            year=2000 + r % 25,
            volume="12",
            issue="3",
            pages="45-67",
            doi=f"10.1000/bench.{i}.{r}",
            pmid=str(100000 + i * 100 + r),
        )
        for i, v in enumerate(versions)
        for r in range(REFERENCES_PER_THERAPY)
    )
    Credit.objects.bulk_create(
        Credit(version=v, person=people[(i + k) % len(people)], role=role, order=k)
        for i, v in enumerate(versions)
        for k, role in enumerate(
            [
                Credit.Role.LEAD_RESEARCHER,
                Credit.Role.CLINICAL_REVIEWER,
                Credit.Role.EXPERT_REVIEWER,
            ]
        )
    )
    # Render and index exactly as saving in the admin does.
    for n, version in enumerate(versions, start=1):
        version.index_for_search()
        render_version(version)
        if n % 100 == 0:
            print(f"  rendered {n} of {len(versions)}", flush=True)


def wrk(url: str, connections: int, duration: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "errors": (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by gunicorn: master, live workers and workers already recycled."""
    ticks = 0
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for pid in [str(master_pid), *children]:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:  # a worker recycled meanwhile; the master counts it now
            continue
        # After the command name: utime, stime, cutime, cstime (fields 14 to 17 of proc(5)).
        fields = stat.rsplit(")", 1)[1].split()
        ticks += sum(int(f) for f in fields[11 : 15 if pid == str(master_pid) else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_rss_mb(master_pid: int) -> float:
    """Largest resident set among the gunicorn master's worker processes, in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        # A worker being recycled (max_requests) may be gone, or a zombie without a VmRSS.
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        if match := re.search(r"VmRSS:\s+(\d+) kB", status):
            sizes.append(int(match.group(1)) / 1024)
    return max(sizes, default=0.0)


def run_wrk(base: str, path: str, process, connections: int, duration: int) -> dict:
    """One bounded wrk run, with gunicorn's CPU time per request served."""
    cpu_before = server_cpu_seconds(process.pid)
    result = wrk(base + path, connections, duration)
    cpu = server_cpu_seconds(process.pid) - cpu_before
    return {**result, "cpu_ms": cpu * 1000 / max(result["requests"], 1)}


def measure(env: dict, pages: list[tuple[str, str, str]], rounds: int, duration: int) -> tuple:
    """Serve with gunicorn; for each page, alternate wrk runs on the trivial view and on the
    page, ``rounds`` times each.

    The machine is shared and its load comes and goes, so each page run is paired with a
    trivial run just before it, and the page's ratio is the median of its pairs' ratios: a
    burst of other work spoils one pair, not the result.
    """
    connections = (os.cpu_count() * 2 + 1) * 4  # 4x the workers gunicorn.conf.py starts
    rows = []
    with gunicorn(env, log=subprocess.DEVNULL) as (base, process):
        wrk(base + TRIVIAL, connections, 1)  # warm up every worker
        for label, path, kind in pages:
            status = fetch(base + path)[0]
            if status != 200:
                raise SystemExit(f"{label}: {path} answered {status}, expected 200")
            wrk(base + path, connections, 1)  # warm up: templates, the cache
            pairs = []
            for _ in range(rounds):
                trivial = run_wrk(base, TRIVIAL, process, connections, duration)
                pairs.append((trivial, run_wrk(base, path, process, connections, duration)))
            row = {"label": label, "path": path, "kind": kind, **summarise(pairs)}
            rows.append(row)
            print(
                f"  {label:<24} {row['rps']:>7.0f} req/s, trivial {row['trivial']['rps']:.0f}, "
                f"ratios {', '.join(f'{r:.2f}' for r in row['ratios'])}",
                flush=True,
            )
        rss = worker_rss_mb(process.pid)
    return rows, rss


def summarise(pairs: list[tuple[dict, dict]]) -> dict:
    """One table row from (trivial run, page run) pairs: medians of the rates, latencies and
    ratios, the worst p99, CPU time per request over all runs, and every error."""

    def combined(runs: list[dict]) -> dict:
        return {
            "rps": statistics.median(run["rps"] for run in runs),
            "p50": statistics.median(run["p50"] for run in runs),
            "p99": max(run["p99"] for run in runs),
            "cpu_ms": sum(run["cpu_ms"] * run["requests"] for run in runs)
            / max(sum(run["requests"] for run in runs), 1),
            "errors": sum(run["errors"] for run in runs),
        }

    ratios = [page["rps"] / trivial["rps"] for trivial, page in pairs]
    return {
        **combined([page for _, page in pairs]),
        "trivial": combined([trivial for trivial, _ in pairs]),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="runs of each page (and trivial)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the data set")
    args = parser.parse_args(argv)
    ensure_debian_package("wrk", "wrk")

    url = os.environ.get("BENCH_DATABASE_URL") or bench_database_url(BENCH_DB, args.rebuild)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cancerchoices.settings.local"
    os.environ["CACHE_DIR"] = str(CACHE_DIR)
    import django

    django.setup()
    build_data_set()

    from django.urls import NoReverseMatch, reverse

    from therapies.models import ReviewVersion

    published = ReviewVersion.objects.published().order_by("name")
    slugs = list(published.values_list("therapy__slug", flat=True)[:3])
    try:
        compare = reverse("therapies:compare") + "?therapies=" + quote(",".join(slugs[:2]))
    except NoReverseMatch:
        compare = None

    env = production_server_env(url, CACHE_DIR)
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    therapy = f"/therapies/{slugs[2]}/"

    print(f"Server 1: page cache on ({args.rounds} rounds of {args.duration}s)", flush=True)
    cached, rss_cached = measure(
        env, [("therapy page, cached", therapy, "cached")], args.rounds, args.duration
    )
    print("Server 2: page cache off (PUBLIC_PAGE_CACHE=0)", flush=True)
    pages = [
        ("therapy page, uncached", therapy, "uncached"),
        ("index", "/therapies/", "uncached"),
        ("search", "/therapies/?q=mushroom", "uncached"),
        ("cancer-type guide", "/cancer-types/bench-cancer-0/", "uncached"),
    ]
    if compare:
        pages.append(("compare", compare, "uncached"))
    uncached, rss_uncached = measure(
        {**env, "PUBLIC_PAGE_CACHE": "0"}, pages, args.rounds, args.duration
    )
    rows = cached + uncached
    if not compare:
        rows.append({"label": "compare", "path": "n/a", "kind": "n/a"})

    failures = print_table(rows, max(rss_cached, rss_uncached))
    return 1 if failures else 0


def print_table(rows: list[dict], rss: float) -> int:
    """Print the results as a Markdown table; returns the errors plus the targets missed."""
    workers = os.cpu_count() * 2 + 1
    print()
    print(f"gunicorn: {workers} sync workers; wrk: 2 threads, {workers * 4} connections")
    print()
    print(
        "| page | req/s | trivial req/s | x trivial | range | target | p50 ms | p99 ms "
        "| CPU ms/req | trivial CPU ms/req | errors |"
    )
    print("|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|")
    missed = []
    errors = 0
    for row in rows:
        if "rps" not in row:
            print(f"| {row['label']} | n/a | | | | | | | | | |")
            continue
        target = TARGETS[row["kind"]]
        met = row["ratio"] >= target
        if not met:
            missed.append(row["label"])
        trivial = row["trivial"]
        errors += row["errors"] + trivial["errors"]
        print(
            f"| {row['label']} | {row['rps']:.0f} | {trivial['rps']:.0f} | {row['ratio']:.2f} "
            f"| {min(row['ratios']):.2f} to {max(row['ratios']):.2f} "
            f"| >= {target} {'met' if met else 'MISSED'} | {row['p50']:.1f} | {row['p99']:.1f} "
            f"| {row['cpu_ms']:.2f} | {trivial['cpu_ms']:.2f} "
            f"| {row['errors'] + trivial['errors']} |"
        )
    print()
    for row in rows:
        print(f"{row['label']}: {row['path']}")
    print(f"trivial view: {TRIVIAL}")
    print()
    print(f"Largest worker RSS after the runs: {rss:.0f} MB (target < {RSS_TARGET_MB} MB)")
    print(f"Errors (non-2xx and socket errors, page and trivial runs): {errors} (target 0)")
    print("req/s, p50 and x trivial: medians over the rounds; range: the rounds' ratios;")
    print("p99: the worst round; CPU ms/req: gunicorn's own CPU time (master and workers)")
    print("per request served, over all rounds.")
    if rss >= RSS_TARGET_MB:
        missed.append("worker RSS")
    if missed:
        print(f"Targets missed: {', '.join(missed)}")
    return errors + len(missed)


if __name__ == "__main__":
    sys.exit(main())
