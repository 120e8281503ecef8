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


def sees_drafts(request, model) -> bool:
    """
    Whether the request's account may read `model`'s records the public does not see:
    active staff who may view them in the admin. The address a write
    answers with (Location) then answers them too, though the record is still a draft.
    """
    user = request.user
    if not (user and user.is_active and user.is_staff):
        return False
    # As the admin's has_view_permission: the view or the change permission.
    opts = model._meta
    return any(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in ("view", "change"))
