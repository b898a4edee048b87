"""Event contracts of the marketplace: one module per bounded context.

Modules here import nothing but msgspec and the standard library.
"""
