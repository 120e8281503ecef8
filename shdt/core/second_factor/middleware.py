"""Close the admin to a staff user whose session has not given its second factor."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from . import second_factor_pending

# Signing in and out stays open: the second factor comes after the password, and a user
# who cannot give it must be able to leave.
OPEN_ADMIN_VIEWS = {"login", "logout"}


class SecondFactorMiddleware:
    """
    Send a staff user who signed in with a password but has not yet given their second factor
    from any admin page to the second-factor page (which enrols them if they have no
    authenticator yet), and back to the page they asked for afterwards. After OTPMiddleware.
    The API's session writes are refused by shdt.core.api.authentication instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces or match.url_name in OPEN_ADMIN_VIEWS:
            return None
        if not second_factor_pending(request.user):
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('second_factor_verify')}?{query}")
