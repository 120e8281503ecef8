"""Builders for the application tests: an open window, valid form data, files by their bytes."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.applications.models import ApplicationWindow
from enterprises.models import BusinessType
from shdt.core.validators import credit_code_check_character
from shdt.reference.models import Region

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def credit_code(body: str = "91310000MA1FL0000") -> str:
    """A credit code with its right check character (GB 32100-2015)."""
    return body + credit_code_check_character(body)


def wrong_check(code: str) -> str:
    """The same code with another check character."""
    return code[:17] + ("0" if code[17] != "0" else "1")


def window_open(year=2024, **fields) -> ApplicationWindow:
    now = timezone.now()
    return ApplicationWindow.objects.create(
        year=year,
        opens_at=fields.pop("opens_at", now - datetime.timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + datetime.timedelta(days=30)),
        guidance=fields.pop("guidance", "请如实填写。"),
        **fields,
    )


def form_data(**overrides) -> dict:
    data = {
        "name": "申请测试科技有限公司",
        "credit_code": credit_code(),
        "region": Region.objects.get(code="pudong").pk,
        "business_type": BusinessType.objects.get(code="digital-services").pk,
        "name_en": "Apply Test Tech",
        "website": "www.apply-test.example.cn",
        "contact_name": "王联系",
        "contact_phone": "021-12345678",
        "contact_email": "secret-contact@apply-test.example.cn",
        "trade_volume": "1234.56",
        "profile": "企业简介文字",
        "case": "典型案例文字",
        "technology_experience": "数字技术应用经验文字",
        "business_model_innovation": "商业模式创新文字",
        "overseas_markets": "海外市场开拓文字",
        "declaration": "on",
        "fax_number": "",
    }
    data.update(overrides)
    return data


def service_data(**overrides) -> dict:
    """The same as the form's cleaned data, for the services."""
    data = form_data(**overrides)
    data["region"] = Region.objects.get(pk=data["region"])
    data["business_type"] = BusinessType.objects.get(pk=data["business_type"])
    data["website"] = "https://" + data["website"]
    data["declaration"] = True
    del data["fax_number"]
    return data


def upload(name="证明材料.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
