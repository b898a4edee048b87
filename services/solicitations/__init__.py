"""Solicitations: the lifecycle of a buying need, the legal rules on publishing, addenda,
Q&A, the evaluation criteria library, and follows that turn publications into notices."""
