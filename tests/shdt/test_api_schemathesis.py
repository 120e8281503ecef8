"""
A property-based run over the API's own OpenAPI schema (schemathesis): every operation,
with generated parameters and bodies, answers no 5xx and nothing its schema does not say.

Bounded for CI: a fixed number of examples per operation, derandomised so that every run
tries the same cases, and no deadline (no timed assertions).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from tests.api import staff_user

# CI's bound; a deeper run: API_FUZZ_EXAMPLES=500 API_FUZZ_SEED=random pytest tests/shdt/test_api_schemathesis.py
EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "30"))
DERANDOMIZE = os.environ.get("API_FUZZ_SEED") != "random"


# The schema that /api/schema/ serves, built at collection so that each operation is a test
# of its own (schemathesis' fixture-loaded schemas do not run under pytest 9).
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True),
    config=SchemathesisConfig.from_dict(
        {
            # Every check (schemathesis' `--checks all`), on data the schema allows and on
            # data it refuses: a refused value must be refused by the API too.
            "generation": {"mode": "all"},
            "checks": {
                # A request the schema allows may still break a registry rule the schema cannot
                # state (an unknown region code, a name already taken, a credit code's check
                # character): 400 naming the field is the documented answer to it.
                "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]},
            }
        }
    ),
)
# Every request, the checks' own too, goes to the app in this process and its test database.
schema.app = get_wsgi_application()


@pytest.fixture
def no_throttle(settings):
    # The throttle would answer 429 long before the run ends; it has its own test.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}


@pytest.fixture
def connection_kept():
    # Django closes the database connection at the end of each request; in a test that would
    # close the test's own transaction (Django's test client keeps it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "editor"])
def client_headers(request, db):
    """Every operation as the public asks it, and as an editor with a token."""
    if request.param == "anonymous":
        return {}
    return {"Authorization": f"Token {Token.objects.create(user=staff_user()).key}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_as_its_schema_says(case, report, no_throttle, connection_kept, client_headers):
    case.call_and_validate(headers=client_headers)
