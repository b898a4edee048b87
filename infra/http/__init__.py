"""The HTTP edge: app factory, authentication, error mapping, system routes."""
