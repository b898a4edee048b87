"""Everything that touches a server: store, bus, relay, runners, HTTP, CLI."""
