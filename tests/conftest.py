import os

import pytest

from cancerchoices import localdb


def pytest_configure(config):
    # The embedded cluster is created and started on first use, as for `make run`.
    if not os.environ.get("DATABASE_URL"):
        localdb.start()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # Cached pages outlive a test's rolled-back data; each test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty every table when they end, the rows migrations loaded
    included: put the rating attributes, evidence levels and role groups back before each."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    transactional |= bool({"transactional_db", "live_server"} & set(request.fixturenames))
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission

    from ratings.defaults import seed
    from ratings.models import Attribute, EvidenceLevel
    from therapies.roles import sync_roles

    seed(Attribute, EvidenceLevel)
    sync_roles(Group, Permission)


@pytest.fixture
def published_version(db):
    from tests.factories import PublishedVersionFactory

    return PublishedVersionFactory()
