"""Concurrent workflow steps on one version: the row lock lets exactly one through."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from tests.factories import PublishedVersionFactory, UserFactory
from therapies.models import ReviewVersion
from therapies.workflow import (
    WorkflowError,
    approve_version,
    request_changes,
    start_draft,
    submit_version,
)


@pytest.mark.django_db(transaction=True)
def test_two_consultants_acting_at_once_one_wins_the_other_is_told():
    author = UserFactory(username="author")
    author.groups.add(Group.objects.get(name="Researcher"))
    draft = start_draft(PublishedVersionFactory().therapy, author)
    draft = submit_version(version=draft, by=author, change_kind="update", change_summary="x")
    consultants = []
    for name in ["cleo", "carl"]:
        user = UserFactory(username=name)
        user.groups.add(Group.objects.get(name="Clinical consultant"))
        consultants.append(user)

    barrier = threading.Barrier(2)
    outcomes = {}

    def act(user, step):
        try:
            barrier.wait()
            take = {"approve": approve_version, "request_changes": request_changes}[step]
            take(version=draft, by=user, comment="why", expected_revision=draft.revision)
            outcomes[step] = "done"
        except WorkflowError as error:
            outcomes[step] = str(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(consultants[0], "approve")),
        threading.Thread(target=act, args=(consultants[1], "request_changes")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()).count("done") == 1
    loser = next(step for step, outcome in outcomes.items() if outcome != "done")
    assert "changed since you opened it" in outcomes[loser]
    draft.refresh_from_db()
    winner_state = {"approve": "approved", "request_changes": "changes_requested"}
    assert draft.state == winner_state[next(s for s, o in outcomes.items() if o == "done")]
    assert draft.audit.filter(action__in=["approve", "request_changes"]).count() == 1
    assert ReviewVersion.objects.get(pk=draft.pk).revision == draft.revision
