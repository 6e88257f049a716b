"""`commonweal person_data export|erase <record id>`: a person's data requests, for operators.

The same domain functions as the data-request page (referrals/person_rights.py), run as
the superuser named by --by so the audit log says who acted.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commonweal import policy
from commonweal.referrals import person_rights
from commonweal.referrals.models import Person


class Command(BaseCommand):
    help = "Export everything held about a person (JSON or FHIR), or erase it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("person", help="the person's record id (a UUID)")
        parser.add_argument("--by", required=True, help="username of the superuser acting")
        parser.add_argument(
            "--reference", required=True, help="the request's reference (not the person's name)"
        )
        parser.add_argument("--format", choices=["json", "fhir"], default="json")
        parser.add_argument("--out", type=Path, help="export: write here instead of stdout")
        parser.add_argument(
            "--yes", action="store_true", help="erase: confirm; it cannot be undone"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["by"], is_active=True).first()
        if not policy.can_run_person_data_command(user):
            raise CommandError(f"--by {options['by']}: no active superuser of that name.")
        try:
            person = Person.objects.filter(pk=options["person"]).first()
        except ValidationError as error:
            raise CommandError(f"{options['person']}: not a record id.") from error
        if person is None:
            raise CommandError(f"{options['person']}: no such person.")
        try:
            if options["action"] == "export":
                self._export(person, user, options)
            else:
                self._erase(person, user, options)
        except person_rights.RightsRequestRefused as refused:
            raise CommandError(str(refused)) from refused

    def _export(self, person: Person, user: Any, options: dict[str, Any]) -> None:
        person_rights.record_export(
            person=person, by=user, reference=options["reference"], format=options["format"]
        )
        if options["format"] == "fhir":
            body = person_rights.export_fhir(person, by=user)
        else:
            body = person_rights.export_json(person)
        text = json.dumps(body, indent=2, ensure_ascii=False)
        if options["out"]:
            options["out"].write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote {options['out']}.")
        else:
            self.stdout.write(text)

    def _erase(self, person: Person, user: Any, options: dict[str, Any]) -> None:
        if not options["yes"]:
            raise CommandError("Erasure cannot be undone: add --yes to confirm.")
        erasure = person_rights.erase(person=person, by=user, reference=options["reference"])
        removed = ", ".join(f"{count} {what}" for what, count in erasure.removed.items())
        self.stdout.write(f"Erased person {erasure.person_id} ({removed}).")
