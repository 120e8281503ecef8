"""Django's translation tags in the Jinja2 pages render as Django renders them."""

import datetime

import pytest
from django.template import engines
from django.utils import translation


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_translate_and_blocktranslate_render_as_in_django_templates(language):
    source = (
        '{% translate "Skip to content" %}|{% blocktranslate with number=n %}Edition {{ number }}{% endblocktranslate %}'
        "|{% blocktranslate count counter=total %}{{ counter }} enterprise{% plural %}{{ counter }} enterprises{% endblocktranslate %}"
    )
    with translation.override(language):
        jinja2 = render(source, n=3, total=2)
        django = engines["django"].from_string("{% load i18n %}" + source).render(
            {"n": 3, "total": 2}
        )
    assert jinja2 == django
    assert jinja2 == ("Skip to content|Edition 3|2 enterprises" if language == "en" else "跳到正文|第 3 版|2 家企业")


def test_the_values_put_into_a_translation_are_escaped_and_its_own_markup_is_kept():
    with translation.override("en"):
        html = render(
            '{% blocktranslate with iso=when time=when %}Last updated: <time datetime="{{ iso }}">{{ time }}</time>{% endblocktranslate %}',
            when="<b>",
        )
    assert html == 'Last updated: <time datetime="&lt;b&gt;">&lt;b&gt;</time>'


def test_a_translation_can_be_kept_in_a_variable():
    source = '{% translate "Region" as label %}{% blocktranslate with number=2 asvar title %}Edition {{ number }}{% endblocktranslate %}[{{ label }}|{{ title }}]'
    with translation.override("en"):
        assert render(source) == "[Region|Edition 2]"


def test_dates_are_shown_in_the_current_time_zone_as_in_django_templates():
    moment = datetime.datetime(2022, 12, 31, 16, 0, tzinfo=datetime.UTC)
    assert render('{{ moment|date("Y-m-d H:i") }}', moment=moment) == "2023-01-01 00:00"  # Asia/Shanghai
