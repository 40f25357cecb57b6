from django.urls import path

from tandem.journal.views import meetings, overview, pair, public

app_name = "journal"

P = "o/<slug:org>/p/<slug:prog>/"
J = P + "matches/<int:pk>/journal/"
G = J + "goals/<int:goal>/"
M = J + "meetings/<int:meeting>/"

urlpatterns = [
    path(P + "journal/", overview.overview, name="overview"),
    path(P + "journal/settings/", overview.journal_settings, name="settings"),
    path(P + "journal/settings/categories/<int:category>/", overview.category_edit, name="category_edit"),
    path(J, pair.pair, name="pair"),
    path(J + "goals/new/", pair.goal_create, name="goal_create"),
    path(G + "edit/", pair.goal_edit, name="goal_edit"),
    path(G + "progress/", pair.goal_progress, name="goal_progress"),
    path(G + "close/", pair.goal_close, name="goal_close"),
    path(G + "agree/", pair.goal_agree, name="goal_agree"),
    path(J + "link/", pair.learner_link, name="learner_link"),
    path(J + "meetings/new/", meetings.meeting_plan, name="meeting_plan"),
    path(M, meetings.meeting, name="meeting"),
    path(M + "calendar.ics", meetings.meeting_ics, name="meeting_ics"),
    path(M + "edit/", meetings.meeting_edit, name="meeting_edit"),
    path(M + "log/", meetings.meeting_log, name="meeting_log"),
    path(M + "draft/", meetings.meeting_draft, name="meeting_draft"),
    path(M + "preparation/", meetings.preparation, name="preparation"),
    path(M + "notes/", meetings.note_add, name="note_add"),
    path(M + "rate/", meetings.rate, name="rate"),
    path("journal/l/<str:token>/", public.link, name="link"),
]
