"""The reminder form (resident and navigator pages, and the API's bodies).

It only parses: what is allowed (an address that can be reached, times inside the safe
hours, a schedule that ends) is decided by personal_reminders.validate, whose field errors
`add_errors` puts back on the form.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.programs import personal_reminders
from commonweal.programs.reminder_models import ReminderKind, Repeat
from commonweal.programs.reminder_schedule import WEEKDAYS

TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m?\.?$|^(\d{1,2}):(\d{2})$", re.I)

LEAD_LABELS = {
    0: pgettext_lazy("reminder lead", "At the time"),
    30: pgettext_lazy("reminder lead", "30 minutes before"),
    60: pgettext_lazy("reminder lead", "1 hour before"),
    120: pgettext_lazy("reminder lead", "2 hours before"),
    24 * 60: pgettext_lazy("reminder lead", "1 day before"),
}
DAY_LABELS = (
    pgettext_lazy("weekday", "Monday"),
    pgettext_lazy("weekday", "Tuesday"),
    pgettext_lazy("weekday", "Wednesday"),
    pgettext_lazy("weekday", "Thursday"),
    pgettext_lazy("weekday", "Friday"),
    pgettext_lazy("weekday", "Saturday"),
    pgettext_lazy("weekday", "Sunday"),
)
# US zones by their everyday names; the site's own zone is added when it is not one of them.
TIME_ZONES = (
    ("America/New_York", _("Eastern time")),
    ("America/Chicago", _("Central time")),
    ("America/Denver", _("Mountain time")),
    ("America/Phoenix", _("Arizona")),
    ("America/Los_Angeles", _("Pacific time")),
    ("America/Anchorage", _("Alaska")),
    ("Pacific/Honolulu", _("Hawaii")),
    ("America/Puerto_Rico", _("Puerto Rico")),
)


def parse_time(text: str) -> dt.time:
    """ "8", "8 am", "8:30 PM", "20:30" as a time; ValueError when it is none of these."""
    match = TIME_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    if match.group(4) is not None:
        hour, minute = int(match.group(4)), int(match.group(5))
    else:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if match.group(3).lower() == "p" else 0)
    return dt.time(hour, minute)


class TimesField(forms.CharField):
    """One or more times of day, separated by commas ("8:00 AM, 8:00 PM")."""

    def to_python(self, value: Any) -> list[dt.time]:
        items = value if isinstance(value, list) else str(value or "").split(",")
        found: list[dt.time] = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            try:
                found.append(parse_time(text))
            except ValueError:
                raise ValidationError(
                    _("“%(text)s” is not a time. Write it like 8:00 AM or 20:00.") % {"text": text}
                ) from None
        return sorted(set(found))

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(t.strftime("%I:%M %p").lstrip("0") for t in value)
        return value or ""


def _zones() -> list[tuple[str, Any]]:
    zones = list(TIME_ZONES)
    if settings.TIME_ZONE not in dict(zones):
        zones.insert(0, (settings.TIME_ZONE, settings.TIME_ZONE))
    return zones


class ReminderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is the reminder for?"), choices=ReminderKind.choices, widget=forms.RadioSelect
    )
    label = forms.CharField(
        label=_("A note for you (optional)"),
        required=False,
        max_length=80,
        help_text=_("For example “Dr Ruiz” or “blue pill”. Only you and your care team see it."),
    )
    show_label = forms.BooleanField(
        label=_("Put my note in the message"),
        required=False,
        help_text=_("Others may see it on your phone’s lock screen. If unsure, leave this off."),
    )
    starts_on = forms.DateField(
        label=_("Date (the first day)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    times = TimesField(
        label=_("Time"),
        help_text=_("Like 8:00 AM. More than one time a day? Use commas: 8:00 AM, 8:00 PM."),
    )
    repeat = forms.ChoiceField(
        label=_("How often?"),
        choices=Repeat.choices,
        initial=Repeat.ONCE,
        widget=forms.RadioSelect,
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Which days? (for every week)"),
        choices=list(zip(WEEKDAYS, DAY_LABELS, strict=True)),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ends_on = forms.DateField(
        label=_("Last day (if it repeats)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    lead_minutes = forms.TypedChoiceField(
        label=_("When should we remind you?"),
        choices=list(LEAD_LABELS.items()),
        coerce=int,
        initial=0,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_zones)
    channel = forms.ChoiceField(
        label=_("Send it by"),
        choices=(("sms", _("Text message")), ("email", _("Email"))),
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Phone number or email"),
        max_length=254,
        help_text=_("A mobile number for texts, like 305-555-0123. An email address for email."),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)
    window_start = forms.TimeField(
        label=_("Safe to message from"),
        initial=personal_reminders.DEFAULT_WINDOW[0],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("We never send messages outside these hours."),
    )
    window_end = forms.TimeField(
        label=_("Safe to message until"),
        initial=personal_reminders.DEFAULT_WINDOW[1],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args: Any, sms_enabled: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE
        if not sms_enabled:
            self.fields["channel"].choices = [("email", _("Email"))]
            self.fields["channel"].initial = "email"
            self.fields["address"].label = _("Email")

    def add_errors(self, error: ValidationError) -> None:
        """A domain ValidationError's messages, each on its field (or the whole form)."""
        for field, messages in error.message_dict.items():
            name = field if field in self.fields else None
            for message in messages:
                self.add_error(name, message)


class NavigatorReminderForm(ReminderForm):
    """The same, worded for a navigator setting reminders for someone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].label = _("A note for the person (optional)")
        self.fields["show_label"].label = _("Put the note in the message")
        self.fields["lead_minutes"].label = _("When to remind them")
        self.fields["address"].help_text = _(
            "Only a number or email the person agreed to. Texts need a mobile number."
        )
