"""
A public enterprise as the API shows it (EnterpriseSerializer), written by PostgreSQL.

`enterprise_json(request)` is one expression to annotate on the filtered, ordered
enterprises of a page: each row's representation as JSON text, its public list entries
and case studies gathered by subqueries, the serial, year and status of the list the
query filters by taken from the filter's own annotations. The page is then one query,
and Python only hands each text to the response (orjson.Fragment).

The SQL is written here, over the models' tables and columns (shdt.core.sql_json); the
request's values (its host, the time zone) go in as parameters, its constants as literals. The keys are the
serializer's fields, in its order: a field the serializer gains with no SQL here fails on
the first page (KeyError). tests/enterprises/test_api_representation.py compares the
result with DRF's representation of the same records, value for value.
"""

import functools

from django.db.models import F, TextField, Value
from django.urls import reverse
from django.utils import timezone

from shdt.core.api.fields import site_url
from shdt.core.models import PUBLIC_STATUSES, Notice
from shdt.core.sql_exports import sql_string
from shdt.core.sql_json import (
    WHITESPACE,
    Template,
    column,
    drf_datetime,
    json_array,
    json_object,
    table,
    trimmed_parts,
)
from shdt.reference.models import Region

from ..models import TRADE_VOLUME_UNIT, TRADE_VOLUME_UNIT_EN, AnnualList, BusinessType, CaseStudy, Enterprise, ListMembership
from ..validation import ALIAS_SEPARATORS
from .serializers import EnterpriseSerializer

FIELDS = tuple(EnterpriseSerializer.Meta.fields)
# A slug that reverse() writes as it is, to be cut out of an address (slugs need no quoting).
SLUG = "slug-in-sql"
# The constants of the SQL are written into it as literals: the statuses the public sees,
# as an SQL list, and what Python's strip() strips.
PUBLIC_SQL = "(" + ", ".join(sql_string(status) for status in PUBLIC_STATUSES) + ")"
WHITESPACE_SQL = sql_string(WHITESPACE)


def _own(name: str) -> str:
    return column(Enterprise, name)


def _memberships() -> str:
    def m(name):
        return column(ListMembership, name, "m")

    def y(name):
        return column(AnnualList, name, "y")

    def n(name):
        return column(Notice, name, "n")

    notice = json_object({"title": n("title"), "starts_on": n("starts_on"), "ends_on": n("ends_on"), "contact": n("contact")})
    entry = json_object(
        {
            "year": y("year"),
            "serial": m("serial"),
            "source": m("source"),
            "status": m("status"),
            "notice": f"CASE WHEN {n('id')} IS NULL THEN NULL ELSE {notice} END",
        }
    )
    return json_array(
        f"SELECT {entry} FROM {table(ListMembership)} m JOIN {table(AnnualList)} y ON {y('id')} = {m('annual_list')}"
        f" LEFT JOIN {table(Notice)} n ON {n('id')} = {m('notice')}"
        f" WHERE {m('enterprise')} = {_own('id')} AND {m('status')} IN {PUBLIC_SQL} ORDER BY {y('year')} DESC"
    )


def _case_studies() -> str:
    def c(name):
        return column(CaseStudy, name, "c")

    case = json_object(
        {
            "report_year": c("report_year"),
            "serial": c("serial"),
            # numeric(14, 2) as text keeps its two decimals, as DRF's DecimalField writes them.
            "trade_volume": f"{c('trade_volume')}::text",
            "trade_volume_unit": sql_string(TRADE_VOLUME_UNIT),
            "trade_volume_unit_en": sql_string(TRADE_VOLUME_UNIT_EN),
            "status": c("status"),
        }
    )
    # The enterprise is public (the outer row): its case studies need only be so themselves.
    return json_array(
        f"SELECT {case} FROM {table(CaseStudy)} c"
        f" WHERE {c('enterprise')} = {_own('id')} AND {c('status')} IN {PUBLIC_SQL} ORDER BY {c('report_year')} DESC"
    )


def _region() -> str:
    def r(name):
        return column(Region, name, "r")

    fields = json_object({name: r(name) for name in ("code", "short_name", "name", "name_en")})
    return f"(SELECT {fields} FROM {table(Region)} r WHERE {r('id')} = {_own('region')})"


def _business_type() -> str:
    def b(name):
        return column(BusinessType, name, "b")

    # other_names: BusinessType.spellings()[3:], its other names split at either semicolon.
    fields = json_object(
        {
            "code": b("code"),
            "name": b("name"),
            "name_en": b("name_en"),
            "other_names": trimmed_parts(b("aliases"), sql_string("[;；]"), WHITESPACE_SQL),
        }
    )
    return f"(SELECT {fields} FROM {table(BusinessType)} b WHERE {b('id')} = {_own('business_type')})"


@functools.cache
def representation_sql() -> str:
    """The representation's SQL, its slots named as enterprise_json fills them."""
    fields = {
        "slug": _own("slug"),
        "name": _own("name"),
        "name_en": _own("name_en"),
        "aliases": trimmed_parts(_own("aliases"), sql_string(ALIAS_SEPARATORS), WHITESPACE_SQL),
        "credit_code": _own("credit_code"),
        "website": f"NULLIF({_own('website')}, '')",
        "source": _own("source"),
        "memberships": _memberships(),
        "case_studies": _case_studies(),
        "created_at": drf_datetime(_own("created_at"), "{zone}"),
        "updated_at": drf_datetime(_own("updated_at"), "{zone}"),
        "region": _region(),
        "business_type": _business_type(),
        "serial": "{list_serial}",
        "list_year": "{list_year}",
        "list_status": "{list_status}",
        "url": f"{{api_prefix}} || {_own('slug')} || {{api_suffix}}",
        "permalink": f"{{page_prefix}} || {_own('slug')} || {{page_suffix}}",
    }
    return json_object({name: fields[name] for name in FIELDS}) + "::text"


def _text(value: str) -> Value:
    return Value(value, output_field=TextField())


def enterprise_json(request) -> Template:
    """Each enterprise's representation as JSON text; the addresses are on the request's host."""
    # As the serializer's fields write them: the API's address on the client's host, the
    # public page's on SITE_URL.
    api_prefix, api_suffix = request.build_absolute_uri(reverse("api:enterprise_detail", kwargs={"slug": SLUG})).split(SLUG)
    page_prefix, page_suffix = site_url(reverse("enterprise_detail", kwargs={"slug": SLUG})).split(SLUG)
    return Template(
        representation_sql(),
        zone=_text(timezone.get_current_timezone_name()),
        list_serial=F("list_serial"),
        list_year=F("list_year"),
        list_status=F("list_status"),
        api_prefix=_text(api_prefix),
        api_suffix=_text(api_suffix),
        page_prefix=_text(page_prefix),
        page_suffix=_text(page_suffix),
    )
