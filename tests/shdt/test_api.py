"""
What every API endpoint shares: the schema and its docs page, the throttle, CORS, errors
as JSON, and that each list documents exactly the filters its FilterSet takes.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from shdt.core.api.exceptions import api_errors
from shdt.core.tables import get_table

pytestmark = pytest.mark.django_db

SCHEMA_URL = reverse("api:schema")

# Each list endpoint and the table whose FilterSet it takes.
LIST_TABLES = {
    "/api/enterprises/": "enterprises",
    "/api/case-studies/": "case_studies",
    "/api/bases/": "bases",
    "/api/policies/": "policies",
}
PAGINATION_PARAMETERS = {"page", "page_size"}


@pytest.fixture
def schema(client):
    response = client.get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_validates_without_warnings(tmp_path):
    output = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(output))
    assert output.read_text().startswith("openapi: 3.0.3")


def test_the_schema_is_served_as_yaml_and_json(client, schema):
    assert schema["openapi"] == "3.0.3"
    assert client.get(SCHEMA_URL)["Content-Type"].startswith("application/vnd.oai.openapi")


@pytest.mark.parametrize("path, table", LIST_TABLES.items())
def test_each_list_documents_exactly_the_filters_of_its_table(schema, path, table):
    documented = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
    assert documented == set(get_table(table).filterset_class.base_filters) | PAGINATION_PARAMETERS


def test_every_parameter_has_a_description_and_an_example(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['name']}"
                assert parameter.get("description"), where
                assert "example" in parameter or parameter.get("examples"), where


def test_every_operation_says_what_it_does_and_how_it_can_fail(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert {"401", "429"} <= set(operation["responses"]), where
            if method != "get":
                assert {"400", "403"} <= set(operation["responses"]) or method == "delete", where


def test_no_database_id_or_internal_column_is_in_the_schema(schema):
    for name, component in schema["components"]["schemas"].items():
        properties = set(component.get("properties", {}))
        assert not properties & {"id", "pk", "name_normalized", "search_text"}, name


def test_the_docs_page_loads_only_the_sites_own_files(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    addresses = LinkCollector.collect(html)
    assert addresses, "the page loads Swagger UI's files"
    for address in addresses:
        assert not re.match(r"^(https?:)?//", address), f"external address {address}"
    # The files are there: drf-spectacular-sidecar's, served as static files.
    for address in addresses:
        if address.startswith("/static/"):
            assert finders.find(address.removeprefix("/static/")), address
    # Swagger UI's start-up script is a file of the site too, and turns off its online validator.
    script_url = next(a for a in addresses if "script" in a and not a.startswith("/static/"))
    script = client.get(script_url).content.decode()
    assert '"validatorUrl": null' in script
    assert "/api/schema/" in script
    assert not re.search(r"https?://", script)


class LinkCollector(HTMLParser):
    """The addresses a page makes its browser fetch (scripts, styles, icons, images, frames)."""

    def __init__(self):
        super().__init__()
        self.addresses = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name) and (tag != "a"):
                self.addresses.append(attrs[name])

    @classmethod
    def collect(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.addresses


def test_anonymous_clients_are_throttled_with_429(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None}}
    url = reverse("api:region_list")
    answers = [client.get(url).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_a_forged_forwarded_for_header_does_not_lift_the_limit(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None}}
    url = reverse("api:region_list")
    answers = [client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 429, 429]


def test_behind_a_trusted_proxy_clients_are_counted_by_the_address_it_reports(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None}}
    settings.NUM_PROXIES = 1
    url = reverse("api:region_list")
    # Five clients behind the proxy, each once: none is over the limit.
    assert [client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)] == [200] * 5
    # One client, whatever it writes before the proxy's entry, is counted as itself.
    answers = [client.get(url, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]


def test_cors_is_off_by_default(client):
    response = client.get(reverse("api:region_list"), HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_allows_the_configured_origins_on_the_api_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://data.example.cn"]
    response = client.get(reverse("api:region_list"), HTTP_ORIGIN="https://data.example.cn")
    assert response["Access-Control-Allow-Origin"] == "https://data.example.cn"
    response = client.get(reverse("api:region_list"), HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in response
    response = client.get(reverse("home"), HTTP_ORIGIN="https://data.example.cn")
    assert "Access-Control-Allow-Origin" not in response


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}
    assert client.get("/api/enterprises").status_code == 301  # APPEND_SLASH still works


def test_the_root_lists_the_endpoints(client):
    body = client.get("/api/").json()
    assert body["enterprise_list"] == "http://testserver/api/enterprises/"
    assert body["docs"] == "http://testserver/api/docs/"


def test_a_model_error_is_keyed_by_the_field_the_client_sent():
    error = ValidationError(
        {
            "name": ["An enterprise with this name already exists."],
            "name_normalized": ["Enterprise with this normalised name already exists."],
            "__all__": ["Constraint violated."],
            "credit_code": ["Bad check character."],
        }
    )
    assert api_errors(error, {"name_normalized": "name"}) == {
        "name": ["An enterprise with this name already exists."],
        "non_field_errors": ["Constraint violated."],
        "credit_code": ["Bad check character."],
    }
