"""Personal API tokens: create and revoke, each write audit-logged."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from commonweal.accounts import audit
from commonweal.accounts.models import ApiToken, AuditEvent, User

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
NAME_REQUIRED = _("Give the token a name, so you can tell your tokens apart.")
NAME_TOO_LONG = _("A token name can be at most %(limit)d characters.")
TOKEN_NOT_FOUND = _("No such token among your own tokens.")


class TokenError(Exception):
    """A token write that was refused; the message is safe to show the user."""


class TokenNotFound(TokenError):
    pass


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise TokenError(NAME_REQUIRED)
    if len(name) > NAME_MAX_LENGTH:
        raise TokenError(NAME_TOO_LONG % {"limit": NAME_MAX_LENGTH})
    return name


@transaction.atomic
def create_token(
    *, user: User, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for `user`. The raw token is returned once; only its SHA-256 is stored."""
    token, raw = ApiToken.issue(user=user, name=_clean_name(name))
    audit.record(
        action=AuditEvent.Action.TOKEN_CREATE,
        actor=user,
        obj=token,
        request=request,
        detail={"name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token_id: int, by: User, request: HttpRequest | None = None) -> ApiToken:
    """Revoke one of `by`'s own active tokens; someone else's token is "not found", never revealed."""
    token = ApiToken.objects.active().select_for_update().filter(pk=token_id, user=by).first()
    if token is None:
        raise TokenNotFound(TOKEN_NOT_FOUND)
    token.revoke()
    audit.record(
        action=AuditEvent.Action.TOKEN_REVOKE,
        actor=by,
        obj=token,
        request=request,
        detail={"name": token.name, "prefix": token.prefix},
    )
    return token
