"""Consultations: trainers schedule groups and slots; therapists book once the gate opens."""
