"""Awards: evaluation of opened bids, the award decision and its protests.

One aggregate per solicitation (``evaluation-<solicitation_id>``) holds the evaluators,
reviews, scores, the final ranking, its awards and their protests. The solicitation and
its unsealed bids come from this service's own read model, fed by the stream.
"""
