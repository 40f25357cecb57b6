"""Survey instruments, shipped with the app as data (not edited in the database): each is a
versioned questionnaire with its items, response scale, reverse-scored items, subscales, scoring
rule and wording in en/nl/fr/de, plus a child-friendly wording of the answers for young learners.

A wave names an instrument by ``code`` and ``version``; a new wording is a new version, so answers
are always scored against the questions people saw. Sources and licences: docs/outcomes.md; on the instrument's page the
citation stays as published, the description and the licence are in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

from django.utils.translation import get_language

Text = dict[str, str]


def pick(text: Text, language: str | None = None) -> str:
    language = (language or get_language() or "en")[:2]
    return text.get(language) or text["en"]


OWN_LICENCE: Text = {
    "en": "Tandem's own questions, free to use for any purpose (CC0, public domain dedication).",
    "nl": "Eigen vragen van Tandem, vrij te gebruiken voor elk doel (CC0, vrijgegeven in het publieke domein).",
    "fr": "Questions propres à Tandem, libres d'utilisation à toute fin (CC0, versées au domaine public).",
    "de": "Eigene Fragen von Tandem, für jeden Zweck frei verwendbar (CC0, gemeinfrei gestellt).",
}


@dataclass(frozen=True)
class Scale:
    values: tuple[int, ...]
    labels: tuple[Text, ...]
    young: tuple[Text, ...]

    @property
    def low(self) -> int:
        return min(self.values)

    @property
    def high(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class Item:
    code: str
    text: Text
    reverse: bool = False
    subscale: str = ""


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    title: Text
    audiences: tuple[str, ...]
    scale: Scale
    items: tuple[Item, ...]
    # "sum": the sum of the item scores (reverse items as low+high−answer); "mean": their mean.
    scoring: str
    subscales: dict[str, Text] = field(default_factory=dict)
    # The bibliographic reference as published (stays in its language); ``about`` and ``licence`` are
    # descriptive text, in every language of the app.
    citation: str = ""
    about: Text = field(default_factory=dict)
    licence: Text = field(default_factory=dict)
    # A higher score is better (all shipped instruments); the dashboards say so beside the change.
    higher_is_better: bool = True

    @property
    def key(self) -> str:
        return f"{self.code}@{self.version}"

    def item_score(self, item: Item, answer: int) -> int:
        return self.scale.low + self.scale.high - answer if item.reverse else answer

    def score(self, answers: dict[str, int], *, subscale: str = "") -> float | None:
        """The score of a complete set of answers (None when an item is missing or out of range)."""
        items = [i for i in self.items if not subscale or i.subscale == subscale]
        scores = []
        for item in items:
            answer = answers.get(item.code)
            if answer not in self.scale.values:
                return None
            scores.append(self.item_score(item, int(answer)))
        if not scores:
            return None
        return float(sum(scores)) if self.scoring == "sum" else float(mean(scores))

    def range(self) -> tuple[float, float]:
        if self.scoring == "sum":
            return float(self.scale.low * len(self.items)), float(self.scale.high * len(self.items))
        return float(self.scale.low), float(self.scale.high)


AGREE4 = Scale(
    values=(1, 2, 3, 4),
    labels=(
        {"en": "Strongly disagree", "nl": "Helemaal mee oneens", "fr": "Pas du tout d'accord",
         "de": "Stimme überhaupt nicht zu"},
        {"en": "Disagree", "nl": "Mee oneens", "fr": "Pas d'accord", "de": "Stimme nicht zu"},
        {"en": "Agree", "nl": "Mee eens", "fr": "D'accord", "de": "Stimme zu"},
        {"en": "Strongly agree", "nl": "Helemaal mee eens", "fr": "Tout à fait d'accord",
         "de": "Stimme voll und ganz zu"},
    ),
    young=(
        {"en": "Not true at all", "nl": "Klopt helemaal niet", "fr": "Pas vrai du tout", "de": "Stimmt gar nicht"},
        {"en": "Not really true", "nl": "Klopt niet echt", "fr": "Pas vraiment vrai", "de": "Stimmt eher nicht"},
        {"en": "Mostly true", "nl": "Klopt wel", "fr": "Plutôt vrai", "de": "Stimmt eher"},
        {"en": "Totally true", "nl": "Klopt helemaal", "fr": "Tout à fait vrai", "de": "Stimmt genau"},
    ),
)


def _i(code: str, en: str, nl: str, fr: str, de: str, *, reverse: bool = False, subscale: str = "") -> Item:
    return Item(code, {"en": en, "nl": nl, "fr": fr, "de": de}, reverse=reverse, subscale=subscale)


ROSENBERG = Instrument(
    code="rses", version=1,
    title={"en": "Self-esteem (Rosenberg)", "nl": "Zelfbeeld (Rosenberg)", "fr": "Estime de soi (Rosenberg)",
           "de": "Selbstwert (Rosenberg)"},
    audiences=("learner",), scale=AGREE4, scoring="sum",
    subscales={"positive": {"en": "Self-worth", "nl": "Eigenwaarde", "fr": "Valeur de soi", "de": "Selbstwert"},
               "negative": {"en": "Self-doubt (reversed)", "nl": "Twijfel aan jezelf (omgekeerd)",
                            "fr": "Doute de soi (inversé)", "de": "Selbstzweifel (umgekehrt)"}},
    citation="Rosenberg, M. (1965). Society and the adolescent self-image. Princeton University Press. "
             "Franck, De Raedt, Barbez & Rosseel (2008); Vallières & Vallerand (1990); "
             "von Collani & Herzberg (2003).",
    about={"en": "The Rosenberg Self-Esteem Scale; the Dutch wording after Franck et al. (2008), the French after "
                 "Vallières & Vallerand (1990), the German after von Collani & Herzberg (2003).",
           "nl": "De zelfwaardeschaal van Rosenberg; de Nederlandse versie naar Franck e.a. (2008), de Franse naar "
                 "Vallières & Vallerand (1990), de Duitse naar von Collani & Herzberg (2003).",
           "fr": "L'échelle d'estime de soi de Rosenberg ; la version néerlandaise d'après Franck et al. (2008), "
                 "la française d'après Vallières & Vallerand (1990), l'allemande d'après von Collani & Herzberg "
                 "(2003).",
           "de": "Die Selbstwertskala nach Rosenberg; die niederländische Fassung nach Franck u. a. (2008), die "
                 "französische nach Vallières & Vallerand (1990), die deutsche nach von Collani & Herzberg (2003)."},
    licence={"en": "Free to use: the Rosenberg family and the University of Maryland allow its use without "
                   "permission or fee.",
             "nl": "Vrij te gebruiken: de familie Rosenberg en de University of Maryland staan het gebruik toe "
                   "zonder toestemming of vergoeding.",
             "fr": "Libre d'utilisation : la famille Rosenberg et l'Université du Maryland en permettent "
                   "l'usage sans autorisation ni frais.",
             "de": "Frei verwendbar: die Familie Rosenberg und die University of Maryland erlauben die Nutzung "
                   "ohne Genehmigung und ohne Gebühr."},
    items=(
        _i("q1", "On the whole, I am satisfied with myself.",
           "Globaal genomen ben ik tevreden over mezelf.",
           "Dans l'ensemble, je suis satisfait(e) de moi.",
           "Alles in allem bin ich mit mir selbst zufrieden.", subscale="positive"),
        _i("q2", "At times I think I am no good at all.",
           "Soms denk ik dat ik helemaal niet deug.",
           "Parfois je pense que je ne vaux rien.",
           "Hin und wieder denke ich, dass ich gar nichts tauge.", reverse=True, subscale="negative"),
        _i("q3", "I feel that I have a number of good qualities.",
           "Ik vind dat ik een aantal goede eigenschappen heb.",
           "Je pense que je possède un certain nombre de belles qualités.",
           "Ich besitze eine Reihe guter Eigenschaften.", subscale="positive"),
        _i("q4", "I am able to do things as well as most other people.",
           "Ik ben in staat om dingen even goed te doen als de meeste andere mensen.",
           "Je suis capable de faire les choses aussi bien que la majorité des gens.",
           "Ich kann vieles genauso gut wie die meisten anderen Menschen auch.", subscale="positive"),
        _i("q5", "I feel I do not have much to be proud of.",
           "Ik denk dat ik niet veel heb om trots op te zijn.",
           "Je sens peu de raisons d'être fier(e) de moi.",
           "Ich fürchte, es gibt nicht viel, worauf ich stolz sein kann.", reverse=True, subscale="negative"),
        _i("q6", "I certainly feel useless at times.",
           "Ik voel me soms echt nutteloos.",
           "Parfois je me sens vraiment inutile.",
           "Ich fühle mich von Zeit zu Zeit richtig nutzlos.", reverse=True, subscale="negative"),
        _i("q7", "I feel that I'm a person of worth, at least on an equal plane with others.",
           "Ik vind dat ik een waardevol persoon ben, minstens evenveel waard als anderen.",
           "Je pense que je suis une personne de valeur, au moins égale à n'importe qui d'autre.",
           "Ich halte mich für einen wertvollen Menschen, jedenfalls bin ich nicht weniger wertvoll als "
           "andere auch.", subscale="positive"),
        _i("q8", "I wish I could have more respect for myself.",
           "Ik zou willen dat ik meer respect voor mezelf kon hebben.",
           "J'aimerais avoir plus de respect pour moi-même.",
           "Ich wünschte, ich könnte vor mir selbst mehr Achtung haben.", reverse=True, subscale="negative"),
        _i("q9", "All in all, I am inclined to feel that I am a failure.",
           "Al bij al ben ik geneigd te denken dat ik een mislukkeling ben.",
           "Tout bien considéré, je suis porté(e) à me considérer comme un(e) raté(e).",
           "Alles in allem neige ich dazu, mich für einen Versager zu halten.", reverse=True,
           subscale="negative"),
        _i("q10", "I take a positive attitude toward myself.",
           "Ik sta positief tegenover mezelf.",
           "J'ai une attitude positive vis-à-vis moi-même.",
           "Ich habe eine positive Einstellung zu mir selbst gefunden.", subscale="positive"),
    ),
)

RELATIONSHIP_LEARNER = Instrument(
    code="relationship-learner", version=1,
    title={"en": "You and your mentor", "nl": "Jij en je mentor", "fr": "Toi et ton mentor",
           "de": "Du und dein Mentor"},
    audiences=("learner",), scale=AGREE4, scoring="mean",
    about={"en": "Tandem's own questions (2026), after the dimensions of mentoring relationship quality that young "
                 "people name: closeness, being heard, helpfulness, dissatisfaction.",
           "nl": "Eigen vragen van Tandem (2026), naar de dimensies van een goede mentorrelatie die jongeren zelf "
                 "noemen: nabijheid, gehoord worden, behulpzaamheid, ontevredenheid.",
           "fr": "Questions propres à Tandem (2026), d'après les dimensions de la qualité de la relation de "
                 "mentorat que nomment les jeunes : proximité, écoute, aide, insatisfaction.",
           "de": "Eigene Fragen von Tandem (2026), nach den Dimensionen einer guten Mentoring-Beziehung, die "
                 "Jugendliche selbst nennen: Nähe, Gehör finden, Hilfe, Unzufriedenheit."},
    licence=OWN_LICENCE,
    items=(
        _i("r1", "My mentor listens to me.", "Mijn mentor luistert naar mij.", "Mon mentor m'écoute.",
           "Mein Mentor hört mir zu."),
        _i("r2", "I look forward to meeting my mentor.", "Ik kijk uit naar de afspraken met mijn mentor.",
           "J'ai hâte de voir mon mentor.", "Ich freue mich auf die Treffen mit meinem Mentor."),
        _i("r3", "My mentor helps me with things that matter to me.",
           "Mijn mentor helpt me met dingen die ik belangrijk vind.",
           "Mon mentor m'aide pour des choses qui comptent pour moi.",
           "Mein Mentor hilft mir bei Dingen, die mir wichtig sind."),
        _i("r4", "I can tell my mentor when something is wrong.",
           "Ik kan mijn mentor vertellen als er iets mis is.",
           "Je peux dire à mon mentor quand quelque chose ne va pas.",
           "Ich kann meinem Mentor sagen, wenn etwas nicht stimmt."),
        _i("r5", "Meetings with my mentor are boring.", "De afspraken met mijn mentor zijn saai.",
           "Les rencontres avec mon mentor sont ennuyeuses.", "Die Treffen mit meinem Mentor sind langweilig.",
           reverse=True),
    ),
)

RELATIONSHIP_MENTOR = Instrument(
    code="relationship-mentor", version=1,
    title={"en": "Your mentoring relationship", "nl": "Uw mentorrelatie", "fr": "Votre relation de mentorat",
           "de": "Ihre Mentoring-Beziehung"},
    audiences=("mentor",), scale=AGREE4, scoring="mean",
    subscales={"relationship": {"en": "Relationship", "nl": "Relatie", "fr": "Relation", "de": "Beziehung"},
               "support": {"en": "Support from the programme", "nl": "Steun van het programma",
                           "fr": "Soutien du programme", "de": "Unterstützung durch das Programm"}},
    about={"en": "Tandem's own questions (2026), after the mentor's side of relationship quality: closeness, "
                 "shared focus, perceived impact, difficulty, support from the programme.",
           "nl": "Eigen vragen van Tandem (2026), naar de kant van de mentor in een goede relatie: nabijheid, "
                 "gedeelde focus, ervaren effect, moeilijkheden, steun van het programma.",
           "fr": "Questions propres à Tandem (2026), d'après le point de vue du mentor sur la qualité de la "
                 "relation : proximité, objectifs partagés, effet perçu, difficultés, soutien du programme.",
           "de": "Eigene Fragen von Tandem (2026), nach der Sicht der Mentor:innen auf die Beziehung: "
                 "Nähe, gemeinsamer Fokus, erlebte Wirkung, Schwierigkeiten, Unterstützung durch das Programm."},
    licence=OWN_LICENCE,
    items=(
        _i("m1", "I feel a real connection with the learner I mentor.",
           "Ik voel een echte band met de leerling die ik begeleid.",
           "Je ressens un vrai lien avec le jeune que j'accompagne.",
           "Ich spüre eine echte Verbindung zu der Person, die ich begleite.", subscale="relationship"),
        _i("m2", "We agree on what we work on together.",
           "We zijn het eens over waar we samen aan werken.",
           "Nous sommes d'accord sur ce que nous travaillons ensemble.",
           "Wir sind uns einig, woran wir gemeinsam arbeiten.", subscale="relationship"),
        _i("m3", "I feel our meetings make a difference.",
           "Ik heb het gevoel dat onze afspraken verschil maken.",
           "J'ai le sentiment que nos rencontres changent quelque chose.",
           "Ich habe das Gefühl, dass unsere Treffen etwas bewirken.", subscale="relationship"),
        _i("m4", "I often find it hard to reach the learner.",
           "Ik vind het vaak moeilijk om contact te krijgen met de leerling.",
           "J'ai souvent du mal à joindre le jeune.",
           "Es fällt mir oft schwer, die Person zu erreichen, die ich begleite.", reverse=True,
           subscale="relationship"),
        _i("m5", "I feel supported by the programme.", "Ik voel me gesteund door het programma.",
           "Je me sens soutenu(e) par le programme.", "Ich fühle mich vom Programm unterstützt.",
           subscale="support"),
    ),
)

BELONGING = Instrument(
    code="belonging", version=1,
    title={"en": "Belonging at school", "nl": "Erbij horen op school", "fr": "Ta place à l'école",
           "de": "Zugehörigkeit an der Schule"},
    audiences=("learner",), scale=AGREE4, scoring="mean",
    citation="Goodenow, C. (1993). The Psychological Sense of School Membership among adolescents. "
             "Psychology in the Schools, 30(1), 79–90.",
    about={"en": "Tandem's own questions (2026). The Psychological Sense of School Membership scale (Goodenow, "
                 "1993) is not included: its publication grants no licence to reproduce the items.",
           "nl": "Eigen vragen van Tandem (2026). De Psychological Sense of School Membership-schaal (Goodenow, "
                 "1993) zit er niet in: de publicatie geeft geen toestemming om de vragen over te nemen.",
           "fr": "Questions propres à Tandem (2026). L'échelle Psychological Sense of School Membership "
                 "(Goodenow, 1993) n'est pas incluse : sa publication n'autorise pas à en reproduire les items.",
           "de": "Eigene Fragen von Tandem (2026). Die Skala Psychological Sense of School Membership (Goodenow, "
                 "1993) ist nicht enthalten: ihre Veröffentlichung erlaubt nicht, die Fragen zu übernehmen."},
    licence=OWN_LICENCE,
    items=(
        _i("b1", "I feel I belong at my school.", "Ik voel dat ik erbij hoor op mijn school.",
           "Je sens que j'ai ma place dans mon école.", "Ich habe das Gefühl, an meiner Schule dazuzugehören."),
        _i("b2", "There is at least one adult at school I can talk to.",
           "Er is op school minstens één volwassene met wie ik kan praten.",
           "Il y a au moins un adulte à l'école à qui je peux parler.",
           "Es gibt an meiner Schule mindestens einen Erwachsenen, mit dem ich reden kann."),
        _i("b3", "Other students accept me as I am.", "Andere leerlingen accepteren mij zoals ik ben.",
           "Les autres élèves m'acceptent comme je suis.", "Die anderen akzeptieren mich so, wie ich bin."),
        _i("b4", "I often feel like an outsider at school.", "Ik voel me op school vaak een buitenstaander.",
           "À l'école, je me sens souvent à l'écart.", "In der Schule fühle ich mich oft als Außenseiter.",
           reverse=True),
        _i("b5", "I am proud of my school.", "Ik ben trots op mijn school.", "Je suis fier(e) de mon école.",
           "Ich bin stolz auf meine Schule."),
    ),
)

SUPERVISOR_PROGRESS = Instrument(
    code="supervisor-progress", version=1,
    title={"en": "The pairs' progress (supervisors)", "nl": "De voortgang van de koppels (begeleiders)",
           "fr": "Les progrès des binômes (encadrants)", "de": "Der Fortschritt der Tandems (Betreuende)"},
    audiences=("supervisor",), scale=AGREE4, scoring="mean",
    subscales={"learner": {"en": "The learners", "nl": "De leerlingen", "fr": "Les jeunes", "de": "Die Lernenden"},
               "pair": {"en": "The pairs", "nl": "De koppels", "fr": "Les binômes", "de": "Die Tandems"}},
    about={"en": "Tandem's own questions (2026), for the teacher or trainer who follows the pairs: the learners' "
                 "progress and motivation as they see it, and how the pairs work together.",
           "nl": "Eigen vragen van Tandem (2026), voor de leerkracht of begeleider die de koppels volgt: de "
                 "vooruitgang en motivatie van de leerlingen zoals die hen ziet, en hoe de koppels samenwerken.",
           "fr": "Questions propres à Tandem (2026), pour l'enseignant ou le formateur qui suit les binômes : "
                 "les progrès et la motivation des jeunes tels qu'il les voit, et la collaboration des binômes.",
           "de": "Eigene Fragen von Tandem (2026), für die Lehrkraft oder Ausbilderin, die die Tandems begleitet: "
                 "Fortschritt und Motivation der Lernenden aus ihrer Sicht und wie die Tandems zusammenarbeiten."},
    licence=OWN_LICENCE,
    items=(
        _i("s1", "The learners I supervise are making progress at school.",
           "De leerlingen die ik begeleid, boeken vooruitgang op school.",
           "Les jeunes que j'encadre progressent à l'école.",
           "Die Lernenden, die ich betreue, machen in der Schule Fortschritte.", subscale="learner"),
        _i("s2", "The learners are more motivated since they have a mentor.",
           "De leerlingen zijn gemotiveerder sinds ze een mentor hebben.",
           "Les jeunes sont plus motivés depuis qu'ils ont un mentor.",
           "Die Lernenden sind motivierter, seit sie einen Mentor haben.", subscale="learner"),
        _i("s3", "The pairs meet regularly and prepare their meetings.",
           "De koppels spreken regelmatig af en bereiden hun afspraken voor.",
           "Les binômes se rencontrent régulièrement et préparent leurs rencontres.",
           "Die Tandems treffen sich regelmäßig und bereiten ihre Treffen vor.", subscale="pair"),
        _i("s4", "The mentors work on what the learners need.",
           "De mentoren werken aan wat de leerlingen nodig hebben.",
           "Les mentors travaillent sur ce dont les jeunes ont besoin.",
           "Die Mentorinnen und Mentoren arbeiten an dem, was die Lernenden brauchen.", subscale="pair"),
        _i("s5", "I often have to step in because a pair is not working well.",
           "Ik moet vaak ingrijpen omdat een koppel niet goed loopt.",
           "Je dois souvent intervenir parce qu'un binôme ne fonctionne pas bien.",
           "Ich muss oft eingreifen, weil ein Tandem nicht gut funktioniert.", reverse=True, subscale="pair"),
    ),
)

INSTRUMENTS: dict[str, Instrument] = {i.key: i for i in (ROSENBERG, RELATIONSHIP_LEARNER, RELATIONSHIP_MENTOR,
                                                         BELONGING, SUPERVISOR_PROGRESS)}


def instrument(code: str, version: int) -> Instrument:
    return INSTRUMENTS[f"{code}@{version}"]


def latest() -> list[Instrument]:
    newest: dict[str, Instrument] = {}
    for item in INSTRUMENTS.values():
        if item.code not in newest or item.version > newest[item.code].version:
            newest[item.code] = item
    return list(newest.values())
