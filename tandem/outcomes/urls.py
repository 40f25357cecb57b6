from django.urls import path

from tandem.outcomes.views import dashboard, indicators, surveys

app_name = "outcomes"

P = "o/<slug:org>/p/<slug:prog>/results/"

urlpatterns = [
    path(P, dashboard.dashboard, name="dashboard"),
    path(P + "participation/", dashboard.participation, name="participation"),
    path(P + "report.pdf", dashboard.report_pdf, name="report_pdf"),
    path(P + "report.xlsx", dashboard.report_xlsx, name="report_xlsx"),
    path(P + "export/<str:table>.<str:fmt>", dashboard.export, name="export"),
    path(P + "settings/", dashboard.results_settings, name="settings"),
    path(P + "surveys/", surveys.waves, name="waves"),
    path(P + "surveys/<int:wave>/", surveys.wave, name="wave"),
    path(P + "surveys/<int:wave>/send/", surveys.wave_send, name="wave_send"),
    path(P + "surveys/<int:wave>/asked/<int:pk>/revoke/", surveys.invitation_revoke, name="invitation_revoke"),
    path(P + "surveys/<int:wave>/asked/<int:pk>/new-link/", surveys.invitation_reissue, name="invitation_reissue"),
    path(P + "surveys/instruments/<str:code>/", surveys.instrument, name="instrument"),
    path(P + "indicators/", indicators.indicators, name="indicators"),
    path(P + "indicators/import/", indicators.indicators_import, name="indicators_import"),
    path(P + "indicators/<int:pk>/", indicators.indicator_edit, name="indicator"),
    path(P + "indicators/<int:pk>/delete/", indicators.indicator_delete, name="indicator_delete"),
    path(P + "indicators/<str:fmt>/", indicators.indicators_table, name="indicators_table"),
    path("o/<slug:org>/results/", dashboard.organisation_dashboard, name="organisation"),
    path("survey/<str:token>/", surveys.survey, name="survey"),
]
