"""A model's architecture (no weights) as a JSON string, and back."""
import json

from .serialization import deserialize_keras_object, serialize_keras_object


def to_json(model, **kwargs):
    """The model's config in Keras 3's layout as JSON; `kwargs` go to `json.dumps`."""
    return json.dumps(serialize_keras_object(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new model (fresh weights) from the JSON of `to_json` or of Keras 3."""
    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as error:
        raise ValueError(f"model_from_json: not valid JSON ({error})") from None
    return deserialize_keras_object(config, custom_objects)
