from django.urls import path

from tandem.intake.views import imports, learners, public, referrals

app_name = "intake"

P = "o/<slug:org>/p/<slug:prog>/"
L = P + "learners/<int:pk>/"

urlpatterns = [
    path(P + "referrals/", referrals.referral_list, name="referrals"),
    path(P + "referrals/new/", referrals.referral_create, name="referral_create"),
    path(P + "referrals/<int:pk>/", referrals.referral_detail, name="referral"),
    path(P + "learners/", learners.learner_list, name="learners"),
    path(P + "learners/waiting/", learners.waiting_list, name="waiting_list"),
    path(P + "learners/consent-texts/", learners.consent_texts, name="consent_texts"),
    path(P + "learners/import/", imports.learner_import, name="learner_import"),
    path(P + "learners/import/template/", imports.learner_template, name="learner_template"),
    path(P + "learners/export/", imports.learner_export, name="learner_export"),
    path(L, learners.learner_detail, name="learner"),
    path(L + "edit/", learners.learner_edit, name="learner_edit"),
    path(L + "accept/", learners.learner_accept, name="learner_accept"),
    path(L + "ask/", learners.learner_request_info, name="learner_request_info"),
    path(L + "decline/", learners.learner_decline, name="learner_decline"),
    path(L + "state/", learners.learner_transition, name="learner_transition"),
    path(L + "consent/request/", learners.consent_request, name="consent_request"),
    path(L + "consent/paper/", learners.consent_paper, name="consent_paper"),
    path(L + "consent/<int:consent>/withdraw/", learners.consent_withdraw, name="consent_withdraw"),
    path(L + "special-category/", learners.sensitive_save, name="sensitive_save"),
    path("join/<slug:org>/<slug:prog>/", public.join, name="join"),
    path("consent/<str:token>/", public.consent, name="consent"),
]
