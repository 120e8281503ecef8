"""
What enterprises and their case studies give the site's search (shdt.core.search): the
public enterprises whose names match, and those whose public case study's text does.
"""

from django.db.models.functions import Length
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shdt.core.search import Hit, SearchSource, excerpt, match_spans, text_query
from shdt.core.text import normalize_query

from .models import CaseStudy, Enterprise


def enterprise_hits(query: str, limit: int) -> list[Hit]:
    """
    Public enterprises whose search text (names, aliases, English name and their pinyin)
    contains the query, the shortest name first: the closest to what was typed. On
    PostgreSQL the trigram index enterprise_search_text_trgm serves the match.
    """
    if not normalize_query(query):
        return []
    rows = enterprise_matches(query).only("name", "name_en", "aliases", "slug")[:limit]
    return [Hit(e.name, e.get_absolute_url(), e.name_en, _other_name(e, query)) for e in rows]


def enterprise_matches(query: str):
    return (
        Enterprise.objects.public()
        .filter(search_text__contains=normalize_query(query))
        .order_by(Length("name"), "name_normalized")
    )


def _other_name(enterprise, query: str) -> str:
    """The alias that matched, when the name itself did not (the English name is shown anyway)."""
    if match_spans(enterprise.name, query) or match_spans(enterprise.name_en, query):
        return ""
    return next((alias for alias in enterprise.alias_list if match_spans(alias, query)), "")


def case_study_hits(query: str, limit: int) -> list[Hit]:
    """
    Public case studies whose text contains the query, newest report first, each as its
    enterprise with the words around the match. On PostgreSQL the trigram index
    case_study_search_text_trgm serves the match.
    """
    if not text_query(query):
        return []
    rows = case_study_matches(query).select_related("enterprise")[:limit]
    return [
        Hit(
            case.enterprise.name,
            f"{case.enterprise.get_absolute_url()}#case-{case.report_year}",
            case.enterprise.name_en,
            excerpt(case_sections(case), query),
        )
        for case in rows
    ]


def case_study_matches(query: str):
    return CaseStudy.objects.public().filter(search_text__contains=text_query(query)).order_by("-report_year", "serial")


def case_sections(case) -> list[str]:
    return [case.profile, case.case, case.technology_experience, case.business_model_innovation, case.overseas_markets]


def enterprise_list_url(query: str) -> str:
    return f"{reverse('enterprise_list')}?{urlencode({'q': query})}"


ENTERPRISE_SOURCE = SearchSource(
    "enterprises", _("Enterprises"), enterprise_hits, order=10, more_url=enterprise_list_url
)
CASE_STUDY_SOURCE = SearchSource("case-studies", _("Case studies"), case_study_hits, order=20)
