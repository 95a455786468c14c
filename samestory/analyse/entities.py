"""Named entities with name variants merged, plus the titles and ages given to people.

Mentions come from the statistical recogniser where the language has one (see nlp.py), else from
capitalised word sequences inside sentences (a fallback that works for any cased script; punctuation
ends a sequence, so "Varnholm, Kellmouth und Brelund" are three names, since analyser-v9; in German, where
every noun is capitalised, only the words a part-of-speech tagger calls proper nouns, propernouns.py, since
analyser-v10; in languages that decline names, Polish, Russian, Finnish …, the key and the gazetteer read
each word's dictionary form, lemmas.py, since analyser-v11: "Warszawie" is Warszawa; and a country in the
genitive that opens a run is cut from the name after it, since analyser-v12: "России Владимир Путин" is
Russia and Vladimir Putin; in German a common word of the language between two names ends the first,
since analyser-v13: "Kenias Vizepräsident William Ruto" is Kenya and William Ruto). A mention made
only of the language's stop words ("También", "Había", "Vamos": words capitalised at the start of a
sentence that the small Spanish model takes for names) is not a name and is dropped, unless written in
capitals ("US"); so is a lone month or weekday name found by the fallback (Turkish capitalises them).

Merging (within one article, and the ``key`` makes entities comparable across articles):
* people: one key per surname. "Gorbachev" joins "Mikhail Gorbachev"; "Michael Gorbachev" joins too,
  because the surname matches and the first names share their initial (transliteration variants).
  A one-word ORG or place that equals a known person's surname is that person (taggers often mislabel).
* organisations: case- and accent-folded ("TASS" = "Tass"); an acronym joins the name whose initials
  it spells ("NATO" = "North Atlantic Treaty Organization").
* places: countries and cities resolve to an ISO country code through the gazetteer ("U.S." = "USA").
* one name given two labels in one article is one entity, with the label of most of its mentions in
  ordinary case (a dateline's "KELLMOUTH" taken for an organisation next to "Kellmouth" the town).

A mention's trailing connector words are not part of the name ("gobierno de", "valle del": spans the
small Spanish model ends one word too late). A "person" written without a capital in a cased script is a
role the tagger took for a name ("harbour master") and is dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Entity, Sentence
from . import lemmas, propernouns
from .dates import calendar_words
from .gazetteer import country_of, fold, is_country
from .lexicon import person_noun

_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE",
           "FAC": "PLACE", "NORP": "GROUP", "EVENT": "MISC", "MISC": "MISC", "PRODUCT": "MISC",
           "WORK_OF_ART": "MISC", "LAW": "MISC"}
_TITLE_POS = {"ADJ", "NOUN", "PROPN"}
_AGE_AFTER = re.compile(r"^\s*,\s*(?:now\s+|aged\s+|de\s+|âgé de\s+)?(\d{1,3})(?:\s*(?:years?[ -]old|años|ans|yaşında))?\s*[,.;)]")
_AGE_PAREN = re.compile(r"^\s*\((\d{1,3})\)")
_AGE_BEFORE = re.compile(r"(\d{1,3})-year-old\s+(?:[\w-]+\s+){0,4}$")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SUFFIX = re.compile(r"['’][^\W\d_]+$")
_CONNECTORS = frozenset({"of", "de", "del", "da", "di", "du", "la", "von", "van", "der", "al", "bin", "ibn", "y"})


@dataclass
class Mention:
    text: str
    label: str
    start: int  # global character offset
    end: int
    sentence: int
    title: str | None = None
    age: int | None = None
    #: the name with its words in their dictionary forms, where the language declines names (lemmas.py)
    base: str = ""

    @property
    def key_text(self) -> str:
        """What the entity key and the gazetteer read: the dictionary forms when known, else the text."""
        return self.base or self.text


@dataclass
class _Cluster:
    label: str
    key: str
    mentions: list[Mention] = field(default_factory=list)
    surname: str = ""
    first: str = ""


def mentions_from_docs(docs: list[Any], starts: list[int], sentences: list[Sentence], text: str,
                       has_ner: bool) -> list[Mention]:
    sent_starts = [s.start for s in sentences]

    def sent_of(offset: int) -> int:
        return max(0, bisect_right(sent_starts, offset) - 1)

    out: list[Mention] = []
    for doc, base in zip(docs, starts):
        if has_ner:
            for ent in doc.ents:
                label = _LABELS.get(ent.label_)
                name = ent.text.strip(" \"'“”‘’«»()")
                if not label or len(name) < 2 or not any(c.isalpha() for c in name) or _stop_words_only(name, doc):
                    continue
                m = Mention(name, label, base + ent.start_char, base + ent.end_char, sent_of(base + ent.start_char))
                if label == "PERSON":
                    m.title = _title_before(doc, ent) or _title_apposition(doc, ent)
                    m.age = _age(text, m.start, m.end)
                out.append(m)
        else:
            out.extend(_capitalised(doc, base, sent_of))
    return out


def _stop_words_only(name: str, doc: Any) -> bool:
    """Every word of the name is a stop word of the doc's language, and it is not written in capitals."""
    if name.isupper():
        return False
    words = name.split()
    return bool(words) and all(doc.vocab[w.lower()].is_stop for w in words)


def _lower_case_only(name: str) -> bool:
    """Written in a cased script without a capital letter: a name is capitalised in every language that
    has capitals (Arabic has none and is never dropped)."""
    return any(c.islower() for c in name) and not any(c.isupper() for c in name)


def _calendar_word(name: str, lang: str) -> bool:
    """A single month or weekday name of the language (from dateparser's locale data, as dates.py reads it)."""
    return " " not in name and name.lower() in calendar_words(lang)


def _capitalised(doc: Any, base: int, sent_of) -> list[Mention]:
    """Runs of capitalised words not at the start of a sentence: names in languages without a
    recogniser. Connectors such as "de" or "bin" may join two capitalised words; a suffix after an
    apostrophe ("Moskova'da", "Rusya'nın") is dropped.

    In a language with a part-of-speech tagger (German, propernouns.py), where nouns are capitalised
    too, a run is a name only from its first to its last word tagged as a proper noun ("Bürgermeisterin
    Ewa Lindqvist" gives "Ewa Lindqvist", "Kunden" nothing), a common word of the language inside it ends
    one name ("Kenias Vizepräsident William Ruto" gives "Kenias" and "William Ruto"), and a name may then
    open the sentence."""
    tagged = propernouns.supported(doc.lang_)
    out = []
    for sent in doc.sents:
        s = sent.text
        words = propernouns.tag(sent) if tagged else None
        for whole in _runs(s):
            while whole and whole[-1].group(0) in _CONNECTORS:
                whole.pop()
            for run in _tagged_names(whole, words) if words else _names(whole, s, doc.lang_):
                if not (run and (tagged or run[0].start() > 0)):
                    continue
                start, end = run[0].start(), run[-1].end()
                # the full stop first: "İzmir'deydi." ends a sentence, and its suffix is "'deydi"
                name = _SUFFIX.sub("", s[start:end].rstrip(".")).rstrip(".")
                if len(name) >= 3 and not _stop_words_only(name, doc) and not _calendar_word(name, doc.lang_):
                    g = base + sent.start_char + start
                    if tagged:  # the tagger's lemmas: "Russlands" is Russland (propernouns.tag)
                        lemma = " ".join(words.names.get(m.start(), m.group(0)) for m in run)
                        key = lemma if lemma != name else ""
                    else:
                        key = lemmas.base_form(name, doc.lang_) if lemmas.supported(doc.lang_) else ""
                    out.append(Mention(name, "NAME", g, g + len(name), sent_of(g), base=key))
    if tagged:
        _confirm_lemmas(out)
    return out


def _tagged_names(run: list[re.Match[str]], words: propernouns.Tagged) -> Iterator[list[re.Match[str]]]:
    """The names in a run of capitals, by the tagger's reading of its words: the run cut at the common
    words of the language, each part from its first to its last name word."""
    part: list[re.Match[str]] = []
    for m in run + [None]:
        if m is None or m.start() in words.common:
            while part and part[0].start() not in words.names:
                part.pop(0)
            while part and part[-1].start() not in words.names:
                part.pop()
            if part:
                yield part
            part = []
        else:
            part.append(m)


def _names(run: list[re.Match[str]], s: str, lang: str) -> list[list[re.Match[str]]]:
    """The names in a run of capitals in a language without a tagger: in one that declines names, without
    the common words opening its sentence, and split after a declined country (Slavic languages)."""
    if lemmas.supported(lang) and run and run[0].start() == 0:
        _cut_sentence_opener(run, lang)
    return _split_declined_country(run, s, lang) if lang in _GENITIVE_AFTER else [run]


def _confirm_lemmas(mentions: list[Mention]) -> None:
    """A tagger's lemma is kept as a name's key when it is a place the gazetteer knows ("Russlands" →
    Russland) or when its words are names the article also writes as such ("Merkels" beside "Angela Merkel");
    else the name is keyed as written. The tagger also takes an English plural, or a word that merely ends
    in s, for a genitive ("Coronavirus" → "Coronaviru", "News" → "New", "Google Maps")."""
    written = {fold(w) for m in mentions for w in m.text.split()}
    for m in mentions:
        if m.base and not country_of(m.base) and not all(fold(w) in written for w in m.base.split()):
            m.base = ""


#: Slavic languages, whose genitive follows its noun: a declined country that opens a run of capitals is the
#: end of a title ("prezydent Rosji", "президент России") and what follows it another name. Finnish or
#: Hungarian put the genitive first, in names too ("Suomen Akatemia", the Academy of Finland): not here.
_GENITIVE_AFTER = frozenset({"pl", "ru", "uk", "cs", "sk", "sl", "hr", "sr", "bs"})


def _split_declined_country(run: list[re.Match[str]], s: str, lang: str) -> list[list[re.Match[str]]]:
    """In a language of ``_GENITIVE_AFTER``, a run that starts with a country in a case other than its
    dictionary form, followed by more capitals, is the country and a name: "Rosji Władimir Putin" (Russia's
    Vladimir Putin), "России Владимир Путин", "Nowej Zelandii Jacinda Ardern".
    A country in its dictionary form starts a longer name and is left in it ("Polska Agencja Prasowa"), as
    is a word that is a town's name in another case ("Adama Mickiewicza": Adam is a town in Oman). A country
    of two words is seen too ("Wielkiej Brytanii Boris Johnson", lemmas.base_form)."""
    k = _country_at(run, 0, lang)
    if 0 < k < len(run):
        head = s[run[0].start():run[k - 1].end()]
        if lemmas.base_form(head, lang) != head:
            return [run[:k], run[k:]]
    return [run]


def _country_at(run: list[re.Match[str]], i: int, lang: str) -> int:
    """How many words of ``run`` from its ``i``-th (one or two) name a country, in any case; 0 if none."""
    for k in (1, 2):
        if i + k <= len(run):
            head = run[i].string[run[i].start():run[i + k - 1].end()]
            if is_country(lemmas.base_form(head, lang)):
                return k
    return 0


def _cut_sentence_opener(run: list[re.Match[str]], lang: str) -> None:
    """A run that opens a sentence may start with common words capitalised there ("Wcześniej Putina",
    "Kanclerz Olaf Scholz", "W Warszawie"): without them, the rest is a name (lemmas.common_word). The cut
    stops at a country, whose first word may be a common word ("Premier Wielkiej Brytanii …": "Wielkiej",
    great). A run whose first word is not such a word is left whole (and dropped, as it opens the sentence)."""
    k = 0
    while k < len(run) and lemmas.common_word(run[k].group(0), lang) and not _country_at(run, k, lang):
        k += 1
    if 0 < k < len(run):
        del run[:k]
        while run and run[0].group(0) in _CONNECTORS:
            run.pop(0)


def _runs(s: str) -> Iterator[list[re.Match[str]]]:
    """The runs of capitalised words in ``s``, with the connectors inside them (and any after them);
    punctuation between two words ends a run: "Valilik, Akyaka" is two."""
    run: list[re.Match[str]] = []
    for m in _WORD.finditer(s):
        word = m.group(0)
        if run and s[run[-1].end():m.start()].strip():
            yield run
            run = []
        if word[0].isupper() or (run and word in _CONNECTORS):
            run.append(m)
        elif run:
            yield run
            run = []
    if run:
        yield run


#: a title is at most this many words ("last soviet leader")
_MAX_TITLE = 6


def pos_needed(doc: Any) -> list[int]:
    """The tokens whose part of speech the title rules below read: up to a title's length (plus the one
    that ends it) before and after each person named, and at the start of sentences opening with "the".
    nlp.parse tags only these (with context), so a rule that reads further must widen this too."""
    out: list[int] = []
    for ent in doc.ents:
        if _LABELS.get(ent.label_) == "PERSON":
            out.extend(range(ent.start - _MAX_TITLE - 1, ent.start))       # _title_before
            out.extend(range(ent.end, ent.end + _MAX_TITLE + 3))           # _title_apposition: ", the … ,"
    for sent in doc.sents:
        if sent[0].lower_ == "the":
            out.extend(range(sent.start, min(sent.end, sent.start + _MAX_TITLE + 2)))  # descriptor_titles
    return out


def _title_before(doc: Any, ent: Any) -> str | None:
    """'the last Soviet leader Mikhail Gorbachev' → 'last soviet leader' (needs part-of-speech tags)."""
    toks = []
    i = ent.start - 1
    while i >= 0 and doc[i].pos_ in _TITLE_POS and doc[i].ent_type_ not in ("PERSON", "PER", "ORG", "DATE"):
        toks.append(doc[i])
        i -= 1
    toks.reverse()
    return _title_text(toks)


def _title_apposition(doc: Any, ent: Any) -> str | None:
    """'Gorbachev, the last Soviet leader, said' → 'last soviet leader'."""
    i = ent.end
    if i >= len(doc) or doc[i].text != ",":
        return None
    i += 1
    if i < len(doc) and doc[i].pos_ == "DET":
        i += 1
    toks = []
    while i < len(doc) and doc[i].pos_ in _TITLE_POS and doc[i].ent_type_ not in ("PERSON", "PER", "DATE"):
        toks.append(doc[i])
        i += 1
    if i < len(doc) and doc[i].text not in (",", ".", ";"):
        return None
    return _title_text(toks)


def _title_text(toks: list[Any]) -> str | None:
    if not toks or toks[-1].pos_ != "NOUN" or len(toks) > _MAX_TITLE:
        return None
    return " ".join(t.text.lower() for t in toks)


def descriptor_titles(docs: list[Any], starts: list[int], sentences: list[Sentence],
                      mentions: list[Mention]) -> list[tuple[Mention, str, int]]:
    """Sentence-opening descriptions such as 'The former Soviet prime minister described …': the title
    and the sentence index of the person they stand for, taken as the first person named in the
    previous sentence (the usual subject). The description's head must name a person
    (lexicon.person_noun): "The wind turned" describes nobody."""
    first_person: dict[int, Mention] = {}
    for m in mentions:
        if m.label == "PERSON" and m.sentence not in first_person:
            first_person[m.sentence] = m
    out = []
    sent_starts = [s.start for s in sentences]
    for doc, base in zip(docs, starts):
        for sent in doc.sents:
            toks = list(sent)
            if len(toks) < 4 or toks[0].lower_ != "the":
                continue
            phrase = []
            for t in toks[1:]:
                if t.pos_ in _TITLE_POS and t.ent_type_ not in ("PERSON", "PER", "ORG"):
                    phrase.append(t)
                else:
                    break
            nxt = toks[len(phrase) + 1] if len(phrase) + 1 < len(toks) else None
            title = _title_text(phrase)
            if not title or nxt is None or nxt.pos_ not in ("VERB", "AUX") or not person_noun(title):
                continue
            idx = max(0, bisect_right(sent_starts, base + sent.start_char) - 1)
            prev = first_person.get(idx - 1)
            if prev is not None:
                out.append((prev, title, idx))
    return out


def _age(text: str, start: int, end: int) -> int | None:
    m = _AGE_AFTER.match(text[end:end + 40]) or _AGE_PAREN.match(text[end:end + 8])
    if not m:
        m = _AGE_BEFORE.search(text[max(0, start - 60):start])
    if m:
        age = int(m.group(1))
        if 1 <= age <= 120:
            return age
    return None


@dataclass
class Span:
    start: int
    end: int
    key: str
    name: str
    label: str


def merge(mentions: list[Mention], descriptors: list[tuple[Mention, str, int]] = ()) -> tuple[list[Entity], list[Span]]:
    """Group mentions into entities with merged name variants. Also returns every mention's span with
    the key and canonical name of its entity, in text order."""
    persons: list[_Cluster] = []
    others: dict[str, _Cluster] = {}
    mentions = _countries_as_places([t for t in (_trim(m) for m in mentions) if t is not None])
    for m in sorted((m for m in mentions if m.label == "PERSON"), key=lambda m: -len(m.text.split())):
        _add_person(persons, m)
    by_surname = {c.surname: c for c in persons}
    for m in mentions:
        if m.label == "PERSON":
            continue
        f = fold(m.key_text)
        if not f:
            continue
        if len(f.split()) == 1 and f in by_surname:  # "Trump" tagged ORG next to "Donald Trump"
            by_surname[f].mentions.append(m)
            continue
        label = m.label
        country = _country(m) if label in ("PLACE", "NAME", "GROUP") else None
        if country and label in ("PLACE", "NAME"):
            label, key = "PLACE", f"PLACE:{country}"
        else:
            key = f"{label}:{f}"
        others.setdefault(key, _Cluster(label, key)).mentions.append(m)
    _merge_same_names(others)
    _merge_acronyms(others)
    for person, title, sentence in descriptors:
        for c in persons:
            if any(m is person for m in c.mentions):
                c.mentions.append(Mention("", "PERSON", -1, -1, sentence, title=title))
                break
    entities = [_entity(c) for c in persons + list(others.values())]
    spans = sorted((Span(m.start, m.end, c.key, e.name, c.label)
                    for c, e in zip(persons + list(others.values()), entities) for m in c.mentions if m.text),
                   key=lambda sp: sp.start)
    return entities, spans


def _countries_as_places(mentions: list[Mention]) -> list[Mention]:
    """A one-word "person" that is a country's name is the country (the small Spanish model calls "México"
    and "España" persons in 44 and 34 of the Spanish SemEval texts), unless a person of more words in the
    article has it for a name ("Michael Jordan" beside "Jordan")."""
    names = {w for m in mentions if m.label == "PERSON" and " " in m.text.strip() for w in fold(m.text).split()}
    return [replace(m, label="PLACE") if m.label == "PERSON" and " " not in m.text.strip() and
            fold(m.key_text) not in names and is_country(m.key_text) else m for m in mentions]


def _country(m: Mention) -> str | None:
    """The country a place mention names, read in its dictionary forms first ("Polsce" → Polska)."""
    return country_of(m.key_text) or (country_of(m.text) if m.base and m.base != m.text else None)


_TRAILING = re.compile(r"(?:\s+(?:" + "|".join(sorted(_CONNECTORS, key=len, reverse=True)) + r"))+\s*$", re.IGNORECASE)


def _trim(m: Mention) -> Mention | None:
    """The mention without its trailing connector words; None when nothing else is left, or when it is
    written without capitals: a role the tagger took for a person ("harbour master"), or a common word it
    took for a name (since analyser-v13, of any label: the small Spanish model calls "año" a name in 127
    of the 1,026 Spanish SemEval texts, the French one the "qu" of "qu’il" in 49 of the 138 French ones,
    so every such pair shared a "name")."""
    if not m.text:
        return m
    if _lower_case_only(m.text):
        return None
    cut = _TRAILING.search(m.text)
    if cut is None:
        return m
    text = m.text[:cut.start()]
    if not text.strip():
        return None
    return Mention(text, m.label, m.start, m.start + len(text), m.sentence, m.title, m.age)


def _merge_same_names(clusters: dict[str, _Cluster]) -> None:
    """Clusters that share a name (case- and accent-folded) but not a label join the one with most
    mentions in ordinary case: a name in capitals (a dateline, a headline) gave the tagger no case cue,
    and counts only between clusters that have no other mentions."""
    def votes(k: str) -> tuple[int, int]:
        ms = [m for m in clusters[k].mentions if m.text]
        return -sum(not m.text.isupper() for m in ms), -len(ms)

    owner: dict[str, str] = {}
    for key in sorted(clusters, key=votes):
        c = clusters[key]
        names = {fold(m.key_text) for m in c.mentions if m.text}
        into = next((owner[n] for n in sorted(names) if n in owner), None)
        if into is not None:
            clusters[into].mentions.extend(c.mentions)
            del clusters[key]
        for n in names:
            owner.setdefault(n, into or key)


#: Generational suffixes and regnal numbers, which follow a surname or a king's name: "Floyd Mayweather Jr",
#: "Felipe VI" ("I" is left out: an initial)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
                            "xiv", "xv", "xvi"})


def _add_person(clusters: list[_Cluster], m: Mention) -> None:
    """A person joins the cluster of the same surname and a compatible first name, else starts one, keyed by
    the surname: the last word of the name, less a suffix ("Floyd Mayweather Jr" is "mayweather", not "jr")
    and read after its last hyphen ("Kim Jong-un" and "Kim Jong Un" are "un", "Bachar el-Assad" and "Bashar
    al-Assad" "assad", "López-Gatell" and "López Gatell" "gatell"; since analyser-v13)."""
    parts = fold(m.text).replace("-", " ").split()
    while len(parts) > 1 and parts[-1] in _NAME_SUFFIXES:
        parts.pop()
    if not parts:
        return
    surname, first = parts[-1], (parts[0] if len(parts) > 1 else "")
    for c in clusters:
        if c.surname == surname and _same_first_name(first, c.first):
            c.mentions.append(m)
            return
        if not first and c.first == surname:  # "Joe" after "Joe Biden"
            c.mentions.append(m)
            return
    clusters.append(_Cluster("PERSON", f"PERSON:{surname}", [m], surname, first))


#: Two first names this alike are spellings of one name (Mikhail/Michael 0.71; Joe/Jill 0.29).
FIRST_NAME_SIMILARITY = 0.6


def _same_first_name(x: str, y: str) -> bool:
    """Compatible first names: one missing, an initial or prefix of the other (J./Joe/Joseph), or
    transliteration variants."""
    from rapidfuzz.fuzz import ratio

    if not x or not y:
        return True
    x, y = x.rstrip("."), y.rstrip(".")
    return x.startswith(y) or y.startswith(x) or ratio(x, y) / 100 >= FIRST_NAME_SIMILARITY


def _merge_acronyms(clusters: dict[str, _Cluster]) -> None:
    for key in list(clusters):
        c = clusters.get(key)
        if c is None or c.label != "ORG":
            continue
        name = c.mentions[0].text
        if not (name.isupper() and 2 <= len(name) <= 6):
            continue
        for other in list(clusters.values()):
            words = [w for w in other.mentions[0].text.split() if w[:1].isupper()]
            if other is not c and other.label == "ORG" and len(words) == len(name) and \
                    "".join(w[0] for w in words).upper() == name:
                c.mentions.extend(other.mentions)
                del clusters[other.key]
                break


def _entity(c: _Cluster) -> Entity:
    named = [m for m in c.mentions if m.text]
    variants = Counter(m.text for m in named)
    multi = [v for v in variants if len(v.split()) > 1]
    # the most frequent variant, but a word in capitals (a dateline's "KELLMOUTH", not "NATO") only when it is all there is
    name = max(multi or variants, key=lambda v: (not (v.isupper() and len(v) > 4), variants[v], len(v)))
    titles = list(dict.fromkeys(m.title for m in c.mentions if m.title))
    ages = sorted({m.age for m in c.mentions if m.age is not None})
    country = c.key.split(":", 1)[1] if c.key.startswith("PLACE:") and len(c.key) == 8 else None
    sentences = sorted({m.sentence for m in named})
    return Entity(name=name, label=c.label, key=c.key, variants=sorted(variants), count=len(named),
                  sentences=sentences, titles=titles, ages=ages, country=country)

