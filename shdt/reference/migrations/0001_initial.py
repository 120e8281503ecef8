"""
Region moves from enterprises to the shared reference app. Its table (enterprises_region)
and rows stay as they are: only Django's idea of which app owns it changes, and its
content type follows, so that the permissions the roles were given keep working.
"""

from django.db import migrations, models


def content_type_to_reference(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="reference", model="region").exists():
        ContentType.objects.filter(app_label="enterprises", model="region").update(app_label="reference")


def content_type_to_enterprises(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="enterprises", model="region").exists():
        ContentType.objects.filter(app_label="reference", model="region").update(app_label="enterprises")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("enterprises", "0010_enterprise_document"),
        # The roles were given Region's permissions while it was enterprises'.
        ("shdt", "0003_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=32, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=32, unique=True, verbose_name="name")),
                        ("name_en", models.CharField(max_length=64, verbose_name="English name")),
                        ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        ("short_name", models.CharField(max_length=16, unique=True, verbose_name="short name")),
                    ],
                    options={
                        "verbose_name": "region",
                        "verbose_name_plural": "regions",
                        "db_table": "enterprises_region",
                        "ordering": ["sort_order", "code"],
                        "abstract": False,
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_reference, content_type_to_enterprises),
    ]
