from django.urls import path

from tandem.matching.views import communities, conflicts, matches, public, rounds

app_name = "matching"

P = "o/<slug:org>/p/<slug:prog>/"
R = P + "matching/rounds/<int:pk>/"
M = P + "matches/<int:pk>/"

urlpatterns = [
    path(P + "matching/", rounds.home, name="home"),
    path(P + "matching/criteria/", rounds.criteria, name="criteria"),
    path(P + "matching/conflicts/", conflicts.conflicts, name="conflicts"),
    path(R, rounds.round_detail, name="round"),
    path(R + "reject/", rounds.proposal_reject, name="proposal_reject"),
    path(R + "swap/", rounds.proposal_swap, name="proposal_swap"),
    path(R + "manual/", rounds.proposal_manual, name="proposal_manual"),
    path(R + "publish/", rounds.round_publish, name="round_publish"),
    path(P + "matches/", matches.match_list, name="matches"),
    path(P + "matches/report/", matches.report, name="report"),
    path(M, matches.match_detail, name="match"),
    path(M + "first-meeting/", matches.first_meeting, name="first_meeting"),
    path(M + "first-meeting/held/", matches.meeting_held, name="first_meeting_held"),
    path(M + "first-meeting/calendar.ics", matches.first_meeting_ics, name="first_meeting_ics"),
    path(M + "answer/", matches.answer, name="answer"),
    path(M + "answer/record/<slug:side>/", matches.record_answer, name="record_answer"),
    path(M + "propose/", matches.propose, name="propose"),
    path(M + "close/", matches.close, name="close"),
    path(P + "communities/<int:pk>/", communities.community, name="community"),
    path("matches/answer/<str:token>/", public.answer_link, name="answer_link"),
    path("matches/survey/<str:token>/", public.survey, name="survey"),
]
