"""
The one list view of the public site: filters, facet counts, sorting, paging and
downloads of exactly the filtered rows.

A page and its downloads read the same query parameters through the same FilterSet
(shdt.core.tables.Table.filter), and the view filters before it decides whether to render
or to export, so a download is always the rows of the page, all pages of them.
"""

from collections.abc import Callable, Sequence
from urllib.parse import urlencode
from dataclasses import dataclass

from django.db.models import Count, F
from django.http import Http404, HttpResponseBadRequest, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from django_filters import MultipleChoiceFilter

from .caching import (
    CountCachingPaginator,
    VersionedResponseCacheMixin,
    cached_for_token,
    current_token,
    public_params_key,
)
from .exports import FORMATS
from .filtering import refusal_sentences
from .tables import Table

PAGE_VAR = "page"
SORT_VAR = "sort"


@dataclass(frozen=True)
class Option:
    """One choice of a facet as the page shows it: its label, its count, whether it is on."""

    value: str
    label: str
    count: int
    selected: bool

    @property
    def count_label(self) -> str:
        # What a screen reader says of the count; made here, not by a tag per option.
        return ngettext("%(count)d result", "%(count)d results", self.count) % {"count": self.count}


class OptionList(list):
    """A facet's options, as the template's fieldset of form controls shows them (includes/filter_form.html)."""

    def __init__(self, facet: "Facet", options: list[Option], *, any_chosen: bool = False):
        super().__init__(options)
        self.facet = facet
        # Whether the query chooses a value of the facet: "all" is checked if not (the form
        # sends list= for "all", which must come back checked).
        self.any_chosen = any_chosen


@dataclass(frozen=True)
class Facet:
    """
    A filter shown as a list of choices, each with the number of rows it would give
    together with the other active filters (its own selection left out, so that the
    counts say what choosing another option would show). Made from its FilterSet's
    filter and `Meta.facets` entry (facets_of), never declared by a view.
    """

    param: str
    label: str
    group_by: str | Callable  # an ORM path, or a function returning an expression
    choices: Callable[[], Sequence[tuple[str, str]]]
    multiple: bool = True
    # Prepares the queryset before grouping, e.g. with the relation the path goes through.
    prepare: Callable | None = None

    def options(self, table: Table, params) -> list[Option]:
        others = QueryDict(mutable=True)
        for key, values in params.lists():
            if key not in (self.param, PAGE_VAR, SORT_VAR):
                others.setlist(key, list(values))
        # Counts depend on the other filters and the records only: kept per data version.
        key = ("facet", table.name, self.param, public_params_key(others))
        counts = cached_for_token(current_token(), key, lambda: self.counts(table, others))
        selected = set(params.getlist(self.param))
        return [
            Option(str(value), str(label), counts.get(str(value), 0), str(value) in selected)
            for value, label in self.choices()
        ]

    def counts(self, table: Table, others) -> dict[str, int]:
        """The number of rows each choice gives with the other filters, from one grouped query."""
        queryset = table.filter(others).qs
        if self.prepare is not None:
            queryset = self.prepare(queryset)
        value = F(self.group_by) if isinstance(self.group_by, str) else self.group_by()
        rows = (
            queryset.order_by()
            .annotate(facet_value=value)
            .values("facet_value")
            .annotate(n=Count("pk", distinct=True))
            .values_list("facet_value", "n")
        )
        return {_as_param(value): n for value, n in rows}


def facets_of(filterset_class) -> list[Facet]:
    """
    The facets of a FilterSet, in the order of its `Meta.facets`: each one's name, label,
    choices and grouping are its filter's unless the entry says otherwise.
    """
    facets = []
    for name, options in filterset_class.facet_options().items():
        filter_ = filterset_class.base_filters[name]
        choices = options.choices or filter_.extra["choices"]
        facets.append(
            Facet(
                param=name,
                label=capfirst(filter_.label),
                group_by=options.group_by or filter_.field_name,
                choices=choices if callable(choices) else (lambda choices=choices: choices),
                multiple=isinstance(filter_, MultipleChoiceFilter),
                prepare=options.prepare,
            )
        )
    return facets


def _as_param(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def query_string(params, **changes) -> str:
    """Return `params` as a query string with the given keys set (a list for several) or removed (None)."""
    # A dict of lists, not params.copy(): a QueryDict copies itself by deepcopy, and a page
    # makes a dozen of these links.
    query = dict(params.lists())
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        elif isinstance(value, (list, tuple)):
            query[key] = [str(v) for v in value]
        else:
            query[key] = [str(value)]
    encoded = urlencode([(key, value) for key, values in query.items() for value in values])
    return f"?{encoded}" if encoded else ""


def download_response(table: Table, filterset, fmt: str) -> StreamingHttpResponse:
    """Stream the filtered rows of `table` as a file of the given format."""
    filename, chunks = table.export(filterset, fmt)
    response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def refused_download(table: Table, params, errors) -> HttpResponseBadRequest:
    """400 for a download with refused filters: a sentence for each, naming the filter and the value."""
    lines = refusal_sentences(table.filterset_class, params, errors)
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class RegistryListView(VersionedResponseCacheMixin, TemplateView):
    """A filterable, sortable, paged list of a table, with downloads of the same rows."""

    table: Table
    paginate_by = 50
    download_url_name: str = ""

    @classmethod
    def response_cache_params(cls) -> frozenset[str]:
        """Its FilterSet's filters, the page and the sort: a request with any other parameter is not kept."""
        return frozenset(cls.table.filterset_class.base_filters) | {PAGE_VAR, SORT_VAR}

    def keeps_response(self) -> bool:
        # Whatever a visitor types as a filter's value or a page number is answered (a
        # refused filter's message, the nearest page), but kept only when it names what is
        # shown: a key per mistyped value would let anyone fill the cache.
        shown = getattr(self, "page_number", None)
        page = self.request.GET.get(PAGE_VAR)
        return self.filterset.is_valid() and (page is None or page == str(shown))

    def keyed_params(self) -> QueryDict:
        """
        The query as the caches of counts, facets and rows key it: only the FilterSet's
        filters whose values it took, and the page. Other parameters change no row.
        """
        names = set(self.table.filterset_class.base_filters) - set(self.filterset.errors)
        names.add(PAGE_VAR)
        keyed = QueryDict(mutable=True)
        for key, values in self.request.GET.lists():
            if key in names:
                keyed.setlist(key, values)
        return keyed

    def get(self, request, *args, fmt=None, **kwargs):
        # The table's FilterSet's answer (kept per data version): the rows of the page and of a download.
        self.filterset = self.table.select(request.GET)
        if fmt is not None:
            if fmt not in FORMATS:
                raise Http404
            if not self.filterset.is_valid():
                # A file of every row for a mistyped filter would pass for the filtered rows.
                return refused_download(self.table, request.GET, self.filterset.errors)
            return download_response(self.table, self.filterset, fmt)
        response = super().get(request, *args, **kwargs)
        if not self.filterset.is_valid():
            # The page is shown, without the refused filters and saying so, but answered as
            # the request deserves: a link with a mistyped value is not a page of the site.
            response.status_code = 400
        return response

    def sort_choices(self) -> Sequence[tuple[str, str]]:
        """The orders the page links to: the choices of its FilterSet's sort filter, if it has one."""
        sort_filter = self.table.filterset_class.base_filters.get(SORT_VAR)
        return sort_filter.extra["choices"] if sort_filter is not None else ()

    def decorate(self, queryset):
        """Add what the page shows beyond the exported columns (e.g. a marker); none by default."""
        return queryset

    def present(self, rows) -> list:
        """Prepare the page's rows for the template (labels, links), once per page."""
        return list(rows)

    def cached_rows_key(self, params) -> tuple | None:
        """
        What names the page's rows but the page, for a view whose decorate() reads plain
        values that may be kept per data version (see CountCachingPaginator); None by default.
        """
        return None

    def filter_summary(self, facets, params) -> list[str]:
        """What the rows are filtered by, as the heading says it: 浦东新区 · 数字服务 · “xmly”."""
        valid = [facet for facet in facets if facet.param not in self.filterset.errors]
        words = []
        for facet in valid:
            chosen = set(params.getlist(facet.param))
            words += [str(label) for value, label in facet.choices() if str(value) in chosen]
        query = params.get("q", "").strip()
        if query and "q" not in self.filterset.errors:
            words.append(f"“{query}”")
        return words

    def get_context_data(self, **kwargs):
        params = self.request.GET
        keyed = self.keyed_params()
        facets = facets_of(self.table.filterset_class)
        paginator = CountCachingPaginator(
            self.decorate(self.filterset.qs),
            self.paginate_by,
            keys_queryset=self.filterset.qs,
            count_key=(self.table.name, public_params_key(keyed, ignore=(PAGE_VAR, SORT_VAR))),
            keys_key=(self.table.name, public_params_key(keyed, ignore=(PAGE_VAR,))),
            cached_rows_key=self.cached_rows_key(keyed),
            token=current_token(),
        )
        page = paginator.get_page(params.get(PAGE_VAR))
        self.page_number = page.number
        return super().get_context_data(
            filterset=self.filterset,
            filter_errors=refusal_sentences(self.table.filterset_class, params, self.filterset.errors),
            filter_summary=self.filter_summary(facets, params),
            page_obj=page,
            rows=self.present(page.object_list),
            total=paginator.count,
            facets=[
                (facet, OptionList(facet, facet.options(self.table, keyed), any_chosen=any(params.getlist(facet.param))))
                for facet in facets
            ],
            q=params.get("q", ""),
            sort=params.get(SORT_VAR, ""),
            sort_links=[
                (value, label, query_string(params, **{SORT_VAR: value, PAGE_VAR: None}))
                for value, label in self.sort_choices()
            ],
            downloads=[
                (fmt, reverse(self.download_url_name, kwargs={"fmt": fmt}) + query_string(params, **{PAGE_VAR: None}))
                for fmt in FORMATS
            ],
            page_links=_page_links(params, page),
            is_filtered=any(key not in (PAGE_VAR, SORT_VAR) and params.getlist(key) for key in params),
            active_filter_count=sum(
                len([v for v in params.getlist(facet.param) if v]) for facet in facets
            ),
            **kwargs,
        )


def _page_links(params, page) -> dict:
    """The links of the pager: first, previous, next and last, each keeping the filters."""
    links = {}
    if page.has_previous():
        links["first"] = query_string(params, **{PAGE_VAR: None})
        links["previous"] = query_string(params, **{PAGE_VAR: page.previous_page_number()})
    if page.has_next():
        links["next"] = query_string(params, **{PAGE_VAR: page.next_page_number()})
        links["last"] = query_string(params, **{PAGE_VAR: page.paginator.num_pages})
    return links
