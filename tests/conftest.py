import os

import pytest

from cancerchoices import localdb


def pytest_configure(config):
    # The embedded cluster is created and started on first use, as for `make run`.
    if not os.environ.get("DATABASE_URL"):
        localdb.start()


# A test that uses one of these is a browser test: every Playwright fixture (page, browser)
# starts from `playwright`, and a live server is there for a browser to visit.
BROWSER_FIXTURES = {"playwright", "live_server"}


def pytest_itemcollected(item):
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after pytest-django has put the database tests first
def pytest_collection_modifyitems(items):
    """Browser tests run last: Playwright's sync API keeps an event loop running in this thread
    from the first browser test to the end of the session, and Django refuses synchronous
    database calls while one runs. No other test runs beside that loop."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Only browser tests may call the ORM beside that event loop: their own set-up and
    factories are synchronous and safe (DJANGO_ALLOW_ASYNC_UNSAFE)."""
    if item.get_closest_marker("browser") is None:
        return (yield)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        return (yield)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # Cached pages outlive a test's rolled-back data; each test starts with none.
    from django.core.cache import cache

    cache.clear()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    return transactional or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty every table when they end, the rows migrations loaded
    included: put the rating attributes, evidence levels and role groups back before each."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission

    from ratings.defaults import seed
    from ratings.models import Attribute, EvidenceLevel, ScoreMeaning
    from therapies.roles import sync_roles

    seed(Attribute, EvidenceLevel, ScoreMeaning)
    sync_roles(Group, Permission)


@pytest.fixture
def published_version(db):
    from tests.factories import PublishedVersionFactory

    return PublishedVersionFactory()


@pytest.fixture(autouse=True)
def _empty_job_queue(request):
    """The tables of the job queue (procrastinate) are not Django's to empty after a
    transactional test: empty them, so no job a test committed runs in a later one."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_workers"
        )


@pytest.fixture
def jobs():
    """``jobs()`` runs every queued background job in the test's transaction (tests/jobs.py)."""
    from tests.jobs import run_jobs

    return run_jobs
