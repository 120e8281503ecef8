"""The API's throttle, its rates from the environment (API_THROTTLE_ANON, API_THROTTLE_USER)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from ..clients import client_address


class RateFromSettingsMixin:
    # DRF reads the rates once, when its throttle classes are imported; reading them at
    # each request lets a changed setting (another environment, a test) take effect.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ClientAddressMixin:
    def get_ident(self, request):
        # With no trusted proxy named, DRF would key a client by the whole X-Forwarded-For,
        # which any client writes as it likes: a new value each request would lift the
        # limit. The site's one rule instead, the one the pages' limits use too.
        return client_address(request)


class AnonThrottle(ClientAddressMixin, RateFromSettingsMixin, AnonRateThrottle):
    """Anonymous clients, counted by address: API_THROTTLE_ANON."""


class UserThrottle(ClientAddressMixin, RateFromSettingsMixin, UserRateThrottle):
    """Signed-in staff, counted by account: API_THROTTLE_USER."""

    def get_cache_key(self, request, view):
        # DRF's user throttle also counts anonymous clients by address; they have their own.
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
