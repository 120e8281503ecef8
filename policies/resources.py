"""The spreadsheet columns of the policy documents: 表 3-2's 序号, 发布日期, 发布单位, 文件名称, then more."""

from import_export import fields, resources

from shdt.core.widgets import FlexibleDateWidget, WholeNumberWidget, status_field, status_in_file

from .models import Policy


class PolicyResource(resources.ModelResource):
    serial = fields.Field(column_name="序号", widget=WholeNumberWidget(), readonly=True)
    # Exports write 2016-08-18; an import also reads 2016/8/18 (表 3-2's form) and date cells.
    published_on = fields.Field(
        attribute="published_on", column_name="发布日期", widget=FlexibleDateWidget(format="%Y-%m-%d")
    )
    issuer = fields.Field(attribute="issuer", column_name="发布单位")
    title = fields.Field(attribute="title", column_name="文件名称")
    plan_period = fields.Field(column_name="规划期", readonly=True)
    title_en = fields.Field(attribute="title_en", column_name="英文标题")
    source = fields.Field(attribute="source", column_name="出处")
    source_note = fields.Field(attribute="source_note", column_name="备注")
    status = status_field()

    class Meta:
        model = Policy
        fields = ("serial", "published_on", "issuer", "title", "plan_period", "title_en", "source", "source_note", "status")
        export_order = fields

    # Headers an import also accepts (English, and other spellings staff use).
    header_aliases = {
        "serial": ("No.", "No", "Serial", "#", "编号"),
        "published_on": ("Date", "Date of publication", "Published", "Published on", "日期", "发布时间"),
        "issuer": ("Issuer", "Issued by", "发文单位", "发文机关"),
        "title": ("Title", "Document", "文件", "名称", "政策名称"),
        "plan_period": ("Plan period", "Period"),
        "title_en": ("English title",),
        "source": ("Source",),
        "source_note": ("Note", "Notes", "Source note"),
    }

    def dehydrate_serial(self, policy):
        # 表 3-2 numbers the documents in date order; a file numbers its rows the same way.
        return policy.running_number

    def dehydrate_status(self, policy):
        return status_in_file(policy.status)

    def dehydrate_plan_period(self, policy):
        return policy.plan_period_label
