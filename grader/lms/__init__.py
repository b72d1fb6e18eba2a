"""Outputs for learning-management systems: the Gradescope autograder, the nbgrader gradebook and the
CSV gradebooks (gradebook.csv, Canvas).
"""
