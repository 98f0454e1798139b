"""Faculty feedback on practice responses: requests, the review queue, scores."""
