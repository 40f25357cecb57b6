"""The vocabulary of fields: what volunteers know about and what learners need help with.

Every programme has its own list (``Field`` rows), seeded from :data:`DEFAULT_FIELDS`. Volunteers'
expertise and learners' needs store field *codes* chosen from that list; labels are shown in the
reader's language, and words people type (a file, a learner's wishes) are resolved through the
labels and synonyms of all four languages without case or accents, so "Mathe", "rekenen" and
"maths" are one field. :func:`validate_fields` is the one check every stored list goes through.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tandem.core.languages import COUNTRY_LANGUAGES, READER_LANGUAGES, language_name
from tandem.core.models import Field, Programme
from tandem.core.text import capitalise, fold

Words = dict[str, list[str]]

# code, names in en/nl/fr/de, other words per language. Names read inside a sentence ("knows
# about career orientation and maths"), so they are lower case except German nouns and acronyms.
DEFAULT_FIELDS: tuple[tuple[str, dict[str, str], Words], ...] = (
    ("maths", {"en": "maths", "nl": "wiskunde", "fr": "mathématiques", "de": "Mathematik"},
     {"en": ["math", "mathematics", "arithmetic", "algebra", "numeracy"], "nl": ["rekenen", "wisk"],
      "fr": ["maths", "math", "calcul"], "de": ["Mathe", "Rechnen"]}),
    ("science", {"en": "science", "nl": "natuurwetenschappen", "fr": "sciences", "de": "Naturwissenschaften"},
     {"en": ["physics", "chemistry", "biology"], "nl": ["natuurkunde", "scheikunde", "biologie", "nask"],
      "fr": ["physique", "chimie", "SVT", "physique-chimie"], "de": ["Physik", "Chemie", "Biologie"]}),
    ("language", {"en": "language of instruction", "nl": "schooltaal", "fr": "langue de scolarisation",
                  "de": "Bildungssprache"},
     {"en": ["reading", "writing", "spelling", "language"], "nl": ["taal", "lezen", "schrijven", "spelling",
                                                                   "begrijpend lezen", "NT2"],
      "fr": ["langue", "lecture", "écriture", "orthographe", "FLE", "FLS"],
      "de": ["Sprache", "Lesen", "Schreiben", "Rechtschreibung", "DaZ", "Deutsch als Zweitsprache"]}),
    ("foreign_languages", {"en": "foreign languages", "nl": "moderne vreemde talen", "fr": "langues vivantes",
                           "de": "Fremdsprachen"},
     {"en": ["languages"], "nl": ["vreemde talen", "mvt", "talen"], "fr": ["langues étrangères"],
      "de": ["Fremdsprache"]}),
    ("study_skills", {"en": "study skills", "nl": "studievaardigheden", "fr": "méthodologie",
                      "de": "Lernstrategien"},
     {"en": ["homework", "homework help", "planning", "learning to learn", "exam preparation"],
      "nl": ["huiswerk", "huiswerkbegeleiding", "plannen", "leren leren", "leren plannen", "examentraining"],
      "fr": ["méthode de travail", "méthodes de travail", "aide aux devoirs", "devoirs", "organisation"],
      "de": ["Lernen lernen", "Hausaufgaben", "Hausaufgabenhilfe", "Prüfungsvorbereitung", "Lerntechniken"]}),
    ("career", {"en": "career orientation", "nl": "loopbaanoriëntatie", "fr": "orientation professionnelle",
                "de": "Berufsorientierung"},
     {"en": ["career", "careers", "career guidance", "job search", "job applications"],
      "nl": ["loopbaan", "beroepskeuze", "studiekeuze", "LOB", "solliciteren"],
      "fr": ["orientation", "carrière", "recherche d'emploi", "choix de métier", "projet professionnel"],
      "de": ["Berufswahl", "Karriere", "Bewerbung", "Bewerbungstraining", "Studienwahl"]}),
    ("coaching", {"en": "coaching and motivation", "nl": "coaching en motivatie",
                  "fr": "accompagnement et motivation", "de": "Coaching und Motivation"},
     {"en": ["coaching", "coach", "motivation", "confidence", "self-confidence", "mentoring"],
      "nl": ["motivatie", "zelfvertrouwen", "doorzetten"], "fr": ["accompagnement", "confiance en soi"],
      "de": ["Selbstvertrauen"]}),
    ("community", {"en": "community and belonging", "nl": "erbij horen en netwerk",
                   "fr": "lien social et engagement", "de": "Gemeinschaft und Zugehörigkeit"},
     {"en": ["community", "belonging", "network", "volunteering", "civic engagement"],
      "nl": ["gemeenschap", "netwerk", "erbij horen", "buurt", "vrijwilligerswerk"],
      "fr": ["lien social", "réseau", "engagement", "citoyenneté", "bénévolat"],
      "de": ["Gemeinschaft", "Netzwerk", "Zugehörigkeit", "Ehrenamt"]}),
    # A trade reads as what one knows ("knows about electrical work"), not as the person who
    # practises it ("knows about electrician"); the person's word stays a synonym.
    ("electrician", {"en": "electrical work", "nl": "elektrotechniek", "fr": "électricité", "de": "Elektrotechnik"},
     {"en": ["electrician", "electrical", "electrical engineering", "electronics"],
      "nl": ["elektricien", "elektro", "installatietechniek", "elektronica"],
      "fr": ["électricien", "électrotechnique", "électronique"],
      "de": ["Elektriker", "Elektroniker", "Elektronik"]}),
    ("mechanic", {"en": "car mechanics", "nl": "autotechniek", "fr": "mécanique automobile", "de": "Kfz-Technik"},
     {"en": ["mechanic", "car mechanic", "automotive", "mechanics", "motor vehicles"],
      "nl": ["monteur", "automonteur", "motorvoertuigentechniek", "mechanica"],
      "fr": ["mécanicien", "mécanique", "mécanique auto", "garagiste"],
      "de": ["Mechaniker", "Kfz-Mechatroniker", "Mechatroniker", "Kfz", "Automechaniker", "Mechanik"]}),
    ("construction", {"en": "construction", "nl": "bouw", "fr": "bâtiment", "de": "Bau"},
     {"en": ["building", "carpenter", "carpentry", "bricklayer", "plumber", "plumbing"],
      "nl": ["bouwkunde", "timmerman", "timmeren", "metselaar", "loodgieter", "installateur"],
      "fr": ["BTP", "menuisier", "menuiserie", "maçon", "maçonnerie", "plombier", "plomberie"],
      "de": ["Bauwesen", "Tischler", "Schreiner", "Maurer", "Zimmerer", "Anlagenmechaniker"]}),
    ("engineering", {"en": "engineering and technology", "nl": "techniek", "fr": "ingénierie",
                     "de": "Ingenieurwesen und Technik"},
     {"en": ["engineering", "engineer", "technology", "metalwork", "welding"],
      "nl": ["ingenieur", "technologie", "werktuigbouwkunde", "metaal", "lassen"],
      "fr": ["ingénieur", "industrie", "métallerie", "soudure", "chaudronnerie"],
      "de": ["Technik", "Maschinenbau", "Metallbau", "Schweißen", "Industriemechaniker"]}),
    ("care", {"en": "care", "nl": "zorg", "fr": "soins", "de": "Pflege"},
     {"en": ["healthcare", "health care", "nursing", "nurse", "social care"],
      "nl": ["zorg en welzijn", "verpleging", "verpleegkunde", "verpleegkundige", "welzijn", "gezondheidszorg"],
      "fr": ["santé", "infirmier", "infirmière", "aide-soignant", "aide-soignante", "sanitaire et social"],
      "de": ["Gesundheit", "Krankenpflege", "Altenpflege", "Pflegefachkraft", "Sozialarbeit"]}),
    ("childcare", {"en": "childcare and education", "nl": "kinderopvang en onderwijs",
                   "fr": "petite enfance et éducation", "de": "Kinderbetreuung und Erziehung"},
     {"en": ["childcare", "teaching", "teacher", "education"],
      "nl": ["kinderopvang", "onderwijs", "leraar", "pedagogiek", "onderwijsassistent"],
      "fr": ["petite enfance", "enseignement", "professeur", "animation"],
      "de": ["Erzieher", "Erzieherin", "Pädagogik", "Lehramt", "Kita"]}),
    ("ict", {"en": "ICT", "nl": "ICT", "fr": "informatique", "de": "IT"},
     {"en": ["computers", "computing", "programming", "software", "coding"],
      "nl": ["informatica", "programmeren"],
      "fr": ["numérique", "programmation", "développement web", "développeur", "réseaux"],
      "de": ["Informatik", "Programmieren", "Fachinformatiker", "EDV", "Computer"]}),
    ("hospitality", {"en": "hospitality", "nl": "horeca", "fr": "hôtellerie-restauration",
                     "de": "Gastronomie und Hotellerie"},
     {"en": ["catering", "cook", "chef", "cooking", "restaurant", "hotel", "bakery", "baker"],
      "nl": ["kok", "koken", "bakker", "bakkerij", "gastheer"],
      "fr": ["cuisine", "cuisinier", "restauration", "hôtellerie", "boulanger", "boulangerie", "pâtisserie",
             "serveur"],
      "de": ["Gastronomie", "Koch", "Köchin", "Küche", "Bäcker", "Bäckerei", "Hotellerie"]}),
    ("commerce", {"en": "retail and sales", "nl": "handel en verkoop", "fr": "commerce et vente",
                  "de": "Handel und Verkauf"},
     {"en": ["commerce", "retail", "sales", "shop", "marketing"],
      "nl": ["handel", "verkoop", "winkel", "detailhandel"],
      "fr": ["vente", "vendeur", "vendeuse", "magasin"],
      "de": ["Handel", "Verkauf", "Einzelhandel", "Verkäufer", "Kaufmann im Einzelhandel"]}),
    ("office", {"en": "office and administration", "nl": "administratie en economie",
                "fr": "gestion et administration", "de": "Büro und Verwaltung"},
     {"en": ["accounting", "bookkeeping", "administration", "business", "economics"],
      "nl": ["boekhouding", "administratie", "economie", "secretariaat", "bedrijfseconomie"],
      "fr": ["comptabilité", "gestion", "secrétariat"],
      "de": ["Buchhaltung", "Verwaltung", "Büromanagement", "Wirtschaft", "BWL"]}),
    ("logistics", {"en": "logistics", "nl": "logistiek", "fr": "logistique", "de": "Logistik"},
     {"en": ["warehouse", "transport", "driver"], "nl": ["magazijn", "chauffeur"],
      "fr": ["entrepôt", "magasinier"], "de": ["Lager", "Lagerlogistik", "Spedition", "Berufskraftfahrer"]}),
    ("hair_beauty", {"en": "hair and beauty", "nl": "kapper en schoonheidsverzorging",
                     "fr": "coiffure et esthétique", "de": "Friseur und Kosmetik"},
     {"en": ["hairdresser", "hairdressing", "beautician", "beauty"],
      "nl": ["kapper", "kappen", "schoonheidsspecialist"], "fr": ["coiffure", "coiffeur", "coiffeuse",
                                                                  "esthéticienne", "esthétique"],
      "de": ["Friseur", "Friseurin", "Kosmetik", "Kosmetikerin"]}),
    ("media", {"en": "media and design", "nl": "media en vormgeving", "fr": "médias et design",
               "de": "Medien und Gestaltung"},
     {"en": ["design", "graphic design", "art", "music", "photography", "video"],
      "nl": ["grafisch ontwerp", "kunst", "muziek", "fotografie", "mediavormgeving"],
      "fr": ["graphisme", "arts", "musique", "photographie", "audiovisuel"],
      "de": ["Mediengestaltung", "Gestaltung", "Kunst", "Musik", "Fotografie"]}),
    ("agriculture", {"en": "agriculture and gardening", "nl": "groen en landbouw",
                     "fr": "agriculture et paysage", "de": "Landwirtschaft und Gartenbau"},
     {"en": ["agriculture", "gardening", "gardener", "farming", "horticulture"],
      "nl": ["hovenier", "tuinier", "landbouw", "dierverzorging"],
      "fr": ["jardinier", "paysagiste", "agricole"], "de": ["Gärtner", "Gartenbau", "Landwirt", "Landwirtschaft"]}),
    ("sport", {"en": "sport", "nl": "sport", "fr": "sport", "de": "Sport"},
     {"en": ["sports", "football", "fitness"], "nl": ["sporten", "voetbal"], "fr": ["sports", "football"],
      "de": ["Fußball", "Sportverein"]}),
)

# Where a learner's reason for wanting a mentor points at a field.
REASON_FIELDS: dict[str, tuple[str, ...]] = {
    "study_skills": ("study_skills",),
    "exam_preparation": ("study_skills",),
    "language_of_instruction": ("language",),
    "career_orientation": ("career",),
    "motivation": ("coaching",),
    "workplace_conflict": ("coaching",),
    "sense_of_belonging": ("community",),
}
SCHOOL_SUBJECT_LANGUAGES = ("en", "fr", "de", "nl", "es")


def _language_words(codes: Iterable[str]) -> Words:
    """The names of ``codes`` in each reader language: {"nl": ["Engels", …], "de": ["Englisch", …]}."""
    return {reader: [language_name(code, reader) for code in codes] for reader in READER_LANGUAGES}


def school_language(*, country: str, languages: Sequence[str]) -> str:
    """The language a programme's learners are taught in: its first language when that is one
    of the country's school languages (a Flemish programme: Dutch), else the country's main one."""
    school = COUNTRY_LANGUAGES.get(country, ("en",))
    first = (list(languages) or [""])[0]
    return first if first in school else school[0]


def default_field_values(*, country: str, languages: Sequence[str]) -> list[dict[str, Any]]:
    """The shipped vocabulary as field values for a programme in ``country`` working in
    ``languages``. The names of the school language ("Nederlands", "Dutch", "néerlandais") mean
    the language of instruction; the other school subjects' languages ("English",
    "Französisch") mean foreign languages. Data migrations use this too."""
    school = school_language(country=country, languages=languages)
    extra = {"language": _language_words([school]),
             "foreign_languages": _language_words([c for c in SCHOOL_SUBJECT_LANGUAGES if c != school])}
    values = []
    for code, labels, synonyms in DEFAULT_FIELDS:
        words = {lang: list(synonyms.get(lang, [])) + extra.get(code, {}).get(lang, [])
                 for lang in READER_LANGUAGES}
        values.append({"code": code, "synonyms": words,
                       **{f"label_{lang}": label for lang, label in labels.items()}})
    return values


def default_fields(programme: Programme) -> list[Field]:
    """The shipped vocabulary for ``programme``, unsaved."""
    return [Field(programme=programme, **values)
            for values in default_field_values(country=programme.country, languages=programme.languages or [])]


def field_words(field: Any) -> list[str]:
    """Every word that means ``field``: its code, its four names and its other words. Works on
    the migrations' historical models too, which have no methods."""
    synonyms = [w for words in (field.synonyms or {}).values() for w in words]
    return [field.code, field.label_en, field.label_nl, field.label_fr, field.label_de, *synonyms]


class Vocabulary:
    """A programme's fields, with the lookups every page and file needs."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = list(fields)  # Field rows (or historical Field rows in a migration)
        self.by_code = {f.code: f for f in self.fields}
        self.index: dict[str, str] = {}
        for f in self.fields:
            for word in field_words(f):
                if word and fold(word):
                    self.index.setdefault(fold(word), f.code)

    @property
    def codes(self) -> list[str]:
        return list(self.by_code)

    def label(self, code: str, language: str | None = None) -> str:
        found = self.by_code.get(code)
        return found.label(language) if found else code

    def labels(self, codes: Iterable[str], language: str | None = None) -> list[str]:
        return [self.label(code, language) for code in codes]

    def choices(self, current: Iterable[str] = ()) -> list[tuple[str, str]]:
        """Form choices sorted by name in the active language (plus codes a record holds)."""
        options = [(f.code, capitalise(f.label())) for f in self.fields]
        options += [(code, code) for code in current if code not in self.by_code]
        return sorted(options, key=lambda option: fold(option[1]))

    def resolve(self, word: str) -> str | None:
        """The code a typed word means ("Mathe" → "maths"), or None."""
        if word in self.by_code:
            return word
        return self.index.get(fold(word))

    def resolve_all(self, words: Iterable[str]) -> tuple[list[str], list[str]]:
        """``(codes, unknown words)`` for a list of typed words."""
        codes, unknown = [], []
        for word in words:
            code = self.resolve(word)
            if code is None:
                unknown.append(word)
            else:
                codes.append(code)
        return list(dict.fromkeys(codes)), unknown

    def find_in_text(self, text: str) -> list[str]:
        """Fields named anywhere in a sentence ("iemand die elektricien is" → ["electrician"])."""
        folded = fold(text)
        if not folded:
            return []
        # The runs of 1, 2, … consecutive words of the text (as long as the index's words) are
        # looked up, instead of scanning the text for every word of the index: the same words are
        # found (``fold`` leaves single spaces), in the index's order, at a cost that grows with
        # the text and not with the vocabulary (a round reads this for every learner).
        words = folded.split(" ")
        found = {run for size in self._word_counts for i in range(len(words) - size + 1)
                 if (run := " ".join(words[i:i + size])) in self.index}
        if not found:
            return []
        return list(dict.fromkeys(self.index[word] for word in sorted(found, key=self._order.__getitem__)))

    @functools.cached_property
    def _order(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.index)}

    @functools.cached_property
    def _word_counts(self) -> tuple[int, ...]:
        return tuple(sorted({word.count(" ") + 1 for word in self.index}))


def vocabulary(programme: Programme) -> Vocabulary:
    """The programme's fields (the defaults until it has rows), read once per programme object."""
    cached = programme.__dict__.get("_field_vocabulary")
    if cached is None:
        rows = list(Field.objects.filter(programme=programme))
        cached = Vocabulary(rows or default_fields(programme))
        programme.__dict__["_field_vocabulary"] = cached
    return cached


def forget_vocabulary(programme: Programme) -> None:
    programme.__dict__.pop("_field_vocabulary", None)


def validate_fields(programme: Programme, value: Any) -> None:
    """A list of the programme's field codes, or a ValidationError a coordinator can read."""
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Fields must be a list."), code="invalid")
    known = vocabulary(programme).by_code
    unknown = [str(code) for code in value if code not in known]
    if unknown:
        raise ValidationError(
            _("Not a field of this programme: %(fields)s. Choose from the list, or ask a coordinator "
              "to add it.") % {"fields": ", ".join(unknown)}, code="unknown_field",
        )


def parse_fields(programme: Programme, text: str) -> list[str]:
    """A cell such as "Mathe; rekenen, electrician" → field codes; unknown words are reported."""
    words = [w.strip() for w in text.replace(";", ",").split(",") if w.strip()]
    codes, unknown = vocabulary(programme).resolve_all(words)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(words)s. Use a field of the programme's list (Settings → Fields) "
              "or one of its other words.") % {"words": ", ".join(unknown)}
        )
    return codes


def new_code(label: str, taken: Iterable[str]) -> str:
    """A code for a new field named ``label``: its folded words joined by "_", made unique."""
    base = fold(label).replace(" ", "_")[:36] or "field"
    used, code, n = set(taken), base, 2
    while code in used:
        code, n = f"{base}_{n}", n + 1
    return code


def codes_for_free_text(*, field_model: Any, programme: Any, words: Iterable[str],
                        vocabularies: dict[int, Vocabulary]) -> list[str]:
    """Data migrations: the codes of words typed before fields had codes. A word the
    programme's vocabulary does not know becomes a new field named as it was typed (in every
    language, until a coordinator translates it), so nothing entered is lost."""
    vocab = vocabularies.get(programme.pk)
    if vocab is None:
        vocab = vocabularies[programme.pk] = Vocabulary(list(field_model.objects.filter(programme=programme)))
    codes = []
    for word in (w.strip() for w in words if isinstance(w, str) and w.strip()):
        code = vocab.resolve(word)
        if code is None:
            added = field_model.objects.create(programme=programme, code=new_code(word, vocab.by_code),
                                               label_en=word[:80], synonyms={})
            vocab = vocabularies[programme.pk] = Vocabulary([*vocab.fields, added])
            code = added.code
        codes.append(code)
    return list(dict.fromkeys(codes))


def fields_example(programme: Programme, codes: Sequence[str]) -> str:
    """How an import's fields cell may be written: the fields' names in the reader's language
    ("électricien, mathématiques"), the programme's first fields if it has not these."""
    vocab = vocabulary(programme)
    known = [code for code in codes if code in vocab.by_code] or vocab.codes[:2]
    return ", ".join(vocab.labels(known))
