"""Tandem's middleware: the signed-in user's language, and refusing NUL characters.

``UserLanguageMiddleware``: use the language a signed-in user chose; otherwise LocaleMiddleware's
pick (cookie, then the browser's Accept-Language) stands."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class RefuseNulMiddleware:
    """Answer 400 to a request carrying a NUL character in its path, query or form fields.

    No person types NUL; PostgreSQL refuses it in text (a server error wherever it reached a
    query) and SQLite stores it and breaks the spreadsheet export later. Forms already refuse it
    in text fields; this catches it everywhere else (search boxes, ids, tokens in URLs). A
    cookie carrying it is dropped instead (the visitor then looks logged out, nothing more).
    A malformed multipart body, which Django cannot parse, is answered 400 here too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [name for name, value in request.COOKIES.items() if "\x00" in value]:
            del request.COOKIES[name]
        try:
            fields = [*request.GET.lists(), *request.POST.lists()]
        except (MultiPartParserError, UnreadablePostError):
            return bad_request(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in fields
        ):
            return bad_request(request)
        return self.get_response(request)


def bad_request(request: HttpRequest) -> HttpResponse:
    # This runs before LocaleMiddleware: pick the visitor's language the same way it would.
    translation.activate(translation.get_language_from_request(request))
    return render(request, "400.html", status=400)
