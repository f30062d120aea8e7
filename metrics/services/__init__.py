"""The metrics app's writes: the clients' weekly reports (`reports`)."""
