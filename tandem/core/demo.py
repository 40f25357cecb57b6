"""Believable synthetic demo data for the six demo programmes of the five seeds (``../shared/seeds``).

Deterministic: the same seed gives the same people. ``scale`` multiplies the number of mentors
and learners (for load and benchmark work); everything is written with ``bulk_create``.
Other apps add their own demo data by defining ``seed_demo(ctx)`` in ``tandem.<app>.demo``; the
``seed_demo`` command calls them after this module, in INSTALLED_APPS order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from tandem.core.demo_names import ADULT, NameBook, ascii_slug, generation
from tandem.core.fields import default_fields
from tandem.core.models import (
    AuditEvent,
    Because,
    Field,
    GuardianLink,
    Membership,
    Organisation,
    PartnerInstitution,
    Person,
    Programme,
    Role,
    Site,
    User,
)

DEMO_PASSWORD = "tandem-demo"
MAIN_COORDINATOR = "coordinator@tandem.example"

NAMES: dict[str, tuple[list[str], list[str]]] = {
    "BE": (
        ["Lotte", "Noor", "Emma", "Louise", "Wout", "Arne", "Lars", "Jasper", "Yasmina", "Ilias",
         "Elif", "Bilal", "Sara", "Mohamed", "Ines", "Milan", "Fien", "Kobe", "Aya", "Rayan"],
        ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
         "El Amrani", "Yilmaz", "Benali", "De Smet", "Wouters", "Vermeulen", "Aydın", "Kabongo"],
    ),
    "NL": (
        ["Daan", "Sem", "Lieke", "Fleur", "Anouk", "Ravi", "Soufiane", "Naima", "Kevin", "Chantal",
         "Priya", "Mila", "Noah", "Zeynep", "Jayden", "Shanice", "Youssef", "Sanne", "Mees", "Amira"],
        ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Bouzid", "Öztürk", "Pinas",
         "Martina", "Kartosen", "van Dijk", "El Idrissi", "Tahiri", "Sewdien", "Kramer"],
    ),
    "DE": (
        ["Lukas", "Leon", "Anna", "Lea", "Marie", "Jonas", "Mehmet", "Ayşe", "Katarina", "Dieter",
         "Helga", "Wolfgang", "Ursula", "Emre", "Sophie", "Finn", "Leyla", "Paul", "Mia", "Yusuf"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Yıldız",
         "Kowalski", "Nowak", "Wagner", "Schulz", "Demir", "Krüger", "Popescu", "Hadžić"],
    ),
    "FR": (
        ["Lucas", "Hugo", "Léa", "Chloé", "Manon", "Inès", "Yanis", "Amina", "Moussa", "Fatou",
         "Camille", "Théo", "Sofiane", "Jade", "Nathan", "Aïcha", "Mathis", "Lina", "Kylian", "Anaïs"],
        ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Diallo", "Traoré", "Benali",
         "Nguyen", "Moreau", "Lefebvre", "Haddad", "Mendy", "Garcia", "Fontaine"],
    ),
}

Place = tuple[str, str, float, float]  # city, postcode, latitude, longitude


@dataclass
class ProgrammeSpec:
    org_slug: str
    org_name: str
    country: str
    slug: str
    name: str
    description: str
    format: str
    languages: list[str]
    commitment: str
    cycle_weeks: int | None
    cadence: str
    session_minutes: int
    ui_language: str
    places: list[Place]
    institutions: list[tuple[str, str]]  # name, kind
    learner_ages: tuple[int, int]
    mentor_ages: tuple[int, int]
    requirements: dict[str, Any] = field(default_factory=dict)
    # When pairs meet: the weekdays (0 is Monday) and the usual hour. Never on a Sunday.
    meeting_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    meeting_time: time = time(16)
    # A mentor who answers by phone (retired experts call the office): the matching demo has
    # the coordinator record that answer through the service (matching.demo.answer_by_phone).
    answers_by_phone: bool = False

    def meeting_day(self, day: date, *, later: bool = False) -> date:
        """``day`` if pairs of this programme meet on that weekday, else the last day before it
        they do (with ``later``: the next day after it)."""
        while day.weekday() not in self.meeting_days:
            day += timedelta(days=1 if later else -1)
        return day


SPECS: list[ProgrammeSpec] = [
    ProgrammeSpec(
        org_slug="vlaamse-tutoring", org_name="Studententutoring Vlaanderen", country="BE",
        slug="studententutoring", name="Studententutoring Gent–Antwerpen",
        description=(
            "Hogeschool- en universiteitsstudenten begeleiden leerlingen die hun secundaire "
            "school selecteerde: studievaardigheden, de schooltaal Nederlands, motivatie en "
            "toekomstperspectief."
        ),
        format=Programme.Format.ONE_TO_ONE, languages=["nl", "fr", "tr", "ar"],
        commitment="2 uur per week, een schooljaar lang", cycle_weeks=None,
        cadence=Programme.Cadence.WEEKLY, session_minutes=120, ui_language="nl",
        places=[("Gent", "9000", 51.054, 3.717), ("Antwerpen", "2000", 51.219, 4.402),
                ("Gent", "9040", 51.062, 3.752), ("Antwerpen", "2060", 51.226, 4.430)],
        institutions=[("Sint-Lievenscollege", "secondary_school"),
                      ("Koninklijk Atheneum Antwerpen", "secondary_school"),
                      ("Hogeschool Gent", "university"), ("Karel de Grote Hogeschool", "university")],
        learner_ages=(12, 17), mentor_ages=(19, 25),
    ),
    ProgrammeSpec(
        org_slug="sirius-mentoring", org_name="SIRIUS / SUPREME Mentoring Network", country="NL",
        slug="rolmodel-mentoring", name="SIRIUS rolmodelmentoring",
        description=(
            "Mentoren met een vergelijkbare taal- en culturele achtergrond als rolmodel voor "
            "leerlingen; ouders worden betrokken; voor alle leerlingen, niet alleen ‘risico’."
        ),
        format=Programme.Format.ONE_TO_ONE, languages=["nl", "tr", "ar", "ber", "pap"],
        commitment="1,5 uur per week, een schooljaar", cycle_weeks=None,
        cadence=Programme.Cadence.WEEKLY, session_minutes=90, ui_language="nl",
        places=[("Amsterdam", "1055", 52.379, 4.861), ("Utrecht", "3531", 52.089, 5.094),
                ("Den Haag", "2525", 52.060, 4.289), ("Amsterdam", "1102", 52.313, 4.958)],
        institutions=[("Cartesius Lyceum", "secondary_school"), ("ROC Midden Nederland", "vet_provider"),
                      ("Zuiderpark College", "secondary_school")],
        learner_ages=(11, 18), mentor_ages=(20, 45),
        requirements={"role_model_matching": True},
    ),
    ProgrammeSpec(
        org_slug="community-builders", org_name="Ruhr Campus University", country="DE",
        slug="community-builders", name="Students as Community Builders",
        description=(
            "Masterstudierende mit Migrationsgeschichte oder als Erste in ihrer Familie an der "
            "Hochschule werden in Workshops geschult, erhalten ein Zertifikat und leiten ein "
            "Studienjahr lang eine Lerngemeinschaft von Bachelorstudierenden."
        ),
        format=Programme.Format.GROUP, languages=["de", "en", "tr", "ar", "ru"],
        commitment="Alle zwei Wochen eine Lerngemeinschaft, ein Studienjahr lang", cycle_weeks=None,
        cadence=Programme.Cadence.FORTNIGHTLY, session_minutes=90, ui_language="de",
        places=[("Essen", "45141", 51.464, 7.006), ("Duisburg", "47057", 51.427, 6.800),
                ("Bochum", "44801", 51.445, 7.261)],
        institutions=[("Ruhr Campus University — Fakultät für Ingenieurwissenschaften", "university"),
                      ("Ruhr Campus University — Fakultät für Sozialwissenschaften", "university"),
                      ("Ruhr Campus University — Fakultät für Wirtschaftswissenschaften", "university")],
        learner_ages=(18, 24), mentor_ages=(23, 32), meeting_time=time(17),
        requirements={"mentor_capacity": 6, "self_registration": True,
                      "safeguarding_certificate_required": False, "training_hours_required": 8},
    ),
    ProgrammeSpec(
        org_slug="emi-rotterdam-zuid", org_name="EMI Rotterdam Zuid", country="NL",
        slug="mentoren-op-zuid", name="Mentoren op Zuid",
        description=(
            "Mbo- en hbo-studenten werken twintig weken onder schooltijd een-op-een met een "
            "leerling aan samen gestelde doelen: huiswerk, loopbaanoriëntatie, talent en "
            "vervolgopleiding. De docent van de student geeft feedback op elke bijeenkomst."
        ),
        format=Programme.Format.ONE_TO_ONE, languages=["nl", "tr", "ar", "pap", "pl"],
        commitment="20 weken, één bijeenkomst per week onder schooltijd", cycle_weeks=20,
        cadence=Programme.Cadence.WEEKLY, session_minutes=60, ui_language="nl",
        places=[("Rotterdam", "3073", 51.896, 4.512), ("Rotterdam", "3082", 51.880, 4.466),
                ("Rotterdam", "3074", 51.892, 4.524), ("Rotterdam", "3077", 51.885, 4.545)],
        institutions=[("Basisschool De Globetrotter", "primary_school"),
                      ("Zuidrandcollege", "secondary_school"),
                      ("Hogeschool Rotterdam", "university"), ("Albeda mbo", "vet_provider")],
        learner_ages=(10, 15), mentor_ages=(18, 26),
        requirements={"meet_at_school": True, "supervisor_feedback_per_session": True},
        # Under school time: early afternoon, not on Wednesday (primary schools close at noon).
        meeting_days=(0, 1, 3, 4), meeting_time=time(13, 30),
    ),
    ProgrammeSpec(
        org_slug="ses-vera", org_name="Senior Experten Service", country="DE",
        slug="vera", name="VerA – Verhinderung von Ausbildungsabbrüchen",
        description=(
            "Ehrenamtliche Senior Expertinnen und Experten begleiten Auszubildende eins zu eins: "
            "Fachfragen, Prüfungsvorbereitung, Motivation und Konflikte im Betrieb."
        ),
        format=Programme.Format.ONE_TO_ONE, languages=["de", "tr", "ru", "ar", "pl"],
        commitment="Etwa 2 Stunden pro Woche während der Ausbildung", cycle_weeks=52,
        cadence=Programme.Cadence.WEEKLY, session_minutes=120, ui_language="de",
        places=[("München", "80331", 48.137, 11.575), ("Bonn", "53111", 50.737, 7.098),
                ("Köln", "50667", 50.938, 6.960), ("Berlin", "10115", 52.532, 13.384)],
        institutions=[("Berufsschule München Elektro", "vet_provider"),
                      ("Stadtwerke Bonn", "employer"), ("Handwerkskammer Köln", "vet_provider"),
                      ("Autohaus Berlin-Mitte", "employer")],
        learner_ages=(16, 22), mentor_ages=(62, 76),
        meeting_time=time(17, 30),  # after the working day in the company
        answers_by_phone=True,
    ),
    ProgrammeSpec(
        org_slug="afev", org_name="AFEV", country="FR",
        slug="accompagnement-vet", name="AFEV – Accompagnement des apprentis",
        description=(
            "Des étudiants bénévoles accompagnent deux heures par semaine des jeunes en lycée "
            "professionnel ou en apprentissage\u00a0: méthodologie, orientation, autonomie et mobilité."
        ),
        format=Programme.Format.ONE_TO_ONE, languages=["fr", "ar", "wo", "pt", "en"],
        commitment="2 heures par semaine pendant l’année universitaire", cycle_weeks=None,
        cadence=Programme.Cadence.WEEKLY, session_minutes=120, ui_language="fr",
        places=[("Paris", "75019", 48.887, 2.383), ("Lyon", "69008", 45.735, 4.870),
                ("Marseille", "13014", 43.345, 5.392), ("Grenoble", "38100", 45.171, 5.722),
                ("Nice", "06300", 43.701, 7.285)],
        institutions=[("Lycée professionnel Jean Jaurès", "vet_provider"),
                      ("CFA BTP Lyon", "vet_provider"), ("Lycée Le Chatelier", "vet_provider"),
                      ("Boulangerie Fontaine", "employer"), ("Lycée professionnel Les Palmiers", "vet_provider")],
        learner_ages=(15, 19), mentor_ages=(19, 27),
        meeting_days=(2, 5), meeting_time=time(14),  # Wednesday afternoon or Saturday
    ),
]

ROLE_ACCOUNTS = (
    Role.COORDINATOR, Role.MENTOR, Role.LEARNER, Role.GUARDIAN, Role.SUPERVISOR,
    Role.PARTNER_CONTACT, Role.OBSERVER,
)


def role_email(role: str, programme_slug: str) -> str:
    return f"{role.replace('_', '-')}@{programme_slug}.example"


def admin_email(org_slug: str) -> str:
    return f"admin@{org_slug}.example"


@dataclass
class DemoContext:
    """What other apps' demo seeders receive for each programme."""

    programme: Programme
    spec: ProgrammeSpec
    rng: random.Random
    scale: int
    mentors: list[Person]
    learners: list[Person]
    supervisors: list[Person]
    institutions: list[PartnerInstitution]
    coordinator_user: User
    today: date
    # The run's ``--seed``: a seeder that draws from a stream of its own (so that adding it leaves
    # the rest of the demo data as it was) seeds that stream with it.
    seed: int = 42
    # The names given in this programme so far (each full name once; see ``demo_names``).
    names: NameBook | None = None

    def name(self, kind: str, *, family: str = "") -> tuple[str, str]:
        """A full name for one more person of this programme, of generation ``kind``."""
        if self.names is None:
            self.names = NameBook(self.spec.country, self.spec.slug, random.Random(f"{self.seed}:names:{self.spec.slug}"))
        return self.names.take(kind, family=family)

    @property
    def since(self) -> datetime:
        """When the programme's records were entered into Tandem: the June before last year's
        cohort began, so every later step of anyone's history comes after it."""
        return entered_on(self.today)

    def meeting_at(self, day: date) -> datetime:
        """The meeting of a pair on ``day`` (moved back to a day this programme meets), at its usual hour."""
        return datetime.combine(self.spec.meeting_day(day), self.spec.meeting_time, timezone.get_current_timezone())


def working_day(day: date) -> date:
    """``day``, or the Friday before it when it falls on a weekend (workshops, exchange meetings,
    whatever the coordinator does: check-ins, proposals, closures, records entered)."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def next_working_day(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend (a step that must come after
    another one the coordinator took on a working day)."""
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def entered_on(today: date) -> datetime:
    """When the programme's records were entered: early June of the year before the school year,
    on a working day."""
    year = today.year if today.month >= 8 else today.year - 1
    return datetime.combine(working_day(date(year - 1, 6, 1)), time(10), timezone.get_current_timezone())


@contextmanager
def happening_at(moment: datetime) -> Iterator[None]:
    """Inside this block "now" is ``moment`` for the services (``timezone.now()``, and the
    ``auto_now`` and ``auto_now_add`` stamps), so a step the demo replays through them is dated
    when it happened in the story, not when the seed ran. Used by the demo seeders only."""
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def restamp(model: type[models.Model], name: str, rows: list[Any]) -> None:
    """Set one column of rows already written to the value their objects hold: ``auto_now_add``
    stamps the moment of the insert, and a demo row was made at its own moment in the story."""
    if not rows:
        return
    column = model._meta.get_field(name)
    key = model._meta.pk
    assert isinstance(column, models.Field) and key is not None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(str(column.column))} = %s "
            f"WHERE {quote(str(key.column))} = %s",
            [(column.get_db_prep_save(getattr(row, name), connection), row.pk) for row in rows])


def bulk_create_dated[M: models.Model](model: type[M], rows: list[M], name: str) -> list[M]:
    """``bulk_create`` rows whose ``auto_now_add`` field ``name`` holds the moment each was made
    in the story (the insert would stamp the seed's moment on them)."""
    moments = [getattr(row, name) for row in rows]
    made = model._default_manager.bulk_create(rows, batch_size=500)
    for row, moment in zip(made, moments, strict=True):
        setattr(row, name, moment)
    restamp(model, name, made)
    return made


# Numbers set aside for fiction where the country has them: the Bundesnetzagentur's blocks for
# films and books in Berlin, Köln and München, ARCEP's 06 39 98 in France. Elsewhere the city's
# area code (Germany), or a mobile number of a test-looking pattern (+31 6 1234 5…, +32 470 12 3…).
GERMAN_AREAS = {"Berlin": "30 23125", "Köln": "221 4710", "München": "89 99998",
                "Bonn": "228", "Essen": "201", "Duisburg": "203", "Bochum": "234"}


def demo_phone(country: str, city: str, digits: int) -> str:
    """A phone number in the programme country's format; ``digits`` is the person's random draw."""
    if country == "DE":
        area = GERMAN_AREAS.get(city, "30 23125")
        return f"+49 {area} {digits % 1000:03d}" if " " in area else f"+49 {area} {2_000_000 + digits % 8_000_000}"
    if country == "FR":
        return f"+33 6 39 98 {digits // 100 % 100:02d} {digits % 100:02d}"
    if country == "BE":
        return f"+32 470 12 3{digits // 100 % 10} {digits % 100:02d}"
    return f"+31 6 1234 5{digits % 1000:03d}"


class _Builder:
    def __init__(self, *, seed: int, scale: int, today: date, password_hash: str) -> None:
        self.seed = seed
        self.scale = scale
        self.today = today
        self.password_hash = password_hash
        self.users: dict[str, User] = {u.email: u for u in User.objects.all()}

    def user(self, email: str, full_name: str, language: str) -> User:
        if email not in self.users:
            self.users[email] = User.objects.create(
                email=email, full_name=full_name, language=language, password=self.password_hash
            )
        return self.users[email]

    def build(self, spec: ProgrammeSpec) -> DemoContext:
        rng = random.Random(f"{self.seed}:{spec.slug}")
        given, family = NAMES[spec.country]
        # Names come from a stream of their own (``demo_names``): the draws below stay, so
        # everything else about the people is as it was.
        book = NameBook(spec.country, spec.slug, random.Random(f"{self.seed}:names:{spec.slug}"))
        book.reserve("Dana", "Peeters")

        def name() -> tuple[str, str]:
            return rng.choice(given), rng.choice(family)

        def birth(ages: tuple[int, int]) -> date:
            return self.today - timedelta(days=rng.randint(ages[0] * 365 + 30, ages[1] * 365 + 300))

        organisation = Organisation.objects.create(
            name=spec.org_name, slug=spec.org_slug, country=spec.country
        )
        start = date(self.today.year if self.today.month >= 9 else self.today.year - 1, 9, 1)
        programme = Programme.objects.create(
            organisation=organisation, name=spec.name, slug=spec.slug,
            description=spec.description, format=spec.format, country=spec.country,
            languages=spec.languages, commitment=spec.commitment, cycle_weeks=spec.cycle_weeks,
            cycle_start=start, cycle_end=date(start.year + 1, 6, 30),
            meeting_cadence=spec.cadence, session_minutes=spec.session_minutes,
            requirements=spec.requirements,
        )
        Field.objects.bulk_create(default_fields(programme))
        cities: dict[str, tuple[float, float]] = {}
        for city, _postcode, lat, lon in spec.places:
            cities.setdefault(city, (lat, lon))
        sites = Site.objects.bulk_create(
            [Site(programme=programme, name=city, city=city, latitude=lat, longitude=lon)
             for city, (lat, lon) in cities.items()]
        )
        site_by_city = {site.city: site for site in sites}
        institutions = PartnerInstitution.objects.bulk_create(
            [PartnerInstitution(
                programme=programme, name=inst_name, kind=kind,
                city=spec.places[i % len(spec.places)][0],
                site=site_by_city.get(spec.places[i % len(spec.places)][0]),
            ) for i, (inst_name, kind) in enumerate(spec.institutions)]
        )

        people: list[Person] = []
        roles: list[tuple[int, str, PartnerInstitution | None]] = []

        digits: list[int] = []  # each person's phone number draw

        def add(role: str, ages: tuple[int, int] | None, institution: PartnerInstitution | None = None,
                user: User | None = None, full: tuple[str, str] | None = None, drawn: bool = False) -> int:
            if full is None and not drawn:
                name()  # the draw this person's name once was
            city, postcode, _lat, _lon = rng.choice(spec.places)
            if institution is not None and institution.city != city:  # teachers live near their school
                city, postcode = next((c, p) for c, p, _a, _b in spec.places if c == institution.city)
            rng.randint(31, 49)  # the country code this draw once gave: the stream stays as it was
            digits.append(rng.randint(10000000, 99999999))
            born = birth(ages) if ages else None
            first, last = full or book.take(generation(born))
            slug = ascii_slug(f"{first}.{last}", country=spec.country)
            people.append(Person(
                organisation=organisation, user=user, given_name=first, family_name=last,
                email="" if role == Role.LEARNER and ages and ages[0] < 16 else
                f"{slug}.{len(people)}@{spec.org_slug}.example",
                phone=demo_phone(spec.country, city, digits[-1]),
                date_of_birth=born, language=spec.ui_language,
                postcode=postcode, city=city,
            ))
            roles.append((len(people) - 1, role, institution))
            return len(people) - 1

        # Named log-ins for each role (printed by seed_demo), then everyone else.
        name()  # the draw the admin's name once was
        admin_first, admin_last = book.take(ADULT)
        admin = self.user(admin_email(spec.org_slug), f"{admin_first} {admin_last}", spec.ui_language)
        add(Role.ORG_ADMIN, None, user=admin, full=(admin_first, admin_last))
        # The coordinator of all six programmes: a real name in every language, not a job title.
        main = self.user(MAIN_COORDINATOR, "Dana Peeters", "en")
        add(Role.COORDINATOR, None, user=main, full=("Dana", "Peeters"))
        account_idx: dict[str, int] = {}
        for role in ROLE_ACCOUNTS:
            name()  # the draw this account's name once was
            ages = spec.learner_ages if role == Role.LEARNER else (
                spec.mentor_ages if role == Role.MENTOR else None)
            institution = institutions[0] if role in (Role.PARTNER_CONTACT, Role.SUPERVISOR) else None
            account_idx[role] = add(role, ages, institution, drawn=True)  # a name of the account's age
            person = people[account_idx[role]]
            person.user = self.user(role_email(role, spec.slug), f"{person.given_name} {person.family_name}",
                                    spec.ui_language)
        mentor_idx = [account_idx[Role.MENTOR]] + [
            add(Role.MENTOR, spec.mentor_ages) for _ in range(23 * self.scale)]
        learner_idx = [account_idx[Role.LEARNER]] + [
            add(Role.LEARNER, spec.learner_ages) for _ in range(29 * self.scale)]
        supervisor_idx = [account_idx[Role.SUPERVISOR]] + [
            add(Role.SUPERVISOR, None, institutions[i % len(institutions)]) for i in range(1, 3)]
        for inst in institutions[1:]:
            add(Role.PARTNER_CONTACT, None, inst)
        add(Role.COORDINATOR, None)

        # Guardians for minors: the demo guardian account is the demo learner's parent.
        guardian_links: list[tuple[int, int]] = [(account_idx[Role.LEARNER], account_idx[Role.GUARDIAN])]
        for idx in learner_idx[1:]:
            age = Person.age_on(people[idx], self.today) or 99
            if age < 18:
                rng.choice(given)  # the draw the guardian's name once was
                g = add(Role.GUARDIAN, None, full=book.take(ADULT, family=people[idx].family_name))
                guardian_links.append((idx, g))

        # A guardian lives with their child; the demo mentor near the demo learner they will meet.
        for home, mover in [*guardian_links, (account_idx[Role.LEARNER], account_idx[Role.MENTOR])]:
            person = people[mover]
            person.city, person.postcode = people[home].city, people[home].postcode
            person.phone = demo_phone(spec.country, person.city, digits[mover])

        with transaction.atomic(), happening_at(entered_on(self.today)):
            Person.objects.bulk_create(people)
            Membership.objects.bulk_create([
                Membership(person=people[i], organisation=organisation,
                           programme=None if role == Role.ORG_ADMIN else programme,
                           role=role, institution=inst)
                for i, role, inst in roles
            ])
            GuardianLink.objects.bulk_create([
                GuardianLink(learner=people[l_], guardian=people[g], relationship="parent")
                for l_, g in guardian_links
            ])
            since = entered_on(self.today)
            AuditEvent.objects.bulk_create([
                AuditEvent(organisation=organisation, programme=programme, person=p, actor=admin,
                           action=AuditEvent.Action.CREATED, subject=f"person:{p.pk}",
                           note=Because.DEMO_DATA, at=since)
                for p in people
            ])
        return DemoContext(
            programme=programme, spec=spec, rng=rng, scale=self.scale,
            mentors=[people[i] for i in mentor_idx], learners=[people[i] for i in learner_idx],
            supervisors=[people[i] for i in supervisor_idx], institutions=institutions,
            coordinator_user=main, today=self.today, seed=self.seed, names=book,
        )


def seed(*, seed: int = 42, scale: int = 1, today: date | None = None) -> list[DemoContext]:
    """Create the demo organisations that do not exist yet; return what was created."""
    builder = _Builder(
        seed=seed, scale=scale, today=today or timezone.localdate(),
        password_hash=make_password(DEMO_PASSWORD),
    )
    existing = set(Organisation.objects.values_list("slug", flat=True))
    created = [builder.build(spec) for spec in SPECS if spec.org_slug not in existing]
    _verify_demo_addresses()
    return created


def _verify_demo_addresses() -> None:
    """Demo addresses (``.example``) receive no mail; count them as verified so the printed
    log-ins work. (Second factors: ``make demo`` sets TANDEM_DEMO_MFA_OPTIONAL, see
    docs/security.md.)"""
    from allauth.account.models import EmailAddress

    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in User.objects.filter(email__endswith=".example").values_list("pk", "email")
            if pk not in have
        ],
        batch_size=500,
    )


def reset() -> None:
    slugs = [spec.org_slug for spec in SPECS]
    Organisation.objects.filter(slug__in=slugs).delete()
    User.objects.filter(email__endswith=".example").delete()


def login_table() -> list[tuple[str, str, str]]:
    """(programme, role, e-mail) for every demo log-in."""
    rows = [("*", "coordinator (all programmes)", MAIN_COORDINATOR)]
    for spec in SPECS:
        rows.append((spec.name, "organisation admin", admin_email(spec.org_slug)))
        rows.extend((spec.name, str(role.label), role_email(role, spec.slug)) for role in ROLE_ACCOUNTS)
    return rows
