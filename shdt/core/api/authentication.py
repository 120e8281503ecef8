"""How the API knows who is writing."""

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from ..second_factor import second_factor_pending


class SecondFactorSessionAuthentication(SessionAuthentication):
    """
    The admin's session, as DRF's own, but only once it has given its second factor: a staff
    session with the password alone is an anonymous reader here, as it is shut out of the admin
    (shdt.core.second_factor). A token (`Authorization: Token …`) is a credential of its own.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and second_factor_pending(found[0]):
            return None
        return found


class SecondFactorSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as DRF's session cookie, which it is."""

    target_class = SecondFactorSessionAuthentication
