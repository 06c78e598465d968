"""Helpers to test ops and layers: gradient checks and the layer contract."""
from .gradcheck import GradcheckError, gradcheck
from .layer_test import run_layer_test

__all__ = ["gradcheck", "GradcheckError"]
__all__ += ["run_layer_test"]
