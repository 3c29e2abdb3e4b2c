"""Notices of the ledger to an operator (the debtor, the consignee): every active OCE code of
the operator with that RUC receives it in its buzón."""

from __future__ import annotations


def to_operator(ruc: str, *, subject, body, params: dict | None = None, related=None) -> int:
    from ecuapass.accounts.models import OceCode
    from ecuapass.edocs.notices import CATEGORY, SENDER
    from ecuapass.notifications.services import notify

    if not ruc:
        return 0
    n = 0
    for code in OceCode.objects.filter(
        registration__operator__ruc=ruc, state=OceCode.State.ACTIVE
    ).select_related("registration"):
        notify(
            oce_code=code,
            sender=SENDER,
            subject=subject,
            body=body,
            params=params,
            category=CATEGORY,
            related=related,
        )
        n += 1
    return n
