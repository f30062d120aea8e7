"""Pages for the recruiting domain, one module per area."""
