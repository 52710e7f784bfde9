"""`gate.api_shapes` reads botocore's API models without botocore: every shape and operation of
the services the gate checks (and a few more, for the kinds of shapes those lack) must come out as
botocore's own `ServiceModel` resolves it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.model
import pytest
from botocore.loaders import Loader

from gate import api_shapes

SERVICES = ("cognito-idp", "cognito-identity", "wafv2", "lambda", "sns")


def _view(shape: Any) -> dict[str, object]:
    """What the gate reads of a shape, one level deep, from either implementation."""
    view: dict[str, object] = {
        "name": shape.name,
        "type": shape.type_name,
        "kind": type(shape).__name__,
        "metadata": shape.metadata,
    }
    if shape.type_name == "structure":
        view["members"] = [(name, m.name, m.metadata) for name, m in shape.members.items()]
        view["required"] = list(shape.required_members)
    elif shape.type_name == "list":
        view["member"] = (shape.member.name, shape.member.metadata)
    elif shape.type_name == "map":
        view["key"] = (shape.key.name, shape.key.metadata)
        view["value"] = (shape.value.name, shape.value.metadata)
    elif shape.type_name == "string":
        view["enum"] = list(shape.enum)
    return view


@pytest.mark.parametrize("service", SERVICES)
def test_every_shape_and_operation_reads_as_botocore_resolves_it(service: str) -> None:
    loader = Loader()
    theirs = botocore.model.ServiceModel(loader.load_service_model(service, "service-2"))
    ours = api_shapes.load_service_model(service)
    assert ours.shape_names == theirs.shape_names
    for name in theirs.shape_names:
        assert _view(ours.shape_for(name)) == _view(theirs.shape_for(name)), name
    for operation in theirs.operation_names:
        expected = theirs.operation_model(operation).input_shape
        found = ours.input_shape(operation)
        assert (found and _view(found)) == (expected and _view(expected)), operation


def test_the_newest_api_version_is_read_as_botocores_loader_picks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore keeps one folder per API version; of those holding a `service-2` model
    (gzipped or not) the loader takes the newest, and so does `load_service_model`."""
    service = tmp_path / "example"
    for version, operation in [("2014-06-30", "Old"), ("2016-04-18", "New")]:
        (service / version).mkdir(parents=True)
        document: dict[str, Any] = {"shapes": {}, "operations": {operation: {}}, "metadata": {}}
        (service / version / "service-2.json").write_text(json.dumps(document), encoding="utf-8")
    (service / "2020-01-01").mkdir()  # a version folder without the model: not a version
    (service / "2020-01-01" / "paginators-1.json").write_text("{}", encoding="utf-8")
    loader = Loader(extra_search_paths=[str(tmp_path)], include_default_search_paths=False)
    assert loader.determine_latest_version("example", "service-2") == "2016-04-18"
    monkeypatch.setattr(api_shapes, "_data_folder", lambda: tmp_path)
    model = api_shapes.load_service_model("example")
    assert model.input_shape("New") is None
    with pytest.raises(KeyError):
        model.input_shape("Old")
