"""The AWS API models botocore ships, read as the JSON they are, without botocore's runtime.

botocore keeps each service's model at `botocore/data/<service>/<api-version>/service-2.json.gz`:
the shapes AWS's SDKs and API reference pages are generated from. botocore's own `Loader` and
`ServiceModel` import its HTTP stack with them (urllib3, ssl, http.client, email: about 0.1 s of
CPU, a tenth of a whole gate run on prod), where the gate only looks shapes up by name. This
module reads the newest version of a service's model from botocore's data folder, found without
importing botocore, and gives the part of `botocore.model`'s interface the gate uses, resolved
the same way (a member reference's traits are merged over the shape it names, as
`botocore.model.ShapeResolver.resolve_shape_ref` does). `tests/gate/test_api_shapes.py` checks
every shape of the models the gate reads against botocore's own `ServiceModel`.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

METADATA_ATTRS: Final = (
    "required",
    "min",
    "max",
    "pattern",
    "sensitive",
    "enum",
    "idempotencyToken",
    "error",
    "exception",
    "endpointdiscoveryid",
    "retryable",
    "document",
    "union",
    "contextParam",
    "clientContextParams",
    "requiresLength",
)
"""The keys of a shape's model that `botocore.model.Shape.metadata` exposes."""


class Shape:
    """A shape of the model (`botocore.model.Shape`): its name, type and constraints."""

    def __init__(self, name: str, model: Mapping[str, Any], service: ServiceModel) -> None:
        self.name = name
        self.type_name: str = model["type"]
        self.metadata: dict[str, Any] = {k: model[k] for k in METADATA_ATTRS if k in model}
        self._model = model
        self._service = service


class StructureShape(Shape):
    @functools.cached_property
    def members(self) -> dict[str, Shape]:
        """Each member's shape, in the model's order."""
        return {
            name: self._service.resolve(ref) for name, ref in self._model.get("members", {}).items()
        }

    @property
    def required_members(self) -> list[str]:
        required: list[str] = self.metadata.get("required", [])
        return required


class ListShape(Shape):
    @functools.cached_property
    def member(self) -> Shape:
        return self._service.resolve(self._model["member"])


class MapShape(Shape):
    @functools.cached_property
    def key(self) -> Shape:
        return self._service.resolve(self._model["key"])

    @functools.cached_property
    def value(self) -> Shape:
        return self._service.resolve(self._model["value"])


class StringShape(Shape):
    @property
    def enum(self) -> list[str]:
        values: list[str] = self.metadata.get("enum", [])
        return values


_SHAPE_CLASSES: Final[dict[str, type[Shape]]] = {
    "structure": StructureShape,
    "list": ListShape,
    "map": MapShape,
    "string": StringShape,
}


class ServiceModel:
    """One service's model: its shapes by name and its operations' input shapes."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._shapes: Mapping[str, Mapping[str, Any]] = document["shapes"]
        self._operations: Mapping[str, Mapping[str, Any]] = document["operations"]

    @property
    def shape_names(self) -> list[str]:
        return list(self._shapes)

    def shape_for(self, name: str, traits: Mapping[str, Any] | None = None) -> Shape:
        """The shape called `name`, with a member reference's `traits` merged over its model."""
        model = self._shapes[name]
        if traits:
            model = {**model, **traits}
        return _SHAPE_CLASSES.get(model["type"], Shape)(name, model, self)

    def resolve(self, reference: Mapping[str, Any]) -> Shape:
        """The shape a member reference (`{"shape": name, <traits>}`) names."""
        traits = {k: v for k, v in reference.items() if k != "shape"}
        return self.shape_for(reference["shape"], traits)

    def input_shape(self, operation: str) -> Shape | None:
        """The operation's input shape; None for an operation that takes no input."""
        reference = self._operations[operation].get("input")
        return self.resolve(reference) if reference else None


def load_service_model(service: str) -> ServiceModel:
    """The newest API version of `service` that botocore ships (as `botocore.loaders.Loader`
    picks it among botocore's own data; models a user keeps in `~/.aws/models` are not read)."""
    versions = [folder for folder in (_data_folder() / service).iterdir() if _model_file(folder)]
    newest = max(versions, key=lambda folder: folder.name)
    path = _model_file(newest)
    assert path is not None
    text = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return ServiceModel(json.loads(text))


def _model_file(folder: Path) -> Path | None:
    for name in ("service-2.json.gz", "service-2.json"):
        if (folder / name).is_file():
            return folder / name
    return None


def _data_folder() -> Path:
    """botocore's `data` folder, found without running botocore's package code."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("botocore, whose API models the gate reads, is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"
