from django.urls import path

from tandem.expenses.views import coordinator, volunteer

app_name = "expenses"

P = "o/<slug:org>/p/<slug:prog>/expenses/"

urlpatterns = [
    path(P, volunteer.mine, name="mine"),
    path(P + "new/", volunteer.claim_new, name="claim_new"),
    path(P + "bank/", volunteer.bank, name="bank"),
    path(P + "attestations/", volunteer.attestations, name="attestations"),
    path(P + "attestations/<int:pk>.pdf", volunteer.attestation_file, name="attestation_file"),
    path(P + "claims/<int:pk>/", coordinator.claim, name="claim"),
    path(P + "claims/<int:pk>/receipt/", volunteer.receipt, name="receipt"),
    path(P + "review/", coordinator.review, name="review"),
    path(P + "review/approve/", coordinator.approve_bulk, name="approve_bulk"),
    path(P + "payments/", coordinator.payments, name="payments"),
    path(P + "payments/<int:pk>/", coordinator.batch, name="batch"),
    path(P + "payments/<int:pk>/file.<str:fmt>", coordinator.batch_file, name="batch_file"),
    path(P + "payments/<int:pk>/paid/", coordinator.batch_paid, name="batch_paid"),
    path(P + "allowances.<str:fmt>", coordinator.allowances, name="allowances"),
    path(P + "policy/", coordinator.policy, name="policy"),
]
