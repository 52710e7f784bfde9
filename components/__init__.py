"""Pulumi ComponentResources of enterprise-identity, one per module."""
