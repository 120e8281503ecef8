"""Regions and business types with the codes of DOMAIN.md, so that every migrated database has them."""

from django.db import migrations

REGIONS = [
    # code, short name, full name, English name
    ("huangpu", "黄浦", "黄浦区", "Huangpu District"),
    ("xuhui", "徐汇", "徐汇区", "Xuhui District"),
    ("changning", "长宁", "长宁区", "Changning District"),
    ("jingan", "静安", "静安区", "Jing'an District"),
    ("putuo", "普陀", "普陀区", "Putuo District"),
    ("hongkou", "虹口", "虹口区", "Hongkou District"),
    ("yangpu", "杨浦", "杨浦区", "Yangpu District"),
    ("minhang", "闵行", "闵行区", "Minhang District"),
    ("baoshan", "宝山", "宝山区", "Baoshan District"),
    ("jiading", "嘉定", "嘉定区", "Jiading District"),
    ("pudong", "浦东", "浦东新区", "Pudong New Area"),
    ("jinshan", "金山", "金山区", "Jinshan District"),
    ("songjiang", "松江", "松江区", "Songjiang District"),
    ("qingpu", "青浦", "青浦区", "Qingpu District"),
    ("fengxian", "奉贤", "奉贤区", "Fengxian District"),
    ("chongming", "崇明", "崇明区", "Chongming District"),
    ("lingang", "临港", "临港新片区", "Lingang Special Area"),
]

BUSINESS_TYPES = [
    # code, name, English name, other spellings the report uses
    ("cloud", "云服务", "Cloud services", ""),
    ("digital-services", "数字服务", "Digital services", ""),
    ("digital-content", "数字内容", "Digital content", ""),
    ("cross-border-ecommerce", "跨境电商", "Cross-border e-commerce", "跨境电商服务"),
]


def create(apps, schema_editor):
    Region = apps.get_model("enterprises", "Region")
    BusinessType = apps.get_model("enterprises", "BusinessType")
    for order, (code, short, name, name_en) in enumerate(REGIONS, start=1):
        Region.objects.update_or_create(
            code=code, defaults={"short_name": short, "name": name, "name_en": name_en, "sort_order": order}
        )
    for order, (code, name, name_en, aliases) in enumerate(BUSINESS_TYPES, start=1):
        BusinessType.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "aliases": aliases, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
