"""Views of the analysis app: agreement and adjudication (agreement.py), the network download (network.py)."""
