"""The API reference page (/api/v1/docs): the OpenAPI document as plain, accessible HTML.

It replaces ninja's Swagger UI, a script-built explorer that fails WCAG checks (contrast,
controls inside controls, no page language) and is useless without JavaScript. Every
operation is listed by tag with its method, path, summary, parameters, request body and
responses; schemas are named and linked to the JSON document, which tools read directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    body: str
    responses: list[tuple[str, str, str]]  # status, description, type
    signed_in: bool


def type_of(schema: dict[str, Any] | None) -> str:
    """A schema in a few words: "MeOut", "array of Result", "string (uuid)"."""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema or "oneOf" in schema:
        options = [type_of(s) for s in schema.get("anyOf", schema.get("oneOf", []))]
        return " or ".join(o for o in options if o)
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {type_of(schema.get('items'))}".strip()
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(str(v) for v in schema["enum"])
    return str(kind)


def _content_type(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    media, body = next(iter(content.items()))
    described = type_of(body.get("schema"))
    return f"{media}: {described}" if described else media


def operations(document: dict[str, Any]) -> dict[str, list[Operation]]:
    """The document's operations grouped by their first tag, in the document's order."""
    grouped: dict[str, list[Operation]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            parameters = [
                Parameter(
                    name=p.get("name", ""),
                    where=p.get("in", ""),
                    required=bool(p.get("required")),
                    type=type_of(p.get("schema")),
                    description=p.get("description", "") or p.get("schema", {}).get("title", ""),
                )
                for p in operation.get("parameters", [])
            ]
            responses = [
                (str(status), r.get("description", ""), _content_type(r.get("content")))
                for status, r in sorted(
                    operation.get("responses", {}).items(), key=lambda i: str(i[0])
                )
            ]
            tag = (operation.get("tags") or ["other"])[0]
            grouped.setdefault(tag, []).append(
                Operation(
                    id=operation.get("operationId", f"{method}-{path}"),
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    body=_content_type(operation.get("requestBody", {}).get("content")),
                    responses=responses,
                    signed_in=bool(operation.get("security")),
                )
            )
    return grouped


class AccessibleReference(DocsBase):
    """ninja's docs hook: render the reference page instead of Swagger UI."""

    template = "web/api_reference.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            self.template,
            {
                "document": document,
                "groups": operations(document),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
