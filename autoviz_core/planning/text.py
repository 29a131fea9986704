"""Words of a question and of column names, normalised the same way so they can be compared.

A token keeps its place in the question (character span, original spelling) because the planner
reads evidence from positions ("per" right before a column) and filters need the user's own
spelling of a value. Plurals are reduced with lemminflect's dictionary (not suffix stripping,
which turns "gas" into "ga"); number words become digits with text2num.
"""

from __future__ import annotations

import bisect
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import config as lemminflect_config
from lemminflect import getLemma
from lemminflect.codecs.OverridesCodec import OverridesCodec
from text_to_num import alpha2digit

from autoviz_core.data.names import name_words

# Words, numbers (with decimals or thousands separators) and the comparison symbols filters use.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:'[^\W_]+)?|>=|<=|!=|==|[<>=#%+$]")
# Short words lemminflect would cut ("was" -> "wa"): three-letter words are only reduced when they
# are a plural of a two-letter abbreviation ("ids", "hrs").
_THREE_LETTER_PLURALS = {"ids": "id", "hrs": "hr", "yrs": "yr", "qts": "qt", "pts": "pt"}


@dataclass(frozen=True)
class Token:
    """One word of a question: lower-cased text, its lemma, and where it was."""

    text: str
    lemma: str
    start: int
    end: int
    orig: str


class NounLemmas:
    """lemminflect's noun lemmas (plural -> first singular spelling, its overrides applied, in
    lower case), as its getLemma(upos="NOUN") answers them for lower-case words.

    Looked up by binary search in lemminflect's own table, which is sorted by word, instead of
    its loader, which builds a dict of every word class entry by entry: 0.2 s on the first
    question of every process, against 0.02 s to decompress and split the table here.
    """

    def __init__(self, lines: list[str], overrides: dict[str, str]) -> None:
        self._lines = lines
        self._overrides = overrides

    def get(self, word: str) -> str | None:
        if word in self._overrides:
            return self._overrides[word]
        found = None
        at = bisect.bisect_left(self._lines, word, key=_entry_word)
        while at < len(self._lines) and _entry_word(self._lines[at]) == word:
            _, category, forms = self._lines[at].split(",")
            if category == "noun":
                found = forms.split("/")[0].strip().lower()  # the last entry wins, as there
            at += 1
        return found


def _entry_word(line: str) -> str:
    return line.split(",", 1)[0]


@lru_cache(maxsize=1)
def noun_lemmas() -> NounLemmas:
    """The noun lemma table, read once per process."""
    with gzip.open(lemminflect_config.lemma_lu_fn, "rb") as f:
        lines = [line for line in f.read().decode().split("\n") if line]
    overrides = OverridesCodec.load(lemminflect_config.lemma_overrides_fn)
    nouns = {w: c["NOUN"][0].lower() for w, c in overrides.items() if "NOUN" in c}
    return NounLemmas(lines, nouns)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The singular of a noun ("regions" -> "region"); other words unchanged."""
    if len(word) <= 3:
        return _THREE_LETTER_PLURALS.get(word, word)
    if not word.isalpha() or not word.endswith("s") or word.endswith("ss"):
        return word
    found = noun_lemmas().get(word) if word.islower() else _noun_lemma(word)
    if found:
        return found
    # not in the dictionary: the regular plural rules, unless the word only looks like a
    # plural ("anomalous", "physics")
    if word.endswith(("ous", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


def _noun_lemma(word: str) -> str | None:
    """lemminflect's own lookup, for words with capitals (it keeps their capitals)."""
    found = getLemma(word, upos="NOUN", lemmatize_oov=False)
    return found[0] if found else None


def normalise_question(question: str) -> str:
    """Lower case, plain quotes, single spaces, number words as digits ("top five" -> "top 5")."""
    text = question.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = " ".join(text.split())
    try:
        converted = alpha2digit(text, "en")
    except Exception:  # text2num raises on odd input; numbers in words are then left as words
        converted = text
    # keep the conversion only when it did not change the spelling of anything but numbers
    return converted if len(converted.split()) <= len(text.split()) else text


def tokenize(text: str) -> list[Token]:
    """Tokens of free text with their spans (lemmas for matching, originals for values)."""
    out = []
    for m in _TOKEN.finditer(text):
        orig = m.group(0)
        low = orig.lower()
        if low.endswith("'s"):  # "Coderre's vote" is about Coderre
            orig, low = orig[:-2], low[:-2]
        out.append(Token(low, lemma(low), m.start(), m.start() + len(orig), orig))
    return out


def tokens(text: str) -> list[str]:
    """Lemmas of free text ("Average Sepal Widths" -> ["average", "sepal", "width"])."""
    return [t.lemma for t in tokenize(text.lower())]


def split_name(name: str) -> list[str]:
    """A column name's words (data/names.py splits every name the same way)."""
    return list(name_words(str(name)))


@lru_cache(maxsize=65536)
def _column_tokens(name: str) -> tuple[str, ...]:
    return tuple(lemma(w) for w in name_words(name) if w)


def column_tokens(name: str) -> list[str]:
    """Lemmas of a column name's words ("petalLengths" -> ["petal", "length"])."""
    return list(_column_tokens(str(name)))


def norm(text: str) -> str:
    """Case-, separator- and plural-insensitive key for exact comparisons."""
    return " ".join(column_tokens(text))
