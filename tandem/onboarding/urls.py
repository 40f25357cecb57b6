from django.urls import path

from tandem.onboarding.views import board, imports, me, public, training

app_name = "onboarding"

P = "o/<slug:org>/p/<slug:prog>/volunteers/"

urlpatterns = [
    # Public: no log-in.
    path("apply/<slug:org>/<slug:prog>/", public.apply, name="apply"),
    path("apply/<slug:org>/<slug:prog>/thanks/", public.apply_thanks, name="apply_thanks"),
    path("certificates/verify/", public.certificate_verify, name="certificate_verify"),
    path("certificates/verify/<str:code>/", public.certificate_verify_code,
         name="certificate_verify_code"),
    path("certificates/download/<str:token>/", public.certificate_download,
         name="certificate_download"),
    # Coordinators.
    path(P, board.board, name="board"),
    path(P + "bulk/", board.bulk_transition, name="bulk_transition"),
    path(P + "import/", imports.volunteer_import, name="import"),
    path(P + "import/template/", imports.import_template, name="import_template"),
    path(P + "export/", imports.export, name="export"),
    path(P + "<int:pk>/", board.volunteer_detail, name="volunteer"),
    path(P + "<int:pk>/transition/", board.transition, name="transition"),
    path(P + "<int:pk>/interview/plan/", board.interview_plan, name="interview_plan"),
    path(P + "<int:pk>/interview/", board.interview, name="interview"),
    path(P + "<int:pk>/references/", board.references, name="references"),
    path(P + "<int:pk>/certificate/", board.certificate, name="certificate"),
    path(P + "<int:pk>/location/", board.location, name="location"),
    path(P + "<int:pk>/remind/", board.remind, name="remind"),
    path(P + "training/", training.workshops, name="workshops"),
    path(P + "training/<int:pk>/", training.workshop_detail, name="workshop"),
    path(P + "training/<int:pk>/register/", training.workshop_register, name="workshop_register"),
    path(P + "training/<int:pk>/calendar.ics", training.workshop_ics, name="workshop_ics"),
    path(P + "training/<int:pk>/registrations/<int:registration>/cancel/",
         training.registration_cancel, name="registration_cancel"),
    path(P + "training/<int:pk>/attendance/", training.attendance, name="attendance"),
    # A volunteer with a log-in.
    path(P + "me/", me.me, name="me"),
    path(P + "me/background/", me.declaration, name="declaration"),
]
