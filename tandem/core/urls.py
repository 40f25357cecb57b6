from django.urls import include, path

from tandem.core.views import account, calendar, home, invitations, people, programme

app_name = "core"

# Everything under /o/<org>/p/<prog>/ is resolved and permission-checked by programme_view.
programme_patterns = [
    path("", home.programme_home, name="programme"),
    path("settings/", programme.programme_edit, name="programme_edit"),
    path("settings/fields/", programme.field_list, name="fields"),
    path("settings/fields/<int:pk>/", programme.field_edit, name="field_edit"),
    path("people/", people.people_list, name="people"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/roles/add/", people.person_role_add, name="person_role_add"),
    path(
        "people/<int:pk>/roles/<int:membership>/remove/",
        people.person_role_remove,
        name="person_role_remove",
    ),
    path("sites/", programme.site_list, name="sites"),
    path("partners/", programme.partner_list, name="partners"),
    path("invitations/", invitations.invitation_list, name="invitations"),
    path("invitations/<int:pk>/revoke/", invitations.invitation_revoke, name="invitation_revoke"),
    path("audit/", programme.audit_log, name="audit"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz/", home.healthz, name="healthz"),
    path("language/", account.set_language, name="set_language"),
    path("account/", account.account, name="account"),
    path("account/calendar/", calendar.calendar_settings, name="calendar"),
    path("account/calendar/link/", calendar.calendar_renew, name="calendar_renew"),
    path("account/calendar/stop/", calendar.calendar_stop, name="calendar_stop"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("invite/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("o/<slug:org>/", programme.organisation_home, name="organisation"),
    path("o/<slug:org>/programmes/new/", programme.programme_create, name="programme_create"),
    path("o/<slug:org>/p/<slug:prog>/", include(programme_patterns)),
]
