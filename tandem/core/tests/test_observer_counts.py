"""What an observer (a funder) reads on the programme overview: counts without names, small groups
of the people served hidden with the same word and explanation as the results pages, staff counted
as they are (their names and e-mail addresses are listed on the same page)."""

from __future__ import annotations

from conftest import World


def test_the_overview_counts_staff_and_hides_small_groups_of_learners_in_one_wording(
    world: World,
) -> None:
    world.users["observer"].language = "nl"
    world.users["observer"].save(update_fields=["language"])
    html = world.client_for("observer").get("/o/zuid/p/moz/").content.decode()
    # One coordinator, listed by name beside the count: the count is shown, not "<5".
    assert '<span class="stat">1</span> coördinator</li>' in html  # and one, not "1 coördinatoren"
    assert '<span class="stat">1</span> waarnemer</li>' in html
    assert "&lt;5" not in html and "minder dan" not in html
    # One learner and one mentor: hidden, in the results pages' word, with its explanation.
    # …in the plural, so the grammar does not tell it is one.
    assert '<span class="stat">verborgen</span> leerlingen</li>' in html
    assert "Verborgen: groepen kleiner dan 5 worden niet getoond" in html
