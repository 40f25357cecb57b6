"""Names for the demo people: of the country, of the person's generation and of the programme's
mix of backgrounds, and never twice in a programme.

Each country has groups of names (a background): first names given to children born 2000–2012
(``young``: learners, student mentors), born 1965–1990 (``adult``: parents, teachers, staff) and
born 1950–1964 (``senior``: the VerA senior experts), and the family names that go with them. A
programme weighs the groups the way its seed describes who takes part (migrant youth for SIRIUS,
apprentices and retired experts for VerA). The three generations' lists of a country share no
name, so a name says which generation its bearer belongs to.

Each generation's list reads "men's names | women's names", so a demo person's gender fits their
name (a volunteer's gender, a learner's declared gender). Of the names given to both: Deniz, Minh
and Dung count as men's names, Kim, Nour, Isa, Noa and Camille as women's (how they are mostly
given in that country and generation).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

FEMALE, MALE = "female", "male"  # the codes of a volunteer's and a learner's declared gender


@dataclass(frozen=True)
class Group:
    young: tuple[str, ...]
    adult: tuple[str, ...]
    senior: tuple[str, ...]
    family: tuple[str, ...]
    women: frozenset[str] = frozenset()

    def first_names(self, kind: str, gender: str = "") -> tuple[str, ...]:
        """The first names of generation ``kind``; with ``gender`` (female, male), only those."""
        names: tuple[str, ...] = getattr(self, kind)
        if gender not in (FEMALE, MALE):
            return names
        return tuple(name for name in names if (name in self.women) == (gender == FEMALE))


def _split(names: str) -> list[str]:
    return [name.strip() for name in names.split(",") if name.strip()]


def _g(young: str, adult: str, senior: str, family: str) -> Group:
    """A background's names: each generation as "men's names | women's names"."""
    (y, y_women), (a, a_women), (s, s_women) = (part.split("|") for part in (young, adult, senior))
    return Group(young=tuple(_split(y) + _split(y_women)), adult=tuple(_split(a) + _split(a_women)),
                 senior=tuple(_split(s) + _split(s_women)), family=tuple(_split(family)),
                 women=frozenset(_split(y_women) + _split(a_women) + _split(s_women)))


GROUPS: dict[str, dict[str, Group]] = {
    "DE": {
        "de": _g("Lukas, Leon, Jonas, Finn, Paul, Felix, Maximilian, Niklas, Tim, Jan, Luca, Moritz | "
                 "Anna, Lea, Marie, Sophie, Mia, Hannah, Lena, Laura, Emma, Lisa, Johanna, Clara, "
                 "Julia, Sarah",
                 "Stefan, Michael, Thomas, Andreas, Markus, Christian, Jens | Sandra, Nicole, Katrin, "
                 "Claudia, Tanja, Daniela, Sabine",
                 "Klaus, Jürgen, Dieter, Wolfgang, Peter, Bernd, Rainer, Manfred, Gerhard, Uwe | "
                 "Helga, Ursula, Monika, Gabriele, Renate, Brigitte, Karin, Ingrid, Elke",
                 "Müller, Schmidt, Schneider, Fischer, Weber, Becker, Hoffmann, Wagner, Schulz, "
                 "Krüger, Koch, Richter, Wolf, Neumann, Schröder, Braun, Zimmermann, Hartmann, Lange, "
                 "Werner"),
        "tr": _g("Emre, Yusuf, Can, Mert, Deniz, Kerem, Berkay | Elif, Zeynep, Ayşe, Leyla, Selin, "
                 "Melike, Esra",
                 "Mehmet, Hakan, Serkan, Murat | Fatma, Emine, Nurcan, Songül",
                 "Ahmet, Mustafa, Hüseyin, Osman | Hatice, Zehra",
                 "Yıldız, Demir, Yılmaz, Kaya, Şahin, Çelik, Arslan, Öztürk, Aydın, Doğan"),
        "pl": _g("Jakub, Kacper, Szymon | Natalia, Weronika, Oliwia",
                 "Tomasz, Piotr | Katarzyna, Agnieszka",
                 "Krzysztof, Jerzy | Danuta, Halina",
                 "Nowak, Wójcik, Kowalczyk, Mazur, Krawczyk"),
        "east": _g("Amar, Adnan, Artjom, Nikita | Lejla, Emina, Anastasia, Darja, Alina",
                   "Sergej, Dragan | Olga, Swetlana, Irina, Jelena",
                   "Wladimir, Nikolai | Valentina, Ljudmila",
                   "Hadžić, Begić, Popescu, Petrović, Wiebe, Janzen"),
        "ar": _g("Omar, Amir, Karim, Rami, Hamza | Nour, Yasmin, Lina, Malak",
                 "Khaled, Samir | Rania, Mona",
                 "Mahmoud, Hassan | Fatima, Samira",
                 "Haddad, Mansour, Khoury, Saleh, Ibrahim"),
    },
    "NL": {
        "nl": _g("Daan, Sem, Lucas, Finn, Jesse, Thijs, Bram, Lars, Ruben, Mees | Lieke, Fleur, "
                 "Anouk, Sanne, Julia, Emma, Tess, Sophie, Lotte, Isa, Noa, Eva",
                 "Mark, Marco, Dennis, Jeroen, Patrick | Sandra, Linda, Kim, Wendy, Esther",
                 "Jan, Kees, Henk, Gerrit, Wim | Ria, Joke, Marja, Anneke, Truus",
                 "de Vries, Jansen, Bakker, Visser, Smit, Meijer, de Jong, van Dijk, Kramer, Mulder, "
                 "de Boer, Bos, Vos, Peters, Hendriks"),
        "tr": _g("Emre, Yusuf, Mert, Kerem, Berat | Zeynep, Elif, Selin, Esra, Ilayda",
                 "Hakan, Murat, Serkan | Fatma, Emine, Nurcan",
                 "Ahmet, Mustafa, Ali | Hatice",
                 "Öztürk, Yılmaz, Kaya, Demir, Şahin, Çelik, Aydın, Koç"),
        "ma": _g("Soufiane, Youssef, Mohamed, Ilias, Ayoub, Bilal | Naima, Amira, Yasmina, Hiba, "
                 "Sara, Imane",
                 "Rachid, Driss, Khalid | Khadija, Malika, Latifa",
                 "Abdelkader, Hassan | Aicha, Fatima",
                 "Bouzid, El Idrissi, Tahiri, El Amrani, Benali, Ouali, Chaouch, Boukhari, Azzouzi"),
        "sr": _g("Jayden, Dylan, Jaylen, Kishan, Ravi | Shanice, Naomi, Chanel, Priya, Anjali",
                 "Ramon, Errol, Rajesh | Chantal, Sharon, Sunita",
                 "Ronald, Eduard | Hilda, Lucia",
                 "Pinas, Martina, Kartosen, Sewdien, Ramdin, Isenia, Doelwijt, Baldew, Girigorie, "
                 "Ramsaran"),
        "pl": _g("Jakub, Kacper, Szymon | Natalia, Wiktoria, Oliwia",
                 "Tomasz, Piotr | Katarzyna, Agnieszka",
                 "Krzysztof | Halina",
                 "Nowak, Wójcik, Kowalczyk, Mazur, Krawczyk"),
    },
    "BE": {
        "vl": _g("Wout, Arne, Lars, Jasper, Milan, Kobe, Seppe, Warre, Robbe, Lukas | Lotte, Noor, "
                 "Emma, Louise, Fien, Marie, Lore, Jana",
                 "Kristof, Bart, Tom, Pieter, Steven | Sofie, Els, Veerle, Katrien, Nathalie",
                 "Jozef, Marc, Luc, Georges | Rita, Monique, Annemie",
                 "Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, De Smet, "
                 "Wouters, Vermeulen, Van den Broeck, Hermans, Aerts"),
        "ma": _g("Ilias, Bilal, Mohamed, Rayan, Anas, Ayoub | Yasmina, Sara, Ines, Aya, Imane, Hajar",
                 "Rachid, Said | Malika, Khadija",
                 "Abdelkader | Fatima",
                 "El Amrani, Benali, Bouzid, El Khattabi, Azzouzi, Ouali"),
        "tr": _g("Emir, Yusuf, Kerem | Elif, Zeynep, Esma",
                 "Hakan, Murat | Fatma, Emine",
                 "Ahmet | Hatice",
                 "Yılmaz, Aydın, Kaya, Demir, Çelik"),
        "cd": _g("Joël, Glody, Exaucé | Grace, Merveille, Divine",
                 "Didier, Jean-Pierre | Patience, Chantal",
                 "Joseph | Béatrice",
                 "Kabongo, Mbuyi, Tshibangu, Ilunga, Lukusa"),
    },
    "FR": {
        "fr": _g("Lucas, Hugo, Théo, Nathan, Mathis, Enzo, Louis, Tom, Maël | Léa, Chloé, Manon, "
                 "Camille, Jade, Anaïs, Emma, Clara, Lola, Océane, Noémie",
                 "Nicolas, Sébastien, Julien, Christophe, Vincent | Stéphanie, Nathalie, Céline, "
                 "Aurélie, Sandrine",
                 "Alain, Gérard, Jean-Claude, Daniel | Monique, Françoise, Danielle, Christiane",
                 "Martin, Bernard, Dubois, Thomas, Robert, Petit, Moreau, Lefebvre, Garcia, Fontaine, "
                 "Laurent, Simon, Leroy, Roux, Girard"),
        "mg": _g("Yanis, Sofiane, Rayan, Nassim, Ilyes, Wassim | Amina, Inès, Lina, Yasmine, Kenza",
                 "Karim, Farid, Rachid | Nadia, Samira, Leila",
                 "Ahmed, Mohamed | Fatima, Zohra",
                 "Benali, Haddad, Bensaïd, Boudjema, Cherif, Mansouri, Belkacem, Amrani"),
        "wa": _g("Moussa, Mamadou, Ibrahima, Oumar, Issa | Fatou, Aïcha, Aminata, Awa, Kadiatou",
                 "Souleymane, Bakary | Mariam, Assa",
                 "Boubacar | Coumba",
                 "Diallo, Traoré, Mendy, Diop, Konaté, Camara, Sow, Coulibaly, Ndiaye, Sylla"),
        "pt": _g("Diogo, Tiago, Rafael | Beatriz, Mariana, Leonor",
                 "Paulo, Nuno | Carla, Sónia",
                 "Manuel | Maria",
                 "Da Silva, Pereira, Rodrigues, Ferreira, Oliveira, Gonçalves"),
        "vn": _g("Minh, Bao | Linh, Mai",
                 "Tuan | Hoa",
                 "Dung | Lan",
                 "Nguyen, Tran, Le, Pham"),
    },
}

# How a programme's people are drawn from the groups (its seed: who takes part).
WEIGHTS: dict[str, dict[str, int]] = {
    "studententutoring": {"vl": 55, "ma": 25, "tr": 12, "cd": 8},
    "rolmodel-mentoring": {"nl": 25, "tr": 25, "ma": 30, "sr": 20},
    "community-builders": {"de": 35, "tr": 25, "east": 15, "ar": 15, "pl": 10},
    "mentoren-op-zuid": {"nl": 35, "tr": 20, "ma": 20, "sr": 15, "pl": 10},
    "vera": {"de": 60, "tr": 15, "east": 10, "pl": 8, "ar": 7},
    "accompagnement-vet": {"fr": 45, "mg": 25, "wa": 18, "pt": 7, "vn": 5},
}

YOUNG, ADULT, SENIOR = "young", "adult", "senior"


def generation(born: date | None) -> str:
    """Whose names fit someone born on ``born``: no date (staff, parents) counts as adult."""
    if born is None:
        return ADULT
    if born.year >= 1995:
        return YOUNG
    return SENIOR if born.year <= 1966 else ADULT


def names_of(country: str, kind: str) -> set[str]:
    """Every first name of a generation in a country (for tests)."""
    return {name for group in GROUPS[country].values() for name in getattr(group, kind)}


def women_of(country: str) -> set[str]:
    """Every woman's first name of a country (of any generation)."""
    return {name for group in GROUPS[country].values() for name in group.women}


def gender_of(first_name: str, country: str) -> str:
    """Whether ``first_name`` is a woman's or a man's name in ``country`` (``""``: not one of its
    demo names, such as the coordinator's)."""
    groups = GROUPS.get(country, {}).values()
    if any(first_name in group.women for group in groups):
        return FEMALE
    if any(first_name in getattr(group, kind) for group in groups for kind in (YOUNG, ADULT, SENIOR)):
        return MALE
    return ""


_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe",
                          "đ": "d", "ł": "l"})


def ascii_slug(text: str, *, country: str = "") -> str:
    """The e-mail form of a name: lower case ASCII, German umlauts spelled out in Germany
    (Müller → mueller), other accents dropped (Yıldız → yildiz, Hadžić → hadzic, Anaïs → anais)."""
    text = text.lower()
    if country != "DE":
        text = text.replace("ä", "a").replace("ö", "o").replace("ü", "u")
    text = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    return re.sub(r"[^a-z0-9.-]", "", text.encode("ascii", "ignore").decode())


class NameBook:
    """The names given in one programme so far: each full name once, whatever the role."""

    def __init__(self, country: str, programme_slug: str, rng: random.Random) -> None:
        self.groups = GROUPS[country]
        weights = WEIGHTS.get(programme_slug) or dict.fromkeys(self.groups, 1)
        self.keys, self.weights = list(weights), list(weights.values())
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def reserve(self, first: str, last: str) -> None:
        self.used.add((first, last))

    def take(self, kind: str, *, family: str = "", gender: str = "") -> tuple[str, str]:
        """A full name nobody in the programme has yet, of generation ``kind`` (with ``family``:
        a first name for someone of that family, a parent of their child; with ``gender``, female
        or male: a woman's or a man's name; otherwise either, drawn as before genders were known)."""
        group_key = next((key for key, group in self.groups.items() if family in group.family), "") \
            if family else ""
        for attempt in range(600):
            # Past 200 tries (a large ``--scale``), first names of another background; past 400,
            # a family name of any background of the country.
            key = (group_key if attempt < 200 else "") or self.rng.choices(self.keys, self.weights)[0]
            group = self.groups[key]
            first = self.rng.choice(group.first_names(kind, gender))
            last = family if family and attempt < 400 else \
                self.rng.choice(self.groups[self.rng.choice(self.keys)].family if attempt >= 400 else group.family)
            if (first, last) not in self.used:
                self.used.add((first, last))
                return first, last
        # Only at a large ``--scale`` (load work): the names run out, and a name may come twice.
        return first, last
