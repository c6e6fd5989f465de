"""One module per outside system, each implementing a protocol from `domain.ports`."""
