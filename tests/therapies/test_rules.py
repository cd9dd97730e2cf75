"""Rules stated once and used twice: in Python and in SQL (querysets). Each pair must agree."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import VersionFactory
from therapies.models import ReviewVersion

pytestmark = pytest.mark.django_db
State = ReviewVersion.State


def test_the_published_rule_in_sql_selects_what_python_calls_published():
    for state in State.values:
        VersionFactory(state=state)
    in_sql = set(ReviewVersion.objects.published().values_list("pk", flat=True))
    in_python = {v.pk for v in ReviewVersion.objects.all() if v.is_published}
    assert in_sql == in_python
    assert len(in_sql) == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reviewed=st.dates(datetime.date(2000, 1, 1), datetime.date(2040, 12, 31)),
    months=st.integers(1, 120),
)
def test_the_review_due_date_in_sql_is_the_one_python_computes(reviewed, months):
    version = VersionFactory(literature_reviewed=reviewed, review_interval_months=months)
    annotated = ReviewVersion.objects.with_review_due().get(pk=version.pk)
    assert annotated.review_due == version.next_review_due
    assert annotated.review_due.day == 1
