import os

import pytest

from cancerchoices import localdb


def pytest_configure(config):
    # The embedded cluster is created and started on first use, as for `make run`.
    if not os.environ.get("DATABASE_URL"):
        localdb.start()


@pytest.fixture
def published_version(db):
    from tests.factories import PublishedVersionFactory

    return PublishedVersionFactory()
