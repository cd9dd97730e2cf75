"""Scheduling as editors use it: times in their own time zone, a schedule cancelled without a
new approval, and an expiry that the background worker acts on."""

import datetime
import zoneinfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import signed_in
from tests.factories import PublishedVersionFactory, member
from therapies.models import AuditEntry, ReviewVersion, StaffSettings
from therapies.tasks import withdraw_expired_versions
from therapies.workflow import (
    WorkflowError,
    approve_version,
    cancel_expiry,
    publish_due,
    publish_version,
    schedule_version,
    set_expiry,
    start_draft,
    submit_version,
    unschedule_version,
    withdraw_expired,
)

pytestmark = pytest.mark.django_db
State = ReviewVersion.State
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def editor():
    return member("Editor", "edna")


@pytest.fixture
def approved():
    live = PublishedVersionFactory(name="Melatonin")
    researcher = member("Researcher", "rita")
    draft = start_draft(live.therapy, researcher)
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="New.")
    return approve_version(version=draft, by=member("Clinical consultant", "carl"))


def step_url(version, step):
    return reverse("admin:therapies_reviewversion_step", args=[version.pk, step])


def in_an_hour():
    return timezone.now() + datetime.timedelta(hours=1)


# Time zones per person.


def test_a_person_chooses_their_time_zone_from_your_settings(editor):
    client = signed_in(editor)
    home = client.get(reverse("admin:index")).content.decode()
    settings_url = reverse("staff_settings")
    assert settings_url in home  # the "Your settings" link in the user tools
    page = client.get(settings_url).content.decode()
    assert "UTC (the site&#x27;s)" in page
    response = client.post(settings_url, {"time_zone": "Europe/Berlin"})
    assert response.status_code == 302
    assert StaffSettings.objects.get(user=editor).time_zone == "Europe/Berlin"
    assert "now in Europe/Berlin" in client.get(settings_url).content.decode()


def test_an_unknown_time_zone_is_refused_clearly(editor):
    response = signed_in(editor).post(reverse("staff_settings"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not StaffSettings.objects.filter(user=editor).exists()


def test_schedule_times_are_entered_and_shown_in_the_person_s_zone(approved, editor):
    StaffSettings.objects.create(user=editor, time_zone="Europe/Berlin")
    client = signed_in(editor)
    url = step_url(approved, "schedule")
    assert "Publish at (Europe/Berlin)" in client.get(url).content.decode()
    response = client.post(url, {"revision": approved.revision, "at": "2099-06-01T09:00"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.publish_at == datetime.datetime(2099, 6, 1, 9, 0, tzinfo=BERLIN)
    page = client.get(response.url).content.decode()
    assert "scheduled to publish June 1, 2099 09:00 (Europe/Berlin)" in page
    audit = AuditEntry.objects.get(version=approved, action="schedule")
    assert audit.comment == "To publish 2099-06-01 09:00 (Europe/Berlin)"
    # Someone on the site's zone sees the same moment in UTC.
    other = member("Editor", "otto")
    html = signed_in(other).get(response.url).content.decode()
    assert "June 1, 2099 07:00 (UTC)" in html


def test_public_pages_keep_the_site_s_zone(approved, editor, client):
    StaffSettings.objects.create(user=editor, time_zone="Pacific/Kiritimati")
    live = ReviewVersion.objects.published().get(therapy=approved.therapy)
    client.force_login(editor)
    client.get(reverse("admin:index"))
    assert timezone.get_current_timezone_name() == "UTC"
    response = client.get(live.therapy.get_absolute_url())
    assert response.status_code == 200


# Cancelling a schedule.


def test_a_schedule_is_cancelled_and_the_approval_kept(approved, editor):
    schedule_version(version=approved, by=editor, at=in_an_hour())
    unschedule_version(version=approved, by=editor)
    approved.refresh_from_db()
    assert (approved.state, approved.publish_at) == (State.APPROVED, None)
    assert approved.approved_by.username == "carl"
    assert publish_due(now=in_an_hour() + datetime.timedelta(minutes=5)) == []
    entry = approved.audit.first()
    assert (entry.action, entry.actor) == ("unschedule", editor)
    assert entry.comment.startswith("Was to publish ")
    publish_version(version=approved, by=editor)  # no new approval needed


def test_cancel_the_schedule_is_offered_only_when_scheduled(approved, editor):
    client = signed_in(editor)
    change = reverse("admin:therapies_reviewversion_change", args=[approved.pk])
    assert step_url(approved, "unschedule") not in client.get(change).content.decode()
    with pytest.raises(WorkflowError, match="not scheduled"):
        unschedule_version(version=approved, by=editor)
    schedule_version(version=approved, by=editor, at=in_an_hour())
    approved.refresh_from_db()
    assert step_url(approved, "unschedule") in client.get(change).content.decode()
    response = client.post(step_url(approved, "unschedule"), {"revision": approved.revision})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.publish_at is None


# Expiry.


def test_the_worker_withdraws_a_version_when_its_expiry_comes(approved, editor, client):
    version = publish_version(version=approved, by=editor)
    soon = in_an_hour()
    set_expiry(version=version, by=editor, at=soon, comment="The trial it relies on ended.")
    assert withdraw_expired() == []  # not yet
    later = soon + datetime.timedelta(minutes=1)
    assert [v.pk for v in withdraw_expired(now=later)] == [version.pk]
    assert withdraw_expired(now=later) == []  # repeat-safe
    version.refresh_from_db()
    assert version.state == State.WITHDRAWN
    entry = version.audit.first()
    assert (entry.action, entry.actor, entry.comment) == (
        "withdraw", None, "The trial it relies on ended."
    )  # fmt: skip
    response = client.get(version.therapy.get_absolute_url())
    assert response.status_code == 410
    assert "The trial it relies on ended." in response.content.decode()


def test_the_periodic_job_and_the_command_withdraw_what_expired(approved, editor, capsys):
    version = publish_version(version=approved, by=editor)
    set_expiry(version=version, by=editor, at=in_an_hour(), comment="Outdated.")
    past = timezone.now() - datetime.timedelta(minutes=1)
    ReviewVersion.objects.filter(pk=version.pk).update(expires_at=past)
    assert withdraw_expired_versions(timestamp=0) == 1
    assert withdraw_expired_versions(timestamp=0) == 0
    call_command("publish_scheduled")
    assert "Nothing due." in capsys.readouterr().out


def test_an_expiry_needs_a_reason_and_a_time_to_come(approved, editor):
    with pytest.raises(WorkflowError, match="comment is required"):
        set_expiry(version=approved, by=editor, at=in_an_hour(), comment=" ")
    with pytest.raises(WorkflowError, match="has passed"):
        set_expiry(version=approved, by=editor, at=timezone.now(), comment="Old.")
    schedule_version(version=approved, by=editor, at=in_an_hour() + datetime.timedelta(hours=1))
    with pytest.raises(WorkflowError, match="after that"):
        set_expiry(version=approved, by=editor, at=in_an_hour(), comment="Old.")


def test_an_expiry_is_set_on_its_screen_shown_and_cancelled(approved, editor):
    StaffSettings.objects.create(user=editor, time_zone="Europe/Berlin")
    client = signed_in(editor)
    url = step_url(approved, "set_expiry")
    form = client.get(url).content.decode()
    assert "Withdraw at (Europe/Berlin)" in form
    assert "readers see this" in form
    missing = client.post(url, {"revision": approved.revision, "at": "2099-06-01T09:00"})
    assert "This field is required" in missing.content.decode()
    response = client.post(
        url, {"revision": approved.revision, "at": "2099-06-01T09:00", "comment": "Superseded."}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.expires_at == datetime.datetime(2099, 6, 1, 9, 0, tzinfo=BERLIN)
    page = client.get(response.url).content.decode()
    assert "Expires June 1, 2099 09:00 (Europe/Berlin)" in page
    assert "Superseded." in page
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert "Expires Jun 1, 2099 09:00 CEST" in dashboard
    assert "Superseded." in dashboard.split("Scheduled to publish or expire")[1]
    cancel_expiry(version=approved, by=editor)
    approved.refresh_from_db()
    assert (approved.expires_at, approved.expiry_reason) == (None, "")


def test_researchers_set_no_expiry(approved):
    with pytest.raises(WorkflowError, match="role does not allow"):
        set_expiry(version=approved, by=approved.created_by, at=in_an_hour(), comment="x")
