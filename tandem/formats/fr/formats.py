"""French dates in words write the first of a month "1er août 2026"; every other day as a plain
number ("2 août 2026"). The ``S`` after ``j`` is that "er" (see ``tandem.core.dates``, which says
why this is the one mechanism). Numeric formats ("01/08/2026") are Django's and have no ``S``."""

DATE_FORMAT = "jS F Y"
DATETIME_FORMAT = "jS F Y H:i"
MONTH_DAY_FORMAT = "jS F"
