"""Root URLs. Each domain app mounts its own patterns; see docs/architecture.md.

Accounts (log-in, password reset and change, e-mail addresses, the second factor) are
django-allauth's, under /accounts/. ``login`` and ``logout`` are the project's names for
allauth's log-in and log-out pages (``account_login`` / ``account_logout`` are the same pages).
"""

from allauth.account import views as account_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/", include("allauth.urls")),
    path("", include("tandem.core.urls")),
    # Domain apps mount their programme pages under /o/<org>/p/<prog>/<app>/ and their public
    # pages under /<app>/; each app's urls.py says which.
    path("", include("tandem.onboarding.urls")),
    path("", include("tandem.intake.urls")),
    path("", include("tandem.matching.urls")),
    path("", include("tandem.privacy.urls")),
    path("", include("tandem.journal.urls")),
    path("", include("tandem.support.urls")),
    path("", include("tandem.outcomes.urls")),
]
