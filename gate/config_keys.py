"""Stack config keys as the Pulumi CLI parses them.

A key without a namespace belongs to the project (`stackConfigNamespacedWithProject` in
sdk/go/common/workspace/loaders.go); then `config.ParseKey` (sdk/go/common/resource/config/key.go)
takes `namespace:name`, reads the old spelling `namespace:config:name` as `namespace:name`, and
refuses any other key with colons. One parser for the gate's stack reader (`gate.stack`), its
finding locations (`gate.locate`) and the settings' error positions (`settings.loader`).
"""

from __future__ import annotations


def parse_config_key(raw: str, project: str) -> str | None:
    """`namespace:name` for a key as a stack file may write it; None for a key the CLI refuses."""
    parts = raw.split(":")
    if len(parts) == 1:
        return f"{project}:{raw}"
    if len(parts) == 2:
        return raw
    if len(parts) == 3 and parts[1] == "config":
        return f"{parts[0]}:{parts[2]}"
    return None


def config_name(raw: str) -> str:
    """A key's name without its namespace, however it is spelt: `userPool` for `userPool`,
    `enterprise-identity:userPool` and `enterprise-identity:config:userPool`."""
    return raw.rsplit(":", 1)[-1]
