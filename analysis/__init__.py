"""Analysis of the team's coding: agreement between analysts (agreement.py, matching.py, scope.py,
output.py) and the compare page where a lead adjudicates (compare.py, views.py).

Depends on `annotations` (and so on `corpus`); neither depends on it.
"""
