"""identity-ops: day-2 user management for a deployed Amazon Cognito user pool.

The package is split one module per concept: ``cli`` wires the commands, ``jobs`` holds each
command's job, and the modules beside them are the shared machinery (pool schema, row sources,
journal, rate limiter, executor, reports, redaction).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
