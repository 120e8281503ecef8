from import_export import fields, resources

from .models import Award


class AwardResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="名称")
    year = fields.Field(attribute="year", column_name="年份")

    class Meta:
        model = Award
        fields = ["name", "year"]
        import_id_fields = ["name", "year"]
