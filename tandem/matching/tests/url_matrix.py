"""URL x role classification of this app's URLs (merged by core's test_url_matrix)."""

from tandem.core.testing import Access

MATRIX: dict[str, Access] = {}
