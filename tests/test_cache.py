"""The shared page cache for anonymous readers, and its invalidation on any public change."""

import time

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob
from redis import Redis

from cancerchoices.cache import GENERATION_KEY, bump_public_content, public_content_generation
from tests.admin_forms import formset_management, version_fields
from tests.factories import CategoryFactory, UserFactory, build_review, publish_new_version
from tests.servers import PROJECT, redis_server, settings_value
from tests.test_urls import public_urls
from therapies.models import ReviewVersion
from therapies.workflow import start_draft

pytestmark = pytest.mark.django_db


def test_second_anonymous_request_is_served_from_cache_without_sql(
    client, django_assert_num_queries
):
    version = build_review()
    url = version.therapy.get_absolute_url()
    first = client.get(url)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_anonymous_pages_are_public_and_cdn_ready(client):
    version = build_review()
    for _ in range(2):  # the miss and the hit carry the same headers
        response = client.get(version.therapy.get_absolute_url())
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"]
        assert response["Last-Modified"]
        assert not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()


def test_every_public_page_is_cdn_ready_and_cached(client, django_assert_num_queries):
    for url in public_urls(build_review()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=300", url
        assert not response.cookies, url
        assert "cookie" not in response.get("Vary", "").lower(), url
        with django_assert_num_queries(0):
            assert client.get(url)["X-Cache"] == "hit", url


def test_conditional_get_answers_304(client):
    version = build_review()
    url = version.therapy.get_absolute_url()
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    since = first["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_query_string_is_part_of_the_key(client):
    build_review()
    url = reverse("therapies:list")
    client.get(url)
    assert client.get(url + "?page=1")["X-Cache"] == "miss"
    assert client.get(url + "?page=1")["X-Cache"] == "hit"


def test_a_published_change_shows_on_the_next_request(client, jobs):
    version = build_review()
    url = version.therapy.get_absolute_url()
    client.get(url)
    publish_new_version(version, summary="A brand-new summary.")
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "A brand-new summary." in response.content.decode()


def test_saving_a_draft_leaves_every_cached_public_page_a_hit(admin_client, admin_user, client):
    """Editors at work empty nothing: only what the public can see starts a new generation."""
    version = build_review()
    urls = [version.therapy.get_absolute_url(), reverse("therapies:list"), reverse("home")]
    for url in urls:
        assert client.get(url)["X-Cache"] == "miss"
    draft = start_draft(version.therapy, admin_user)
    data = {
        **version_fields(draft),
        "summary": "A draft nobody approved.",
        "body": draft.body,
        "seen_revision": draft.revision,
        **formset_management("ratings", 0),
        **formset_management("subpages", 0),
        **formset_management("findings"),
        **formset_management("credits", 0),
        **formset_management("page_references", 0),
        **formset_management("audit", 0),
    }
    change_url = reverse("admin:therapies_reviewversion_change", args=[draft.pk])
    assert admin_client.post(change_url, data).status_code == 302
    assert ReviewVersion.objects.get(pk=draft.pk).summary == "A draft nobody approved."
    for url in urls:
        response = client.get(url)
        assert response["X-Cache"] == "hit", url
        assert "A draft nobody approved." not in response.content.decode()


def test_editor_vocabularies_bump_the_generation():
    before = public_content_generation()
    category = CategoryFactory()
    after_save = public_content_generation()
    category.delete()
    assert before < after_save < public_content_generation()


def test_a_lost_generation_starts_again_from_a_newer_number():
    old = public_content_generation()
    caches["generation"].delete(GENERATION_KEY)
    assert public_content_generation() > old


@pytest.fixture
def file_caches(tmp_path, settings):
    """The file caches of one machine, pages culled once there are more than five."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 1},  # cull everything
        },
        "generation": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "generation"),
        },
    }
    return caches


def test_the_generation_neither_expires_nor_goes_with_culled_pages(file_caches, monkeypatch):
    bump_public_content()
    generation = public_content_generation()
    for n in range(30):  # the page cache is culled several times over
        file_caches["default"].set(f"page:{n}", "x")
    hours_later = time.time() + 24 * 3600
    monkeypatch.setattr("django.core.cache.backends.filebased.time.time", lambda: hours_later)
    assert file_caches["generation"].get(GENERATION_KEY) == generation


def test_a_generation_the_cache_refuses_is_forgotten_and_started_by_the_worker(
    client, monkeypatch, jobs
):
    version = build_review()
    url = version.therapy.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    generations = caches["generation"]

    def refuse(*args, **kwargs):
        raise ConnectionError("OOM command not allowed when used memory > 'maxmemory'")

    monkeypatch.setattr(generations, "set", refuse)
    monkeypatch.setattr(generations, "add", refuse)
    ReviewVersion.objects.filter(pk=version.pk).update(summary="Withdrawn wording, corrected.")
    bump_public_content()
    response = client.get(url)  # never the page of the generation before the change
    assert "X-Cache" not in response
    assert "Withdrawn wording, corrected." in response.content.decode()

    queued = ProcrastinateJob.objects.filter(status="todo")
    assert list(queued.values_list("task_name", flat=True)) == [
        "cancerchoices.cache.start_new_generation"
    ]
    monkeypatch.undo()  # the cache takes writes again
    assert jobs() == 1
    assert generations.get(GENERATION_KEY) is not None
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"


def test_signed_in_users_bypass_the_cache_and_get_private_pages(client):
    version = build_review()
    url = version.therapy.get_absolute_url()
    client.get(url)  # cached for the anonymous
    client.force_login(UserFactory())
    response = client.get(url)
    assert "X-Cache" not in response
    assert response["Cache-Control"] == "private, no-cache"


def test_posts_bypass_the_cache(client):
    version = build_review()
    response = client.post(version.therapy.get_absolute_url())
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_the_admin_is_never_cached(client):
    for _ in range(2):
        response = client.get(reverse("admin:login"))
        assert "X-Cache" not in response
        assert "private" in response["Cache-Control"]


def test_only_200_responses_are_cached(client):
    url = reverse("therapies:detail", args=["no-such-therapy"])
    assert client.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 404
    assert "X-Cache" not in response


def test_with_the_cache_switched_off_pages_still_carry_public_headers(client, settings):
    settings.PUBLIC_PAGE_CACHE = False
    version = build_review()
    url = version.therapy.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert "X-Cache" not in response
    assert response["Cache-Control"] == "public, max-age=300"


def test_a_broken_cache_backend_still_serves_pages(client, monkeypatch):
    version = build_review()

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    assert client.get(version.therapy.get_absolute_url()).status_code == 200


def test_the_cache_is_shared_between_processes_never_per_process():
    backend = "s.CACHES['default']['BACKEND']"
    assert settings_value(backend).endswith("FileBasedCache")
    assert settings_value("s.CACHES['default']['LOCATION']") == str(PROJECT / "var" / "cache")
    assert settings_value(backend, REDIS_URL="redis://cache:6379/0").endswith("RedisCache")


def test_database_connections_time_out_without_overriding_the_url():
    options = "s.DATABASES['default']['OPTIONS']['connect_timeout']"
    assert settings_value(options) == "3"
    url = "postgres://u@db/x?connect_timeout=10&sslmode=require"
    assert settings_value(options, DATABASE_URL=url) == "10"
    assert settings_value("s.DATABASES['default']['OPTIONS']['sslmode']", DATABASE_URL=url) == (
        "require"
    )


def test_prepared_statements_are_on_unless_switched_off():
    options = "sorted(s.DATABASES['default']['OPTIONS'].items())"
    assert "('prepare_threshold', 2), ('server_side_binding', True)" in settings_value(options)
    assert "server_side_binding" not in settings_value(options, DATABASE_PREPARED_STATEMENTS="0")


def test_migrating_starts_a_new_generation_so_no_page_of_the_old_code_is_served(client):
    build_review()
    client.get(reverse("therapies:list"))  # cached
    before = public_content_generation()
    call_command("migrate", verbosity=0)
    assert public_content_generation() != before


def test_each_release_keeps_its_cached_pages_under_its_own_keys():
    prefix = settings_value("s.CACHES['default']['KEY_PREFIX']", RELEASE="2026-11-26.1")
    assert prefix == "2026-11-26.1"


def test_a_page_has_one_address_junk_and_empty_parameters_redirect_to_it(client):
    version = build_review()
    url = version.therapy.get_absolute_url()
    response = client.get(url, {"utm_source": "x", "ref": "1"})
    assert (response.status_code, response["Location"]) == (301, url)
    index = reverse("therapies:list")
    response = client.get(index + "?sort=name&category=&junk=1&category=" + version.category.slug)
    assert response.status_code == 301
    assert response["Location"] == f"{index}?category={version.category.slug}&sort=name"
    assert client.get(response["Location"])["X-Cache"] == "miss"
    assert client.get(response["Location"])["X-Cache"] == "hit"
    assert cache_entries() == 1  # the junk made no entry of its own


def test_the_host_is_not_part_of_the_key(client):
    version = build_review()
    url = version.therapy.get_absolute_url()
    assert client.get(url, headers={"host": "127.0.0.1:9999"})["X-Cache"] == "miss"
    assert client.get(url, headers={"host": "localhost"})["X-Cache"] == "hit"


def test_searches_and_unusable_values_are_answered_but_never_stored(client):
    build_review()
    index = reverse("therapies:list")
    for query in [{"q": "naltrexone"}, {"category": "no-such-thing"}, {"page": "999"}]:
        for _ in range(2):
            response = client.get(index, query)
            assert response.status_code == 200, query
            assert "X-Cache" not in response, query
    compare = reverse("therapies:compare")
    assert "X-Cache" not in client.get(compare, {"therapies": "made-up"})
    assert cache_entries() == 0


def cache_entries() -> int:
    """Pages in the test's local-memory cache (the generation key aside)."""
    return sum(1 for key in cache._cache if ":page:" in key)


@pytest.mark.servers
def test_with_redis_out_of_memory_a_change_is_never_hidden_by_the_old_pages(
    client, settings, tmp_path, jobs
):
    """A real Redis at its memory limit, refusing writes: the generation cannot be replaced,
    so it is deleted, readers get the changed page (uncached), and the worker starts a new
    generation once Redis has room again."""
    version = build_review()
    url = version.therapy.get_absolute_url()
    with redis_server(tmp_path) as redis_url:
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
        settings.CACHES = {"default": redis, "generation": redis}
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"
        server = Redis.from_url(redis_url)
        server.config_set("maxmemory-policy", "noeviction")
        server.config_set("maxmemory", server.info("memory")["used_memory"])

        ReviewVersion.objects.filter(pk=version.pk).update(summary="Corrected after a recall.")
        bump_public_content()
        response = client.get(url)
        assert "Corrected after a recall." in response.content.decode()
        assert "X-Cache" not in response  # Redis takes no page either

        server.config_set("maxmemory", 0)  # room again
        assert jobs() == 1
        assert client.get(url)["X-Cache"] == "miss"
        assert "Corrected after a recall." in client.get(url).content.decode()


def test_a_host_not_allowed_gets_no_cached_page(client):
    version = build_review()
    url = version.therapy.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url, headers={"host": "evil.example"}).status_code == 400
