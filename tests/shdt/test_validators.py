import pytest
from django.core.exceptions import ValidationError

from shdt.core.validators import credit_code_check_character, validate_credit_code, validate_registered_name

# Published codes: the example of GB 32100-2015 itself, and two registered companies.
VALID_CODES = ["91350100M000100Y43", "91110000802100433B", "91310000132200821H"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_codes_are_accepted(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code", VALID_CODES)
def test_a_wrong_check_character_is_refused_and_the_right_one_named(code):
    wrong = "0" if code[-1] != "0" else "1"
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code[:17] + wrong)
    assert excinfo.value.code == "credit_code_check"
    assert code[-1] in str(excinfo.value.messages[0])


def test_check_character_follows_the_weights_of_the_standard():
    assert credit_code_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y433", "credit_code_length"),
        ("91350100M0001O0Y43", "credit_code_character"),  # the letter O is not in the standard's alphabet
        ("91350100m000100y43", "credit_code_character"),
    ],
)
def test_malformed_codes_are_refused(code, error):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == error


@pytest.mark.parametrize("name", ["上海喜马拉雅科技有限公司", "亿贝软件工程（上海）有限公司", "SAP（北京）软件系统有限公司"])
def test_registered_names_in_chinese_characters_are_accepted(name):
    validate_registered_name(name)


@pytest.mark.parametrize("name", ['=HYPERLINK("x")', "PacteraEDGE", "12345", "（）"])
def test_a_name_without_a_chinese_character_is_refused(name):
    with pytest.raises(ValidationError) as excinfo:
        validate_registered_name(name)
    assert excinfo.value.code == "name_not_chinese"


@pytest.mark.parametrize("name", ["上海制表\t科技有限公司", "上海换行\n科技有限公司", "上海\x00科技有限公司"])
def test_a_name_with_a_tab_or_line_break_inside_is_refused(name):
    with pytest.raises(ValidationError) as excinfo:
        validate_registered_name(name)
    assert excinfo.value.code == "name_control_character"
