"""
What the site answers while the database is away (a restart, a failover, a network cut):
503 with Retry-After and a short page in the visitor's language, instead of the 500 page
that says something broke. Nothing here reads the database, and the requests that follow
reconnect by themselves: Django drops a connection that failed (CONN_HEALTH_CHECKS checks
a kept one before reusing it), and the next request opens a new one.
"""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.defaults import server_error as django_server_error

# Seconds a client is asked to wait: a database restart or a failover takes about this long.
RETRY_AFTER = 30
DATABASE_GONE = (OperationalError, InterfaceError)


def server_error(request, *args, **kwargs):
    """
    The site's handler500. Django calls it for any exception no view or middleware handled,
    wherever it was raised: the data token is read in middleware (shdt.core.caching),
    before any view, so a middleware's process_exception would miss the most common case.
    It runs inside Django's `except` block, so the exception is the one being handled.
    """
    if isinstance(sys.exc_info()[1], DATABASE_GONE):
        return database_unavailable(request)
    return django_server_error(request, *args, **kwargs)


def database_unavailable(request) -> HttpResponse:
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if request.path_info.startswith("/api/"):
            # The API answers JSON whatever happens.
            response = JsonResponse({"detail": translation.gettext("Service temporarily unavailable")}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", request=request), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response
