"""Static files as production serves them: collected with hashed names, compressed, and sent
by WhiteNoise with far-future cache headers."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--no-input", verbosity=0)
    return tmp_path


def test_pages_link_hashed_compressed_static_files_cached_for_a_year(collected_static):
    client = Client()  # a fresh handler, so WhiteNoise reads the collected files
    html = client.get("/").content.decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    assert (collected_static / stylesheet.removeprefix("/static/")).with_suffix(".css.gz").exists()

    response = client.get(stylesheet, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] in {"br", "gzip"}
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"

    unhashed = client.get("/static/css/site.css")
    assert unhashed["Cache-Control"] == "max-age=60, public"
