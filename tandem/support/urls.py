from django.urls import path

from tandem.support.views import concerns, exchange, people, staff

app_name = "support"

P = "o/<slug:org>/p/<slug:prog>/support/"
M = "o/<slug:org>/p/<slug:prog>/matches/<int:pk>/support/"
X = P + "exchange/<int:pk>/"

urlpatterns = [
    path(P, staff.overview, name="overview"),
    path(P + "attention/", staff.risks, name="risks"),
    path(P + "settings/", staff.support_settings, name="settings"),
    path(P + "settings/leads/", staff.lead, name="lead"),
    path(M, staff.pair, name="pair"),
    path(M + "check-in/", staff.check_in, name="check_in"),
    path(M + "pause/", staff.pause, name="pause"),
    path(M + "pulse/", people.pulse, name="pulse"),
    path(P + "concerns/", concerns.inbox, name="concerns"),
    path(P + "concerns/<int:pk>/", concerns.concern, name="concern"),
    path(P + "concerns/new/", concerns.raise_concern, name="raise"),
    path(P + "mine/", concerns.mine, name="mine"),
    path(P + "exchange/", exchange.exchanges, name="exchanges"),
    path(X, exchange.exchange, name="exchange"),
    path(X + "edit/", exchange.exchange_edit, name="exchange_edit"),
    path(X + "invite/", exchange.invite, name="exchange_invite"),
    path(X + "attendance/", exchange.attendance, name="exchange_attendance"),
    path(X + "answer/", exchange.answer, name="exchange_answer"),
    path(X + "calendar.ics", exchange.exchange_ics, name="exchange_ics"),
]
