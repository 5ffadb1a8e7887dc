"""Score the reader's vocabulary suggestions against hand-checked gold mentions, and time them.

Loads the demo corpus and vocabulary (make run's load_demo) into a throwaway SQLite database,
moves each gold mention from its seed file onto the article's stored (cleaned) body by alignment,
runs the suggestions on each article and prints precision and recall (exact offsets and overlap
with the same actor), by kind of mention and for certain vs confirm suggestions, the misses and
the false suggestions, and new-actor suggestions apart (annotations/mentions/scoring.py). Then
times the suggestions for a 20,000-word article with 10,000 terms and 60,000 aliases, uncached
(the vocabulary compiled once, as warm() does at start-up; the cache emptied before each run, so the
article's suggestions are computed as for its first reader: version, rules, cache, rejections).
The last line sums it up.

    .venv/bin/python bench/suggestions.py [--gold FILE] [--quiet]

The gold defaults to the development set, ../shared/gold/actor_mentions.dev.jsonl (the seed
files it names are looked up in ../shared/corpus/, then in corpus/demo/).

Figures (2026-11-28, load average 7–8 on 2 cores shared with other work), development set, overlap
with the same actor, certain + confirm: names recall 0.99 precision 0.97, metonyms recall 1.00,
groups 1.00; certain precision 1.00; exact offsets, all kinds: recall 0.91, precision 0.97.
Speed: 20,000 words, 10,000 terms / 60,000 aliases: 112 ms median uncached, 60 ms of it CPU
(231 ms in another run at load 7.3); compiling the vocabulary once: 3.7 s wall, about 2 s of CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="marginalia-bench-suggestions-")
os.environ["DATABASE_URL"] = f"sqlite:///{Path(WORKDIR) / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marginalia.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402

from annotations.folding import fold  # noqa: E402
from annotations.mentions.index import AliasRow, TermRow  # noqa: E402
from annotations.mentions.scoring import KINDS, Gold, Suggested, map_offsets, score  # noqa: E402
from annotations.models import Alias, Term  # noqa: E402
from annotations.suggestions import article_mentions, suggestions_for, vocabulary_index  # noqa: E402
from corpus.models import Article  # noqa: E402

SHARED = next(
    (
        p
        for p in (
            Path(os.environ.get("MARGINALIA_SHARED", "/nonexistent")),
            ROOT.parent / "shared",
            ROOT.parent.parent / "shared",
        )
        if p.is_dir()
    ),
    ROOT.parent / "shared",
)
SPEED_WORDS, SPEED_TERMS, SPEED_ALIASES, SPEED_RUNS = 20_000, 10_000, 60_000, 7


def read_gold(path: Path) -> dict[str, list[Gold]]:
    by_file: dict[str, list[Gold]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            mention = Gold(
                row["start"], row["end"], row["actor_id"], row["type"], row["text"], row.get("role", "")
            )
            by_file.setdefault(row["file"], []).append(mention)
    return by_file


def seed_text(name: str) -> str:
    for folder in (SHARED / "corpus", ROOT / "corpus" / "demo"):
        if (folder / name).exists():
            return (folder / name).read_text(encoding="utf-8")
    raise SystemExit(f"The seed file {name} is in neither {SHARED / 'corpus'} nor corpus/demo/.")


def measure_quality(gold_path: Path, quiet: bool):
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    slugs = dict(Term.objects.values_list("pk", "slug"))
    gold_all, ours_all, lost_all = [], [], []
    offset = 0  # the articles are scored as one text: mentions of different files never meet
    for name, mentions in sorted(read_gold(gold_path).items()):
        article = Article.objects.filter(original_filename__endswith=name).first()
        if article is None:
            raise SystemExit(f"No article was imported from {name}.")
        moved, lost = map_offsets(seed_text(name), article.body, mentions)
        lost_all += [(name, g) for g in lost]
        found, _labels = article_mentions(article)
        body = article.body
        gold_all += [Gold(g.start + offset, g.end + offset, g.actor, g.kind, g.text, name) for g in moved]
        ours_all += [
            Suggested(
                m.start + offset,
                m.end + offset,
                slugs.get(m.term),
                m.certainty,
                m.kind,
                body[m.start : m.end],
            )
            for m in found
        ]
        offset += len(body) + 1000
    report = score(gold_all, ours_all)
    if not quiet:
        print(
            f"Gold: {gold_path} ({len(gold_all)} mentions on the stored bodies; "
            f"{len(lost_all)} in text the import cleaned away)"
        )
        for mode in ("exact", "overlap"):
            print(
                f"\n{mode}:  kind       recall certain   recall +confirm  "
                "precision certain  precision confirm  precision all"
            )
            for kind in ("all", *KINDS):
                print(
                    f"        {kind:<9}  {report.get('recall', mode, kind, 'certain')!s:<16} "
                    f"{report.get('recall', mode, kind, 'all')!s:<16} "
                    f"{report.get('precision', mode, kind, 'certain')!s:<18} "
                    f"{report.get('precision', mode, kind, 'confirm')!s:<18} "
                    f"{report.get('precision', mode, kind, 'all')}"
                )
        print(
            f"\nnew actor? suggestions: recall {report.new_recall} of the gold's new actors, "
            f"precision {report.new_precision}"
        )
        print(f"\nMisses ({len(report.misses)}):")
        for g in report.misses:
            print(f"  {g.role[:3]} {g.start:>6} {g.text!r} → {g.actor} ({g.kind})")
        print(f"False suggestions ({len(report.false)}):")
        for s in report.false:
            print(f"  {s.start:>6} {s.text!r} → {s.actor} ({s.certainty} {s.kind})")
    return report


def synthetic_vocabulary(rng: random.Random) -> tuple[list[TermRow], list[AliasRow]]:
    """10,000 terms and 60,000 aliases: invented capitalised names of one to four words."""
    syllables = "ka ri mo sa le ni ba ha ta du ze qa ro ma li na fe go vi ur an el om".split()  # noqa: SIM905

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()

    terms = [
        TermRow(i, f"{word()} {word()}", "actor", rng.choice(["person", "organization"]), "")
        for i in range(1, SPEED_TERMS + 1)
    ]
    aliases = [
        AliasRow(rng.randint(1, SPEED_TERMS), " ".join(word() for _ in range(rng.randint(1, 4))))
        for _ in range(SPEED_ALIASES)
    ]
    return terms, aliases


def measure_speed() -> tuple[float, float, float]:
    """Median ms (wall clock, and CPU of this process) for a 20,000-word article's suggestions as the
    reader asks for them, uncached (the cache emptied before each run), with 10,000 terms and 60,000
    aliases in the database; and ms to compile that vocabulary once (what warm() does at start-up)."""
    rng = random.Random(20200103)
    rows, alias_rows = synthetic_vocabulary(rng)
    Term.objects.bulk_create(
        [
            Term(
                slug=f"synthetic-{row.id}",
                kind="actor",
                label=row.label,
                label_key=fold(row.label),
                actor_type=row.actor_type,
            )
            for row in rows
        ],
        batch_size=2000,
    )
    ids = dict(Term.objects.filter(slug__startswith="synthetic-").values_list("slug", "pk"))
    seen, aliases = set(Alias.objects.values_list("key", flat=True)), []
    for row in alias_rows:
        key = fold(row.name)
        if key not in seen:
            seen.add(key)
            aliases.append(
                Alias(term_id=ids[f"synthetic-{row.term_id}"], name=row.name, key=key, kind="actor")
            )
    Alias.objects.bulk_create(aliases, batch_size=5000)
    started = time.perf_counter()
    vocabulary_index()
    compile_ms = (time.perf_counter() - started) * 1000

    demo_dir = ROOT / "corpus" / "demo"
    words = " ".join(
        (demo_dir / name).read_text(encoding="utf-8")
        for name in sorted(os.listdir(demo_dir))
        if name.endswith(".txt")
    ).split()
    names = [alias.name for alias in aliases[:2000]]
    body_words: list[str] = []
    while len(body_words) < SPEED_WORDS:
        body_words += words[:200] + [rng.choice(names)]
        words = words[200:] + words[:200]
    body = " ".join(body_words[:SPEED_WORDS])
    article = Article.objects.create(title="Speed", body=body, sha256=Article.hash_body(body))
    times, cpu = [], []
    for _ in range(SPEED_RUNS):
        cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        suggestions_for(article)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(times), statistics.median(cpu), compile_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "gold" / "actor_mentions.dev.jsonl")
    parser.add_argument("--quiet", action="store_true", help="print the summary line only")
    args = parser.parse_args()
    if not args.gold.exists():
        raise SystemExit(f"No gold file at {args.gold}; give one with --gold FILE.")
    report = measure_quality(args.gold, args.quiet)
    median_ms, cpu_ms, compile_ms = measure_speed()
    load = os.getloadavg()[0]

    def f(table: str, kind: str, which: str = "all") -> str:
        ratio = report.get(table, "overlap", kind, which).ratio
        return "—" if ratio is None else f"{ratio:.2f}"

    print(
        f"\nsuggestions ({args.gold.name}, overlap, certain+confirm): names recall {f('recall', 'name')} "
        f"precision {f('precision', 'name')} (targets 0.97/0.97); metonyms recall {f('recall', 'metonym')}, "
        f"groups {f('recall', 'group')} (target 0.85); certain precision {f('precision', 'all', 'certain')} "
        f"(target 0.95); exact all: recall {report.get('recall', 'exact', 'all', 'all')!s} precision "
        f"{report.get('precision', 'exact', 'all', 'all')!s}; 20,000 words, 10,000 terms/60,000 aliases: "
        f"{median_ms:.0f} ms uncached, {cpu_ms:.0f} ms of CPU (target < 150; compiling the vocabulary once "
        f"{compile_ms / 1000:.1f} s); "
        f"load {load:.1f}"
    )


if __name__ == "__main__":
    main()
