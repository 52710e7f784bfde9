"""The program host (`python -m gate.program_host`) on programs shaped to break it."""

from __future__ import annotations

from pathlib import Path

from tests.program_host import run_program_host

MANY = 400

PROGRAM = f"""
import pulumi


class Thing(pulumi.CustomResource):
    def __init__(self, name: str, index: int, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Thing", name, {{"index": index}}, opts)


things = [Thing(f"thing-{{index}}", index) for index in range({MANY})]
last = Thing("last", -1, pulumi.ResourceOptions(depends_on=[things[399], things[7], things[250], things[31]]))
pulumi.export("count", len(things))
"""


def test_hundreds_of_resources_register_in_program_order(tmp_path: Path) -> None:
    """A stack with hundreds of resources (200 tenants make ~750) registers every one of them,
    in the order the program creates them, with dependencies in a stable order (the record is
    deterministic)."""
    (tmp_path / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    result = run_program_host(tmp_path / "__main__.py", preview=True)
    things = [r for r in result["registrations"] if r["type"] == "test:index:Thing"]
    assert [r["name"] for r in things] == [f"thing-{index}" for index in range(MANY)] + ["last"]
    # the SDK hands dependencies over as a set; the record sorts them, so reports do not reorder
    dependencies = things[-1]["dependencies"]
    assert [urn.rsplit("::", 1)[-1] for urn in dependencies] == [
        "thing-250",
        "thing-31",
        "thing-399",
        "thing-7",
    ]
