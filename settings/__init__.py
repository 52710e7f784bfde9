"""Typed, validated, immutable stack settings: the only place stack config is read.

``load_stack_settings(stack, raw)`` is the pure API (the gate and tests call it);
``load_settings_from_pulumi()`` reads the running program's config; ``read_secrets`` returns
the referenced ``secure:`` values as Pulumi secrets.
"""

from settings.errors import PROJECT, StackConfigError
from settings.loader import (
    load_settings_from_pulumi,
    load_stack_settings,
    raw_config_from_pulumi,
    read_secrets,
    secret_references,
    stack_file_name,
)
from settings.stack import StackSettings

__all__ = [
    "PROJECT",
    "StackConfigError",
    "StackSettings",
    "load_settings_from_pulumi",
    "load_stack_settings",
    "raw_config_from_pulumi",
    "read_secrets",
    "secret_references",
    "stack_file_name",
]
