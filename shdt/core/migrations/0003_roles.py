"""The staff roles as groups with their permissions (see shdt/roles.py for what each may do)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REGISTRY = [
    ("enterprises", "enterprise"),
    ("enterprises", "annuallist"),
    ("enterprises", "listmembership"),
    ("enterprises", "casestudy"),
    ("bases", "exportbase"),
    ("bases", "recognition"),
    ("policies", "policy"),
]
REFERENCE = [("enterprises", "region"), ("enterprises", "businesstype"), ("bases", "basedomain")]
RECORDS = [("enterprises", "listedition"), ("shdt", "notice"), ("shdt", "publicationevent"), ("shdt", "importrecord")]
HISTORY = [(app, f"historical{model}") for app, model in REGISTRY]

ROLES = {
    "录入员": (
        [(app, model, action) for app, model in REGISTRY for action in ("add", "change", "delete", "view")]
        + [("shdt", "importrecord", action) for action in ("add", "change", "view")]
        + [(app, model, "view") for app, model in REFERENCE + HISTORY]
        + [("enterprises", "listedition", "view"), ("shdt", "notice", "view"), ("shdt", "publicationevent", "view")]
    ),
    "审核员": (
        [(app, model, "view") for app, model in REGISTRY + REFERENCE + RECORDS + HISTORY]
        + [("shdt", "notice", "add"), ("shdt", "notice", "change"), ("enterprises", "listedition", "add")]
        + [
            ("enterprises", "listmembership", "publish"),
            ("enterprises", "casestudy", "publish"),
            ("bases", "exportbase", "publish"),
            ("policies", "policy", "publish"),
        ]
    ),
    "只读": [(app, model, "view") for app, model in REGISTRY + REFERENCE + RECORDS + HISTORY],
}


def create_roles(apps, schema_editor):
    # Permissions are made after migrations; these must exist now to be given.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
            for app, model, action in grants
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("shdt", "0002_publication"),
        ("enterprises", "0005_publish_existing"),
        ("bases", "0005_publish_existing"),
        ("policies", "0004_publish_existing"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
