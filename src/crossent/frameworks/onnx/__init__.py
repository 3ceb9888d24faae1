"""ONNX's loss operators (default domain, opsets 12–13+) as mirrors.

Reach them as ``crossent.frameworks.onnx.ops.SoftmaxCrossEntropyLoss`` and
``crossent.frameworks.onnx.ops.NegativeLogLikelihoodLoss``. Neither onnx nor
onnxruntime is imported.
"""

from __future__ import annotations

from crossent.frameworks.onnx import ops

__all__ = ["ops"]
