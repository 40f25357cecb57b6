"""Words for the learner's schooling where the learners are apprentices (VerA, AFEV).

A programme's learners are apprentices when it works with companies that train them: it has a
partner of the kind "Employer" (``PartnerInstitution.Kind.EMPLOYER``, the company training an
apprentice — "Ausbildungsbetrieb", "leerbedrijf", "employeur"). That is how Tandem already tells
them apart (the learner's employer, the partner list); there is no separate switch to keep in step.

Per word, the decision (the learner's schooling → the apprentice's word; anything else stays):

=============================================  ===============================================
Word                                           In a programme of apprentices
=============================================  ===============================================
the learner's "School or institution"          "Vocational school or company" (Berufsschule
(learner form and page), the dashboard's       oder Betrieb, établissement de formation ou
"School or partner" filter                     entreprise, school of leerbedrijf): the partner
                                               is one of the two places an apprentice learns
"school year" naming the programme's cycle     "training year" (Ausbildungsjahr, année de
(dashboard filter and periods, report rows,    formation, opleidingsjaar): the cycle runs from
the funder report's title)                     1 August, the German and French training year;
                                               an apprentice's 1st/2nd/3rd year of training is
                                               the same word
"first-generation student" (Erstakademiker:in) "first in the family in vocational training":
on the learner's special-category form and     an apprentice is not a student; the question
the participation figures for learners         (first of their family on this path) still is
the safeguarding lead (support: overview,      German "Schutzbeauftragte:r" for
inbox, pair, settings, a concern, the concern  "Kinderschutzbeauftragte:r": most apprentices are
form, the lead's e-mail, two refusals)         adults; the same English under the context
                                               "learners are apprentices" (Dutch "aandachts-
                                               functionaris" and French "référent protection"
                                               are neutral already and read the same)
=============================================  ===============================================

One word for every programme instead: a match's closure reason "The learner left school or
training" and the learner's history step "Left school or training" (Schule oder Ausbildung, l'école
ou sa formation, school of opleiding). A closure reason is a stored choice counted across
programmes in the reports, so it keeps one label that is true of pupils and apprentices alike.

Left as they are, because they are not the learner's schooling: a mentor's "first-generation
student" (mentors are students or graduates), a partner contact's or supervisor's "School or
employer", "School indicators" (results from the vocational school, which an apprentice attends
too), "meetings at school, during school time" (a setting VerA and AFEV do not use).
The safeguarding lead's word is chosen by ``learners_are_adults`` (below): apprentices, and also
programmes none of whose learners is a minor (university students), take "Schutzbeauftragte:r".
The safeguarding lead's model names and privacy purpose ("safeguarding lead(s)", "Who the programme's
designated safeguarding leads are.") belong to no one programme and keep the children's word.
"""

from __future__ import annotations

from typing import Any


def learners_are_apprentices(programme: Any) -> bool:
    """Does ``programme`` train apprentices (a partner company training them)? Remembered on the
    programme object for the rest of the request."""
    if programme is None:
        return False
    known = getattr(programme, "_learners_are_apprentices", None)
    if known is None:
        from tandem.core.models import PartnerInstitution

        known = programme.partners.filter(kind=PartnerInstitution.Kind.EMPLOYER).exists()
        programme._learners_are_apprentices = known
    return bool(known)


def learners_are_adults(programme: Any) -> bool:
    """Does the safeguarding lead take the neutral word (German "Schutzbeauftragte:r", not
    "Kinderschutzbeauftragte:r")? Where the learners are apprentices, and where no learner of the
    programme is a minor (Students as Community Builders: university students of 18 to 24).
    Remembered on the programme object for the rest of the request."""
    if programme is None:
        return False
    known = getattr(programme, "_learners_are_adults", None)
    if known is None:
        from datetime import date

        from django.utils import timezone

        today = timezone.localdate()
        try:
            cutoff = today.replace(year=today.year - 18)
        except ValueError:  # 29 February
            cutoff = date(today.year - 18, 2, 28)
        known = learners_are_apprentices(programme) or (
            programme.learners.exists()
            and not programme.learners.filter(person__date_of_birth__gt=cutoff).exists()
            and not programme.learners.filter(person__date_of_birth=None).exists()
        )
        programme._learners_are_adults = known
    return bool(known)
