"""Language: the user's choice wins, else the browser's; switching is remembered."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from conftest import World


def test_browser_language_is_used_for_anonymous_visitors(client: Any, db: Any) -> None:
    page = client.get(reverse("login"), headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in page.content.decode()
    assert "Passwort" in page.content.decode()


def test_user_choice_overrides_browser(world: World) -> None:
    user = world.users["mentor"]
    user.language = "fr"
    user.save()
    client = world.client_for("mentor")
    page = client.get(world.programme.get_absolute_url(), headers={"Accept-Language": "nl"})
    assert '<html lang="fr">' in page.content.decode()


def test_switching_language_saves_it_on_the_account(world: World) -> None:
    client = world.client_for("coordinator")
    response = client.post(reverse("core:set_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    world.users["coordinator"].refresh_from_db()
    assert world.users["coordinator"].language == "nl"
    page = client.get(reverse("core:people", kwargs={"org": "zuid", "prog": "moz"})).content.decode()
    assert "<h1>Mensen</h1>" in page


def test_language_switch_refuses_foreign_redirects(client: Any, db: Any) -> None:
    response = client.post(reverse("core:set_language"), {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"
