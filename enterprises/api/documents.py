"""
The API's public enterprises, stored as they are shown.

An enterprise's representation is its own part (its fields, public list entries and case
studies: `enterprise_document`) and what each answer adds (region, type, the serial on the
filtered list, addresses: `answer_part`). The own part is kept as JSON text in
EnterpriseDocument, written here on every change to what it holds, so that a page
of the public API is one query and a join of texts instead of three tables read and fifty
representations built and encoded per request.

Who keeps the documents true (tests/enterprises/test_api_documents.py changes the records
by each path and compares the page with the representation built afresh):
- single saves and deletes, by signal (enterprises.signals): enterprises, list entries,
  case studies, notices, a list's year;
- bulk writes, which send no signal: enterprises_refresh_public_listing (list entries, by
  the import and publication) and the imports and publication of case studies call
  enterprise_documents_refresh themselves;
- after `migrate`, any public enterprise without a document gets one (a new table, or a
  table emptied by a migration that changes the documents' form).
"""

import json
import logging

import orjson
from django.db.models import F

from shdt.core.caching import cached_for_version, current_version, reference_rows
from shdt.core.lookups import AnyOf
from shdt.core.models import PUBLIC_STATUSES, Notice

from ..models import AnnualList, BusinessType, CaseStudy, Enterprise, EnterpriseDocument, ListMembership
from shdt.reference.models import Region
from .serializers import (
    BUSINESS_TYPE_FIELDS,
    CASE_STUDY_FIELDS,
    MEMBERSHIP_FIELDS,
    NOTICE_FIELDS,
    REGION_FIELDS,
    AnswerContext,
    _business_type_representation,
    answer_part,
    case_study_representation,
    enterprise_document,
    grouped,
    membership_representation,
)

logger = logging.getLogger(__name__)

# What a document reads of the enterprise's row.
DOCUMENT_ROW_FIELDS = ("id", "slug", "name", "name_en", "aliases", "credit_code", "website", "source", "created_at", "updated_at")
# What a page reads of each row: the stored document, and what the answer part needs.
PAGE_ROW_FIELDS = ("id", "slug", "region_id", "business_type_id", "list_serial", "list_year", "list_status", "document__body")
# Enterprises per query and per statement when documents are rewritten in bulk.
BATCH = 1000


def enterprise_documents(enterprise_ids) -> dict[int, str]:
    """
    The documents of those of the enterprises the public sees, from the database as it is
    now: never from a cache kept per data version, as they are written in the transaction
    that changes the data.
    """
    ids = list(enterprise_ids)
    rows = Enterprise.objects.public().filter(AnyOf(F("pk"), ids)).values(*DOCUMENT_ROW_FIELDS)
    entries = ListMembership.objects.filter(AnyOf(F("enterprise_id"), ids), status__in=PUBLIC_STATUSES)
    entries = list(entries.order_by().values(*MEMBERSHIP_FIELDS))
    years = dict(AnnualList.objects.values_list("pk", "year"))
    notice_ids = {entry["notice_id"] for entry in entries if entry["notice_id"] is not None}
    notices = {
        values["id"]: values for values in Notice.objects.filter(pk__in=notice_ids).values("id", *NOTICE_FIELDS)
    }
    entries = grouped(entries, key=lambda m: -years[m["annual_list_id"]])
    cases = CaseStudy.objects.filter(AnyOf(F("enterprise_id"), ids), status__in=PUBLIC_STATUSES)
    cases = grouped(cases.order_by().values(*CASE_STUDY_FIELDS), key=lambda c: -c["report_year"])
    documents = {}
    for row in rows:
        document = enterprise_document(
            row,
            [membership_representation(m, years, notices) for m in entries.get(row["id"], ())],
            [case_study_representation(c) for c in cases.get(row["id"], ())],
        )
        # As DRF's JSONRenderer writes JSON: UTF-8 characters, no spaces.
        documents[row["id"]] = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return documents


def enterprise_documents_refresh(enterprise_ids) -> None:
    """
    Rewrite the stored documents of the enterprises (call it after any write that changes
    one). Every public enterprise has its document, and only they: an enterprise the public
    no longer sees loses its own.
    """
    ids = sorted(set(enterprise_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        documents = enterprise_documents(batch)
        if len(documents) < len(batch):
            EnterpriseDocument.objects.filter(AnyOf(F("enterprise_id"), batch)).exclude(enterprise_id__in=documents).delete()
        # Written or rewritten in one statement (INSERT … ON CONFLICT DO UPDATE).
        EnterpriseDocument.objects.bulk_create(
            [EnterpriseDocument(enterprise_id=pk, body=body) for pk, body in documents.items()],
            update_conflicts=True,
            unique_fields=["enterprise"],
            update_fields=["body"],
        )


def enterprise_documents_fill() -> int:
    """Give every public enterprise without a document its document; return how many."""
    ids = list(Enterprise.objects.public().filter(document__isnull=True).values_list("pk", flat=True))
    enterprise_documents_refresh(ids)
    return len(ids)


def enterprise_page_json(rows, request) -> orjson.Fragment:
    """
    A page of public enterprises (values() rows of PAGE_ROW_FIELDS) as the JSON array of
    their representations: each stored document with its answer part added.
    """
    rows = list(rows)
    missing = [row["id"] for row in rows if row["document__body"] is None]
    built = enterprise_documents(missing) if missing else {}
    if missing:
        # A write path that does not keep the documents: shown right, but say so.
        logger.warning("enterprises without a stored API document: %s", missing)
    regions, types = _reference_json()
    answer = AnswerContext(request)
    items = []
    for row in rows:
        document = row["document__body"] or built[row["id"]]
        region, business_type = regions[row["region_id"]], types[row["business_type_id"]]
        added = orjson.dumps(answer_part(row, answer)).decode()
        items.append(f'{document[:-1]},"region":{region},"business_type":{business_type},{added[1:]}')
    return orjson.Fragment("[" + ",".join(items) + "]")


def _reference_json() -> tuple[dict, dict]:
    """The regions' and business types' representations as JSON text by id, made once per data version."""

    def compute():
        regions = {
            pk: orjson.dumps(dict(zip(REGION_FIELDS, values))).decode()
            for pk, *values in reference_rows(Region, ("pk", *REGION_FIELDS))
        }
        types = {
            pk: orjson.dumps(_business_type_representation(BusinessType(**dict(zip(BUSINESS_TYPE_FIELDS, values))))).decode()
            for pk, *values in reference_rows(BusinessType, ("pk", *BUSINESS_TYPE_FIELDS))
        }
        return regions, types

    return cached_for_version(current_version(), ("reference json",), compute)
