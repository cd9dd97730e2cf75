"""Comparisons people can read (therapies.version_diff): only what changed, the words changed
marked within sentences, references with their citation and numbering, whole values in history,
and what changed since a version was sent back."""

import pytest

from ratings.models import Attribute
from tests.admin_forms import admin_url, signed_in
from tests.factories import (
    PublishedVersionFactory,
    RatingFactory,
    ReferenceFactory,
    SubPageFactory,
    role_user,
)
from therapies.models import ReviewVersion
from therapies.version_diff import diff_versions, text_diff, version_history
from therapies.workflow import request_changes, start_draft, submit_version

pytestmark = pytest.mark.django_db


def test_words_changed_are_marked_within_the_sentence_and_escaped():
    marked = text_diff("Take <b>2 mg</b> at night.", "Take <b>4.5 mg</b> at night.")
    assert marked == "Take &lt;b&gt;<del>2</del> <ins>4.5</ins> mg&lt;/b&gt; at night."


def test_a_long_text_shows_only_its_changed_paragraphs():
    old = "First paragraph.\n\nSecond one stays.\n\nThird says yes."
    new = "First paragraph.\n\nSecond one stays.\n\nThird says no."
    marked = text_diff(old, new)
    assert "[2 unchanged paragraphs]" in marked
    assert "Third says <del>yes</del> <ins>no</ins>." in marked
    assert "Second one" not in marked
    assert "Second one stays." in text_diff(old, new, whole=True)


def test_only_changed_rows_are_listed():
    live = PublishedVersionFactory(summary="Same.")
    RatingFactory(version=live, attribute=Attribute.objects.get(code="safety"), score=4)
    draft = start_draft(live.therapy, role_user("Researcher"))
    draft.ratings.update(note="A new note.")
    changes = diff_versions(live, draft)
    assert [(c.section, c.field, c.kind) for c in changes] == [
        ("Rating: Safety", "Evidence note", "added")
    ]


def test_changed_cautions_are_listed_under_their_part_and_number_their_citations_first():
    ReferenceFactory(key="label")
    live = PublishedVersionFactory(
        body="Claims [@other].", cautions_interactions="- Blocks opioids."
    )
    ReferenceFactory(key="other")
    draft = start_draft(live.therapy, role_user("Researcher"))
    ReviewVersion.objects.filter(pk=draft.pk).update(
        cautions_interactions="- Blocks opioid pain medicines [@label].",
        cautions_stop_and_call="- Uncontrolled pain.",
    )
    draft.refresh_from_db()
    rows = {(c.section, c.field): c for c in diff_versions(live, draft)}
    assert rows[("Cautions", "Interactions")].kind == "changed"
    assert (
        "<ins>opioid pain medicines [@label].</ins>"
        in rows[("Cautions", "Interactions")].inline_diff
    )
    assert rows[("Cautions", "When to stop and call the care team")].kind == "added"
    assert ("Cautions", "Who should not use it") not in rows
    numbers = {c.field: c.new for c in diff_versions(live, draft) if c.section == "References"}
    assert any(new == "[1] Main review" and "[@label]" in field for field, new in numbers.items())


def test_references_added_removed_and_renumbered_show_citation_and_numbers():
    first = ReferenceFactory(key="first", title="Early trial")
    second = ReferenceFactory(key="second", title="Later trial")
    gone = ReferenceFactory(key="gone", title="Withdrawn study")
    live = PublishedVersionFactory(body="Claims [@second]. More [@gone].")
    draft = start_draft(live.therapy, role_user("Researcher"))
    ReviewVersion.objects.filter(pk=draft.pk).update(body="New [@first]. Claims [@second].")
    draft.refresh_from_db()
    rows = {c.kind: c for c in diff_versions(live, draft) if c.section == "References"}
    assert rows["added"].field == f"{first.citation} [@first]"
    assert rows["added"].new == "[1] Main review"
    assert rows["removed"].field == f"{gone.citation} [@gone]"
    assert rows["removed"].old == "[2] Main review"
    assert rows["renumbered"].field == f"{second.citation} [@second]"
    assert str(rows["renumbered"].inline_diff) == "[<del>1</del> <ins>2</ins>] Main review"


def test_history_shows_whole_values_and_the_first_edit_of_a_copied_rating_and_subpage():
    long_note = "A long evidence note. " * 20
    live = PublishedVersionFactory()
    RatingFactory(version=live, attribute=Attribute.objects.get(code="safety"), note=long_note)
    SubPageFactory(version=live, kind="safety", body="Mild effects.")
    researcher = role_user("Researcher")
    draft = start_draft(live.therapy, researcher)
    rating = draft.ratings.get()
    rating.note = long_note + "Newer data."
    rating.save()
    subpage = draft.subpages.get()
    subpage.body = "Mild and rare effects."
    subpage.save()
    rows = {row.part: row for row in version_history(draft)}
    assert rows["Rating: Safety"].record.history_type == "~"
    (note,) = rows["Rating: Safety"].changes
    assert str(note.whole_diff) == long_note.rstrip() + " <ins>Newer data.</ins>"
    (body,) = rows["Page: Safety and precautions"].changes
    assert str(body.whole_diff) == "Mild <ins>and rare</ins> effects."
    html = signed_in(researcher).get(admin_url("history", draft.pk)).content.decode()
    assert long_note.rstrip() in html
    assert "Mild <ins>and rare</ins> effects." in html


def test_consultant_sees_changes_since_sending_it_back_beside_the_live_comparison():
    live = PublishedVersionFactory(summary="Live summary.")
    RatingFactory(version=live, attribute=Attribute.objects.get(code="safety"), score=4)
    researcher, consultant = role_user("Researcher"), role_user("Clinical consultant")
    draft = start_draft(live.therapy, researcher)
    draft.summary = "First try."
    draft.save()
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="New.")
    request_changes(version=draft, by=consultant, comment="Please lower the safety score.")
    draft.refresh_from_db()
    draft.summary = "First try."  # unchanged since sent back
    draft.save()
    rating = draft.ratings.get()
    rating.score = 2
    rating.save()
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="New.")
    html = signed_in(consultant).get(admin_url("step", draft.pk, "approve")).content.decode()
    assert "against the live version" in html
    since = html[html.index('id="since-sent-back"') :]
    assert "Please lower the safety score." in since
    assert "<del>4</del> <ins>2</ins> of 5" in since
    assert "First try" not in since  # the summary did not change in this round
    compare = signed_in(consultant).get(admin_url("compare", draft.pk)).content.decode()
    assert 'id="since-sent-back"' in compare
