from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    # Volunteers' expenses and recognition: the programme's policy, claims and their receipts,
    # approval, SEPA payment files, bank details, attestations (docs/expenses.md).
    name = "tandem.expenses"
    label = "expenses"
    verbose_name = _("Expenses and attestations")
