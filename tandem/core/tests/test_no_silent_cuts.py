"""What a user types is never cut short without a word: a concern's step kept 300 of the 4,000
characters its form took, and the same ``[:300]`` sat in six services. Two guards, for good:

* every cut of text in a service (``text[:N]``) is listed here with why it loses nothing a user
  typed — a copy of what is kept whole elsewhere, a bound the form already holds with a clear
  error, or text nobody typed; a new one fails until it is kept whole or so justified;
* every form field that feeds a stored field of the same name is no longer than the stored field,
  so a long text is refused by the form (kept, with a message) rather than cut by the database.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from django import forms
from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parents[3]
CUT = re.compile(r"\[:\s*\d{2,}\]")

# (file, the line's code, stripped) → why nothing typed is lost.
JUSTIFIED: dict[tuple[str, str], str] = {
    ("matching/services.py", '"note": note.strip()[:300],'):
        "ConflictForm.note has max_length 300: a guard for callers that skip the form",
    ("journal/services.py", "clean = {str(k)[:40]: ([str(v)[:2000] for v in value][:50] if isinstance(value, list) "
                            "else str(value)[:4000])"):
        "a draft kept while typing: the meeting form's fields are at most 4,000, the form then saves them",
    ("journal/services.py", "for k, value in list(data.items())[:30]}"): "the number of a draft's fields, not text",
    ("expenses/services.py", '"debtor_name": programme.organisation.name[:70],'):
        "the SEPA file's limit for the debtor's name, from the organisation's name kept whole",
    ("expenses/services.py", "row.state, row.reason = Claim.State.REJECTED, reason.strip()[:300]"):
        "ReviewForm.reason has max_length 300: a guard for callers that skip the form",
    ("support/services.py", "row = PulseRating(match=match, side=side, question=question, score=score, "
                            "word=word.strip()[:60])"): "PulseForm.word has max_length 60: a guard",
    ("onboarding/services.py", "reason=reason[:300],"): "TransitionForm.reason has max_length 300: a guard",
    ("onboarding/services.py", "reason=reason[:300],  # a code (Because.IMPORTED): the import types no reason"):
        "a code",
    ("intake/services.py", 'given_name=guardian.get("given_name") or email.split("@")[0][:100], '
                           'family_name=guardian.get("family_name")'):
        "a stand-in name made from an e-mail address when none was typed",
    ("intake/services.py", 'updates: dict[str, Any] = {"state": to_state, "state_reason": reason[:300],'):
        "ReasonForm and TransitionForm hold the reason to 300: a guard",
    ("intake/services.py", 'actor=actor if getattr(actor, "is_authenticated", False) else None, reason=reason[:300],'):
        "the same reason, on the learner's step",
    ("core/services.py", "return {lang: list(dict.fromkeys(w.strip()[:80] for w in words if w.strip()))"):
        "a synonym is a word or two, split from a list",
    ("core/services.py", "user=user, outcome=outcome, method=method[:60], ip_network=_network(ip),"):
        "the log-in method, a code",
    ("core/services.py", "user_agent=user_agent[:300],  # sent by the browser, not typed"): "not typed",
    ("core/audit.py", "note=note[:300],  # a summary: the record audited keeps the whole text"):
        "the audit entry's summary of text its record keeps whole",
}


def _cuts() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(ROOT.glob("tandem/**/*.py")):
        if "tests" in path.parts or "migrations" in path.parts or path.name not in ("services.py", "audit.py"):
            continue
        for line in path.read_text().splitlines():
            if CUT.search(line):
                found.add((str(path.relative_to(ROOT / "tandem")), line.strip()))
    return found


def test_every_cut_of_text_in_a_service_says_why_it_loses_nothing_typed() -> None:
    unexplained = _cuts() - set(JUSTIFIED)
    assert not unexplained, (
        "Text cut short in a service: keep it whole (a TextField), or give the form the stored "
        f"limit and list the cut in JUSTIFIED with why: {sorted(unexplained)}")


def test_the_list_of_justified_cuts_holds_no_stale_entry() -> None:
    assert not set(JUSTIFIED) - _cuts()


def _forms() -> list[type[forms.BaseForm]]:
    found: list[type[forms.BaseForm]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tandem."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        found += [cls for _name, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__]
    return found


# A form field whose name matches a stored field of its app but feeds another one (or none).
UNRELATED: dict[tuple[str, str], str] = {
    ("SignUpForm", "password"): "stored hashed",
    ("VerifyForm", "code"): "looked up, not stored: a longer code is simply not found",
    ("AnswerForm", "reason"): "kept whole in Match.mentor_reason / learner_reason (text fields)",
    ("RecordAnswerForm", "reason"): "the person's own answer recorded for them: AnswerForm's reason, kept whole",
    ("CloseForm", "note"): "kept whole in Match.closure_note; the declined pair gets a marked summary",
    ("BankDetailsForm", "iban"): "typed with spaces; clean() stores the 34 characters without them",
}


def _models_of(form: type[forms.BaseForm], app: str) -> list[type[models.Model]]:
    """The app's models the form is named after (``SiteForm`` → ``Site``, ``PartnerForm`` →
    ``PartnerInstitution``), else all of them."""
    stem = form.__name__.removesuffix("Form").removeprefix("New").removeprefix("Edit")
    every = list(apps.get_app_config(app).get_models())
    named = [m for m in every if stem and (m.__name__.startswith(stem) or m.__name__ in stem)]
    return named or every


def test_no_form_takes_more_text_than_its_app_stores_under_that_name() -> None:
    """A form's text field named like a length-bound field of the app's models (``reason``,
    ``note``, ``word``…) is bound to at most the shortest of those lengths; a text field
    (``TextField``) of the same name anywhere in the app stores any length and frees the name."""
    too_long = []
    for form in _forms():
        app = form.__module__.split(".")[1]
        stored: dict[str, list[models.Field]] = {}
        for model in _models_of(form, app):
            for field in model._meta.get_fields():
                if isinstance(field, models.Field):
                    stored.setdefault(field.name, []).append(field)
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.CharField) or (form.__name__, name) in UNRELATED:
                continue
            targets = stored.get(name, [])
            if not targets or any(isinstance(t, models.TextField) for t in targets):
                continue
            bounds = [t.max_length for t in targets if isinstance(t, models.CharField) and t.max_length]
            if bounds and (field.max_length is None or field.max_length > min(bounds)):
                too_long.append(f"{form.__module__}.{form.__name__}.{name}: form {field.max_length}, "
                                f"stored {min(bounds)}")
    assert not too_long, too_long


# Where a form's text lands under another name: (form, field) → the stored fields it reaches
# whole. A text field stores any length; a bounded one must hold at least what the form takes.
REACHES: dict[tuple[str, str], list[str]] = {
    ("tandem.support.forms.ConcernMoveForm", "what"): ["support.ConcernStep.reason", "support.Concern.outcome"],
    ("tandem.journal.forms.GoalCloseForm", "reflection"): ["journal.GoalTransition.reason", "journal.Goal.reflection"],
    ("tandem.matching.forms.AnswerForm", "reason"): ["matching.Match.mentor_reason", "matching.Match.learner_reason"],
    ("tandem.matching.forms.RecordAnswerForm", "reason"): ["matching.Match.mentor_reason",
                                                           "matching.Match.learner_reason"],
    ("tandem.matching.forms.CloseForm", "note"): ["matching.Match.closure_note"],
    ("tandem.matching.forms.ConflictForm", "note"): ["matching.DeclinedPair.note"],
    ("tandem.expenses.forms.ReviewForm", "reason"): ["expenses.Claim.reason"],
    ("tandem.onboarding.forms.TransitionForm", "reason"): ["onboarding.VolunteerTransition.reason"],
    ("tandem.intake.forms.ReasonForm", "reason"): ["intake.LearnerTransition.reason", "intake.Learner.state_reason"],
    ("tandem.intake.forms.TransitionForm", "reason"): ["intake.LearnerTransition.reason",
                                                      "intake.Learner.state_reason"],
}


def test_what_a_form_takes_fits_where_it_is_stored_under_another_name() -> None:
    too_long = []
    for (form_path, name), targets in REACHES.items():
        module, _dot, cls = form_path.rpartition(".")
        field = getattr(importlib.import_module(module), cls).base_fields[name]
        for target in targets:
            app, model, stored_name = target.split(".")
            stored = apps.get_model(app, model)._meta.get_field(stored_name)
            if isinstance(stored, models.TextField):
                continue
            if field.max_length is None or stored.max_length is None or field.max_length > stored.max_length:
                too_long.append(f"{form_path}.{name} ({field.max_length}) → {target} ({stored.max_length})")
    assert not too_long, too_long
