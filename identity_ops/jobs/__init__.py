"""One module per command's job; each takes typed options and returns a report."""
