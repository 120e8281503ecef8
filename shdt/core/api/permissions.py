"""Who may write through the API."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class StaffModelPermissionsOrReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """
    Anyone may read. A write needs an active staff account that holds the Django model
    permission for it (add, change or delete), as in the admin: the roles of the admin and
    of the API are the same groups.
    """

    def has_permission(self, request, view):
        if request.method not in SAFE_METHODS and not (request.user and request.user.is_staff):
            return False
        return super().has_permission(request, view)
