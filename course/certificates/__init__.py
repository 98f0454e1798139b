"""Completion certificates: the PDF and its verification code (no Flask here)."""
