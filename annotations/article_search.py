"""The vocabulary's part in the Articles search: a name typed in the search stands for every name of its
term. corpus asks through the NameExpander it offers (corpus.search); AnnotationsConfig.ready registers
this one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from annotations.folding import fold
from annotations.models import Alias, Term
from corpus.search import TermNames


def names_of_terms(phrases: Sequence[str]) -> dict[str, TermNames]:
    """Of these phrases, those that are a name of exactly one term (compared as names are: case-,
    accent- and apostrophe-insensitively), each with its term's label and names: the label, then the
    aliases in the order they were added. A shared alias (one that names several terms) is never
    searched for another name; typed, it is searched as it is."""
    by_key = defaultdict(list)
    for phrase in phrases:
        if fold(phrase):
            by_key[fold(phrase)].append(phrase)
    holders = defaultdict(set)
    # A merged term's names live on at its survivor (its label became an alias there).
    aliases = Alias.objects.filter(key__in=list(by_key), term__merged_into__isnull=True)
    for key, term_id in aliases.values_list("key", "term_id"):
        holders[key].add(term_id)
    labels = Term.objects.filter(label_key__in=list(by_key), merged_into__isnull=True)
    for key, term_id in labels.values_list("label_key", "pk"):
        holders[key].add(term_id)
    named = {key: ids.pop() for key, ids in holders.items() if len(ids) == 1}
    if not named:
        return {}
    labels = dict(Term.objects.filter(pk__in=set(named.values())).values_list("pk", "label"))
    names = {term_id: [label] for term_id, label in labels.items()}
    seen = {term_id: {fold(label)} for term_id, label in labels.items()}
    aliases = Alias.objects.filter(term_id__in=list(labels), shared=False).order_by("term_id", "pk")
    for term_id, name, key in aliases.values_list("term_id", "name", "key"):
        if key not in seen[term_id]:
            seen[term_id].add(key)
            names[term_id].append(name)
    return {
        phrase: TermNames(labels[term_id], tuple(names[term_id]))
        for key, term_id in named.items()
        for phrase in by_key[key]
    }
