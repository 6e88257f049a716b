"""Access-matrix rows for the partnership workspace's pages and API operations.

Merged into access_matrix.PAGES and OPERATIONS (see the end of access_matrix.py).

The rule (commonweal/policy.py, "the partnership workspace"; docs/partnership.md): `home`
and `receiving` are partners, `outside` is not. Everyone with a role in a partner — the
navigator, partner staff, analyst and receiver here — reads the workspace; coalition admins
and superusers also manage it; residents and staff of `outside` are refused (403: the
workspace's existence is no secret), anonymous visitors sent to sign in.
"""

from __future__ import annotations

from typing import Any

from commonweal.web.tests.access_matrix import SIGNED_POST, Operation, Page, row
from commonweal.web.tests.matrix_cast import Cast

#                    anon   res  nav  staff out  admin anal super recv
WORKSPACE = row("    login  403  ok   ok    403  ok    ok   ok    ok")
MANAGE = row("       login  403  403  403   403  ok    403  ok    403")
API_WORKSPACE = row("401    403  ok   ok    403  ok    ok   ok    ok")
API_MANAGE = row("   401    403  403  403   403  ok    403  ok    403")


def _partners(cast: Cast) -> Any:
    """`home` and `receiving` as partners (made once per cast), `home`'s profile returned."""
    from commonweal.partnerships.models import Partner, PartnerContact

    world = cast.world
    home, _ = Partner.objects.get_or_create(
        organization=world.home,
        defaults={"sector": "social_services", "agreement_status": "signed"},
    )
    Partner.objects.get_or_create(organization=world.receiving, defaults={"sector": "health_care"})
    PartnerContact.objects.get_or_create(partner=home, name="Lena Ortiz")
    return home


def _workspace(cast: Cast) -> dict[str, Any]:
    _partners(cast)
    return {}


def _partner(cast: Cast) -> dict[str, Any]:
    return {"partner_id": _partners(cast).pk}


def _contact(cast: Cast) -> dict[str, Any]:
    partner = _partners(cast)
    return {"partner_id": partner.pk, "contact_id": partner.contacts.get().pk}


def _new_partner(cast: Cast) -> dict[str, Any]:
    return {
        "organization": str(cast.world.outside.pk),
        "sector": "faith",
        "active": "on",
        "agreement_status": "none",
        "data_sharing_status": "none",
    }


def _profile(cast: Cast) -> dict[str, Any]:
    return {
        "sector": "social_services",
        "active": "on",
        "agreement_status": "signed",
        "agreement_expires_on": "2031-01-31",
        "data_sharing_status": "none",
    }


PAGES: dict[str, Page] = {
    "partnerships:index": Page(WORKSPACE, params=_workspace),
    "partnerships:partner_list": Page(WORKSPACE, params=_workspace),
    "partnerships:partner_create": Page(MANAGE, MANAGE, params=_workspace, form=_new_partner),
    "partnerships:partner_detail": Page(WORKSPACE, params=_partner),
    "partnerships:partner_edit": Page(MANAGE, MANAGE, params=_partner, form=_profile),
    "partnerships:contact_create": Page(
        MANAGE, MANAGE, params=_partner, form=lambda c: {"name": "Ben Ade"}
    ),
    "partnerships:contact_remove": Page(SIGNED_POST, MANAGE, params=_contact),
}

P = "commonweal_partnerships_api_"
OPERATIONS: dict[str, Operation] = {
    f"{P}list_partners": Operation(API_WORKSPACE, params=_workspace),
    f"{P}create_partner": Operation(
        API_MANAGE,
        params=_workspace,
        body=lambda c: {"organization_id": str(c.world.outside.pk), "sector": "faith"},
    ),
    f"{P}read_partner": Operation(API_WORKSPACE, params=_partner),
    f"{P}update_partner": Operation(API_MANAGE, params=_partner, body=lambda c: {"notes": "x"}),
}
