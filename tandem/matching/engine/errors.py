"""The one exception the engine raises for bad input."""


class ProblemError(ValueError):
    """A problem the engine cannot solve as given.

    The message always names the offending item (``learner 'L17': ...``,
    ``mentors[3].languages: ...``) so that a coordinator, or the Django form
    that wraps this, can point at the exact record to fix.
    """
