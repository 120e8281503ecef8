"""
What each record app tells the framework about itself, from its AppConfig.ready().

The framework imports no record app: an app registers its models (whose writes count in
the data version, whose history the import pages show, which a reviewer publishes), its
tables (list pages, downloads, imports) and what it adds to the change feed. Adding a kind
of record is then one app's business (see the README's Architecture section), in the way
NetBox's apps register their features.

The registry is filled once, at start-up, and only read afterwards.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save


@dataclass(frozen=True)
class RegisteredModel:
    model: type
    # Whether editors keep its records (add, change, delete); else they only read them.
    edited_by_editors: bool
    # Whether reviewers add its records (e.g. a list's editions, which they publish).
    added_by_reviewers: bool
    # Whether reviewers change its records directly (what an editor's change to a public
    # record only proposes for them to approve, e.g. an enterprise's fields).
    changed_by_reviewers: bool = False


_models: dict[str, RegisteredModel] = {}
_tables: dict[str, object] = {}
_feed_sources: list[Callable] = []
_sitemaps: dict[str, type] = {}
_search_sources: dict[str, object] = {}
_role_grants: list[dict[str, set[str]]] = []
_reportable: dict[str, type] = {}


def register_models(
    *models, edited_by_editors: bool = True, added_by_reviewers: bool = False, changed_by_reviewers: bool = False
) -> None:
    """
    Register models whose rows the public pages, downloads or API show: every save or
    delete renews the data version, so that no cache serves a page made before it. Bulk
    writes send no signal; they call shdt.core.versioning.data_version_bump themselves.
    """
    for model in models:
        label = model._meta.label_lower
        _models[label] = RegisteredModel(model, edited_by_editors, added_by_reviewers, changed_by_reviewers)
        post_save.connect(_version_bump, sender=model, dispatch_uid=f"version-save-{label}")
        post_delete.connect(_version_bump, sender=model, dispatch_uid=f"version-delete-{label}")


def _version_bump(sender, **kwargs):
    from .versioning import data_version_bump

    data_version_bump()


def registered_models() -> list[RegisteredModel]:
    return list(_models.values())


def publishable_models() -> list[type]:
    """The registered models a reviewer puts under public notice, publishes and withdraws."""
    from .models import PublishableModel

    return [entry.model for entry in _models.values() if issubclass(entry.model, PublishableModel)]


def history_models() -> list[type]:
    """The registered models that keep a history (django-simple-history) which staff edit."""
    return [entry.model for entry in _models.values() if entry.edited_by_editors and hasattr(entry.model, "history")]


def model_for_label(label: str):
    """The registered model of a label such as "policies.policy" (KeyError if there is none)."""
    return _models[label.lower()].model


def register_role_grants(grants: dict[str, set[str]]) -> None:
    """
    Register permissions ("app_label.codename") for roles by name, for an app whose records
    are not public and so not registered with register_models (enterprises.applications).
    """
    _role_grants.append(grants)


def role_grants() -> list[dict[str, set[str]]]:
    return list(_role_grants)


def register_reportable(kind: str, model: type) -> None:
    """
    Register a model whose public records a visitor may report an error in, under `kind`,
    the word of the form's address (/report-error/<kind>/<slug>/; shdt.core.corrections):
    a model with a public page, a slug and `objects.public()`.
    """
    if kind in _reportable and _reportable[kind] is not model:
        raise ValueError(f"Two reportable models are named {kind!r}.")
    _reportable[kind] = model


def reportable_models() -> dict[str, type]:
    return dict(_reportable)


def register_tables(*tables) -> None:
    """Register tables (shdt.core.tables.Table): their list pages, downloads, exports and imports."""
    for table in tables:
        if table.name in _tables and _tables[table.name] is not table:
            raise ValueError(f"Two tables are named {table.name!r}.")
        _tables[table.name] = table


def registered_tables() -> dict:
    return dict(_tables)


def register_feed_source(entries: Callable) -> None:
    """
    Register a function `entries(limit) -> list[shdt.core.feed.FeedEntry]` whose entries
    join the change feed beside the publication events (e.g. a list's new editions).
    """
    if entries not in _feed_sources:
        _feed_sources.append(entries)


def feed_sources() -> Iterable[Callable]:
    return tuple(_feed_sources)


def register_sitemap(section: str, sitemap: type) -> None:
    """
    Register a sitemap (a django.contrib.sitemaps.Sitemap, usually a
    shdt.core.sitemaps.RecordSitemap) of an app's public pages, under /sitemap-<section>.xml.
    """
    if section in _sitemaps and _sitemaps[section] is not sitemap:
        raise ValueError(f"Two sitemaps are named {section!r}.")
    _sitemaps[section] = sitemap


def registered_sitemaps() -> dict[str, type]:
    return dict(_sitemaps)


_workbench_sources: list[Callable] = []


def register_workbench_source(entries: Callable) -> None:
    """
    Register a function `entries(user, sections, today)` that adds to the admin index's
    workbench (shdt.core.workbench): it returns (section, item) pairs, an item being a
    Count or a Line of that module, for the wanted `sections` only (a set of its section
    names), so that a role's index runs no query it does not show; or an Action (a quick
    action, whose section is None), if `user` may take it.
    """
    if entries not in _workbench_sources:
        _workbench_sources.append(entries)


def workbench_sources() -> Iterable[Callable]:
    return tuple(_workbench_sources)


def register_search_source(source) -> None:
    """
    Register what an app's records give the site's search: a shdt.core.search.SearchSource,
    whose `hits(query, limit)` returns its public records matching the query.
    """
    if source.kind in _search_sources and _search_sources[source.kind] is not source:
        raise ValueError(f"Two search sources are named {source.kind!r}.")
    _search_sources[source.kind] = source


def search_sources() -> list:
    return list(_search_sources.values())
