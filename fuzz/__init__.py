"""A fuzzing harness for the probe: hostile and broken media must end in findings, never in crashes.

``python -m fuzz --cases 10000`` is the long run; the test suite runs a few hundred cases.
"""
