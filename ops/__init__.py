"""Operations: what keeps Marginalia honest and recoverable in production.

Request ids and one log line per request, refusing bad input with a 4xx, honest answers after a
commit, the 400/500 pages, backup and restore, and the project bundle. `corpus` and `annotations`
may use it; it imports neither at module level (the bundle names their models by label).
"""
