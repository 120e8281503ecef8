"""
A public enterprise as the API shows it (EnterpriseSerializer), written by PostgreSQL.

`enterprise_json(request)` is one expression to annotate on the filtered, ordered
enterprises of a page: each row's representation as JSON text, its public list entries
and case studies gathered by subqueries, the serial, year and status of the list the
query filters by taken from the filter's own annotations. The page is then one query,
and Python only hands each text to the response (orjson.Fragment).

The keys are the serializer's fields, in its order; a field the serializer gains with no
expression here fails on the first page (KeyError). tests/enterprises/test_api_representation.py compares
the result with DRF's field-by-field representation of the same records, value for value.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, TextField, Value
from django.db.models.functions import Concat, NullIf
from django.urls import reverse

from shdt.core.api.fields import site_url
from shdt.core.models import PUBLIC_STATUSES
from shdt.core.sql_exports import SqlTemplate
from shdt.core.sql_json import JSONBuildObject, drf_datetime, json_text, lines, trimmed_parts

from ..models import TRADE_VOLUME_UNIT, TRADE_VOLUME_UNIT_EN, CaseStudy, ListMembership
from .serializers import EnterpriseSerializer

# A slug that reverse() writes as it is, to be cut out of an address (slugs need no quoting).
SLUG = "slug-in-sql"


def _text(value: str) -> Value:
    return Value(value, output_field=TextField())


def _memberships():
    notice = JSONBuildObject(
        title=F("notice__title"), starts_on=F("notice__starts_on"), ends_on=F("notice__ends_on"), contact=F("notice__contact")
    )
    entry = JSONBuildObject(
        year=F("annual_list__year"),
        serial=F("serial"),
        source=F("source"),
        status=F("status"),
        notice=SqlTemplate("CASE WHEN {} IS NULL THEN NULL ELSE {} END", F("notice_id"), notice),
    )
    entries = ListMembership.objects.public().filter(enterprise=OuterRef("pk")).order_by("-annual_list__year")
    return SqlTemplate("array_to_json({})", ArraySubquery(entries.values(item=entry)))


def _case_studies():
    case = JSONBuildObject(
        report_year=F("report_year"),
        serial=F("serial"),
        # numeric(14, 2) as text keeps its two decimals, as DRF's DecimalField writes them.
        trade_volume=SqlTemplate("({})::text", F("trade_volume")),
        trade_volume_unit=_text(TRADE_VOLUME_UNIT),
        trade_volume_unit_en=_text(TRADE_VOLUME_UNIT_EN),
        status=F("status"),
    )
    # The enterprise is public (the outer row): the case studies need only be so themselves.
    cases = CaseStudy.objects.filter(enterprise=OuterRef("pk"), status__in=PUBLIC_STATUSES).order_by("-report_year")
    return SqlTemplate("array_to_json({})", ArraySubquery(cases.values(item=case)))


def _address(url: str):
    """The address `url` (made for SLUG) for each row's own slug."""
    prefix, suffix = url.split(SLUG)
    return Concat(_text(prefix), F("slug"), _text(suffix), output_field=TextField())


def _fields(request) -> dict:
    """Each field of EnterpriseSerializer as an expression over a row of the filtered enterprises."""
    return {
        "slug": F("slug"),
        "name": F("name"),
        "name_en": F("name_en"),
        "aliases": lines(F("aliases")),
        "credit_code": F("credit_code"),
        "website": NullIf(F("website"), _text("")),
        "source": F("source"),
        "memberships": _memberships(),
        "case_studies": _case_studies(),
        "created_at": drf_datetime(F("created_at")),
        "updated_at": drf_datetime(F("updated_at")),
        "region": JSONBuildObject(
            code=F("region__code"),
            short_name=F("region__short_name"),
            name=F("region__name"),
            name_en=F("region__name_en"),
        ),
        "business_type": JSONBuildObject(
            code=F("business_type__code"),
            name=F("business_type__name"),
            name_en=F("business_type__name_en"),
            # BusinessType.spellings()[3:]: its other names, split at either semicolon.
            other_names=trimmed_parts(F("business_type__aliases"), "[;；]"),
        ),
        "serial": F("list_serial"),
        "list_year": F("list_year"),
        "list_status": F("list_status"),
        # As the serializer's fields write them: the API's on the client's host, the
        # public page's on SITE_URL.
        "url": _address(request.build_absolute_uri(reverse("api:enterprise_detail", kwargs={"slug": SLUG}))),
        "permalink": _address(site_url(reverse("enterprise_detail", kwargs={"slug": SLUG}))),
    }


FIELDS = tuple(EnterpriseSerializer.Meta.fields)


def enterprise_json(request):
    """Each enterprise's representation as JSON text; the addresses are on the request's host."""
    fields = _fields(request)
    return json_text(JSONBuildObject(**{name: fields[name] for name in FIELDS}))
