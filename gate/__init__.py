"""Offline preview and policy gate for enterprise-identity stacks."""
