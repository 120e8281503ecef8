"""
The staff roles, as Django groups, kept in step with the registered models after every
migrate (and flush) by sync_roles:

- 录入员 (editor): creates and edits drafts, imports spreadsheets;
- 审核员 (reviewer): opens and closes public notices (公示), publishes and withdraws,
  decides editors' proposed changes to public records and may make such changes directly;
- 只读 (viewer): reads everything in the admin and changes nothing;
- editors and reviewers alike handle visitors' reports of errors (CorrectionRequest);
- 账户管理员 (account administrator): adds and changes staff accounts and gives them their
  role, sees API tokens and removes a lost second factor; sees and changes no record.

An account has at most one of these roles (staff_role_set), given on the admin's user form
or by `manage.py create_staff`.

Superusers aside, an account can do what its groups allow and no more, in the admin,
the import and the API. What each role may do follows from what the apps registered
(shdt.core.registry): a new kind of record brings its permissions to the roles by itself.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .registry import publishable_models, registered_models, role_grants

EDITOR = "录入员"
REVIEWER = "审核员"
VIEWER = "只读"
ACCOUNT_ADMIN = "账户管理员"

# The roles in the order the user form offers them; the label is the English msgid of the name.
ROLES = (EDITOR, REVIEWER, VIEWER, ACCOUNT_ADMIN)
ROLE_LABELS = {
    EDITOR: _("Editor"),
    REVIEWER: _("Reviewer"),
    VIEWER: _("Viewer"),
    ACCOUNT_ADMIN: _("Account administrator"),
}
# How `manage.py create_staff --role` spells them.
ROLE_SLUGS = {"editor": EDITOR, "reviewer": REVIEWER, "viewer": VIEWER, "account-admin": ACCOUNT_ADMIN}
RECORD_ROLES = (EDITOR, REVIEWER, VIEWER)

# The framework's own records: editors import; reviewers open notices; all read.
# Visitors' reports of errors (CorrectionRequest): editors and reviewers handle them.
HANDLE_CORRECTIONS = {"shdt.change_correctionrequest"}
FRAMEWORK_GRANTS = {
    EDITOR: {"shdt.add_importrecord", "shdt.change_importrecord", "shdt.view_importrecord", *HANDLE_CORRECTIONS},
    REVIEWER: {"shdt.add_notice", "shdt.change_notice", "shdt.view_importrecord", *HANDLE_CORRECTIONS},
    VIEWER: {"shdt.view_importrecord"},
}
VIEWED_BY_ALL = (
    "shdt.view_notice",
    "shdt.view_publicationevent",
    "shdt.view_publicationjob",
    "shdt.view_correctionrequest",
)

# The account administrator's: accounts and who is in which group, but no record. No
# delete_user (an account is deactivated, so that its history keeps its name) and no
# change_group (what a role may do is sync_roles's business). Tokens and second factors
# only where their apps are installed (account_admin_permissions).
ACCOUNT_ADMIN_GRANTS = {"auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group"}
OPTIONAL_ACCOUNT_ADMIN_GRANTS = {
    # Seen, to know whose token is whose; the admin lists TokenProxy, the API uses Token.
    "rest_framework.authtoken": {"authtoken.view_token", "authtoken.view_tokenproxy"},
    # Seen and removed, to reset a lost second factor (as `manage.py reset_second_factor` does).
    "django_otp.plugins.otp_totp": {"otp_totp.view_totpdevice", "otp_totp.delete_totpdevice"},
    "django_otp.plugins.otp_static": {"otp_static.view_staticdevice", "otp_static.delete_staticdevice"},
}


def account_admin_permissions() -> set[str]:
    """The account administrator's permissions, for the apps that are installed."""
    grants = set(ACCOUNT_ADMIN_GRANTS)
    for app, names in OPTIONAL_ACCOUNT_ADMIN_GRANTS.items():
        if global_apps.is_installed(app):
            grants |= names
    return grants


def role_permissions() -> dict[str, set[str]]:
    """Each role's permissions ("app_label.codename"), from the registered models."""
    grants = {role: set(FRAMEWORK_GRANTS[role]) | set(VIEWED_BY_ALL) for role in RECORD_ROLES}
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
    for extra in role_grants():
        for role, names in extra.items():
            grants[role] |= set(names)
    # Added last, so that the loops above (every role views every record) pass it by.
    grants[ACCOUNT_ADMIN] = account_admin_permissions()
    return grants


def sync_roles(*, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """
    Make the roles' groups and give each the permissions it needs. It only adds: a
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


def user_role(user) -> str | None:
    """The role (group name) of `user`, or None; of several (given by hand), the first of ROLES."""
    names = {group.name for group in user.groups.all()}
    return next((role for role in ROLES if role in names), None)


def holds_more_than_a_role(user) -> bool:
    """
    Whether `user` may do more than a role allows: a superuser, or an account given single
    permissions or a group with permissions beyond the roles. Only a superuser changes such
    an account (shdt.core.accounts_admin), lest an account administrator take it over by
    setting its password.
    """
    return (
        user.is_superuser
        or user.user_permissions.exists()
        or user.groups.exclude(name__in=ROLES).filter(permissions__isnull=False).exists()
    )


@transaction.atomic
def staff_role_set(user, role: str | None) -> None:
    """
    Give `user` exactly one role (a name in ROLES), or none: the user's role groups become
    that role's group alone, other groups stay, and the account is staff (it works in the
    admin) exactly when it has a role — or is a superuser, who needs the admin whatever
    their groups. The user must be saved.
    """
    from django.contrib.auth.models import Group

    if role is not None and role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; the roles are {', '.join(ROLES)}.")
    user.groups.remove(*Group.objects.filter(name__in=[name for name in ROLES if name != role]))
    if role is not None:
        group = Group.objects.filter(name=role).first()
        if group is None:
            # sync_roles makes the groups at every migrate; a database loaded otherwise gets them now.
            sync_roles()
            group = Group.objects.get(name=role)
        user.groups.add(group)
    is_staff = role is not None or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
