"""The seven domains of the export bases (七大领域), so that every migrated database has them."""

from django.db import migrations

DOMAINS = [
    ("digital", "数字", "Digital"),
    ("culture", "文化", "Culture"),
    ("tcm", "中医药", "Traditional Chinese medicine"),
    ("human-resources", "人力资源", "Human resources"),
    ("ip", "知识产权", "Intellectual property"),
    ("geo-information", "地理信息", "Geographic information"),
    ("language", "语言服务", "Language services"),
]


def create(apps, schema_editor):
    BaseDomain = apps.get_model("bases", "BaseDomain")
    for order, (code, name, name_en) in enumerate(DOMAINS, start=1):
        BaseDomain.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("bases", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
