"""Analysis built on the coded claims: the discourse network export (speakers, targets, stances).

Depends on `annotations` (and so on `corpus`); neither depends on it.
"""
