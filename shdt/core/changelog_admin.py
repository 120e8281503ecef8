"""
The change log in the admin (issue 15), as NetBox's: each record's history page (who,
when, which fields from what to what, which import) and the staff's *recent changes*
page across every kind of record. The pages only render what shdt.core.changelog reads.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .changelog import RecentChangeFilterSet, change_models, recent_changes, with_changes

RECENT_CHANGES_PER_PAGE = 50


def may_view_imports(user) -> bool:
    return user.has_perm("shdt.view_importrecord")


class RegistryHistoryAdmin(SimpleHistoryAdmin):
    """
    simple-history's admin, whose history page is the record's change log: each field
    changed from what to what, by its label, with choices, related records, dates and
    empty values as staff read them (shdt.core.changelog.value_text), and the import that
    made the change, linked.
    """

    object_history_list_template = "admin/shdt/history/object_history_list.html"

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return super().get_history_queryset(request, history_manager, pk_name, object_id).select_related("import_record")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # simple-history compares each row with the next one on the page (the page's oldest
        # row then shows nothing) and only fields staff edit; the publication state counts too.
        with_changes(self.model, list(historical_records))

    def history_view(self, request, object_id, extra_context=None):
        context = {"may_view_imports": may_view_imports(request.user), **(extra_context or {})}
        return super().history_view(request, object_id, context)


def may_view_changes(site, request):
    """A function telling whether the reader may see a kind of record's changes: those whose admin lets them view its history."""

    def allowed(model) -> bool:
        model_admin = site._registry.get(model)
        if model_admin is None:
            return False
        if isinstance(model_admin, SimpleHistoryAdmin):
            return model_admin.has_view_history_or_change_history_permission(request)
        return model_admin.has_view_or_change_permission(request)

    return allowed


def history_url(change) -> str:
    opts = change.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[change.entry.id])


def recent_changes_view(site, request):
    """The latest changes across the kinds of record the reader may see, filtered by user, kind and date."""
    models = change_models(may_view_changes(site, request))
    if not models:
        raise PermissionDenied
    filterset = RecentChangeFilterSet(request.GET, models=models)
    paginator = Paginator(recent_changes(filterset), RECENT_CHANGES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **site.each_context(request),
        "title": _("Recent changes"),
        "filterset": filterset,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "query": query.urlencode(),
        "rows": [{"change": change, "url": history_url(change)} for change in page],
        "may_view_imports": may_view_imports(request.user),
    }
    return TemplateResponse(request, "admin/shdt/recent_changes.html", context)
