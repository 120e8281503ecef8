"""Shared fixtures. Test data comes from small helpers here or from the report's own fixture."""

import uuid

import pytest
from django.core.management import call_command

from tests.reference_data import reference_data_create


@pytest.fixture(autouse=True, scope="session")
def _jinja2_pages_report_their_context():
    """
    The test client reads a page's context (response.context) from the template_rendered
    signal, which only Django's template engine sends: the public pages are Jinja2's
    (settings.TEMPLATES), so their backend sends it too while the tests run.
    """
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def render_and_report(self, context=None, request=None):
        context = {} if context is None else context
        content = render(self, context, request)
        template_rendered.send(sender=self, template=self, context=context)
        return content

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Template, "render", render_and_report)
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs `collectstatic` first; tests read
    # static files from the source folders instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _own_cache_prefix(settings):
    # Each test has keys of its own: the API's throttle counts requests in the cache.
    # Cached values need no clearing between tests: they are keyed by the data token,
    # which no test's records share with another's (tests/shdt/test_versioning.py).
    # Whole responses are not cached unless a test asks (response_cache), so that tests
    # can read each response's context; tests/shdt/test_caching.py tests the cache itself.
    settings.RESPONSE_CACHE_SECONDS = 0
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"},
    }


@pytest.fixture
def committed_db(transactional_db):
    """
    The database for a test whose writes commit, as a server's do: caches are filled only
    outside a transaction. Such a test's database is emptied after it, the rows that
    migrations wrote included, so they are written again first (with
    `django_db(transaction=True)`: pytest-django then orders the test after the others).
    """
    reference_data_create()


@pytest.fixture
def response_cache(settings):
    """Whole public responses cached, as in production."""
    settings.RESPONSE_CACHE_SECONDS = 600


@pytest.fixture
def report(db):
    """The report's records (表 3-3, 表 6-1, 第五章, 表 3-2), loaded as `make run` loads them."""
    call_command("loaddata", "report_2022", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.fixture
def english(settings):
    """Messages in English: the import's msgids, whatever translations exist."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
