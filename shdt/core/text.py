"""
Text keys derived from Chinese names: the normalised name that decides whether two
records are the same enterprise, the pinyin that search matches, and permalinks.

These are plain functions so that models, imports, fixtures and tests share them.
"""

import re
import unicodedata
from functools import lru_cache
from itertools import chain

from pypinyin import Style
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin

# Legal-form endings that say nothing about which company it is; a permalink leaves them out.
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


# The converter `pypinyin.lazy_pinyin` uses (no options), and its way of cutting a text into words.
_converter = UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False)
_segmenter = Pinyin(_converter)


@lru_cache(maxsize=100_000)
def _word_pinyin(word: str, style: Style, errors) -> tuple[str, ...]:
    return tuple(chain.from_iterable(_converter.convert(word, style, False, errors, strict=True)))


def lazy_pinyin(text: str, style=Style.NORMAL, errors="default") -> list[str]:
    """
    Return what `pypinyin.lazy_pinyin(text, style, errors)` returns, remembering the
    pinyin of each word. pypinyin cuts a text into words (上海|星云|信息|科技|有限公司)
    and converts each word on its own, so a word's pinyin never depends on the words
    around it: remembering it changes no result. Registered names share most of their
    words, and converting was the costliest step of writing an enterprise (tens of
    thousands of them in a large import). `errors` must be hashable (a string, or a
    function defined once, not a lambda made per call).
    """
    syllables: list[str] = []
    for word in _segmenter.seg(text):
        syllables.extend(_word_pinyin(word, style, errors))
    return syllables


def _keep_unconverted(chars: str) -> list[str]:
    """What a permalink keeps of characters without pinyin (Latin letters, digits): the characters."""
    return list(chars)


def normalize_name(name: str) -> str:
    """
    Return the key under which two spellings of a name are the same record.

    NFKC folds full-width letters, digits and punctuation to their half-width forms
    (博彦科技（上海） and 博彦科技(上海) meet); all white space, including the
    ideographic space, is removed, and Latin letters are case-folded.
    """
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    # split() with no separator splits at exactly the characters isspace() is true of.
    return "".join(folded.split())


def pinyin_full(text: str) -> str:
    """Return the toneless pinyin of the Han characters in `text`, without separators."""
    return "".join(_syllables(text))


def _syllables(text: str) -> list[str]:
    return lazy_pinyin(han_only(text), style=Style.NORMAL, errors="ignore")


def pinyin_initials(text: str) -> str:
    """Return the first letters of the pinyin syllables: 上海喜马拉雅 gives shxmly."""
    return "".join(lazy_pinyin(han_only(text), style=Style.FIRST_LETTER, errors="ignore"))


_NOT_HAN = re.compile("[^\u4e00-\u9fff\u3400-\u4dbf]+")


def han_only(text: str) -> str:
    """Return the CJK unified ideographs of `text` (the basic block and extension A)."""
    return _NOT_HAN.sub("", text or "")


def search_document(*texts: str) -> str:
    """
    Return the one lower-case string that the `q` search matches by substring.

    It holds every given text normalised (Chinese names, aliases, English name) and,
    for each, its full pinyin and its initials, separated by a character that no
    query contains, so that a match never spans two parts.
    """
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        parts.append(normalize_name(text))
        # One pinyin conversion gives both forms (the initials are each syllable's first
        # letter): it is the costliest step of writing an enterprise, e.g. in a large import.
        syllables = _syllables(text)
        if syllables:
            parts.append("".join(syllables))
            parts.append("".join(syllable[0] for syllable in syllables if syllable))
    # dict.fromkeys keeps the order and drops repeats.
    return "|".join(dict.fromkeys(parts))


def normalize_query(query: str) -> str:
    """Return a search query in the form of `search_document`: normalised, no spaces."""
    return normalize_name(query)


def permalink_slug(name: str, max_length: int = 60) -> str:
    """
    Return a readable, ASCII permalink for a Chinese name.

    上海喜马拉雅科技有限公司 gives ``shanghai-ximalaya-keji`` style text without the legal
    form. Permalinks are made once and then kept, even if the name changes.
    """
    core = unicodedata.normalize("NFKC", name).strip()
    for form in _LEGAL_FORMS:
        if core.endswith(form) and len(core) > len(form):
            core = core[: -len(form)]
            break
    syllables = lazy_pinyin(core, style=Style.NORMAL, errors=_keep_unconverted)
    text = "".join(syllables).casefold()
    slug = _NON_WORD.sub("-", text).strip("-")
    return slug[:max_length].rstrip("-") or "record"


def name_reading(name: str) -> str:
    """
    The pinyin of a Chinese name with tone marks, a capitalised syllable per character
    (博彦科技（上海）有限公司 gives Bó Yàn Kē Jì (Shàng Hǎi) Yǒu Xiàn Gōng Sī): the reading
    aid the English pages show where an enterprise has no English name. Characters without
    pinyin (Latin letters, digits, brackets) are kept as written.
    """
    parts = []
    for syllable in lazy_pinyin(name.strip().replace("（", "(").replace("）", ")"), style=Style.TONE):
        for piece in re.findall(r"[()]|[^()\s]+", syllable):
            parts.append(piece[:1].upper() + piece[1:] if piece not in "()" else piece)
    return re.sub(r"\( ", "(", re.sub(r" \)", ")", " ".join(parts)))
