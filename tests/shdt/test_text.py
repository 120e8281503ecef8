import pytest
from pypinyin import Style

from shdt.core.text import normalize_name, permalink_slug, pinyin_initials, search_document


def test_full_and_half_width_parentheses_normalise_alike():
    assert normalize_name("博彦科技（上海）有限公司") == normalize_name("博彦科技(上海)有限公司")


def test_white_space_of_any_width_is_ignored():
    assert normalize_name(" 上海 喜马拉雅\u3000科技有限公司 ") == normalize_name("上海喜马拉雅科技有限公司")


def test_latin_letters_fold_width_and_case():
    assert normalize_name("ＩＮＴＳＩＧ") == normalize_name("intsig")


def test_different_names_stay_different():
    assert normalize_name("上海纵游网络技术有限公司") != normalize_name("上海纵游网络科技有限公司")


def test_search_document_holds_pinyin_and_initials():
    document = search_document("上海喜马拉雅科技有限公司")
    assert "ximalaya" in document
    assert "xmly" in document
    assert pinyin_initials("喜马拉雅") == "xmly"


def test_search_document_parts_do_not_run_into_each_other():
    document = search_document("甲公司", "乙公司")
    assert "公司乙" not in document


def test_permalink_is_ascii_without_the_legal_form():
    assert permalink_slug("上海喜马拉雅科技有限公司") == "shanghaiximalayakeji"
    assert permalink_slug("博彦科技（上海）有限公司") == "boyankeji-shanghai"
    assert permalink_slug("上海识装信息科技有限公司").isascii()


@pytest.mark.parametrize(
    "text",
    ["重庆银行股份有限公司", "长乐长城行长", "朝阳重工", "音乐乐园", "上海Nova数据2号（中国）有限公司", "", "ABC 123"],
)
def test_remembered_pinyin_is_what_pypinyin_gives_also_the_second_time(text):
    import pypinyin

    from shdt.core.text import _keep_unconverted, lazy_pinyin

    for style, errors in ((Style.NORMAL, "ignore"), (Style.FIRST_LETTER, "ignore"), (Style.NORMAL, _keep_unconverted)):
        expected = pypinyin.lazy_pinyin(text, style=style, errors=errors)
        assert lazy_pinyin(text, style=style, errors=errors) == expected
        assert lazy_pinyin(text, style=style, errors=errors) == expected
