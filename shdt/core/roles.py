"""
The staff roles, as Django groups (created by shdt/migrations/0003_roles.py):

- 录入员 (editor): creates and edits drafts, imports spreadsheets;
- 审核员 (reviewer): opens and closes public notices (公示), publishes and withdraws;
- 只读 (viewer): reads everything in the admin and changes nothing.

Superusers aside, an account can do what its groups allow and no more, in the admin,
the import and the API.
"""

EDITOR = "录入员"
REVIEWER = "审核员"
VIEWER = "只读"


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
