"""The Annotations screen's filter as command-line options, shared by `export_annotations` and
`export_network` (analysis). The options become the same query parameters the screen reads, and one form
validates them (annotations/filters.py, filters_claims.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.http import QueryDict

from annotations.filters import CLAIM_PARAMS
from annotations.filters_claims import ClaimFilterForm
from annotations.models import (
    AttributionType,
    Certainty,
    ClaimType,
    EventModality,
    EvidenceCited,
    SavedSet,
    SpeakerRole,
    Stance,
)
from annotations.permissions import OPERATOR

# command option (dest) -> filter parameter; the repeatable ones are `append` options.
PASSAGE_OPTIONS = {
    "article": "article",
    "source": "source",
    "published_from": "published_from",
    "published_to": "published_to",
    "term": "term",
    "role": "role",
    "kind": "kind",
    "analyst": "analyst",
    "created_from": "created_from",
    "created_to": "created_to",
    "q": "q",
    "coding": "coding",
}
CLAIM_OPTIONS = {name: name for name in CLAIM_PARAMS}


def add_filter_arguments(parser: CommandParser, *, claims: bool) -> None:
    """--set, the passages view's filter options and, with `claims`, the Claims view's."""
    parser.add_argument("--set", dest="set_name", metavar="NAME", help="a saved set (or OWNER/NAME)")
    parser.add_argument("--article", metavar="ID")
    parser.add_argument("--source", metavar="NAME", help="source name or id")
    parser.add_argument("--term", action="append", metavar="SLUG", help="includes narrower terms; repeatable")
    parser.add_argument("--role", choices=["source", "agent", "target", "mentioned", "event"])
    parser.add_argument("--kind", choices=["actor", "event"])
    parser.add_argument("--analyst", action="append", metavar="USERNAME", help="repeatable")
    for name in ("published-from", "published-to", "created-from", "created-to"):
        parser.add_argument(f"--{name}", metavar="YYYY-MM-DD")
    parser.add_argument("--q", metavar="TEXT", help="text in the quote or a note")
    if not claims:
        return
    group = parser.add_argument_group("claims (the Claims view's filters; repeatable ones match any)")
    group.add_argument(
        "--speaker",
        action="append",
        metavar="SLUG|author|unnamed|unnamed:SLUG",
        help="an actor (narrower actors included), the article's author, any unnamed source, or an "
        "unnamed source of an actor",
    )
    for option, choices in (
        ("speaker-role", SpeakerRole),
        ("attribution", AttributionType),
        ("claim-type", ClaimType),
        ("stance", Stance),
        ("certainty", Certainty),
        ("modality", EventModality),
        ("evidence", EvidenceCited),
    ):
        group.add_argument(f"--{option}", action="append", choices=choices.values, metavar=option.upper())
    group.add_argument("--target", action="append", metavar="SLUG", help="includes narrower terms")
    group.add_argument("--contested", choices=["yes", "no"])


def find_saved_set(name: str) -> SavedSet:
    """A saved set by name, or by "owner/name" when several analysts use the same name."""
    matches = list(SavedSet.objects.filter(name=name).select_related("owner"))
    if not matches and "/" in name:
        owner, _, set_name = name.partition("/")
        matches = list(SavedSet.objects.filter(owner__username=owner, name=set_name).select_related("owner"))
    if len(matches) == 1:
        return matches[0]
    if matches:
        owners = ", ".join(sorted(s.owner.username for s in matches))
        raise CommandError(
            f"Several analysts have a saved set called “{name}” ({owners}); "
            f"name one as OWNER/NAME, e.g. --set {matches[0].owner.username}/{name}"
        )
    known = ", ".join(f"“{s}”" for s in SavedSet.objects.values_list("name", flat=True)[:20]) or "none yet"
    raise CommandError(f"There is no saved set called “{name}”. Saved sets: {known}.")


def filter_params(options: dict[str, Any], *, claims: bool) -> tuple[QueryDict, SavedSet | None]:
    """The query parameters the options ask for: the saved set's, narrowed or replaced by each option
    given; with `claims`, view=claims. A claims set refuses to be read as passages and back."""
    saved = find_saved_set(options["set_name"]) if options.get("set_name") else None
    params = QueryDict(saved.query if saved else "", mutable=True)
    if saved is not None and saved.is_claims != claims:
        what = "claims" if saved.is_claims else "passages"
        raise CommandError(
            f"The set “{saved.name}” selects {what}; "
            + ("export it with --format claims-csv or claims-jsonl." if saved.is_claims else "not claims.")
        )
    for option, param in {**PASSAGE_OPTIONS, **(CLAIM_OPTIONS if claims else {})}.items():
        value = options.get(option)
        if value:  # an option on the command line narrows or replaces the saved set's value
            params.setlist(param, value if isinstance(value, list) else [value])
    if claims:
        params["view"] = ClaimFilterForm.VIEW
    return params, saved


def add_viewer_argument(parser: CommandParser) -> None:
    """--as USERNAME: what that analyst may see in the app (independent coding hides other coders' work
    until they are done). Without it, everything: the operator at the server's command line reads the
    whole database anyway."""
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="only what this analyst may see in the app (independent coding); default: everything",
    )


def viewer_from(options: dict[str, Any]) -> Any:
    """The viewer the command reads for: the named user (--as), or the operator, who sees everything."""
    name = (options.get("as_user") or "").strip()
    if not name:
        return OPERATOR
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: name}).first()
    if user is None:
        raise CommandError(f"--as: there is no user called “{name}”.")
    return user
