"""Reads of the application windows."""

from django.utils import timezone

from .models import ApplicationWindow


def open_window(now=None) -> ApplicationWindow | None:
    """The window open now (the one that closes first, should two overlap)."""
    now = now or timezone.now()
    return ApplicationWindow.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at").first()


def next_window(now=None) -> ApplicationWindow | None:
    now = now or timezone.now()
    return ApplicationWindow.objects.filter(opens_at__gt=now).order_by("opens_at").first()
