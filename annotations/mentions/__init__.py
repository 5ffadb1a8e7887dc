"""Finding mentions of vocabulary actors in a text: the rules (rules.py), the vocabulary compiled
for them (index.py), the words of a text (text.py) and the facts they read (world.py, lexicon.py)."""
