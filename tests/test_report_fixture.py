"""
The report's fixture (fixtures/report_2022.json) loads and holds what 《上海数字贸易发展报告
2022》 says. The expected values below were read from the report by hand (表 3-3, 表 6-1,
第三章第二节三, 第五章第一节, 表 3-2, 附录), not computed by the script that builds the fixture.
"""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from bases.models import ExportBase, Recognition
from enterprises.models import AnnualList, CaseStudy, Enterprise, ListMembership
from policies.models import Policy
from shdt.core.text import normalize_name, search_document

pytestmark = pytest.mark.django_db

MODELS = (AnnualList, Enterprise, ListMembership, CaseStudy, ExportBase, Recognition, Policy)

# 表 3-3, counted row by row.
REGION_COUNTS = {
    "pudong": 18,
    "xuhui": 10,
    "changning": 10,
    "yangpu": 10,
    "jingan": 9,
    "baoshan": 7,
    "lingang": 6,
    "jiading": 5,
    "minhang": 5,
    "hongkou": 5,
    "songjiang": 4,
    "huangpu": 4,
    "qingpu": 2,
    "fengxian": 2,
    "putuo": 2,
    "chongming": 1,
}
BUSINESS_TYPE_COUNTS = {"digital-services": 54, "digital-content": 24, "cloud": 13, "cross-border-ecommerce": 9}

# 表 3-3: 序号 → 企业名称, character for character (full-width parentheses as the table has them).
NAMES = {
    1: "上海英斯贝克商品检验有限公司",
    46: "上海海隆软件有限公司",
    60: "上海环世物流（集团）有限公司",
    64: "上海皿鏊数字科技有限公司",
    65: "博彦科技（上海）有限公司",
    70: "桑迪亚医药技术（上海）有限责任公司",
    97: "纽仕兰（新云）上海电子商务有限公司",
    100: "首免信息科技（上海）有限公司",
}

# 表 6-1: 序号 → (the 表 3-3 enterprise, 数字贸易进出口额 in 万美元).
CASE_STUDIES = {
    1: ("上海沐瞳科技有限公司", Decimal("12368.8")),
    2: ("心动网络股份有限公司", Decimal("6250.1")),
    3: ("上海海隆软件有限公司", Decimal("6016.0")),
    4: ("上海文思海辉软件技术有限公司", Decimal("3863.0")),
    5: ("上海合合信息科技股份有限公司", Decimal("3669.5")),
    6: ("巨人移动科技有限公司", Decimal("3386.0")),
    7: ("上海热血网络科技有限公司", Decimal("1550.0")),
    8: ("卡斯柯信号有限公司", Decimal("760.6")),
    9: ("上海克顿文化传媒有限公司", Decimal("749.4")),
    10: ("博彦科技（上海）有限公司", Decimal("703.0")),  # 表 6-1 writes 博彦科技(上海)有限公司
    11: ("上海纵游网络技术有限公司", Decimal("495.2")),
    12: ("上海重盟信息技术有限公司", Decimal("476.2")),
    13: ("上海喜马拉雅科技有限公司", Decimal("351.0")),
    14: ("哪吒港航智慧科技（上海）有限公司", Decimal("210.5")),
    15: ("上海柠萌影视传媒股份有限公司", Decimal("197.3")),
}
CASE_TEXT_FIELDS = ("profile", "case", "technology_experience", "business_model_innovation", "overseas_markets")
BASE_TEXT_FIELDS = ("profile", "experience", "goals", "news")
# Logo captions and infographic lines of the PDF that must not end up in any text.
FIGURE_DEBRIS = ("HYRON", "INTSIG", "CROTON", "DeNA", "pactera", "中电文思海辉", "CHAOHEJING", "HI-TECH", "▶", "\n- ")

# 第五章第一节 and 第三章第二节三: name → (category, domain, region).
BASES = {
    "上海浦东软件园": ("digital-services", "digital", "pudong"),
    "徐汇区": ("culture", "culture", "xuhui"),
    "上海仓城影视文化产业园": ("culture", "culture", "songjiang"),
    "上海中医药大学": ("tcm", "tcm", None),
    "中国上海人力资源服务产业园": ("special", "human-resources", None),
    "漕河泾新兴技术开发区": ("special", "ip", None),
    "中国北斗产业技术创新西虹桥基地": ("special", "geo-information", None),
    "上海文策信息科技有限公司": ("special", "language", None),
}

# 表 3-2: a few rows, date, issuer and title as the table writes them.
POLICIES = [
    (datetime.date(2016, 8, 18), "上海市人民政府", "《“十三五”时期上海国际贸易中心建设规划》"),
    (datetime.date(2019, 7, 24), "上海市人民政府", "《上海市数字贸易发展行动方案（2019—2021年）》"),
    (datetime.date(2020, 11, 5), "上海市人民政府", "《上海市全面深化服务贸易创新发展试点实施方案》"),
    (datetime.date(2021, 5, 12), "上海市商委等九部门", "《全面推进上海数字商务高质量发展实施意见》"),
    (
        datetime.date(2021, 7, 10),
        "上海市城市数字化转型工作领导小组办公室",
        "《推进上海经济数字化转型 赋能高质量发展行动方案（2021-2023年）》",
    ),
    (datetime.date(2022, 6, 12), "上海市人民政府", "《上海市数字经济发展“十四五”规划》"),
]


@pytest.fixture
def loaded():
    call_command("loaddata", "report_2022", verbosity=0)


def enterprise(name: str) -> Enterprise:
    return Enterprise.objects.get(name_normalized=normalize_name(name))


# --- 表 3-3 ------------------------------------------------------------------


def test_the_2022_list_has_the_100_enterprises_of_table_3_3(loaded):
    annual_list = AnnualList.objects.get(year=2022)
    assert annual_list.title == "2022年上海数字贸易创新企业"
    assert annual_list.title_en == "2022 Shanghai Digital Trade Innovation Enterprises"
    assert Enterprise.objects.count() == 100
    assert annual_list.memberships.count() == 100
    assert sorted(annual_list.memberships.values_list("serial", flat=True)) == list(range(1, 101))


def test_enterprises_by_business_type_are_54_24_13_9(loaded):
    counts = Counter(Enterprise.objects.values_list("business_type__code", flat=True))
    assert counts == BUSINESS_TYPE_COUNTS


def test_enterprises_by_region_are_as_in_table_3_3(loaded):
    counts = Counter(Enterprise.objects.values_list("region__code", flat=True))
    assert counts == REGION_COUNTS


@pytest.mark.parametrize(("serial", "name"), NAMES.items())
def test_names_are_stored_character_for_character_with_their_serial(loaded, serial, name):
    membership = ListMembership.objects.get(annual_list__year=2022, serial=serial)
    assert membership.enterprise.name == name
    assert membership.source == "表 3-3"


def test_every_enterprise_is_from_table_3_3_with_no_credit_code_or_website(loaded):
    for company in Enterprise.objects.all():
        assert company.source == "表 3-3"
        assert company.credit_code is None
        assert company.website == ""
        assert company.slug


def test_stored_derived_fields_match_what_the_code_computes_today(loaded):
    for company in Enterprise.objects.all():
        assert company.name_normalized == normalize_name(company.name)
        assert company.search_text == search_document(company.name, *company.alias_list, company.name_en)


def test_other_spellings_in_the_report_are_aliases_of_the_table_names(loaded):
    # 第六章 典型企业 11's heading; 第四章第二节二's 代表企业.
    assert "上海纵游网络科技有限公司" in enterprise("上海纵游网络技术有限公司").alias_list
    assert "上海海隆软件股份有限公司" in enterprise("上海海隆软件有限公司").alias_list
    # 第六章 典型企业 4: "上海文思海辉（PacteraEDGE）", "Pactera EDGE 是微软云 Azure…".
    assert {"PacteraEDGE", "Pactera EDGE"} <= set(enterprise("上海文思海辉软件技术有限公司").alias_list)
    for alias in ("上海纵游网络科技有限公司", "上海海隆软件股份有限公司"):
        assert not Enterprise.objects.filter(name_normalized=normalize_name(alias)).exists()


def test_an_alias_and_its_pinyin_are_in_the_search_text(loaded):
    search_text = enterprise("上海纵游网络技术有限公司").search_text
    assert "上海纵游网络科技有限公司" in search_text
    assert "shanghaizongyouwangluokeji" in search_text


# --- 表 6-1 and 第六章 ------------------------------------------------------------


def test_the_15_case_studies_are_enterprises_of_the_2022_list_and_create_none(loaded):
    assert CaseStudy.objects.filter(report_year=2022).count() == 15
    assert Enterprise.objects.count() == 100
    for case in CaseStudy.objects.select_related("enterprise"):
        assert case.enterprise.memberships.filter(annual_list__year=2022).exists()


@pytest.mark.parametrize(("serial", "expected"), CASE_STUDIES.items())
def test_case_study_enterprise_and_trade_volume_are_table_6_1s(loaded, serial, expected):
    name, volume = expected
    case = CaseStudy.objects.get(report_year=2022, serial=serial)
    assert case.enterprise.name == name
    assert case.trade_volume == volume
    assert isinstance(case.trade_volume, Decimal)
    assert case.source == f"表 6-1；第六章 典型企业 {serial}"


def test_the_half_width_name_of_table_6_1_is_the_full_width_enterprise(loaded):
    case = CaseStudy.objects.get(report_year=2022, serial=10)
    assert case.enterprise == enterprise("博彦科技（上海）有限公司")
    assert case.enterprise.name == "博彦科技（上海）有限公司"


def test_every_case_study_has_all_five_texts_free_of_figure_debris(loaded):
    for case in CaseStudy.objects.all():
        for field in CASE_TEXT_FIELDS:
            text = getattr(case, field)
            assert text.strip(), (case.serial, field)
            assert not text.startswith("——"), (case.serial, field)
            assert all(debris not in text for debris in FIGURE_DEBRIS), (case.serial, field)


def test_case_study_sections_are_the_reports_own_text(loaded):
    sections = {case.serial: case for case in CaseStudy.objects.all()}
    assert sections[1].profile.startswith("上海沐瞳科技有限公司专注于移动数字产品互联网游戏的开发")
    # The heading is misspelt 二、数字贸易典型项案例 in 典型企业 6.
    assert sections[6].case.startswith("公司开发的《Super Sus》")
    # The labels of the two sub-parts are not part of their text.
    assert sections[3].technology_experience.startswith("近年来，公司通过不断地学习和研究掌握了多项先进数字技术")
    assert sections[3].business_model_innovation.startswith("公司商业模式：由公司在日本市场设立的全资子公司")
    # 四、海外市场开拓能力情况 in 典型企业 9.
    assert sections[9].overseas_markets.startswith("公司发行的电视剧已在亚洲、澳洲、新西兰")
    # Two paragraphs in one section.
    assert sections[1].overseas_markets.count("\n\n") == 1


def test_paragraphs_cut_by_a_page_break_are_joined_with_nothing_inserted(loaded):
    sections = {case.serial: case for case in CaseStudy.objects.all()}
    assert "是阿里云的国内的合作伙伴，全球范围内协助阿里云出海" in sections[4].technology_experience
    assert "在复杂场景的票据识别上有着明显的优势。" in sections[5].case
    assert "共享销售渠道以促进客户解决方案落地；" in sections[10].case


# --- 第五章第一节 and 第三章第二节三 ------------------------------------------------


def test_the_8_export_bases_with_category_domain_and_region(loaded):
    assert ExportBase.objects.count() == 8
    for name, (category, domain, region) in BASES.items():
        base = ExportBase.objects.get(name=name)
        assert base.category == category, name
        assert base.domain.code == domain, name
        assert (base.region.code if base.region else None) == region, name
        assert base.profile.strip(), name
        assert base.source.startswith("第五章第一节"), name


def test_xuhui_is_a_base_recognised_in_2018_in_the_first_batch(loaded):
    base = ExportBase.objects.get(name="徐汇区")
    assert base.get_category_display() == "国家文化出口基地"
    assert [(r.year, r.batch) for r in base.recognitions.all()] == [(2018, "first")]
    # The text under the heading before （一）基地简介 opens the profile.
    assert base.profile.startswith("作为首批国家文化出口基地，徐汇区聚焦影视、演艺、新闻出版传媒、游戏、数字文化等重点领域")


def test_the_tcm_university_keeps_both_statements_of_its_recognition(loaded):
    base = ExportBase.objects.get(name="上海中医药大学")
    statements = {(r.year, r.batch): r.source for r in base.recognitions.all()}
    assert statements.keys() == {(2021, "first"), (2022, "second")}
    assert "第三章第二节三" in statements[(2021, "first")]
    assert statements[(2022, "second")] == "第五章第一节四"
    # Both （一）上海中医药大学介绍 and （二）基地介绍 are its profile.
    assert "上海中医药大学作为新中国首批建立的中医药高等院校" in base.profile
    assert "2022年，上海中医药大学入选第二批“国家中医药服务出口基地”" in base.profile


def test_recognitions_are_the_reports_statements(loaded):
    rows = {(r.base.name, r.year, r.batch) for r in Recognition.objects.select_related("base")}
    assert rows == {
        ("徐汇区", 2018, "first"),
        ("上海浦东软件园", 2020, "first"),
        ("上海仓城影视文化产业园", 2021, "second"),
        ("上海中医药大学", 2021, "first"),
        ("上海中医药大学", 2022, "second"),
        ("中国上海人力资源服务产业园", 2022, ""),
        ("漕河泾新兴技术开发区", 2022, ""),
        ("中国北斗产业技术创新西虹桥基地", 2022, ""),
        ("上海文策信息科技有限公司", 2022, ""),
    }


def test_base_texts_are_free_of_infographic_fragments(loaded):
    for base in ExportBase.objects.all():
        for field in BASE_TEXT_FIELDS:
            text = getattr(base, field)
            assert all(debris not in text for debris in FIGURE_DEBRIS), (base.name, field)
    caohejing = ExportBase.objects.get(name="漕河泾新兴技术开发区")
    assert "拥有上海市最完整的知识产权公共和专业服务链条，汇聚 160 余家专业服务机构" in caohejing.profile
    assert "全国首批三家国家知识产权服务业集聚区之一" not in caohejing.profile
    assert "高端人才培养体系日益健全，服务业态加快创新" not in caohejing.experience.replace(
        "三是高端人才培养体系日益健全，服务业态加快创新。", ""
    )
    beidou = ExportBase.objects.get(name="中国北斗产业技术创新西虹桥基地")
    assert "北斗西虹桥——面向国际的空间地理信息产业集群高地" not in beidou.profile
    assert "随着“北斗+”和“+北斗”不断发展" in beidou.profile


def test_base_sections_go_to_their_fields(loaded):
    cangcheng = ExportBase.objects.get(name="上海仓城影视文化产业园")
    assert "位于上海松江区永丰街道境内" in cangcheng.profile
    assert cangcheng.experience.startswith("1. 紧抓国家文化产业发展机遇。")
    assert cangcheng.goals == ""
    assert cangcheng.news.startswith("未来，影视文化产业的大发展大繁荣必然是依托数字经济为主体的")
    wence = ExportBase.objects.get(name="上海文策信息科技有限公司")
    assert wence.profile.endswith("2019—2020 年文化服务出口总额 557.83 万元。")
    assert wence.goals.startswith("基地将充分发挥各子公司及语言服务平台的矩阵优势")


# --- 表 3-2 ------------------------------------------------------------------


def test_the_17_policies_of_table_3_2(loaded):
    assert Policy.objects.count() == 17
    for published_on, issuer, title in POLICIES:
        policy = Policy.objects.get(title=title)
        assert policy.published_on == published_on, title
        assert policy.issuer == issuer, title
        assert policy.source == "表 3-2"


def test_the_action_plan_notes_the_other_date_of_the_appendix(loaded):
    plan = Policy.objects.get(title="《上海市数字贸易发展行动方案（2019—2021年）》")
    assert plan.published_on == datetime.date(2019, 7, 24)
    assert "附录" in plan.source_note
    assert "2019年7月23日" in plan.source_note
    others = Policy.objects.exclude(pk=plan.pk)
    assert set(others.values_list("source_note", flat=True)) == {""}


# --- loading ------------------------------------------------------------------


def test_loading_the_fixture_twice_changes_nothing(loaded):
    counts = {model: model.objects.count() for model in MODELS}
    before = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    call_command("loaddata", "report_2022", verbosity=0)
    after = Enterprise.objects.get(pk=before.pk)
    assert {model: model.objects.count() for model in MODELS} == counts
    assert after.updated_at == before.updated_at
    assert after.slug == before.slug
