"""The last full literature review is the month the literature search was run, entered by the
researcher on submitting; the preview and the approve and publish screens show the dates that
publishing will set."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import signed_in
from tests.factories import PublishedVersionFactory, member
from therapies.models import ReviewVersion
from therapies.workflow import (
    WorkflowError,
    approve_version,
    publish_version,
    start_draft,
    submit_version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def researcher():
    return member("Researcher", "rita")


@pytest.fixture
def consultant():
    return member("Clinical consultant", "carl")


@pytest.fixture
def draft(researcher):
    live = PublishedVersionFactory(
        last_updated=datetime.date(2023, 12, 12), literature_reviewed=datetime.date(2021, 9, 1)
    )
    return start_draft(live.therapy, researcher)


def url(name, version, *args):
    return reverse(f"admin:therapies_reviewversion_{name}", args=[version.pk, *args])


def submit_form(draft, **fields):
    return {"revision": draft.revision, "change_summary": "Searched again.", **fields}


def test_a_full_review_asks_for_the_month_of_its_search(draft, researcher):
    client = signed_in(researcher)
    page = client.get(url("step", draft, "submit")).content.decode()
    assert 'type="month"' in page
    assert f'max="{timezone.localdate():%Y-%m}"' in page
    response = client.post(
        url("step", draft, "submit"), submit_form(draft, change_kind="full_review")
    )
    assert response.status_code == 200  # the form again, with what was typed
    html = response.content.decode()
    assert "needs the month the literature search was run" in html
    assert "Searched again." in html
    draft.refresh_from_db()
    assert draft.state == ReviewVersion.State.DRAFT


def test_the_month_of_the_search_cannot_be_to_come(draft, researcher):
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    form = submit_form(draft, change_kind="full_review", literature_searched=f"{next_month:%Y-%m}")
    response = signed_in(researcher).post(url("step", draft, "submit"), form)
    assert "cannot have been run in a month still to come" in response.content.decode()
    with pytest.raises(WorkflowError, match="still to come"):
        submit_version(version=draft, by=researcher, change_kind="full_review",
                       change_summary="x", literature_searched=next_month)  # fmt: skip
    nonsense = submit_form(draft, change_kind="full_review", literature_searched="soon")
    html = signed_in(researcher).post(url("step", draft, "submit"), nonsense).content.decode()
    assert "Give the month as year and month" in html


def test_publishing_sets_the_month_of_the_search(draft, researcher, consultant, client):
    form = submit_form(draft, change_kind="full_review", literature_searched="2024-05")
    response = signed_in(researcher).post(url("step", draft, "submit"), form)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.literature_searched == datetime.date(2024, 5, 1)
    approve_version(version=draft, by=consultant)
    publish_version(version=draft, by=consultant)
    draft.refresh_from_db()
    assert draft.literature_reviewed == datetime.date(2024, 5, 1)
    assert draft.next_review_due == datetime.date(2026, 5, 1)
    assert draft.last_updated == timezone.localdate()
    assert "May 2024" in client.get(draft.therapy.get_absolute_url()).content.decode()


def test_other_kinds_of_change_keep_no_month(draft, researcher):
    form = submit_form(draft, change_kind="update", literature_searched="2024-05")
    signed_in(researcher).post(url("step", draft, "submit"), form)
    draft.refresh_from_db()
    assert draft.state == ReviewVersion.State.IN_REVIEW
    assert draft.literature_searched is None


def test_preview_and_step_screens_show_the_dates_publishing_will_set(draft, researcher, consultant):
    searched = datetime.date(2024, 5, 9)  # the day is dropped: a month is kept
    submit_version(version=draft, by=researcher, change_kind="full_review",
                   change_summary="Searched again.", literature_searched=searched)  # fmt: skip
    today = timezone.localdate()
    said = [
        f"<li>Last update: {today:%B} {today.day}, {today.year}</li>",
        "<li>Last full literature review: May 2024</li>",
        "<li>Next full review due: May 2026</li>",
    ]
    client = signed_in(consultant)
    preview = client.get(url("preview", draft)).content.decode()
    assert "Dates once published" in preview
    assert all(line in preview for line in said)
    assert '<time datetime="2024-05">May 2024</time>' in preview  # the page as it will read
    approve = client.get(url("step", draft, "approve")).content.decode()
    assert all(line in approve for line in said)
    approve_version(version=draft, by=consultant)
    publish = client.get(url("step", draft, "publish")).content.decode()
    assert all(line in publish for line in said)


def test_a_correction_says_no_date_moves(draft, researcher, consultant):
    submit_version(version=draft, by=researcher, change_kind="correction", change_summary="Typo.")
    html = signed_in(consultant).get(url("step", draft, "approve")).content.decode()
    assert "a correction, which moves no date" in html
    assert "Last update: December 12, 2023" in html
    assert "Last full literature review: September 2021" in html
