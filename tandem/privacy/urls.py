from django.urls import path

from tandem.privacy.views import account, organisation, people, programme

app_name = "privacy"

P = "o/<slug:org>/p/<slug:prog>/"
PERSON = P + "people/<int:pk>/privacy/"

urlpatterns = [
    path(PERSON, people.person_privacy, name="person"),
    path(PERSON + "export.json", people.person_export_json, name="person_export_json"),
    path(PERSON + "export.pdf", people.person_export_pdf, name="person_export_pdf"),
    path(PERSON + "erase/", people.person_erase, name="person_erase"),
    path(P + "privacy/", programme.retention, name="retention"),
    path(P + "privacy/upcoming/", programme.upcoming, name="upcoming"),
    path("o/<slug:org>/access/", organisation.access_log, name="access_log"),
    path("account/data/", account.my_data, name="my_data"),
    path("account/data/export.json", account.my_data_json, name="my_data_json"),
    path("account/data/export.pdf", account.my_data_pdf, name="my_data_pdf"),
]
