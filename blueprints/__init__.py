"""HTTP and durable entry points, one file per resource; each is a thin door onto `domain/`."""
