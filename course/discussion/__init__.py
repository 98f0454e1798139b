"""Discussion with faculty: one per module and scenario, questions, answers, moderation."""
