"""Root URLs. Each domain app mounts its own patterns; see docs/architecture.md."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("tandem.core.urls")),
    # Domain apps mount their programme pages under /o/<org>/p/<prog>/<app>/ and their public
    # pages under /<app>/; each app's urls.py says which.
    path("", include("tandem.onboarding.urls")),
    path("", include("tandem.intake.urls")),
    path("", include("tandem.matching.urls")),
]
