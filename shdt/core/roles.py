"""
The staff roles, as Django groups, kept in step with the registered models after every
migrate (and flush) by sync_roles:

- 录入员 (editor): creates and edits drafts, imports spreadsheets;
- 审核员 (reviewer): opens and closes public notices (公示), publishes and withdraws,
  decides editors' proposed changes to public records and may make such changes directly;
- 只读 (viewer): reads everything in the admin and changes nothing.

Superusers aside, an account can do what its groups allow and no more, in the admin,
the import and the API. What each role may do follows from what the apps registered
(shdt.core.registry): a new kind of record brings its permissions to the roles by itself.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from .registry import publishable_models, registered_models

EDITOR = "录入员"
REVIEWER = "审核员"
VIEWER = "只读"

# The framework's own records: editors import; reviewers open notices; all read.
FRAMEWORK_GRANTS = {
    EDITOR: {"shdt.add_importrecord", "shdt.change_importrecord", "shdt.view_importrecord"},
    REVIEWER: {"shdt.add_notice", "shdt.change_notice", "shdt.view_importrecord"},
    VIEWER: {"shdt.view_importrecord"},
}
VIEWED_BY_ALL = ("shdt.view_notice", "shdt.view_publicationevent", "shdt.view_publicationjob")


def role_permissions() -> dict[str, set[str]]:
    """Each role's permissions ("app_label.codename"), from the registered models."""
    grants = {role: set(FRAMEWORK_GRANTS[role]) | set(VIEWED_BY_ALL) for role in (EDITOR, REVIEWER, VIEWER)}
    for entry in registered_models():
        models = [entry.model]
        history = getattr(entry.model, "history", None)
        if history is not None:
            models.append(history.model)
        for model in models:
            opts = model._meta
            view = f"{opts.app_label}.view_{opts.model_name}"
            for role in grants:
                grants[role].add(view)
        opts = entry.model._meta
        if entry.edited_by_editors:
            grants[EDITOR] |= {f"{opts.app_label}.{action}_{opts.model_name}" for action in ("add", "change", "delete")}
        if entry.added_by_reviewers:
            grants[REVIEWER].add(f"{opts.app_label}.add_{opts.model_name}")
        if entry.changed_by_reviewers:
            grants[REVIEWER].add(f"{opts.app_label}.change_{opts.model_name}")
    for model in publishable_models():
        grants[REVIEWER].add(publish_permission(model))
    return grants


def sync_roles(*, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """
    Make the three roles' groups and give each the permissions it needs. It only adds: a
    permission an administrator gave a group by hand is left, and nothing is taken away.
    Run after every migrate and flush (post_migrate), once every app's permissions exist.
    """
    from django.contrib.auth.models import Group, Permission

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role, names in role_permissions().items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = {tuple(name.split(".", 1)) for name in names}
        found = Permission.objects.using(using).filter(content_type__app_label__in={app for app, _ in wanted})
        group.permissions.add(*[p for p in found.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted])


def publish_permission(model) -> str:
    """The permission to publish records of a publishable model ("publish_<model>" in its Meta)."""
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model) -> bool:
    """Whether `user` may change the publication status of records of `model`."""
    return user.has_perm(publish_permission(model))


def can_edit_record(user, obj) -> bool:
    """
    Whether `user` may change the content of `obj`: a record the public sees (under
    notice or published) is changed only after a reviewer returns it to draft, so that
    nothing public changes without review.
    """
    return not getattr(obj, "is_public", False) or user.is_superuser
