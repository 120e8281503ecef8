"""
What the public templates need of Jinja2 beyond Django's Jinja2 backend: Django's own
translation tags, and the filters of Django's template language that the pages use.

The tags are Django's, `{% translate "…" %}` and `{% blocktranslate … %}…{% endblocktranslate %}`,
with the same options and the same output (the text escaped, a block's variables escaped
into its translation), so that `manage.py makemessages` finds the templates' strings as it
finds them in Django's templates and every existing translation still applies. Inside
the tags the expressions are Jinja2's (`with date=edition.published_at|date("Y-m-d")`).
"""

from itertools import groupby

from django.template import defaultfilters
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext, trim_whitespace
from jinja2 import TemplateSyntaxError, nodes
from jinja2.ext import Extension
from markupsafe import Markup


class DjangoTranslationTags(Extension):
    """
    `{% translate "text" [as name] %}` and `{% blocktranslate [with a=x …] [count n=x] [trimmed]
    [asvar name] %}…{{ a }}…[{% plural %}…]{% endblocktranslate %}`, as in Django.
    """

    tags = {"translate", "trans", "blocktranslate", "blocktrans"}

    def parse(self, parser):
        tag = next(parser.stream)
        if tag.value in ("translate", "trans"):
            return self.parse_translate(parser, tag.lineno)
        return self.parse_blocktranslate(parser, tag.lineno)

    def parse_translate(self, parser, lineno):
        message = parser.parse_expression()
        call = self.call_method("translate_text", [message], lineno=lineno)
        if parser.stream.skip_if("name:as"):
            return nodes.Assign(nodes.Name(parser.stream.expect("name").value, "store"), call, lineno=lineno)
        return nodes.Output([call], lineno=lineno)

    def parse_blocktranslate(self, parser, lineno):
        variables, count_name, asvar, trimmed = {}, None, None, False
        counting = False
        while parser.stream.current.type != "block_end":
            word = parser.stream.expect("name").value
            if parser.stream.skip_if("assign"):  # name=value, even a variable called "count"
                variables[word] = parser.parse_expression()
                if counting:
                    count_name, counting = word, False
            elif word == "count":
                counting = True
            elif word == "trimmed":
                trimmed = True
            elif word == "asvar":
                asvar = parser.stream.expect("name").value
            elif word != "with":
                raise TemplateSyntaxError(f"blocktranslate: unknown option {word!r}", lineno, parser.name)
        parser.stream.expect("block_end")
        singular, plural, referenced = self.parse_body(parser, lineno)
        if trimmed:
            singular = trim_whitespace(singular)
            plural = trim_whitespace(plural) if plural is not None else None
        if (plural is None) != (count_name is None):
            raise TemplateSyntaxError("blocktranslate: 'count' goes with '{% plural %}'", lineno, parser.name)
        for name in referenced:
            variables.setdefault(name, nodes.Name(name, "load"))
        arguments = [
            nodes.Const(singular),
            nodes.Const(plural),
            variables[count_name] if count_name else nodes.Const(None),
            nodes.Dict([nodes.Pair(nodes.Const(name), value) for name, value in variables.items()]),
        ]
        call = self.call_method("blocktranslate_text", arguments, lineno=lineno)
        if asvar:
            return nodes.Assign(nodes.Name(asvar, "store"), call, lineno=lineno)
        return nodes.Output([call], lineno=lineno)

    def parse_body(self, parser, lineno):
        """The block's text up to {% endblocktranslate %}, its variables as %(name)s, as makemessages reads it."""
        singular, plural, referenced = [], None, set()
        parts = singular
        while True:
            token = next(parser.stream)
            if token.type == "data":
                parts.append(token.value.replace("%", "%%"))
            elif token.type == "variable_begin":
                name = parser.stream.expect("name").value
                parser.stream.expect("variable_end")
                parts.append(f"%({name})s")
                referenced.add(name)
            elif token.type == "block_begin" and parser.stream.skip_if("name:plural"):
                parser.stream.expect("block_end")
                parts = plural = []
            elif token.type == "block_begin" and parser.stream.current.test_any("name:endblocktranslate", "name:endblocktrans"):
                # The closing block_end is the parser's to read.
                next(parser.stream)
                return "".join(singular), ("".join(plural) if plural is not None else None), referenced
            else:
                raise TemplateSyntaxError(
                    "blocktranslate holds text and {{ variables }} only, up to {% endblocktranslate %}",
                    token.lineno,
                    parser.name,
                )

    @staticmethod
    def translate_text(message) -> str:
        # A plain str: the page escapes it, as Django's {% translate %} does.
        return gettext(message)

    @staticmethod
    def blocktranslate_text(singular, plural, count, variables) -> Markup:
        text = gettext(singular) if plural is None else ngettext(singular, plural, count)
        # The translation is markup of the site's own; the values put into it are escaped.
        return Markup(text) % variables


def regroup(rows, attribute: str):
    """Group consecutive rows by an attribute, as Django's {% regroup %}: (grouper, list) pairs."""
    return [(key, list(items)) for key, items in groupby(rows, key=lambda row: _lookup(row, attribute))]


def _lookup(row, path: str):
    for name in path.split("."):
        row = getattr(row, name)
    return row


def date(value, format_string=None):
    """Django's `date`, in the current time zone as Django's templates show a datetime."""
    return defaultfilters.date(template_localtime(value), format_string)


# Django's filters the pages use, under their Django names. Jinja2's filesizeformat counts
# in 1000s where Django's counts in 1024s; the pages keep Django's.
DJANGO_FILTERS = {
    "date": date,
    "linebreaks": lambda value: defaultfilters.linebreaks_filter(value, autoescape=True),
    "linebreaksbr": lambda value: defaultfilters.linebreaksbr(value, autoescape=True),
    "filesizeformat": defaultfilters.filesizeformat,
    "regroup": regroup,
}
