"""Fourth held-out real-question corpus: cases the ``explain`` developers have not seen.

Built blind, like ``heldout.py``, ``heldout2.py`` and ``heldout3.py`` (nothing
under ``src/crossent/explain`` was read except the code list in ``_cause.py``,
and ``explain`` was not run on these inputs), from threads that none of the
earlier corpus files, ``docs/``, ``src/`` or the tests cite.  This set covers
the mirrors added last (transformers' Trainer, PaddlePaddle, MLX, ONNX,
``tf.compat.v1.losses``, XGBoost / CatBoost and Megatron).  Same schema and
harness: ``reproduce`` / ``reference`` run with ``y_true`` and ``y_pred`` bound
to NumPy arrays (``y_pred`` in ``dtype``; integer class ids as int64, anything
else in ``dtype``) and assign ``observed`` / ``expected``.  See
NOTES_heldout4.md for how each thread was found and rebuilt.
"""

from __future__ import annotations

from typing import Any

#: Prefix of the PaddlePaddle snippets.  PaddlePaddle 3.3 crashes (SIGSEGV) when it
#: is imported after TensorFlow, which the generator has already loaded when it runs
#: this file after the others, so ``fresh(body)`` runs ``body`` in a new interpreter:
#: ``y_true`` and ``y_pred`` go over stdin as JSON (float32 values are exact as
#: Python floats), and the value ``body`` assigns to ``result`` comes back.
_FRESH = (
    "import json, subprocess, sys\n"
    "def fresh(body):\n"
    "    prog = (\n"
    "        'import json, sys\\nimport numpy as np\\n'\n"
    "        'a = json.loads(sys.stdin.read())\\n'\n"
    '        \'y_true = np.asarray(a["y_true"], dtype=a["t"])\\n\'\n'
    '        \'y_pred = np.asarray(a["y_pred"], dtype=a["p"])\\n\'\n'
    "        + body\n"
    "        + '\\nprint(json.dumps(result))\\n'\n"
    "    )\n"
    "    data = json.dumps({'y_true': y_true.tolist(), 't': str(y_true.dtype), "
    "'y_pred': y_pred.tolist(), 'p': str(y_pred.dtype)})\n"
    "    out = subprocess.run([sys.executable, '-c', prog], input=data, "
    "capture_output=True, text=True, check=True)\n"
    "    return json.loads(out.stdout.strip().splitlines()[-1])\n"
)

#: Prefix of the Megatron snippets: ``tensor_parallel(world)`` runs megatron-core's
#: ``vocab_parallel_cross_entropy(label_smoothing=0.1)`` on ``world`` CPU processes
#: (a gloo group on a free local port), rank ``r`` holding vocabulary columns
#: ``r*V/world .. (r+1)*V/world``, and returns rank 0's per-token losses.
_TENSOR_PARALLEL = (
    "import json, socket, subprocess, sys\n"
    "_RANK = (\n"
    "    'import json, sys\\n'\n"
    "    'import numpy as np, torch, torch.distributed as dist\\n'\n"
    "    'rank, world, port, data = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], "
    "json.loads(sys.argv[4])\\n'\n"
    '    \'dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", '
    "rank=rank, world_size=world)\\n'\n"
    "    'from megatron.core import parallel_state\\n'\n"
    "    'from megatron.core.tensor_parallel.cross_entropy import "
    "vocab_parallel_cross_entropy\\n'\n"
    "    'parallel_state.initialize_model_parallel(world, 1)\\n'\n"
    '    \'z = np.asarray(data["z"], dtype="float32")\\n\'\n'
    "    'v = z.shape[-1] // world\\n'\n"
    "    'local = torch.from_numpy(z[:, None, rank * v : (rank + 1) * v].copy())\\n'\n"
    "    'target = torch.tensor(data[\"t\"])[:, None]\\n'\n"
    "    'loss = vocab_parallel_cross_entropy(local, target, label_smoothing=0.1)\\n'\n"
    "    'print(json.dumps([float(x) for x in loss.reshape(-1)]))\\n'\n"
    "    'dist.barrier()\\n'\n"
    "    'parallel_state.destroy_model_parallel()\\n'\n"
    "    'dist.destroy_process_group()\\n'\n"
    ")\n"
    "def tensor_parallel(world):\n"
    "    sock = socket.socket()\n"
    "    sock.bind(('127.0.0.1', 0))\n"
    "    port = str(sock.getsockname()[1])\n"
    "    sock.close()\n"
    "    data = json.dumps({'z': y_pred.tolist(), 't': y_true.tolist()})\n"
    "    procs = [subprocess.Popen([sys.executable, '-c', _RANK, str(r), str(world), port, "
    "data], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) "
    "for r in range(world)]\n"
    "    outs = [p.communicate()[0] for p in procs]\n"
    "    if any(p.returncode for p in procs):\n"
    "        raise RuntimeError('megatron rank failed')\n"
    "    return json.loads(outs[0].strip().splitlines()[-1])\n"
)

CASES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ 1
    {
        "id": "paddle-mean-with-default-ignore-index-divides-by-all-rows",
        "source": "https://github.com/PaddlePaddle/Paddle/pull/76033",
        "title": "Fix cross_entropy mean reduction incorrect when using ignore_index",
        "question": (
            "paddle.nn.functional.cross_entropy with reduction='mean' and the default "
            "ignore_index=-100 divides the summed loss by all N rows instead of the rows "
            "that are not ignored, so the loss is too small (PyTorch gives twice the value "
            "here, with 2 of 4 rows ignored)."
        ),
        "y_true": [0, -100, 2, -100],
        "y_pred": [
            [2.0, 0.5, -1.0],
            [0.1, 1.2, 0.3],
            [1.0, 1.0, 3.0],
            [0.0, -0.5, 0.5],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "paddle.nn.functional.cross_entropy",
        "options": {"ignore_index": -100},
        "reproduce": _FRESH
        + (
            "observed = fresh(\n"
            "    'import paddle\\n'\n"
            "    'import paddle.nn.functional as F\\n'\n"
            "    'result = float(F.cross_entropy(paddle.to_tensor(y_pred), '\n"
            "    'paddle.to_tensor(y_true), ignore_index=-100, reduction=\"mean\"))'\n"
            ")"
        ),
        "reference": (
            "import torch\n"
            "# the mean over the 2 rows that are not ignored (PyTorch, and the PR's fix)\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), ignore_index=-100))"
        ),
        "headline": "ignore_index",
        "acceptable": ["reduction"],
        "expert_answer": (
            "With soft_label=False and a negative ignore_index (the default -100), Paddle's "
            "'mean' branch skips the count of valid labels and divides by the total number of "
            "labels N, so every ignored row still counts in the denominator and the loss is "
            "too small by the fraction of ignored rows. The mean must divide by the number of "
            "labels != ignore_index (what PyTorch does); until the fix, use reduction='sum' and "
            "divide by that count."
        ),
    },
    # ------------------------------------------------------------------ 2
    {
        "id": "paddle-cross-entropy-on-raw-outputs-without-softmax-is-nan",
        "source": "https://github.com/PaddlePaddle/Paddle/issues/22045",
        "title": "去掉最后一层的softmax激活函数后，参数出现大量-nan",
        "question": (
            "After removing the softmax activation from the last layer, the cross-entropy "
            "loss (computed on the layer's outputs as probabilities) becomes nan and the "
            "parameters fill with -nan."
        ),
        "y_true": [0, 2, 1],
        "y_pred": [
            [-1.2, 0.8, 0.3, -0.4],
            [0.6, -0.9, 1.1, 0.2],
            [0.4, -0.3, -0.7, 1.5],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "paddle.nn.functional.cross_entropy",
        "options": {},
        "reproduce": _FRESH
        + (
            "# the old fluid cross_entropy: -log(input[label]) on probabilities, i.e.\n"
            "# use_softmax=False, fed the raw outputs of the last fc layer\n"
            "observed = fresh(\n"
            "    'import paddle\\n'\n"
            "    'import paddle.nn.functional as F\\n'\n"
            "    'out = F.cross_entropy(paddle.to_tensor(y_pred), paddle.to_tensor(y_true), '\n"
            "    'use_softmax=False, reduction=\"none\")\\n'\n"
            "    'result = [float(v) for v in out.numpy().reshape(-1)]'\n"
            ")"
        ),
        "reference": _FRESH
        + (
            "# keep the outputs as logits and let the loss apply the softmax\n"
            "expected = fresh(\n"
            "    'import paddle\\n'\n"
            "    'import paddle.nn.functional as F\\n'\n"
            "    'out = F.cross_entropy(paddle.to_tensor(y_pred), paddle.to_tensor(y_true), '\n"
            "    'reduction=\"none\")\\n'\n"
            "    'result = [float(v) for v in out.numpy().reshape(-1)]'\n"
            ")"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["nan_input"],
        "expert_answer": (
            "The cross-entropy after the removed softmax takes a log of the outputs; without "
            "the softmax the outputs range over (-inf, inf), and the log of a negative value "
            "is nan, which then spreads to the gradients and the parameters. Keep the softmax, "
            "or give the raw outputs to a loss that applies it itself "
            "(softmax_with_cross_entropy / cross_entropy with use_softmax=True)."
        ),
    },
    # ------------------------------------------------------------------ 3
    {
        "id": "paddleclas-teacher-logits-as-soft-labels-negative-loss",
        "source": "https://github.com/PaddlePaddle/PaddleClas/issues/2468",
        "title": "celoss.py中损失函数写错",
        "question": (
            "PaddleClas' CELoss applies F.softmax to a soft label before "
            "F.cross_entropy(soft_label=True); the reporter took it for a second softmax and it "
            "was removed, after which a later comment reports that distillation losses go "
            "negative or nan: the teacher's outputs are logits, not a distribution."
        ),
        "y_true": [
            [-3.0, 1.0, -2.0],
            [0.5, -1.5, 2.5],
        ],
        "y_pred": [
            [0.2, 1.4, -0.6],
            [0.3, -0.2, 1.8],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "paddle.nn.functional.cross_entropy",
        "options": {},
        "reproduce": _FRESH
        + (
            "# the teacher's logits passed as soft labels (the branch without F.softmax)\n"
            "observed = fresh(\n"
            "    'import paddle\\n'\n"
            "    'import paddle.nn.functional as F\\n'\n"
            "    'x, label = paddle.to_tensor(y_pred), paddle.to_tensor(y_true)\\n'\n"
            "    'result = float(F.cross_entropy(x, label=label, soft_label=True).mean())'\n"
            ")"
        ),
        "reference": _FRESH
        + (
            "# the original code: the teacher's logits turned into a distribution first\n"
            "expected = fresh(\n"
            "    'import paddle\\n'\n"
            "    'import paddle.nn.functional as F\\n'\n"
            "    'x, label = paddle.to_tensor(y_pred), paddle.to_tensor(y_true)\\n'\n"
            "    'label = F.softmax(label, axis=-1)\\n'\n"
            "    'result = float(F.cross_entropy(x, label=label, soft_label=True).mean())'\n"
            ")"
        ),
        "headline": "soft_labels",
        "acceptable": ["logits_as_probs"],
        "expert_answer": (
            "In this branch the label is the teacher's output (logits), so F.softmax(label) is "
            "needed: cross_entropy(soft_label=True) computes -sum(label * log_softmax(x)) and "
            "does not check that the label is a distribution. Without the softmax the labels "
            "have negative entries and rows that do not sum to 1, and the loss becomes "
            "negative (and can reach nan). The softmax applied by use_softmax=True is on the "
            "student's logits, not a second softmax."
        ),
    },
    # ------------------------------------------------------------------ 4
    {
        "id": "mlx-binary-cross-entropy-probabilities-into-with-logits-default",
        "source": "https://github.com/ml-explore/mlx/pull/492",
        "title": "Make the Binary Cross Entropy Loss able to handle probabilities as input.",
        "question": (
            "mlx.nn.losses.binary_cross_entropy is actually PyTorch's "
            "binary_cross_entropy_with_logits: given probabilities (as with PyTorch's BCELoss) "
            "it returns a different, larger loss."
        ),
        "y_true": [1, 0, 1, 0],
        "y_pred": [0.9, 0.2, 0.7, 0.4],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "mlx.nn.losses.binary_cross_entropy",
        "options": {},
        "reproduce": (
            "import mlx.core as mx\n"
            "import mlx.nn as nn\n"
            "# default with_logits=True: the probabilities are read as logits\n"
            "observed = float(nn.losses.binary_cross_entropy(mx.array(y_pred), "
            "mx.array(y_true.astype('float32'))).item())"
        ),
        "reference": (
            "import mlx.core as mx\n"
            "import mlx.nn as nn\n"
            "# the option the PR adds: the inputs are probabilities\n"
            "expected = float(nn.losses.binary_cross_entropy(mx.array(y_pred), "
            "mx.array(y_true.astype('float32')), with_logits=False).item())"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "MLX's binary_cross_entropy takes logits unless told otherwise (the PR adds "
            "with_logits, default True for backward compatibility): probabilities passed to it "
            "go through a sigmoid a second time, which squeezes them towards 0.5 and inflates "
            "the loss. Pass with_logits=False for probabilities, or feed the logits."
        ),
    },
    # ------------------------------------------------------------------ 5
    {
        "id": "mlx-swift-binary-cross-entropy-default-reduction-none",
        "source": "https://github.com/ml-explore/mlx-swift/pull/144",
        "title": "Change default reduction type of `binaryCrossEntropy` to `mean`",
        "question": (
            "MLX Swift's binaryCrossEntropy returned one loss per element by default while the "
            "Python API (and the usual training loop) gives the mean: the same logits give a "
            "vector instead of the scalar the Python code reports."
        ),
        "y_true": [1, 0, 1, 0],
        "y_pred": [1.2, -0.8, 2.5, 0.3],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "mlx.nn.losses.binary_cross_entropy(reduction='none')",
        "options": {},
        "reproduce": (
            "import mlx.core as mx\n"
            "import mlx.nn as nn\n"
            "# MLX Swift's old default, reproduced with Python MLX's reduction='none'\n"
            "out = nn.losses.binary_cross_entropy(mx.array(y_pred), "
            "mx.array(y_true.astype('float32')), reduction='none')\n"
            "observed = [float(v) for v in out.tolist()]"
        ),
        "reference": (
            "import mlx.core as mx\n"
            "import mlx.nn as nn\n"
            "# Python MLX's default reduction='mean'\n"
            "expected = float(nn.losses.binary_cross_entropy(mx.array(y_pred), "
            "mx.array(y_true.astype('float32'))).item())"
        ),
        "headline": "reduction",
        "acceptable": [],
        "expert_answer": (
            "The two APIs differed only in the default reduction: Swift returned the "
            "unreduced per-element losses ('none'), Python averages them ('mean'). The PR "
            "changes the Swift default to 'mean'; the per-element values are the same, and "
            "their mean is the Python number."
        ),
    },
    # ------------------------------------------------------------------ 6
    {
        "id": "onnx-softmax-ce-mean-lowering-ignores-ignore-index-count",
        "source": "https://github.com/llvm/torch-mlir/pull/3585",
        "title": "[onnx][torch] Fix `onnx.SoftmaxCrossEntropyLoss` for ignore index",
        "question": (
            "torch-mlir's lowering of ONNX SoftmaxCrossEntropyLoss with ignore_index and "
            "reduction='mean' divides the summed loss by the total number of labels, so it "
            "disagrees with onnxruntime whenever some labels are ignored."
        ),
        "y_true": [1, -100, 3, 0, -100],
        "y_pred": [
            [0.5, 1.5, -0.5, 0.2],
            [1.0, 0.0, 0.3, -1.0],
            [-0.2, 0.4, 0.1, 2.0],
            [2.2, -0.3, 0.0, 0.5],
            [0.3, 0.3, 0.3, 0.3],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "onnx.ops.SoftmaxCrossEntropyLoss(ignore_index=-100)",
        "options": {"ignore_index": -100},
        "reproduce": (
            "import onnx\n"
            "import onnxruntime as ort\n"
            "from onnx import TensorProto, helper\n"
            "def run(reduction):\n"
            "    node = helper.make_node('SoftmaxCrossEntropyLoss', ['x', 'y'], ['z'], "
            "reduction=reduction, ignore_index=-100)\n"
            "    g = helper.make_graph([node], 'g', "
            "[helper.make_tensor_value_info('x', TensorProto.FLOAT, list(y_pred.shape)), "
            "helper.make_tensor_value_info('y', TensorProto.INT64, list(y_true.shape))], "
            "[helper.make_tensor_value_info('z', TensorProto.FLOAT, None)])\n"
            "    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])\n"
            "    s = ort.InferenceSession(m.SerializeToString(), "
            "providers=['CPUExecutionProvider'])\n"
            "    return s.run(None, {'x': y_pred, 'y': y_true})[0]\n"
            "# the lowering before the fix: the masked sum divided by every label\n"
            "observed = float(run('sum')) / y_true.size"
        ),
        "reference": (
            "import onnx\n"
            "import onnxruntime as ort\n"
            "from onnx import TensorProto, helper\n"
            "node = helper.make_node('SoftmaxCrossEntropyLoss', ['x', 'y'], ['z'], "
            "reduction='mean', ignore_index=-100)\n"
            "g = helper.make_graph([node], 'g', "
            "[helper.make_tensor_value_info('x', TensorProto.FLOAT, list(y_pred.shape)), "
            "helper.make_tensor_value_info('y', TensorProto.INT64, list(y_true.shape))], "
            "[helper.make_tensor_value_info('z', TensorProto.FLOAT, None)])\n"
            "m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])\n"
            "s = ort.InferenceSession(m.SerializeToString(), providers=['CPUExecutionProvider'])\n"
            "# onnxruntime: the mean over the labels that are not ignored\n"
            "expected = float(s.run(None, {'x': y_pred, 'y': y_true})[0])"
        ),
        "headline": "ignore_index",
        "acceptable": ["reduction"],
        "expert_answer": (
            "With ignore_index set, the 'mean' of SoftmaxCrossEntropyLoss is the sum over the "
            "labels that are not ignored divided by how many of them there are (the spec and "
            "onnxruntime). The lowering summed correctly but divided by the total number of "
            "elements, so it needs the count of non-ignored labels as the denominator; the "
            "error shrinks as fewer labels are ignored."
        ),
    },
    # ------------------------------------------------------------------ 7
    {
        "id": "tf1-losses-sum-by-nonzero-weights-is-a-mean",
        "source": "https://github.com/tensorflow/tensorflow/issues/28763",
        "title": "Name of losses.Reduction.SUM_BY_NONZERO_WEIGHTS is misleading",
        "question": (
            "tf.compat.v1.losses with its default reduction SUM_BY_NONZERO_WEIGHTS returns a "
            "mean, not a sum: with weights [1, 0, 2, 1] the weighted losses are divided by 3."
        ),
        "y_true": [2, 0, 1, 1],
        "y_pred": [
            [0.2, -0.4, 1.3],
            [1.1, 0.0, -0.7],
            [0.5, 0.9, 0.1],
            [-1.0, 0.3, 0.8],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.compat.v1.losses.sparse_softmax_cross_entropy",
        "options": {"sample_weight": [1.0, 0.0, 2.0, 1.0]},
        "reproduce": (
            "import numpy as np\n"
            "import tensorflow as tf\n"
            "w = np.array([1.0, 0.0, 2.0, 1.0], dtype='float32')\n"
            "# default reduction: SUM_BY_NONZERO_WEIGHTS\n"
            "observed = float(tf.compat.v1.losses.sparse_softmax_cross_entropy("
            "y_true, y_pred, weights=w))"
        ),
        "reference": (
            "import numpy as np\n"
            "import tensorflow as tf\n"
            "w = np.array([1.0, 0.0, 2.0, 1.0], dtype='float32')\n"
            "# what the name suggests: the weighted sum\n"
            "expected = float(tf.compat.v1.losses.sparse_softmax_cross_entropy("
            "y_true, y_pred, weights=w, reduction=tf.compat.v1.losses.Reduction.SUM))"
        ),
        "headline": "reduction",
        "acceptable": ["weighting"],
        "expert_answer": (
            "SUM_BY_NONZERO_WEIGHTS is documented as the weighted sum divided by the number of "
            "non-zero weights, i.e. a mean over the examples that have weight; the behaviour "
            "follows the docs, only the name is misleading. Use Reduction.SUM for the sum. The "
            "tf.compat.v1 reduction is deprecated (Keras losses use SUM_OVER_BATCH_SIZE)."
        ),
    },
    # ------------------------------------------------------------------ 8
    {
        "id": "tf1-weighted-softmax-cross-entropy-vs-reduce-mean",
        "source": "https://github.com/thunlp/JointNRE/issues/8",
        "title": "the loss is calculated twice in cnn?",
        "question": (
            "The model computes tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(...)) "
            "and then overwrites it with tf.losses.softmax_cross_entropy(onehot_labels, logits, "
            "weights=self.weights): why two losses, and why are their values different?"
        ),
        "y_true": [
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0],
        ],
        "y_pred": [
            [1.5, 0.2, -0.3],
            [0.1, 0.4, 0.9],
            [-0.5, 0.0, 2.0],
            [0.3, 1.1, 0.2],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.compat.v1.losses.softmax_cross_entropy",
        "options": {"sample_weight": [0.2, 1.0, 3.0, 0.2]},
        "reproduce": (
            "import numpy as np\n"
            "import tensorflow as tf\n"
            "# per-instance weights (rare relations weigh more)\n"
            "w = np.array([0.2, 1.0, 3.0, 0.2], dtype='float32')\n"
            "observed = float(tf.compat.v1.losses.softmax_cross_entropy("
            "onehot_labels=y_true, logits=y_pred, weights=w))"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = float(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)))"
        ),
        "headline": "weighting",
        "acceptable": ["reduction"],
        "expert_answer": (
            "The second loss is the weighted one: tf.losses.softmax_cross_entropy multiplies "
            "each instance's cross-entropy by its weight (here chosen per relation class) "
            "before averaging, so it differs from the plain mean of the first line. The "
            "author tried both, saw no clear difference in training and says either can be "
            "used; the weighted one is the loss that is kept."
        ),
    },
    # ------------------------------------------------------------------ 9
    {
        "id": "xgboost-weighted-eval-logloss-vs-unweighted-sklearn-metric",
        "source": "https://github.com/dmlc/xgboost/issues/10040",
        "title": (
            "Weighting isnt applied when using custom/sklearn eval_metric callback via "
            "sklearn API"
        ),
        "question": (
            "With sample_weight_eval_set=[w], XGBoost's built-in logloss on the eval set is "
            "weighted, but a sklearn log_loss passed as eval_metric receives "
            "sample_weight=None, so the two log-losses printed for the same predictions "
            "differ."
        ),
        "y_true": [1, 0, 1, 1, 0, 0],
        "y_pred": [0.8, 0.3, 0.6, 0.9, 0.4, 0.2],
        "dtype": "float32",
        "user_believes_logits": False,
        # xgboost.metric.logloss is registered, but the generator's option check
        # (crossent.explain._spec.check_options) binds it with (2, 1) inputs, which
        # that mirror rejects; see NOTES_heldout4.md
        "against": None,
        "options": {"sample_weight": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]},
        "reproduce": (
            "import numpy as np\n"
            "import xgboost as xgb\n"
            "w = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0])\n"
            "p = y_pred.astype('float64')\n"
            "# the predictions as a fixed margin: one round with eta=0 keeps them unchanged\n"
            "d = xgb.DMatrix(np.arange(6.0).reshape(-1, 1), label=y_true, weight=w, "
            "base_margin=np.log(p / (1 - p)))\n"
            "res = {}\n"
            "xgb.train({'objective': 'binary:logistic', 'eval_metric': 'logloss', 'eta': 0.0, "
            "'nthread': 1}, d, num_boost_round=1, evals=[(d, 'eval')], evals_result=res, "
            "verbose_eval=False)\n"
            "observed = float(res['eval']['logloss'][-1])"
        ),
        "reference": (
            "from sklearn.metrics import log_loss\n"
            "# the custom eval_metric: sklearn's log_loss called without the weights\n"
            "expected = float(log_loss(y_true, y_pred.astype('float64')))"
        ),
        "headline": "weighting",
        "acceptable": [],
        "expert_answer": (
            "XGBoost's built-in logloss on an eval set uses that set's weights "
            "(sum(w * l) / sum(w)), but the sklearn-style metric wrapper called log_loss "
            "without sample_weight, so the custom metric is the unweighted mean of the same "
            "per-row losses. Pass the weights to the custom metric (the issue proposes "
            "forwarding them in the wrapper) or compare with log_loss(..., sample_weight=w)."
        ),
    },
    # ------------------------------------------------------------------ 10
    {
        "id": "catboost-multiclass-metric-use-weights-default",
        "source": "https://github.com/catboost/catboost/issues/1029",
        "title": "For Logloss add Logloss without use_weights to best_score_",
        "question": (
            "best_score_ reports 'MultiClass': 1.6292, equal to "
            "'MultiClass:use_weights=true', while 'MultiClass:use_weights=false' is 1.5479: "
            "which one is the log-loss of the predictions?"
        ),
        "y_true": [0, 2, 1, 2, 0],
        "y_pred": [
            [1.0, 0.2, -0.5],
            [0.1, 0.3, 0.9],
            [0.4, 0.2, 0.1],
            [1.2, -0.2, 0.0],
            [0.0, 0.8, 0.3],
        ],
        "dtype": "float64",
        "user_believes_logits": True,
        "against": "catboost.utils.eval_metric[MultiClass]",
        "options": {"sample_weight": [1.0, 3.0, 1.0, 0.5, 2.0]},
        "reproduce": (
            "from catboost.utils import eval_metric\n"
            "w = [1.0, 3.0, 1.0, 0.5, 2.0]\n"
            "# CatBoost's default for a metric: use_weights=true\n"
            "# approx: one row of class scores per object (N, K)\n"
            "observed = float(eval_metric(y_true.astype(float), y_pred, 'MultiClass', weight=w)[0])"
        ),
        "reference": (
            "from catboost.utils import eval_metric\n"
            "# use_weights=false treats every weight as 1; eval_metric ignores that\n"
            "# parameter and uses whatever weight it is given, so pass none\n"
            "expected = float(eval_metric(y_true.astype(float), y_pred, 'MultiClass')[0])"
        ),
        "headline": "weighting",
        "acceptable": [],
        "expert_answer": (
            "When the pool has weights, CatBoost's metrics use them by default "
            "(use_weights=true): MultiClass is then sum(w * l) / sum(w), the value in "
            "best_score_. 'MultiClass:use_weights=false' sets every weight to 1 and gives the "
            "plain mean. The maintainers add the unweighted value to best_score_ for "
            "Logloss as well, as they do for MultiClass."
        ),
    },
    # ------------------------------------------------------------------ 11
    {
        "id": "megatron-tp2-label-smoothing-uses-local-vocab",
        "source": "https://github.com/NVIDIA/Megatron-LM/issues/7464",
        "title": (
            "[Bug] Vocab-parallel label smoothing uses the local vocabulary size and the local "
            "mean log-probability"
        ),
        "question": (
            "With label_smoothing=0.1, vocab_parallel_cross_entropy gives a different loss "
            "when the same 8-word vocabulary is split over 2 tensor-parallel ranks than on one "
            "rank: the smoothing uses the local vocabulary size (4) and the mean "
            "log-probability of the local slice."
        ),
        "y_true": [3, 0, 6],
        "y_pred": [
            [0.3, -0.2, 1.0, 2.0, -0.5, 0.1, 0.4, -1.0],
            [1.5, 0.2, -0.3, 0.0, 0.6, -0.8, 0.9, 0.1],
            [-0.4, 0.5, 0.2, -1.2, 0.3, 0.0, 1.8, -0.6],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": (
            "megatron.core.tensor_parallel.cross_entropy.vocab_parallel_cross_entropy("
            "label_smoothing=0.1)"
        ),
        "options": {"label_smoothing": 0.1},
        "reproduce": _TENSOR_PARALLEL
        + (
            "# rank 0 of tensor parallelism 2: vocabulary entries 0-3 of the 8\n"
            "observed = tensor_parallel(2)"
        ),
        "reference": _TENSOR_PARALLEL
        + (
            "# the same call on one rank (tensor parallelism 1): the whole vocabulary\n"
            "expected = tensor_parallel(1)"
        ),
        "headline": "label_smoothing",
        "acceptable": [],
        "expert_answer": (
            "Megatron's smoothing is (1 - s) * nll - s * mean(log p) with s = alpha * V / (V - "
            "1). Under tensor parallelism both V and the mean are taken over the local slice "
            "of the vocabulary, so each rank computes a different smoothing term (and "
            "gradient). The proposed fix (PR #7466) all-reduces the sum of log-probabilities "
            "and uses the global vocabulary size, which restores the TP=1 loss."
        ),
    },
    # ------------------------------------------------------------------ 12
    {
        "id": "hf-trainer-logged-loss-not-divided-by-grad-accum",
        "source": "https://github.com/huggingface/transformers/issues/35204",
        "title": "logged loss is not correct with gradient accumulation",
        "question": (
            "With gradient_accumulation_steps=2 (transformers 4.46.3) the logged training "
            "loss is about twice the loss of the same data without accumulation: it is not "
            "divided by the accumulation steps."
        ),
        "y_true": [
            [-100, 2, 0, 3, 1],
            [-100, 1, 1, -100, -100],
        ],
        "y_pred": [
            [
                [0.2, 1.0, -0.3, 0.5],
                [1.2, -0.4, 0.3, 0.0],
                [0.1, 0.1, 1.5, -0.2],
                [-0.3, 0.8, 0.2, 1.1],
                [0.5, 0.4, -0.6, 0.9],
            ],
            [
                [0.0, 1.3, 0.2, -0.5],
                [0.9, 0.1, -0.2, 0.4],
                [-0.6, 0.7, 0.3, 0.2],
                [0.3, -0.1, 0.8, 0.0],
                [1.0, 0.2, 0.2, 0.2],
            ],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": (
            "transformers.trainer.logged_loss(gradient_accumulation_steps=2, version='4.46.3')"
        ),
        "options": {"ignore_index": -100},
        "reproduce": (
            "import torch\n"
            "from transformers.loss.loss_utils import ForCausalLMLoss\n"
            "z, y = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "ga = 2\n"
            "# num_items_in_batch: the scored tokens of the whole accumulated batch\n"
            "n = int((y[:, 1:] != -100).sum())\n"
            "tr_loss = 0.0\n"
            "for i in range(ga):\n"
            "    loss = ForCausalLMLoss(z[i : i + 1], y[i : i + 1], vocab_size=4, "
            "num_items_in_batch=n)\n"
            "    # the logged step loss is not divided by the accumulation steps (the\n"
            "    # report): each micro-batch adds ga times its share of the token mean\n"
            "    tr_loss += float(loss * ga)\n"
            "observed = tr_loss"
        ),
        "reference": (
            "import torch\n"
            "from transformers.loss.loss_utils import ForCausalLMLoss\n"
            "# the same 2 rows as one batch without accumulation: the token mean\n"
            "expected = float(ForCausalLMLoss(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), vocab_size=4))"
        ),
        "headline": "reduction",
        "acceptable": ["batch_mean", "magnitude"],
        "expert_answer": (
            "Each micro-batch loss is the sum over its tokens divided by num_items_in_batch "
            "(the scored tokens of the whole accumulated batch), so the step losses already add "
            "up to the token mean; the Trainer had scaled them for accumulation and did not "
            "divide the logged value by gradient_accumulation_steps again, so the logged loss "
            "is gradient_accumulation_steps times the token mean (a run with 2 steps logs twice "
            "the loss of the run without accumulation, the doubling also reported for 4.47.0). "
            "The Trainer's loss scaling was fixed to scale the loss before backward and to log "
            "it unscaled (transformers PR #35207)."
        ),
    },
    # ------------------------------------------------------------------ 13
    {
        "id": "fairseq-nat-loss-label-smoothing-mean-over-vocab",
        "source": "https://github.com/facebookresearch/fairseq/issues/3911",
        "title": "nat_loss.py label smoothing",
        "question": (
            "nat_loss.py computes loss = nll_loss * (1 - eps) - mean_ds(logits) * eps; shouldn't "
            "the smoothing part be mean_ds(logits) * eps / (V - 1)?"
        ),
        "y_true": [2, 0, 3],
        "y_pred": [
            [0.5, -0.2, 1.4, 0.1, -0.8],
            [1.1, 0.3, -0.5, 0.0, 0.2],
            [-0.3, 0.6, 0.2, 1.7, -0.1],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "eps = 0.1\n"
            "lprobs = F.log_softmax(torch.from_numpy(y_pred), dim=-1)\n"
            "nll = -lprobs.gather(1, torch.from_numpy(y_true)[:, None])[:, 0]\n"
            "# fairseq's _compute_loss: mean_ds averages over every element, classes included\n"
            "observed = float(nll.mean() * (1 - eps) - lprobs.mean() * eps)"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "eps = 0.1\n"
            "lprobs = F.log_softmax(torch.from_numpy(y_pred), dim=-1)\n"
            "nll = -lprobs.gather(1, torch.from_numpy(y_true)[:, None])[:, 0]\n"
            "# the reporter's proposal: the smoothing term divided by V - 1\n"
            "expected = float(nll.mean() * (1 - eps) - lprobs.mean() * eps / (y_pred.shape[-1] - 1))"
        ),
        "headline": "label_smoothing",
        "acceptable": [],
        "expert_answer": (
            "mean_ds takes the mean over all elements, the V classes included, so "
            "mean_ds(logits) * eps is already eps / V times the sum of the log-probabilities: "
            "the code is the usual eps / V label smoothing (the same number as PyTorch's "
            "label_smoothing=eps). Dividing again by V - 1 would shrink the smoothing term by "
            "that factor."
        ),
    },
    # ------------------------------------------------------------------ 14
    {
        "id": "book-figure-bceloss-given-the-logit",
        "source": "https://github.com/rasbt/machine-learning-book/issues/29",
        "title": "Loss functions for classification - logits/probabilities (page 472)",
        "question": (
            "The figure on page 472 shows the same y_pred = 0.8 in the BCELoss (probabilities) "
            "column and the BCEWithLogitsLoss (logits) column, while the code sets "
            "logits = [0.8] and probas = sigmoid(logits)."
        ),
        "y_true": [1.0],
        "y_pred": [0.8],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.binary_cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "# the figure's BCELoss column: the logit 0.8 used as a probability\n"
            "observed = float(torch.nn.BCELoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# the code: probas = sigmoid(logits), the same loss as BCEWithLogitsLoss(0.8)\n"
            "expected = float(torch.nn.BCELoss()(torch.sigmoid(torch.from_numpy(y_pred)), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "logits_as_probs",
        "acceptable": [],
        "expert_answer": (
            "The 0.8 in the code is a logit; BCELoss must be given sigmoid(0.8) = 0.69, and "
            "then both columns give the same loss. Writing 0.8 in the probability column reads "
            "the logit as a probability (the authors agree and fixed the figure)."
        ),
    },
    # ------------------------------------------------------------------ 15
    {
        "id": "keras3-categorical-crossentropy-axis1-smoothing-counts-last-axis",
        "source": "https://github.com/keras-team/keras/issues/23451",
        "title": (
            "Categorical_crossentropy and categorical_focal_crossentropy ignore axis for "
            "smoothing and warnings"
        ),
        "question": (
            "For a (batch, classes, spatial) tensor with 3 classes on axis 1, "
            "categorical_crossentropy(..., label_smoothing=0.1, axis=1) smooths with the size "
            "of the last axis (2) instead of the 3 classes."
        ),
        "y_true": [[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]],
        "y_pred": [[[0.8, 0.1], [0.1, 0.8], [0.1, 0.1]]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.categorical_crossentropy(axis=1)",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import keras\n"
            "observed = [float(v) for v in keras.losses.categorical_crossentropy("
            "y_true, y_pred, label_smoothing=0.1, axis=1).numpy().reshape(-1)]"
        ),
        "reference": (
            "import keras\n"
            "import numpy as np\n"
            "# the classes moved to the last axis: smoothing over the 3 classes\n"
            "yt, yp = np.moveaxis(y_true, 1, -1), np.moveaxis(y_pred, 1, -1)\n"
            "expected = [float(v) for v in keras.losses.categorical_crossentropy("
            "yt, yp, label_smoothing=0.1).numpy().reshape(-1)]"
        ),
        "headline": "axis",
        "acceptable": ["label_smoothing"],
        "expert_answer": (
            "The smoothing computes the number of classes from y_pred.shape[-1] whatever the "
            "axis, so with axis=1 it mixes in 0.1/2 instead of 0.1/3 and the loss is too high. "
            "num_classes must be read on the given axis (the reporter's expected behaviour; "
            "Keras 3.15.1 still smooths over the last axis). Until it does, move the classes "
            "to the last axis."
        ),
    },
    # ------------------------------------------------------------------ 16
    {
        "id": "tf-softmax-ce-labels-and-logits-swapped-negative-loss",
        "source": (
            "https://github.com/guillaume-chevalier/LSTM-Human-Activity-Recognition/issues/8"
        ),
        "title": "Different Performance Using the Current Version of lstm.py with TensorFlow r1.0",
        "question": (
            "After porting the LSTM to TensorFlow r1.0 the cross-entropy loss becomes negative "
            "and the accuracy is poor; the loss is written "
            "tf.nn.softmax_cross_entropy_with_logits(labels=pred_Y, logits=Y)."
        ),
        "y_true": [
            [0.0, 1.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ],
        "y_pred": [
            [-1.5, 2.2, 0.4, -0.3],
            [1.8, -0.6, -2.1, 0.5],
            [-0.2, 0.3, -1.7, 2.6],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "# the network's outputs passed as labels and the one-hot targets as logits\n"
            "observed = float(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
            "labels=y_pred, logits=y_true)))"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = float(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)))"
        ),
        "headline": "swapped_arguments",
        "acceptable": ["soft_labels"],
        "expert_answer": (
            "The arguments are inverted: the predictions went in as labels and the targets as "
            "logits (the old r0.11 positional order was (logits, labels); r1.0 uses keyword "
            "labels= and logits=). A cross-entropy with one-hot labels cannot be negative, which "
            "is the hint. Pass labels=Y, logits=pred_Y."
        ),
    },
    # ------------------------------------------------------------------ 17
    {
        "id": "pyllr-cllr-is-cross-entropy-in-bits",
        "source": "https://github.com/bsxfan/PYLLR/issues/5",
        "title": "CLLR/Cross Entropy Calculation",
        "question": (
            "In cllr.py the prior-weighted cross-entropy is divided by log(2) inside "
            "cross_entropy(); shouldn't the division happen in cllr() instead? Cllr does not "
            "match the cross-entropy computed with natural logs."
        ),
        "y_true": [1, 1, 1, 0, 0],
        "y_pred": [0.9, 0.7, 0.4, 0.2, 0.6],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": "sklearn.metrics.log_loss",
        "options": {"sample_weight": [2.0, 2.0, 2.0, 3.0, 3.0]},
        "reproduce": (
            "import numpy as np\n"
            "from sklearn.metrics import log_loss\n"
            "# flat prior: targets and non-targets weigh 1/2 each (weights 1/n_class)\n"
            "w = np.array([2.0, 2.0, 2.0, 3.0, 3.0])\n"
            "# Cllr: the prior-weighted cross-entropy in bits\n"
            "observed = float(log_loss(y_true, y_pred, sample_weight=w) / np.log(2))"
        ),
        "reference": (
            "import numpy as np\n"
            "from sklearn.metrics import log_loss\n"
            "w = np.array([2.0, 2.0, 2.0, 3.0, 3.0])\n"
            "# the same cross-entropy in nats\n"
            "expected = float(log_loss(y_true, y_pred, sample_weight=w))"
        ),
        "headline": "log_base",
        "acceptable": ["weighting"],
        "expert_answer": (
            "The division by log(2) converts nats to bits: the logs are natural, and Cllr is "
            "reported in bits so that 1 bit is the reference of an uninformative system, for "
            "Cllr and for the prior-weighted cross-entropy at any prior. The prior weighting "
            "and the base are independent choices; where the division happens does not change "
            "the value."
        ),
    },
    # ------------------------------------------------------------------ 18
    {
        "id": "mmdet-cross-entropy-ignore-index-averaged-over-all",
        "source": "https://github.com/open-mmlab/mmdetection/issues/7367",
        "title": "Inconsistency with loss function of PyTorch when using ingore_index arg",
        "question": (
            "mmdet's CrossEntropyLoss with ignore_index gives a different value from "
            "torch.nn.CrossEntropyLoss(ignore_index=...): PyTorch averages over the targets "
            "that are not ignored, mmdet over all of them."
        ),
        "y_true": [1, 255, 0, 2, 255, 255],
        "y_pred": [
            [0.2, 1.1, -0.4],
            [0.5, 0.5, 0.5],
            [1.6, 0.1, -0.2],
            [-0.7, 0.3, 0.9],
            [0.0, 1.0, 2.0],
            [2.0, 0.0, -1.0],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"ignore_index": 255},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# mmdet's cross_entropy: reduction='none' then weight_reduce_loss(mean)\n"
            "loss = F.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true), "
            "reduction='none', ignore_index=255)\n"
            "observed = float(loss.mean())"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "expected = float(F.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true), "
            "ignore_index=255))"
        ),
        "headline": "ignore_index",
        "acceptable": ["reduction"],
        "expert_answer": (
            "mmdet computes the per-element loss with reduction='none' (ignored targets give "
            "0) and then takes the mean over every element, so the ignored ones stay in the "
            "denominator and the loss shrinks with the fraction ignored. PyTorch's mean divides "
            "by the number of targets that are not ignored. Pass avg_factor (the count of "
            "valid targets) or use the avg_non_ignore option that mmdet added for this."
        ),
    },
    # ------------------------------------------------------------------ 19
    {
        "id": "policy-gradient-negative-advantage-as-cce-target",
        "source": "https://github.com/maxpumperla/deep_learning_and_the_game_of_go/issues/90",
        "title": "cross-entropy loss with negative reward/advantage resulting in nan values",
        "question": (
            "The policy / actor-critic agents train with categorical cross-entropy whose "
            "target row is the advantage (negative for bad moves) at the chosen move; the "
            "loss becomes negative, more negative, extremely negative and then nan."
        ),
        "y_true": [
            [0.0, 0.8, 0.0, 0.0],
            [-0.9, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, -0.6],
        ],
        "y_pred": [
            [0.1, 0.7, 0.1, 0.1],
            [1e-10, 0.5, 0.3, 0.2 - 1e-10],
            [0.3, 0.3, 0.4 - 1e-9, 1e-9],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.categorical_crossentropy",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = [float(v) for v in keras.losses.categorical_crossentropy("
            "y_true, y_pred).numpy()]"
        ),
        "reference": (
            "import keras\n"
            "import numpy as np\n"
            "# the same moves with the advantage's sign dropped: a proper one-hot target\n"
            "yt = (y_true != 0).astype('float32')\n"
            "expected = [float(v) for v in keras.losses.categorical_crossentropy("
            "yt, y_pred).numpy()]"
        ),
        "headline": "soft_labels",
        "acceptable": ["clipped"],
        "expert_answer": (
            "A negative advantage makes the target negative, and cross-entropy is unbounded "
            "below for such a target: the optimiser drives the probability of the punished "
            "move towards 0, -target * log(p) goes to -infinity (only Keras' 1e-7 clip bounds "
            "a single step) and training ends in nan. Targets must be non-negative "
            "distributions; put the advantage in a sample weight or a policy-gradient loss "
            "(-advantage * log p with a clipped or bounded objective) instead."
        ),
    },
    # ------------------------------------------------------------------ 20
    {
        "id": "cross-entropy-label-smoothing-with-inf-masked-logits",
        "source": "https://github.com/candle-org/MindAct/pull/1633",
        "title": "fix cross_entropy bug when logits has inf",
        "question": (
            "nn.functional.cross_entropy returns a non-finite loss when some logits are -inf "
            "(masked classes) and label smoothing is on, although the same call without "
            "smoothing is finite."
        ),
        "y_true": [0, 1],
        "y_pred": [
            [2.0, "-inf", 0.5, -1.0],
            [0.3, 1.2, "-inf", 0.0],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), label_smoothing=0.1))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "masked_logits",
        "acceptable": ["label_smoothing"],
        "expert_answer": (
            "Label smoothing puts eps/C of the target mass on every class, the masked ones "
            "included, so the smoothing term sums -log p over classes whose log-probability "
            "is -inf: the loss is infinite (nan in the gradient or in implementations that "
            "multiply 0 * inf). The fix skips the -inf entries in the smoothing sum (or mask "
            "with a large finite negative value instead of -inf)."
        ),
    },
]
