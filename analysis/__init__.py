"""Analysis of the team's coding: agreement between analysts (agreement.py, matching.py, scope.py,
output.py), the compare page where a lead adjudicates (compare.py), and the discourse network export
built on the coded claims (networks.py).

Depends on `annotations` (and so on `corpus`); neither depends on it.
"""
