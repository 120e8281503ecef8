"""
The public pages say what the report does not give, in the visitor's language (issue 16):
a field the report does not state, the records' language, the unit of trade volumes, a
reading aid for a name without an English one; and the statistics lead to what they count.
"""

import re

import pytest
from django.urls import reverse

from enterprises.models import CaseStudy, Enterprise
from shdt.core.fields import source_is_report
from shdt.core.text import name_reading
from tests.factories import make_enterprise, put_on_list

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def facts(client, enterprise, language) -> str:
    html = client.get(enterprise.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return text_of(html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0])


@pytest.mark.parametrize(
    "source, expected",
    [("表 3-3", True), ("第五章第一节", True), ("《上海数字贸易发展报告 2022》表 3-3（数据来源：上海市商委）", True), ("", False), ("工作人员录入", False)],
)
def test_a_source_is_a_report_when_it_names_a_table_or_chapter(source, expected):
    assert source_is_report(source) is expected


def test_what_the_report_does_not_state_reads_so_and_what_staff_did_not_record_reads_otherwise(client, report):
    from_report = Enterprise.objects.get(name="上海米哈游网络科技股份有限公司")
    assert not from_report.credit_code and not from_report.website
    assert "统一社会信用代码 报告未载明" in facts(client, from_report, "zh-hans")
    assert "网站 报告未载明" in facts(client, from_report, "zh-hans")
    assert "not stated in the report" in facts(client, from_report, "en")
    assert "暂无记录" not in facts(client, from_report, "zh-hans")

    by_staff = make_enterprise("上海工作人员录入科技有限公司")
    put_on_list(by_staff, year=2023)
    assert "统一社会信用代码 暂无记录" in facts(client, by_staff, "zh-hans")
    assert "报告未载明" not in facts(client, by_staff, "zh-hans")


def test_the_english_site_says_once_that_records_are_in_chinese(client, report):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english.count("Records are shown as registered, in Chinese") == 1
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'class="language-note"' not in chinese


def test_an_english_profile_without_an_english_name_shows_the_pinyin_marked_as_a_reading_aid(client, report):
    enterprise = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    assert not enterprise.name_en
    html = client.get(enterprise.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span lang="zh-Latn-pinyin">Bó Yàn Kē Jì (Shàng Hǎi) Yǒu Xiàn Gōng Sī</span>' in html
    assert "Pinyin, as a reading aid:" in html
    chinese = client.get(enterprise.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "zh-Latn-pinyin" not in chinese

    named = make_enterprise("上海英文名称科技有限公司", name_en="Shanghai English Name Technology Co., Ltd.")
    put_on_list(named, year=2023)
    assert "zh-Latn-pinyin" not in client.get(named.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_name_reading_keeps_latin_letters_and_brackets():
    assert name_reading("上海B站科技有限公司") == "Shàng Hǎi B Zhàn Kē Jì Yǒu Xiàn Gōng Sī"
    assert name_reading("埃森哲（中国）有限公司") == "Āi Sēn Zhé (Zhōng Guó) Yǒu Xiàn Gōng Sī"


def test_trade_volumes_read_with_their_unit_in_each_language(client, report):
    case = CaseStudy.objects.exclude(trade_volume=None).select_related("enterprise").first()
    url = case.enterprise.get_absolute_url()
    english = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    chinese = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    amount = f"{case.trade_volume:,.1f}"
    assert f"{amount} (USD 10,000)" in english and "10,000 USD" not in english
    assert f"{amount} 万美元" in chinese


def test_each_bar_of_the_statistics_leads_to_the_enterprises_it_counts(client, report):
    html = client.get(reverse("stats")).content.decode()
    by_region = html.split('id="by-region-title"', 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r'<a href="([^"]+)"[^>]*>\s*<text class="bar-label"[^>]*>([^<]+)</text>.*?<text class="bar-value"[^>]*>(\d+)</text>', by_region, re.S)
    assert len(bars) >= 10
    for href, label, count in bars:
        listing = client.get(href.replace("&amp;", "&"))
        assert listing.status_code == 200
        assert listing.context["total"] == int(count), label
    # The figures are still there as a table, folded under the chart.
    assert re.search(r'<details class="chart-data-fold">\s*<summary>[^<]+</summary>\s*<table class="chart-data" id="by-region-table">', html)
