"""Mobile routes' domain: writing routes and stops (validated, nothing half-saved), their
visits, cancellations, and "the next stop near me"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commonweal.directory.models import Address, Location, Service
from commonweal.programs import routes
from commonweal.programs.route_models import Route, Stop, StopCancellation

NY = dt.timezone(dt.timedelta(hours=-5))
# 33125 (Little Havana) and 33157 (Cutler Bay) are ~20 km apart; both are bundled ZCTAs.
HAVANA = (25.7830, -80.2340)


@pytest.fixture
def route(organization, partner_staff):
    return routes.create_route(
        organization=organization,
        by=partner_staff,
        name="Care van",
        kind="mobile_clinic",
        time_zone="America/New_York",
    )


def _stop(route, by, **fields):
    base = {
        "address": "1000 SW 8th St",
        "city": "Miami",
        "postal_code": "33125",
        "starts_on": dt.date(2026, 3, 5),
        "arrives_at": dt.time(10, 0),
        "departs_at": dt.time(13, 0),
        "rule": "FREQ=WEEKLY;BYDAY=TH;COUNT=8",
    }
    return routes.add_stop(route, by=by, **{**base, **fields})


@pytest.mark.django_db
def test_it_places_an_address_stop_at_its_zip_codes_point(route, partner_staff) -> None:
    stop = _stop(route, partner_staff)

    assert stop.approximate is True
    assert stop.point == pytest.approx((25.7636, -80.2355), abs=0.05)


@pytest.mark.django_db
def test_it_keeps_typed_coordinates_as_exact(route, partner_staff) -> None:
    stop = _stop(route, partner_staff, latitude=25.77, longitude=-80.21)

    assert (stop.latitude, stop.longitude, stop.approximate) == (25.77, -80.21, False)


@pytest.mark.django_db
def test_it_uses_the_organisations_place_for_a_location_stop(
    route, partner_staff, organization
) -> None:
    place = Location.objects.create(
        organization=organization, name="Library", latitude=25.7, longitude=-80.3
    )

    stop = _stop(route, partner_staff, location=place, address="", city="", postal_code="")

    assert stop.label == "Library"
    assert stop.point == (25.7, -80.3)
    assert stop.approximate is False


@pytest.mark.django_db
def test_it_places_a_location_with_no_coordinates_at_its_zip(
    route, partner_staff, organization
) -> None:
    place = Location.objects.create(organization=organization, name="Church")
    Address.objects.create(
        location=place,
        address_1="1 Main St",
        city="Miami",
        state_province="FL",
        postal_code="33157",
        country="US",
    )

    stop = _stop(route, partner_staff, location=place, address="", city="", postal_code="")

    assert stop.approximate is True
    assert stop.point == pytest.approx((25.606126, -80.343496))


@pytest.mark.django_db
def test_it_refuses_another_organisations_place(route, partner_staff, other_organization) -> None:
    theirs = Location.objects.create(organization=other_organization, name="Theirs")

    with pytest.raises(ValidationError) as error:
        _stop(route, partner_staff, location=theirs)

    assert error.value.message_dict["location"] == [str(routes.OTHER_PLACE)]
    assert not Stop.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_stop_with_no_place(route, partner_staff) -> None:
    with pytest.raises(ValidationError) as error:
        _stop(route, partner_staff, address="", postal_code="", city="")

    assert error.value.message_dict["address"] == [str(routes.NO_PLACE)]
    assert not Stop.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_address_it_cannot_place(route, partner_staff) -> None:
    with pytest.raises(ValidationError) as error:
        _stop(route, partner_staff, postal_code="00000", city="")

    assert error.value.message_dict["postal_code"] == [str(routes.NOT_PLACED)]


@pytest.mark.django_db
def test_it_refuses_leaving_before_arriving_and_a_bad_rule_at_once(route, partner_staff) -> None:
    with pytest.raises(ValidationError) as error:
        _stop(route, partner_staff, departs_at=dt.time(9, 0), rule="FREQ=WEEKLY")

    errors = error.value.message_dict
    assert errors["departs_at"] == [str(routes.LEAVES_BEFORE)]
    assert "never ends" in errors["rule"][0]
    assert not Stop.objects.exists()


@pytest.mark.django_db
def test_it_refuses_half_a_point(route, partner_staff) -> None:
    with pytest.raises(ValidationError) as error:
        _stop(route, partner_staff, latitude=25.7)

    assert error.value.message_dict["latitude"] == [str(routes.HALF_POINT)]


@pytest.mark.django_db
def test_it_refuses_another_organisations_service_and_a_bad_zone(
    organization, other_organization, partner_staff
) -> None:
    theirs = Service.objects.create(organization=other_organization, name="Their clinic")

    with pytest.raises(ValidationError) as error:
        routes.create_route(
            organization=organization,
            by=partner_staff,
            name="Van",
            kind="outreach_van",
            service=theirs,
            time_zone="Mars/Olympus",
        )

    assert error.value.message_dict["service"] == [str(routes.OTHER_SERVICE)]
    assert "Mars/Olympus" in error.value.message_dict["time_zone"][0]
    assert not Route.objects.exists()


@pytest.mark.django_db
def test_a_moved_address_is_placed_again(route, partner_staff) -> None:
    stop = _stop(route, partner_staff)

    moved = routes.update_stop(stop, by=partner_staff, postal_code="33157", address="1 Main St")

    assert moved.point == pytest.approx((25.606126, -80.343496))


@pytest.mark.django_db
def test_visits_are_wall_clock_times_across_the_daylight_saving_change(
    route, partner_staff
) -> None:
    stop = _stop(route, partner_staff)  # Thursdays 10 am from 5 March; DST starts 8 March

    first, second = stop.occurrences()[:2]

    assert (first.start.hour, second.start.hour) == (10, 10)
    assert first.start.utcoffset() != second.start.utcoffset()
    assert second.end - second.start == dt.timedelta(hours=3)


@pytest.mark.django_db
def test_a_cancelled_visit_stays_listed_and_marked(route, partner_staff) -> None:
    stop = _stop(route, partner_staff)
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

    routes.cancel_visit(stop, occurrence=dt.datetime(2026, 3, 12, 10), by=partner_staff)
    routes.cancel_visit(stop, occurrence=dt.datetime(2026, 3, 12, 10), by=partner_staff)
    visits = routes.upcoming(route, now=now)

    assert StopCancellation.objects.count() == 1
    assert [v.occurrence.cancelled for v in visits[:3]] == [False, True, False]
    assert routes.next_visits([stop], now=dt.datetime(2026, 3, 6, tzinfo=dt.UTC), limit=1)[
        0
    ].start.date() == dt.date(2026, 3, 19)

    routes.restore_visit(stop, occurrence=dt.datetime(2026, 3, 12, 10), by=partner_staff)
    assert not StopCancellation.objects.exists()


@pytest.mark.django_db
def test_it_refuses_cancelling_a_visit_that_does_not_exist(route, partner_staff) -> None:
    stop = _stop(route, partner_staff)

    with pytest.raises(ValidationError) as error:
        routes.cancel_visit(stop, occurrence=dt.datetime(2026, 3, 13, 10), by=partner_staff)

    assert error.value.message_dict["occurrence"] == [str(routes.NO_VISIT)]


@pytest.mark.django_db
def test_next_stop_near_me_is_the_nearest_with_a_visit_ahead(route, partner_staff) -> None:
    near = _stop(route, partner_staff, name="Near", postal_code="33125")
    far = _stop(route, partner_staff, name="Far", postal_code="33157", address="1 Main St")
    over = _stop(
        route, partner_staff, name="Over", rule="", starts_on=dt.date(2026, 3, 5)
    )  # one visit, already past
    now = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    stops = routes.stops_of(Route.objects.all())

    found = routes.nearest(stops, now=now, lat=HAVANA[0], lon=HAVANA[1])

    assert [v.stop for v in found] == [near, far]
    assert over not in [v.stop for v in found]
    assert found[0].distance_km < 3 < found[1].distance_km
    assert found[0].start == dt.datetime(
        2026, 3, 12, 10, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    within = routes.nearest(stops, now=now, lat=HAVANA[0], lon=HAVANA[1], radius_km=5)
    assert [v.stop for v in within] == [near]


@pytest.mark.django_db
def test_a_visit_under_way_still_counts_as_next(route, partner_staff) -> None:
    stop = _stop(route, partner_staff, rule="", starts_on=dt.date(2026, 3, 5))
    during = dt.datetime(2026, 3, 5, 11, 30, tzinfo=NY)

    found = routes.nearest([stop], now=during, lat=HAVANA[0], lon=HAVANA[1])

    assert len(found) == 1 and found[0].start.hour == 10
