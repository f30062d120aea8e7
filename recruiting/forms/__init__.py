"""Forms for the recruiting pages."""
