"""An article coded independently, for the independent-coding tests (real HTTP, three users and a fourth).

charlie (lead) assigns "Strike" to alice and bob independently. Everything is made through the model
verbs, so the history holds what the app would have written:

  alice  "Qasem Soleimani" tagged Soleimani (agent), a note "alice remarks", a claim (the author,
         opposed, toward the United States); a note on the article "alice on the article"
  bob    "Iran vowed revenge" tagged Iran (source), a note "bob remarks", a claim (Iran, threat);
         a note on the article "bob on the article"
  dave   an analyst not assigned: "United States" tagged the United States (target)

"Iran" is a name of the vocabulary: where no passage the viewer sees covers it, the reader underlines it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from annotations.models import AssignedArticle, Assignment, Claim, Note, Span, Term
from corpus.models import Article

BODY = (
    "Qasem Soleimani was killed near Baghdad airport.\n\n"
    "Iran vowed revenge against the United States within hours.\n\n"
    "Officials said the strike was defensive."
)


@dataclass
class BlindWorld:
    article: Article
    assignment: Assignment
    soleimani: Term
    iran: Term
    usa: Term
    alices: Span
    bobs: Span
    daves: Span
    alices_claim: Claim
    bobs_claim: Claim
    alices_note: Note
    bobs_note: Note
    bobs_article_note: Note

    def mark_done(self, user: User) -> None:
        task = AssignedArticle.objects.get(assignment=self.assignment, analyst=user)
        task.set_status("done", by=user, version=task.version)


def passage(article: Article, text: str, by: User, term: Term, role: str) -> Span:
    start = article.body.index(text)
    return Span.create_for(article, start, start + len(text), text, by=by, term=term, role=role)


def build_blind_world(alice: User, bob: User, charlie: User, dave: User) -> BlindWorld:
    article = Article.objects.create(title="Strike", body=BODY, sha256=Article.hash_body(BODY))
    soleimani = Term.objects.create(slug="soleimani", kind="actor", label="Qasem Soleimani")
    iran = Term.objects.create(slug="iran", kind="actor", label="Iran")
    usa = Term.objects.create(slug="usa", kind="actor", label="United States")
    alices = passage(article, "Qasem Soleimani", alice, soleimani, "agent")
    bobs = passage(article, "Iran vowed revenge", bob, iran, "source")
    daves = passage(article, "United States", dave, usa, "target")
    alices_note = alices.add_note("alice remarks", by=alice)
    bobs_note = bobs.add_note("bob remarks", by=bob)
    Note.add_to_article(article, "alice on the article", by=alice)
    bobs_article_note = Note.add_to_article(article, "bob on the article", by=bob)
    alices_claim = Claim.create_on(
        alices, {"speaker_kind": "author", "stance": "opposed", "target": usa.pk}, by=alice
    )
    bobs_claim = Claim.create_on(
        bobs, {"speaker_kind": "actor", "speaker": iran.pk, "claim_type": "threat"}, by=bob
    )
    assignment = Assignment.hand_out([article], [alice, bob], by=charlie, independent=True)
    return BlindWorld(
        article, assignment, soleimani, iran, usa, alices, bobs, daves, alices_claim, bobs_claim,
        alices_note, bobs_note, bobs_article_note,
    )  # fmt: skip
