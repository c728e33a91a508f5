"""The customers' demo data: the step `kliento demo` runs first (step.py) and what it draws on (mix.py)."""
