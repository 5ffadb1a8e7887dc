"""Export the discourse network of a claims set (a saved set, the Claims view's filter options, or every
claim) as GraphML, GEXF or an edge-list CSV (analysis/networks.py says what each mode links).

    python manage.py export_network --mode two-mode --format graphml --output network.graphml
    python manage.py export_network --mode conflict --format gexf --speaker irgc --speaker usa

Every claim for the operator; `--as USERNAME`, what that analyst may see (independent coding).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.networks import FORMATS, MODES, build_network, write_network
from annotations.filter_options import add_filter_arguments, add_viewer_argument, filter_params, viewer_from
from annotations.filters import InvalidFilter
from annotations.filters_claims import ClaimFilterForm


class Command(BaseCommand):
    help = "Export a discourse network of claims: two-mode (speaker → target), congruence or conflict."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mode", choices=list(MODES), default="two-mode", help="default: two-mode")
        parser.add_argument("--format", choices=list(FORMATS), default="graphml", help="default: graphml")
        add_filter_arguments(parser, claims=True)
        parser.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
        add_viewer_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        params, saved = filter_params(options, claims=True)
        form = ClaimFilterForm(params, user=saved.owner if saved else None)
        try:
            claims = form.claims(viewer=viewer_from(options))
        except InvalidFilter as error:
            raise CommandError(f"Bad filter: {error}") from error
        graph = build_network(claims, options["mode"])
        text = "".join(write_network(graph, options["format"]))
        output = options["output"]
        if not output or output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from error
        self.stderr.write(
            f"Wrote the {options['mode']} network ({graph.number_of_nodes()} nodes, "
            f"{graph.number_of_edges()} edges) to {output}."
        )
