"""
The admin of staff accounts: one *role* field (shdt.core.roles) in place of ticking groups
and *staff status* by hand. Saving the form gives the account exactly that role
(staff_role_set), as `manage.py create_staff` does.

Only a superuser sees and sets *superuser status*, the groups and single permissions, and
only a superuser changes an account that holds more than a role (a superuser's, and so its
password): an account administrator (账户管理员) gives roles, never more than a role.

Registered in place of django.contrib.auth's UserAdmin when this module is imported
(shdt.core.apps.CoreConfig.ready, after the admin's autodiscover).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_LABELS, ROLES, holds_more_than_a_role, staff_role_set, user_role

NO_ROLE = ""
NO_ROLE_FILTER = "none"


def role_choices():
    return [(NO_ROLE, _("— none —")), *((role, ROLE_LABELS[role]) for role in ROLES)]


def role_field():
    return forms.ChoiceField(
        label=_("role"),
        choices=role_choices,
        required=False,
        help_text=_(
            "What the account may do in the admin. An account with a role is staff; "
            "without one it cannot sign in to the admin (unless it is a superuser)."
        ),
    )


class StaffUserCreationForm(AdminUserCreationForm):
    role = role_field()


class StaffUserChangeForm(UserChangeForm):
    role = role_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("role", user_role(self.instance) or NO_ROLE)


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*((role, ROLE_LABELS[role]) for role in ROLES), (NO_ROLE_FILTER, _("— none —"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == NO_ROLE_FILTER:
            return queryset.exclude(groups__name__in=ROLES)
        if value in ROLES:
            return queryset.filter(groups__name=value)
        return queryset


class StaffUserAdmin(UserAdmin):
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    list_display = ("username", "email", "first_name", "last_name", "role_display", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            fieldsets = [
                (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
                (_("Role"), {"fields": ("role", "email")}),
            ]
        else:
            fieldsets = [
                (None, {"fields": ("username", "password")}),
                (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
                (_("Role"), {"fields": ("role", "is_active")}),
            ]
        if request.user.is_superuser:
            # Groups beyond the roles and single permissions: a superuser's tools, never an
            # account administrator's (who could otherwise give more than a role, or all).
            fieldsets.append(
                (
                    _("Permissions"),
                    {
                        "fields": ("is_superuser", "groups", "user_permissions"),
                        "description": _("The role's group is set by the role field, whatever is ticked here."),
                    },
                )
            )
        if obj is not None:
            fieldsets.append((_("Important dates"), {"fields": ("last_login", "date_joined")}))
        return fieldsets

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return (RoleFilter, "is_active", "is_superuser", "groups")
        return (RoleFilter, "is_active", "is_superuser")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_change_permission(self, request, obj=None):
        # An account that may do more than a role (a superuser's, say) — its password, its
        # name, its role — is changed by a superuser only.
        if obj is not None and not request.user.is_superuser and holds_more_than_a_role(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and holds_more_than_a_role(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        # After the groups widget (superusers only) is saved, so that the role has the last word.
        super().save_related(request, form, formsets, change)
        staff_role_set(form.instance, form.cleaned_data.get("role") or None)

    @admin.display(description=_("role"))
    def role_display(self, user):
        role = user_role(user)
        return ROLE_LABELS[role] if role else "—"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
