"""The baseline of the page figures: a bare Django view, served by the same server and settings."""

from django.http import HttpResponse


def bare(request):
    return HttpResponse("ok", content_type="text/plain")
