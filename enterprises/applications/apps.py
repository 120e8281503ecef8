from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "enterprises.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from shdt.core.registry import register_role_grants, register_workbench_source
        from shdt.core.roles import EDITOR, REVIEWER, VIEWER

        from .workbench import workbench_entries

        # Not register_models: applications are no public record (no data version, no
        # editor's add/change/delete). Reviewers review and see the applicants' contact
        # data; editors read the queue; viewers read the windows only.
        register_role_grants(
            {
                REVIEWER: {
                    "applications.view_applicationwindow",
                    "applications.add_applicationwindow",
                    "applications.change_applicationwindow",
                    "applications.view_application",
                    "applications.change_application",
                    "applications.view_application_contact",
                    "applications.view_attachment",
                },
                EDITOR: {"applications.view_applicationwindow", "applications.view_application"},
                VIEWER: {"applications.view_applicationwindow"},
            }
        )
        register_workbench_source(workbench_entries)
