"""
API views of enterprises, case studies, lists and the reference data. Configuration and
the three steps of a write (check the shape, call the service, show the record); the
queryset and filters come from the tables, the rules from the services.
"""

import orjson
from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from shdt.core.api.permissions import StaffModelPermissionsOrReadOnly, sees_drafts
from shdt.core.api.renderers import FragmentJSONRenderer
from shdt.core.api.schema import parameter
from shdt.core.caching import public_params_key
from shdt.core.models import PUBLIC_STATUSES
from shdt.core.api.views import TAG_REFERENCE, SlugDetailView, TableListView, reference_list_view

from ..models import AnnualList, BusinessType, Enterprise, ListMembership
from ..selectors import with_public_serial
from ..services import enterprise_create, enterprise_update, list_membership_delete, list_membership_set
from ..tables import CASE_STUDIES, ENTERPRISES
from .sql import enterprise_json
from .serializers import (
    AnnualListSerializer,
    BusinessTypeSerializer,
    CaseStudySerializer,
    EnterpriseInputSerializer,
    EnterpriseSerializer,
    ListMembershipInputSerializer,
    ListMembershipSerializer,
    PendingChangeSerializer,
)

TAG_ENTERPRISES = "enterprises"

SLUG_PARAMETER = parameter(
    "slug",
    _(
        "The enterprise's permalink slug: the last part of the address of its public page. "
        "It never changes, even if the name does; database ids are internal and never shown."
    ),
    "shanghaiximalayakeji",
    location="path",
)
# Said on both writes of an enterprise (format_lazy: the schema is rendered in the reader's language).
REVIEW_NOTE = _(
    "An enterprise the public sees (on a list under public notice or published) is changed at once only by a "
    "reviewer: an editor's change answers 202 Accepted with the pending change, which the public does not see "
    "until a reviewer approves it in the admin; a further change merges into it. Otherwise the answer is 200 "
    "with the enterprise as changed."
)
YEAR_PARAMETER = parameter("year", _("Year of the list."), 2022, type=int, location="path")


def enterprise_rows(queryset, *, public: bool = True):
    """The enterprises' lists and case studies, in one query each for a whole page."""
    memberships = ListMembership.objects.select_related("annual_list", "notice").order_by("-annual_list__year")
    return queryset.prefetch_related(
        Prefetch("memberships", queryset=memberships.public() if public else memberships),
        Prefetch(
            "case_studies",
            queryset=CASE_STUDIES.get_queryset(public=public).select_related(None).order_by("-report_year"),
        ),
    )


def enterprise_queryset(*, public: bool = True):
    """
    Enterprises as the list shows them, with the serial on their latest public list.
    Staff writing to the registry (public=False) reach drafts too.
    """
    return enterprise_rows(with_public_serial(ENTERPRISES.get_queryset(public=public)), public=public)


def is_read(request) -> bool:
    return request.method in permissions.SAFE_METHODS


def enterprise_url(enterprise) -> str:
    return reverse("api:enterprise_detail", kwargs={"slug": enterprise.slug})


class EnterpriseWriteMixin:
    # A twin name is refused by the unique normalised name; the client sent `name`.
    error_fields = {"name_normalized": "name", "slug": "name"}

    def enterprise_response(self, enterprise, status_code=status.HTTP_200_OK, **kwargs):
        enterprise = enterprise_queryset(public=False).get(pk=enterprise.pk)
        return Response(self.get_serializer(enterprise).data, status=status_code, **kwargs)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("List enterprises"),
        description=_(
            "The innovation enterprises with the filters of the public list page and its downloads: the "
            "same query gives the same rows in the same order."
        ),
    ),
    post=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("Create an enterprise (staff)"),
        description=_("Needs the permission to add enterprises. The record is validated as in the admin."),
        request=EnterpriseInputSerializer,
        responses={201: EnterpriseSerializer},
    ),
)
class EnterpriseListView(EnterpriseWriteMixin, TableListView):
    table = ENTERPRISES
    serializer_class = EnterpriseSerializer
    renderer_classes = [FragmentJSONRenderer]

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if connections[queryset.db].vendor != "postgresql":
            # The serializer's own path, page by page (SQLite: development and tests).
            page = self.paginate_queryset(enterprise_rows(queryset))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        # PostgreSQL writes each representation in the page's own query (enterprises.api.sql);
        # the texts go into the answer as they are.
        self.rows_are_json = True
        page = self.paginate_queryset(queryset.values("id", json=enterprise_json(request)))
        return self.get_paginated_response([orjson.Fragment(row["json"]) for row in page])

    def cached_rows_key(self, request):
        """
        What names a page's rows but the page, for RegistryPagination to keep them per data
        token, as the list page keeps its own: only the texts PostgreSQL wrote, and only for
        anonymous readers (staff may see drafts). The texts hold absolute links and local
        times, so the key holds the address and time zone they were written for.
        """
        if not getattr(self, "rows_are_json", False) or request.user.is_authenticated:
            return None
        # The page and its size are the paginator's (the rows' bounds are in its key).
        params = public_params_key(request.query_params, ignore=("page", "page_size"), only=self.response_cache_params())
        return ("api enterprises", request.build_absolute_uri("/"), timezone.get_current_timezone_name(), params)

    def post(self, request, *args, **kwargs):
        serializer = EnterpriseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = enterprise_create(user=request.user, **serializer.validated_data)
        location = request.build_absolute_uri(enterprise_url(enterprise))
        return self.enterprise_response(enterprise, status.HTTP_201_CREATED, headers={"Location": location})


@extend_schema_view(
    get=extend_schema(tags=[TAG_ENTERPRISES], summary=_("One enterprise"), parameters=[SLUG_PARAMETER]),
    put=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("Replace an enterprise's fields (staff)"),
        description=format_lazy(
            "{} {}", _("Needs the permission to change enterprises. Fields left out take their empty value."), REVIEW_NOTE
        ),
        parameters=[SLUG_PARAMETER],
        request=EnterpriseInputSerializer,
        responses={200: EnterpriseSerializer, 202: PendingChangeSerializer},
    ),
    patch=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("Change some of an enterprise's fields (staff)"),
        description=format_lazy("{} {}", _("Needs the permission to change enterprises. Only the fields sent change."), REVIEW_NOTE),
        parameters=[SLUG_PARAMETER],
        request=EnterpriseInputSerializer,
        responses={200: EnterpriseSerializer, 202: PendingChangeSerializer},
    ),
)
class EnterpriseDetailView(EnterpriseWriteMixin, SlugDetailView):
    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        # Staff read drafts too: an enterprise they have just created is on no public list yet.
        return enterprise_queryset(public=is_read(self.request) and not sees_drafts(self.request, Enterprise))

    def put(self, request, *args, **kwargs):
        return self.update(request, partial=False)

    def patch(self, request, *args, **kwargs):
        return self.update(request, partial=True)

    def update(self, request, *, partial):
        enterprise = self.get_object()
        serializer = EnterpriseInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        update = enterprise_update(enterprise, user=request.user, **serializer.validated_data)
        if update.pending_change is not None:
            # Accepted, not done: the record (and what the public sees) keeps its values.
            body = PendingChangeSerializer(update.pending_change, context=self.get_serializer_context()).data
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return self.enterprise_response(update.enterprise)


class ListMembershipPermissions(StaffModelPermissionsOrReadOnly):
    # PUT puts an enterprise on a list or moves its serial: adding and changing entries.
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "PUT": ["%(app_label)s.add_%(model_name)s", "%(app_label)s.change_%(model_name)s"],
    }


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("An enterprise's entry on a year's list"),
        parameters=[SLUG_PARAMETER, YEAR_PARAMETER],
    ),
    put=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("Put an enterprise on a year's list, or change its serial (staff)"),
        description=_(
            "Needs the permissions to add and change list entries. A year with no list yet gets a new list. "
            "Two enterprises cannot share a serial on one list."
        ),
        parameters=[SLUG_PARAMETER, YEAR_PARAMETER],
        request=ListMembershipInputSerializer,
        responses={200: ListMembershipSerializer},
    ),
    delete=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("Take an enterprise off a year's list (staff)"),
        description=_("Needs the permission to delete list entries. The enterprise and the list stay."),
        parameters=[SLUG_PARAMETER, YEAR_PARAMETER],
        responses={204: None},
    ),
)
class ListMembershipView(generics.GenericAPIView):
    serializer_class = ListMembershipSerializer
    permission_classes = [ListMembershipPermissions]
    filter_backends = ()
    pagination_class = None

    def get_queryset(self):
        entries = ListMembership.objects.select_related("annual_list")
        return entries.public() if self.public_only() else entries

    def get_enterprise(self):
        return get_object_or_404(ENTERPRISES.get_queryset(public=self.public_only()), slug=self.kwargs["slug"])

    def public_only(self) -> bool:
        # Staff read the draft entries they write; the public reads what it may see.
        return is_read(self.request) and not sees_drafts(self.request, ListMembership)

    def get_object(self):
        return get_object_or_404(
            self.get_queryset(), enterprise=self.get_enterprise(), annual_list__year=self.kwargs["year"]
        )

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        serializer = ListMembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = list_membership_set(
            enterprise=enterprise, year=self.kwargs["year"], user=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(membership).data)

    def delete(self, request, *args, **kwargs):
        list_membership_delete(self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_ENTERPRISES],
        summary=_("List case studies"),
        description=_(
            "The case studies (典型企业) of the reports, with their four sections and trade volumes, filtered "
            "as the case-study page and its downloads are."
        ),
    )
)
class CaseStudyListView(TableListView):
    table = CASE_STUDIES
    serializer_class = CaseStudySerializer


BusinessTypeListView = reference_list_view(
    BusinessType,
    BusinessTypeSerializer,
    summary=_("List business types"),
    description=_("The four business types (业务类型), with the codes filters take."),
)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_REFERENCE],
        summary=_("List the years' lists"),
        description=_("Each year's list of innovation enterprises, newest first; filter enterprises with list=YEAR."),
    )
)
class AnnualListListView(generics.ListAPIView):
    # Only the lists with entries the public sees, the years that `list=` accepts: a list
    # of drafts alone is not announced, here or by a different answer to `list=`.
    queryset = AnnualList.objects.filter(
        Exists(ListMembership.objects.filter(annual_list=OuterRef("pk"), status__in=PUBLIC_STATUSES))
    )
    serializer_class = AnnualListSerializer
    filter_backends = ()
