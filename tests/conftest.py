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


@pytest.fixture
def published_version(db):
    from tests.factories import PublishedVersionFactory

    return PublishedVersionFactory()
