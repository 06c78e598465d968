"""Helpers to test ops and layers: gradient checks and the layer contract."""
from .gradcheck import GradcheckError, gradcheck

__all__ = ["gradcheck", "GradcheckError"]
