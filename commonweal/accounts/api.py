"""/api/v1/accounts/: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from commonweal.accounts.api_auth import api_auth

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organization_id: str
    organization_name: str
    role: str


class MeOut(Schema):
    username: str
    is_superuser: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, auth=api_auth)
def me(request: HttpRequest) -> dict:
    user = request.user
    return {
        "username": user.get_username(),
        "is_superuser": user.is_superuser,
        "memberships": [
            {
                "organization_id": str(m.organization_id),
                "organization_name": m.organization.name,
                "role": m.role,
            }
            for m in user.memberships.select_related("organization")
        ],
    }
