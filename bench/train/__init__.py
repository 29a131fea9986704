"""Training data for the planner's fitted weights (scripts/fit_planner.py); not evaluation data."""
