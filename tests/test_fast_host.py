"""The fast kernels take host arrays; a GPU array gets a clear error (seen on an H100:
torch's own "can't convert cuda:0 device type tensor to numpy" otherwise)."""

import re

import numpy as np
import pytest

from crossent import fast, value_and_grad


class _DeviceArray:
    """Stands in for a CUDA tensor: an array-like that lives on a GPU."""

    device = "cuda:0"
    shape = (2, 3)
    dtype = np.dtype(np.float32)


def test_gpu_logits_are_refused_with_a_clear_message() -> None:
    msg = "softmax_cross_entropy_with_integer_labels: `logits` must be in host (CPU) memory; got a"
    with pytest.raises(TypeError, match=re.escape(msg)):
        fast.softmax_cross_entropy_with_integer_labels(_DeviceArray(), np.array([0, 1]))
    with pytest.raises(TypeError, match="computes on the array's own device"):
        value_and_grad.softmax_cross_entropy_with_integer_labels(
            _DeviceArray(), np.array([0, 1])
        )
