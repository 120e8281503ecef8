"""
The staff's admin, named and arranged as the registry's: the records first, in the order
of the work (名录 and its records, then the reference tables, then the registry's own
imports, notices and publication), and the system last — accounts, roles, tokens,
sign-in attempts, background tasks — which only those who administer accounts see.

It is Django's admin (every app registers with `admin.site` as usual): only the site's
name and the index's order and section names are its own.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The sections of the index, in this order; an app not named here comes after the named
# record sections and before the system.
RECORD_APPS = ("enterprises", "bases", "policies")
REFERENCE_APPS = ("reference",)
REGISTRY_APPS = ("shdt",)
SYSTEM_APPS = ("auth", "authtoken", "otp_totp", "otp_static", "axes", "django_tasks_database")

# Third-party sections in the staff's words (their own names are English: “Axes”,
# “Django_Tasks_Db”); the registry's apps name themselves in their AppConfig.
SECTION_NAMES = {
    "auth": _("Accounts and roles"),
    "authtoken": _("API tokens"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Recovery codes"),
    "axes": _("Sign-in attempts"),
    "django_tasks_database": _("Background tasks"),
}

# Models that name themselves in plain English, which no catalogue can translate
# (django-otp's), by app label and model: the index names them so.
MODEL_NAMES = {
    ("otp_totp", "TOTPDevice"): _("Authenticator apps"),
    ("otp_static", "StaticDevice"): _("Recovery code sets"),
}

# Words the index shows that their own catalogues leave in English: Django 5.2's new
# column headings of the sections, and the third-party models' names (django-axes,
# django-tasks-db). Their msgids, so that makemessages keeps them in our catalogue, whose
# translations gettext then finds wherever those apps say them.
THIRD_PARTY_MESSAGES = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)


class RegistryAdminSite(admin.AdminSite):
    site_header = _("Shanghai Digital Trade Registry · Staff")
    site_title = _("Shanghai Digital Trade Registry · Staff")
    index_title = _("The registry's work")
    # The index with the workbench above the sections (shdt.core.workbench).
    index_template = "admin/shdt/index.html"

    def index(self, request, extra_context=None):
        # Imported here: this module is loaded with the app registry, before any model.
        from .workbench import workbench_for

        return super().index(request, {"workbench": workbench_for(request.user), **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] in SECTION_NAMES:
                app["name"] = SECTION_NAMES[app["app_label"]]
            for model in app["models"]:
                model["name"] = MODEL_NAMES.get((app["app_label"], model["object_name"]), model["name"])
        if not administers_accounts(request.user):
            apps = [app for app in apps if app["app_label"] not in SYSTEM_APPS]
        recent_changes_link(apps, self.recent_changes_url(request))
        return sorted(apps, key=section_order)

    # The recent changes across all records (issue 15): a page of the site, not of a model.

    def get_urls(self):
        recent = path("recent-changes/", self.admin_view(self.recent_changes_view), name="recent_changes")
        return [recent, *super().get_urls()]

    def recent_changes_view(self, request):
        # Imported when first asked: the admin site is made before the models are loaded.
        from .changelog_admin import recent_changes_view

        return recent_changes_view(self, request)

    def recent_changes_url(self, request) -> str:
        """The recent changes page, or "" if the account may see no record's changes."""
        from .changelog import change_models
        from .changelog_admin import may_view_changes

        if not change_models(may_view_changes(self, request)):
            return ""
        return reverse("admin:recent_changes", current_app=self.name)

    def each_context(self, request):
        # For any admin page that links to it (the index lists it with the registry's own pages).
        return {**super().each_context(request), "recent_changes_url": self.recent_changes_url(request)}


def recent_changes_link(apps: list, url: str) -> None:
    """List the recent changes page with the registry's own pages (imports, notices, publication), where the account sees them."""
    for app in apps:
        if url and app["app_label"] in REGISTRY_APPS:
            app["models"].append(
                {
                    "name": _("Recent changes"),
                    "object_name": "RecentChanges",
                    "admin_url": url,
                    "add_url": None,
                    "view_only": True,
                    "perms": {"view": True},
                }
            )


def administers_accounts(user) -> bool:
    """Whether the system's sections are this account's business: superusers and those who manage users."""
    return user.is_superuser or user.has_perm("auth.change_user")


def section_order(app) -> tuple[int, int]:
    label = app["app_label"]
    for rank, labels in enumerate((RECORD_APPS, REFERENCE_APPS, REGISTRY_APPS)):
        if label in labels:
            return rank, labels.index(label)
    if label in SYSTEM_APPS:
        return 4, SYSTEM_APPS.index(label)
    return 3, 0


class RegistryAdminConfig(AdminConfig):
    """Django's admin app, with the registry's site as `admin.site`."""

    default_site = "shdt.core.admin_site.RegistryAdminSite"
