"""What every page of the workspace shares: the access checks (asking commonweal.policy),
the context every template gets, and the one shape of a create-or-edit page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commonweal import policy


def require_workspace(request: HttpRequest) -> None:
    if not policy.can_see_workspace(request.user):
        raise PermissionDenied


def require_manager(request: HttpRequest) -> None:
    if not policy.can_manage_workspace(request.user):
        raise PermissionDenied


def apply_errors(form: Any, error: ValidationError) -> None:
    """A domain error onto the form, each message on its field (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"manages": policy.can_manage_workspace(request.user), **extra}


def form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    back: tuple[str, str],
    done: Callable[[Any], str],
    saved: str,
    submit: str | None = None,
) -> HttpResponse:
    """The one shape of every create/edit page: show, validate, save once, or say why not."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(done(result))
    back_label, back_to = back
    back_url = back_to if back_to.startswith("/") else reverse(back_to)
    return render(
        request,
        "partnerships/form_page.html",
        page_context(
            request,
            form=form,
            title=title,
            back_label=back_label,
            back_url=back_url,
            submit=submit or _("Save"),
        ),
    )
