"""Assessments: quiz attempts, graded on the server."""
