"""Each rating's history: the page of a review's rating changes and its Atom feed, drawn from
the versions the public saw."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ratings.models import Attribute
from tests.factories import (
    PublishedVersionFactory,
    RatingFactory,
    VersionFactory,
    evidence_level,
    role_user,
)
from tests.therapies.test_feeds import ATOM, assert_valid_atom, atom_entries
from therapies.addresses import change_slug
from therapies.models import ReviewVersion
from therapies.workflow import withdraw_version

pytestmark = pytest.mark.django_db
State = ReviewVersion.State
Kind = ReviewVersion.ChangeKind


def moment(year: int) -> datetime.datetime:
    return datetime.datetime(year, 3, 5, 9, 30, tzinfo=datetime.UTC)


def rate(version, code, score, level=None):
    return RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code=code),
        score=score,
        evidence_level=evidence_level(level) if level else None,
    )


def three_published_versions():
    """Safety 3 → 4 → 4; treatment outcomes not rated → 0 too little evidence → 0 good evidence
    of no benefit; side effects 2 throughout. Then work the public never saw."""
    first = PublishedVersionFactory(
        name="Melatonin", state=State.SUPERSEDED, published_at=moment(2022)
    )
    rate(first, "safety", 3)
    rate(first, "side_effects", 2, "preliminary")
    update = PublishedVersionFactory(
        therapy=first.therapy,
        name="Melatonin",
        state=State.SUPERSEDED,
        published_at=moment(2023),
        change_kind=Kind.UPDATE,
        change_summary="Two new trials on sleep & fatigue.",
    )
    rate(update, "safety", 4)
    rate(update, "side_effects", 2, "preliminary")
    rate(update, "treatment_outcomes", 0, "insufficient")
    correction = PublishedVersionFactory(
        therapy=first.therapy,
        name="Melatonin",
        published_at=moment(2024),
        change_kind=Kind.CORRECTION,
        change_summary="A trial we read as too small was large and negative.",
    )
    rate(correction, "safety", 4)
    rate(correction, "side_effects", 2, "preliminary")
    rate(correction, "treatment_outcomes", 0, "no_benefit")
    # One open version at most (a draft, or one in review); any number discarded.
    for state in [State.IN_REVIEW, State.DISCARDED, State.DISCARDED]:
        unseen = VersionFactory(
            therapy=first.therapy,
            name="Melatonin",
            state=state,
            change_kind=Kind.UPDATE,
            change_summary=f"Not public ({state}).",
        )
        rate(unseen, "safety", 1)
        rate(unseen, "side_effects", 5, "strong")
    return first, update, correction


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def sections(html: str) -> dict[str, list[str]]:
    """Each attribute's section of the page: the text of its changes, newest first."""
    found = {}
    parts = re.split(r'<section class="rating-timeline" id="([a-z_]+)"', html)
    for code, part in zip(parts[1::2], parts[2::2], strict=True):
        part = part.split("</section>")[0]
        found[code] = [text(item) for item in re.findall(r"<li>(.*?)</li>", part, re.S)]
    return found


def history_url(version) -> str:
    return reverse("therapies:ratings", args=[version.therapy.slug])


def test_each_attribute_lists_its_published_changes_newest_first(client):
    first, update, correction = three_published_versions()
    response = client.get(history_url(first))
    assert response.status_code == 200
    html = response.content.decode()
    found = sections(html)

    assert list(found) == list(Attribute.objects.values_list("code", flat=True))
    safety = found["safety"]
    # The correction left safety as it was: not listed again.
    assert len(safety) == 2
    assert safety[0].startswith("March 5, 2023")
    assert "Update From 3 of 5 To 4 of 5" in safety[0]
    assert "Two new trials on sleep &amp; fatigue." in safety[0]
    assert safety[1].startswith("March 5, 2022")
    assert "First published Rated 3 of 5" in safety[1]

    outcomes = found["treatment_outcomes"]
    assert len(outcomes) == 3
    # The same score, another level: a change a reader must see.
    assert (
        "Correction From 0 of 5 Too little evidence to judge To 0 of 5 Good evidence of no benefit"
        in (outcomes[0])
    )
    assert "From Not rated yet To 0 of 5 Too little evidence to judge" in outcomes[1]
    assert "First published Rated Not rated yet" in outcomes[2]

    # Unchanged since it was first published: one entry.
    assert len(found["side_effects"]) == 1
    assert "First published Rated 2 of 5 Preliminary evidence" in found["side_effects"][0]
    assert "First published version of this review." in found["side_effects"][0]

    # Each change links to its version's entry on the "what changed" page, which has it.
    changes_url = reverse("therapies:changes", args=[first.therapy.slug])
    assert f'href="{changes_url}#version-{update.number}"' in html
    changes = client.get(changes_url).content.decode()
    for version in [first, update, correction]:
        assert f'id="version-{version.number}"' in changes


def test_work_the_public_never_saw_is_not_in_the_history(client):
    first, _, _ = three_published_versions()
    html = client.get(history_url(first)).content.decode()
    assert "Not public" not in html
    assert "1 of 5" not in html
    assert "Strong evidence" not in html


def test_the_history_of_an_unpublished_therapy_is_not_found(client):
    draft = VersionFactory()
    rate(draft, "safety", 3)
    assert client.get(history_url(draft)).status_code == 404
    feed = reverse("therapies:ratings_feed", args=[draft.therapy.slug])
    assert client.get(feed).status_code == 404


def test_a_withdrawn_review_takes_its_rating_history_with_it(client):
    _, _, current = three_published_versions()
    withdraw_version(
        version=current, by=role_user("Clinical consultant"), comment="A signal is checked."
    )
    response = client.get(history_url(current))
    assert response.status_code == 410
    html = response.content.decode()
    assert "A signal is checked." in html
    assert "Good evidence of no benefit" not in html
    feed = reverse("therapies:ratings_feed", args=[current.therapy.slug])
    assert client.get(feed).status_code == 404


def test_former_addresses_redirect_to_the_history_and_its_feed(client):
    first, _, _ = three_published_versions()
    old = history_url(first)
    change_slug(therapy=first.therapy, new_slug="melatonin-for-sleep")
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/therapies/melatonin-for-sleep/ratings/"
    response = client.get(old + "feed/")
    assert response.status_code == 301
    assert response["Location"] == "/therapies/melatonin-for-sleep/ratings/feed/"


def test_each_rating_on_the_review_page_links_to_its_history(client):
    _, _, current = three_published_versions()
    html = client.get(current.therapy.get_absolute_url()).content.decode()
    url = history_url(current)
    for code in Attribute.objects.values_list("code", flat=True):
        assert f'href="{url}#{code}"' in html
    assert f'<a href="{url}">How our ratings changed</a>' in html
    history = client.get(url).content.decode()
    assert f'<a href="{current.therapy.get_absolute_url()}#rating-safety">' in history


def test_the_ratings_feed_has_an_entry_per_published_rating_change(client):
    first, update, _ = three_published_versions()
    consultant = role_user("Clinical consultant")
    ReviewVersion.objects.filter(pk=update.pk).update(approved_by=consultant)
    url = reverse("therapies:ratings_feed", args=[first.therapy.slug])
    root, entries = atom_entries(client, url)
    assert_valid_atom(root, settings.SITE_URL + url)
    assert root.findtext(f"{ATOM}id") == settings.SITE_URL + url
    assert "Melatonin" in root.findtext(f"{ATOM}title")

    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    outcomes, safety = "Improving treatment outcomes", "Safety"
    assert titles[0] == (
        f"{outcomes}: 0 of 5, Too little evidence to judge → 0 of 5, Good evidence of no benefit"
    )
    assert f"{outcomes}: Not rated yet → 0 of 5, Too little evidence to judge" in titles
    assert f"{safety}: 3 of 5 → 4 of 5" in titles
    assert f"{safety}: 3 of 5 (first published)" in titles
    # Three changes, and the seven ratings of the first publication.
    assert len(entries) == 3 + 7
    assert not any("1 of 5" in title or "Strong" in title for title in titles)

    safety_change = entries[titles.index(f"{safety}: 3 of 5 → 4 of 5")]
    assert safety_change.findtext(f"{ATOM}content") == (
        "Safety: from 3 of 5 to 4 of 5. Update: Two new trials on sleep & fatigue."
    )
    assert safety_change.findtext(f"{ATOM}summary") == "Update. Two new trials on sleep & fatigue."
    assert safety_change.findtext(f"{ATOM}updated").startswith("2023-03-05T09:30:00")
    link = safety_change.find(f"{ATOM}link").get("href")
    assert link == settings.SITE_URL + history_url(first) + "#safety"
    # The consultant's own name is no public page of theirs: the organisation signs it.
    assert safety_change.findtext(f"{ATOM}author/{ATOM}name") == settings.SITE_NAME


def test_the_history_page_and_review_page_offer_the_ratings_feed(client):
    first, _, current = three_published_versions()
    feed = reverse("therapies:ratings_feed", args=[first.therapy.slug])
    alternate = re.compile(
        rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{feed}">'
    )
    for url in [history_url(first), current.therapy.get_absolute_url()]:
        assert alternate.search(client.get(url).content.decode()), url
    history = client.get(history_url(first)).content.decode()
    assert f'<a href="{feed}" type="application/atom+xml">Follow these ratings</a>' in history


def add_published_versions(first, count: int) -> None:
    """``count`` more published versions, each changing every rating it has."""
    previous = first
    for n in range(count):
        ReviewVersion.objects.filter(pk=previous.pk).update(state=State.SUPERSEDED)
        previous = PublishedVersionFactory(
            therapy=first.therapy,
            name="Melatonin",
            published_at=moment(2025) + datetime.timedelta(days=n),
            change_kind=Kind.UPDATE,
            change_summary=f"Update {n}.",
        )
        rate(previous, "safety", n % 5)
        rate(previous, "side_effects", (n + 1) % 5 or None)


def query_counts(client, version) -> dict[str, int]:
    counts = {}
    for name, url in {
        "page": history_url(version),
        "feed": reverse("therapies:ratings_feed", args=[version.therapy.slug]),
    }.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries)
    return counts


def test_the_history_runs_as_many_queries_for_1_version_as_for_13(client):
    first = PublishedVersionFactory(name="Melatonin", published_at=moment(2022))
    rate(first, "safety", 3)
    short = query_counts(client, first)
    add_published_versions(first, 12)
    long = query_counts(client, first)
    assert long == short
    # The review (and when it was first published), its public versions, their ratings and the
    # attributes; the feed reads the published version instead of the first.
    assert short == {"page": 4, "feed": 4}
