"""
/api/: each app's endpoints, the OpenAPI schema and its interactive docs.

URL names live in the `api` namespace (`api:enterprise_list`), apart from the pages'.
"""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

app_name = "api"

ROOT_LINKS = [
    "enterprise_list",
    "casestudy_list",
    "exportbase_list",
    "policy_list",
    "region_list",
    "businesstype_list",
    "annuallist_list",
    "schema",
    "docs",
]


class ApiRootView(APIView):
    """The addresses of the API's lists, its schema and its docs."""

    permission_classes = [AllowAny]  # it reads no model

    @extend_schema(exclude=True)
    def get(self, request):
        return Response({name: reverse(f"api:{name}", request=request) for name in ROOT_LINKS})


@csrf_exempt  # it changes nothing; a refused CSRF check would answer in HTML
def not_found(request):
    """Answer an unknown address under /api/ in JSON, as the API answers everything."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("", include("shdt.reference.api")),
    path("", include("enterprises.api.urls")),
    path("", include("bases.api.urls")),
    path("", include("policies.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline, so that a
    # Content-Security-Policy allowing only the site's own scripts lets the page run.
    # Swagger UI sets an inline style as it renders: this page alone allows inline styles.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    # Last: only paths ending in "/" so that APPEND_SLASH still redirects /api/enterprises;
    # [\s\S] and not "." because a path may hold a newline (%0A).
    re_path(r"^[\s\S]*/$", not_found),
]
