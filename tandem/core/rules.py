"""Loaded by ``rules.apps.AutodiscoverRulesConfig``: registers the permissions in ``roles``."""

from tandem.core import roles  # noqa: F401
