"""Demo and benchmark data: the top layer, free to import every app and imported by none."""
