"""`commonweal gaps`: where a category of service is hardest to reach, per area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from commonweal.insights import areas as area_files
from commonweal.insights import gap_export, gaps
from commonweal.insights.gaps import GapInputError
from commonweal.insights.supply import UnknownCategory, supply_for_category


def parse_steps(text: str) -> list[tuple[float, float]]:
    """ "10:1,20:0.68,30:0.22" → [(10, 1.0), (20, 0.68), (30, 0.22)]."""
    steps = []
    for part in text.split(","):
        bound, sep, weight = part.partition(":")
        try:
            if not sep:
                raise ValueError
            steps.append((float(bound), float(weight)))
        except ValueError:
            raise CommandError(
                _("--steps: {part!r} is not BOUND:WEIGHT (e.g. 10:1,20:0.68,30:0.22).").format(
                    part=part
                )
            ) from None
    return steps


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Translated when the parser is built: argparse cannot format a lazy string.
        self.help = _(
            "Rank areas by spatial access to one category of service (2SFCA, enhanced 2SFCA "
            "or gravity model) and print the least-served; optionally write CSV and GeoJSON."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--category",
            required=True,
            metavar="CODE",
            help=_("Taxonomy term code; its descendants count too."),
        )
        parser.add_argument("--method", choices=gaps.METHODS, default="2sfca")
        parser.add_argument(
            "--radius-km",
            type=float,
            default=30.0,
            help=_("Great-circle cut-off in km (default 30)."),
        )
        parser.add_argument(
            "--max-cost",
            type=float,
            default=None,
            help=_("Cut-off in the travel-time matrix's unit (default 30)."),
        )
        parser.add_argument(
            "--areas",
            type=Path,
            default=None,
            metavar="FILE",
            help=_(
                "Area CSV (id,name,latitude,longitude,population[,need_weight]) "
                "or a Census tract centres file; default: the bundled Miami tracts."
            ),
        )
        parser.add_argument(
            "--travel-times",
            type=Path,
            default=None,
            metavar="FILE",
            help=_("CSV origin,destination,cost: area id, location id, minutes."),
        )
        parser.add_argument(
            "--steps",
            default=None,
            help=_("Enhanced 2SFCA bands BOUND:WEIGHT,… (default 10:1,20:0.68,30:0.22)."),
        )
        parser.add_argument(
            "--sigma",
            type=float,
            default=None,
            help=_("Enhanced 2SFCA with Gaussian decay of this width instead of bands."),
        )
        parser.add_argument("--beta", type=float, default=1.0, help=_("Gravity decay exponent."))
        parser.add_argument(
            "--min-cost",
            type=float,
            default=1.0,
            help=_("Gravity: costs below this count as this (avoids 1/0)."),
        )
        parser.add_argument(
            "--normalize",
            action="store_true",
            help=_("Divide by the population-weighted mean, so 1 is average."),
        )
        parser.add_argument(
            "--by",
            choices=("area", "county", "zip"),
            default="area",
            help=_("Rank areas, or counties/ZIPs by population-weighted mean."),
        )
        parser.add_argument(
            "--zips",
            type=Path,
            default=None,
            metavar="FILE",
            help=_("CSV area_id,zip for --by zip."),
        )
        parser.add_argument("--top", type=int, default=20, help=_("Rows to print (default 20)."))
        parser.add_argument("--csv", type=Path, default=None, metavar="OUT")
        parser.add_argument("--geojson", type=Path, default=None, metavar="OUT")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        out = Console(
            file=getattr(self.stdout, "_out", self.stdout), highlight=False, soft_wrap=True
        )
        if options["top"] < 1:
            raise CommandError(_("--top must be at least 1."))
        if options["by"] == "zip" and options["zips"] is None:
            raise CommandError(_("--by zip needs --zips FILE (area_id,zip)."))
        try:
            supply = supply_for_category(options["category"])
        except UnknownCategory:
            raise CommandError(
                _("No taxonomy term has the code {code!r}.").format(code=options["category"])
            ) from None
        try:
            zips = area_files.read_zip_map(options["zips"]) if options["zips"] else None
            result = self._compute(supply.sites, options)
            if options["csv"]:
                gap_export.write_csv(result, options["csv"])
            if options["geojson"]:
                gap_export.write_geojson(result, options["geojson"])
        except (GapInputError, OSError) as error:
            raise CommandError(str(error)) from None
        out.print(
            _(
                "{services} services at {sites} places; {missing} without coordinates left out."
            ).format(
                services=supply.services,
                sites=len(supply.sites),
                missing=supply.without_coordinates,
            ),
            markup=False,
        )
        if result.empty:
            messages = {
                gaps.NO_SERVICES: _("No services of this category."),
                gaps.NO_SERVICES_IN_RANGE: _("No services of this category in range."),
            }
            out.print(messages.get(result.message or "", result.message), markup=False)
            return
        if options["by"] == "area":
            self._print_areas(out, result, options["top"], options["normalize"])
        else:
            self._print_regions(out, result.roll_up("county" if options["by"] == "county" else zips),
                                options["top"], options["normalize"])  # fmt: skip

    def _compute(self, sites: gaps.Sites, options: dict[str, Any]) -> gaps.GapResult:
        areas = (
            area_files.read_areas(options["areas"])
            if options["areas"]
            else area_files.read_census_tracts()
        )
        costs = None
        max_cost = options["radius_km"]
        if options["travel_times"]:
            costs = area_files.read_travel_times(options["travel_times"], areas, sites)
            max_cost = options["max_cost"] if options["max_cost"] is not None else 30.0
        return gaps.compute(
            areas,
            sites,
            method=options["method"],
            max_cost=max_cost,
            costs=costs,
            steps=parse_steps(options["steps"]) if options["steps"] else None,
            sigma=options["sigma"],
            beta=options["beta"],
            min_cost=options["min_cost"],
            normalize=options["normalize"],
        )

    def _print_areas(
        self, out: Console, result: gaps.GapResult, top: int, normalized: bool
    ) -> None:
        table = Table(title=_("Least-served areas ({method}, cut-off {cost:g})").format(
            method=result.method, cost=result.max_cost))  # fmt: skip
        for heading in (_("Rank"), _("Area"), _("Population"), _score_heading(normalized),
                        _("Sites in reach")):  # fmt: skip
            table.add_column(heading, justify="right" if heading != _("Area") else "left")
        for rank, row in enumerate(result.ranked(top=top), start=1):
            label = f"{row.id} {row.name}".strip()
            table.add_row(str(rank), label, f"{row.population:,.0f}", _score(row.score, normalized),
                          str(row.sites_in_range))  # fmt: skip
        out.print(table)

    def _print_regions(
        self, out: Console, regions: list[gaps.RegionScore], top: int, normalized: bool
    ) -> None:
        table = Table(title=_("Least-served regions (population-weighted mean)"))
        for heading in (_("Rank"), _("Region"), _("Population"), _("Areas"),
                        _score_heading(normalized)):  # fmt: skip
            table.add_column(heading, justify="right" if heading != _("Region") else "left")
        for rank, region in enumerate(regions[:top], start=1):
            score = "—" if region.score is None else _score(region.score, normalized)
            table.add_row(
                str(rank), region.id, f"{region.population:,.0f}", str(region.areas), score
            )
        out.print(table)


def _score_heading(normalized: bool) -> str:
    # Raw scores are places of service per person: tiny numbers nobody reads well.
    return _("Score (1 = average)") if normalized else _("Score per 10,000 people")


def _score(score: float, normalized: bool) -> str:
    return f"{score:.3g}" if normalized else f"{score * 10_000:.3g}"
