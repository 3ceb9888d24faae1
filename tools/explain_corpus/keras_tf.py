"""Real-question corpus: Keras / tf.keras / TensorFlow cross-entropy confusion.

Each case rebuilds, with small arrays, the situation of one public thread and
reproduces the user's number(s) with the real framework (``reproduce``) and,
where there is one, the number they expected (``reference``).  Snippets run
with ``y_true`` and ``y_pred`` already converted to numpy arrays of ``dtype``
and must assign ``observed`` (and ``expected``).  See NOTES_keras_tf.md.
"""

from __future__ import annotations

from typing import Any

CASES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ 1
    {
        "id": "keras-double-softmax-from-logits",
        "source": "https://github.com/keras-team/keras/issues/6143",
        "title": "Wrong invocation of TensorFlow BackEnd for categorical_crossentropy computation",
        "question": (
            "The user passed the output of a softmax to keras.backend.categorical_crossentropy "
            "with from_logits=True (reading the docstring as 'output is the result of a softmax') "
            "and got a mean loss of 0.488548 on a perfectly separable two-class example, "
            "instead of the ~0.3133 of the probability path."
        ),
        "y_true": [[1.0, 0.0], [0.0, 1.0]],
        "y_pred": [[0.7310586, 0.2689414], [0.2689414, 0.7310586]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.CategoricalCrossentropy",
        "options": {},
        "reproduce": (
            "import keras, numpy as np\n"
            "observed = float(np.mean(keras.losses.categorical_crossentropy("
            "y_true, y_pred, from_logits=True)))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "from_logits=True means the tensor is the pre-softmax logits: Keras then applies "
            "softmax itself (tf.nn.softmax_cross_entropy_with_logits), so a softmax output is "
            "softmaxed twice; pass softmax outputs with from_logits=False."
        ),
    },
    # ------------------------------------------------------------------ 2
    {
        "id": "tf-nn-softmax-ce-on-softmax-output",
        "source": "https://github.com/aymericdamien/TensorFlow-Examples/issues/50",
        "title": "questions about softmax + cross_entropy v.s. softmax_cross_entropy_with_logits",
        "question": (
            "In a TF1 logistic-regression example the user replaced "
            "reduce_mean(-reduce_sum(y*log(pred))) with "
            "reduce_mean(tf.nn.softmax_cross_entropy_with_logits(tf.nn.softmax(xW+b), y)), "
            "believing the two equivalent, and got a different, badly behaved loss."
        ),
        "y_true": [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]],
        "y_pred": [
            [0.702995, 0.156859, 0.035, 0.105146],
            [0.159463, 0.585117, 0.176234, 0.079187],
            [0.015924, 0.043286, 0.869423, 0.071367],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "textbook.categorical",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "observed = float(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)))"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = float(tf.reduce_mean(-tf.reduce_sum(y_true * tf.math.log(y_pred), axis=1)))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "The mistake is the extra tf.nn.softmax: softmax_cross_entropy_with_logits applies "
            "softmax internally, so it must receive the unscaled xW+b, not the softmax output."
        ),
    },
    # ------------------------------------------------------------------ 3
    {
        "id": "keras-sparse-ce-on-logits-default-from-logits",
        "source": "https://github.com/xiph/LPCNet/issues/97",
        "title": "Is there a problem in the loss function",
        "question": (
            "A reviewer noticed that the model's last layer outputs logits but the code calls "
            "sparse_categorical_crossentropy with the default from_logits=False, so Keras treats "
            "the raw scores as probabilities (and clips them) instead of applying softmax."
        ),
        "y_true": [2, 0, 1],
        "y_pred": [
            [-1.2, 0.3, 2.1, 0.4],
            [1.8, -0.6, 0.2, -2.0],
            [0.1, 0.9, -0.3, 1.2],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.SparseCategoricalCrossentropy()(y_true.astype('int64'), y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)("
            "y_true.astype('int64'), y_pred))"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["clipped", "renormalized"],
        "expert_answer": (
            "The output is logits, so from_logits=True must be set; otherwise the loss clips the "
            "values to [eps, 1-eps] and takes their log as if they were probabilities."
        ),
    },
    # ------------------------------------------------------------------ 4
    {
        "id": "keras-cce-softmax-vs-tf-nn-large-logits",
        "source": "https://github.com/keras-team/keras/issues/7563",
        "title": "differences between categorical_crossentropy and tf.nn.softmax_cross_entropy_with_logits?",
        "question": (
            "With logits [[300,100,100],[-100,200,500]] the user got 8.05904786964 from "
            "K.categorical_crossentropy(K.softmax(X), Y) but 150.0 from "
            "tf.nn.softmax_cross_entropy_with_logits(logits=X, labels=Y), while both agreed "
            "(1.645) for small logits."
        ),
        "y_true": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
        "y_pred": [[300.0, 100.0, 100.0], [-100.0, 200.0, 500.0]],
        "dtype": "float64",
        "user_believes_logits": True,
        "against": "tf.nn.softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import keras, tensorflow as tf\n"
            "observed = float(tf.reduce_mean(keras.losses.categorical_crossentropy("
            "y_true, tf.nn.softmax(y_pred))))"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = float(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)))"
        ),
        "headline": "clipped",
        "acceptable": ["overflow"],
        "expert_answer": (
            "softmax(X) saturates to exact 0/1, and Keras' probability path clips p to "
            "[1e-7, 1-1e-7], so each wrong row costs at most -log(1e-7)=16.118 (mean 8.059); "
            "the logits path computes the exact log-softmax (300 and 0 -> mean 150)."
        ),
    },
    # ------------------------------------------------------------------ 5
    {
        "id": "keras-cce-renormalises-unnormalised-rows",
        "source": "https://coderoad.ru/72241763/Почему-результат-категориальной-кросс-энтропии-в-tensorflow-отличается-от",
        "title": "Why is the result of categorical cross-entropy in tensorflow different from the definition?",
        "question": (
            "The user's -sum(y*log(p)) gives 0.35667497 for both [0.1,0.1,0.1,0.7] and "
            "[0.1,0.3,0.1,0.7] (target class 3), but tf.keras.losses.CategoricalCrossentropy "
            "gives 0.35667497 and 0.5389965."
        ),
        "y_true": [[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0]],
        "y_pred": [[0.1, 0.1, 0.1, 0.7], [0.1, 0.3, 0.1, 0.7]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "textbook.categorical",
        "options": {},
        "reproduce": (
            "import keras\n"
            "cce = keras.losses.CategoricalCrossentropy()\n"
            "observed = [float(cce(y_true[i:i+1], y_pred[i:i+1])) for i in range(2)]"
        ),
        "reference": (
            "import numpy as np\n"
            "expected = [float(v) for v in -np.sum(y_true * np.log(y_pred), axis=1)]"
        ),
        "headline": "renormalized",
        "acceptable": [],
        "expert_answer": (
            "The user found the answer: Keras scales each prediction row so it sums to 1 before "
            "the log, so the second row's 0.7 becomes 0.7/1.2 = 0.5833 (-log = 0.539)."
        ),
    },
    # ------------------------------------------------------------------ 6
    {
        "id": "tf-sigmoid-probs-with-categorical-formula",
        "source": "https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1",
        "title": "Tensorflow Sigmoid and Cross Entropy vs Sigmoid_Cross_Entropy_With_Logits",
        "question": (
            "The user computed -reduce_sum(p*log(sigmoid(logit_q)), 1) and "
            "reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=p, logits=logit_q), 1) "
            "for the same inputs and got different values, although the two agree for softmax."
        ),
        "y_true": [[0.0, 0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]],
        "y_pred": [[0.2, 0.2, 0.2, 0.2, 0.2], [0.3, 0.3, 0.2, 0.1, 0.1]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.sigmoid_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "q = tf.nn.sigmoid(y_pred)\n"
            "observed = [float(v) for v in -tf.reduce_sum(y_true * tf.math.log(q), axis=1)]"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = [float(v) for v in tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred), axis=1)]"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["multi_label"],
        "expert_answer": (
            "-sum(p log q) is the multi-class formula that matches softmax CE; for independent "
            "sigmoid outputs the binary cross-entropy needs the (1-p)*-log(1-q) term as well, "
            "which is what sigmoid_cross_entropy_with_logits computes."
        ),
    },
    # ------------------------------------------------------------------ 7
    {
        "id": "keras-cce-single-sigmoid-unit",
        "source": "https://stats.stackexchange.com/questions/565956/confused-with-binary-cross-entropy-vs-categorical-cross-entropy",
        "title": "Confused with binary cross-entropy vs categorical cross-entropy",
        "question": (
            "A binary classifier with one sigmoid output unit got 26% accuracy and predicted only "
            "one class when trained with categorical_crossentropy, but 98% with "
            "binary_crossentropy; the user asked why the two losses behave so differently."
        ),
        "y_true": [[1.0], [0.0], [0.0], [1.0]],
        "y_pred": [[0.8], [0.3], [0.6], [0.4]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.BinaryCrossentropy",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["renormalized"],
        "expert_answer": (
            "With one output neuron categorical cross-entropy reduces to -y log p, dropping the "
            "(1-y) log(1-p) term, so it is minimised by predicting 1 for everything; use "
            "binary_crossentropy, or k softmax outputs with categorical_crossentropy."
        ),
    },
    # ------------------------------------------------------------------ 8
    {
        "id": "keras-bce-on-one-hot-multiclass",
        "source": "https://intellipaat.com/community/17161/keras-model-evaluate-vs-model-predict-accuracy-difference-in-multi-class-nlp-task",
        "title": "Keras: model.evaluate vs model.predict accuracy difference in multi-class NLP task",
        "question": (
            "A 19-class model with sigmoid outputs and one-hot labels, compiled with "
            "binary_crossentropy, reports a tiny loss and 98% 'accuracy' in evaluate, while "
            "argmax predictions are only 83% correct."
        ),
        "y_true": [
            [0.0, 1.0, 0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0, 0.0],
        ],
        "y_pred": [
            [0.05, 0.62, 0.2, 0.03, 0.04],
            [0.35, 0.1, 0.45, 0.02, 0.05],
            [0.02, 0.05, 0.04, 0.9, 0.01],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.CategoricalCrossentropy",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": [],
        "expert_answer": (
            "For single-label multi-class data use softmax + categorical_crossentropy; "
            "binary_crossentropy treats the 19 columns as independent binary problems (and Keras "
            "then reports binary accuracy), which inflates the numbers."
        ),
    },
    # ------------------------------------------------------------------ 9
    {
        "id": "tf-keras-evaluate-uses-sigmoid-logits",
        "source": "https://discuss.ai.google.dev/t/model-evaluate-not-returning-expected-loss-in-certain-contexts/27333",
        "title": "Model.evaluate() not returning expected loss in certain contexts",
        "question": (
            "A model ending in Dense(1, activation='sigmoid') predicts exactly 1.0 for a target "
            "of 0; binary_crossentropy on model.predict gives 15.333239, but model.evaluate "
            "reports 909.5417, and the evaluate number scales with the input."
        ),
        "y_true": [[0.0]],
        "y_pred": [[1.0]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.binary_crossentropy",
        "options": {},
        "reproduce": (
            "import numpy as np, tf_keras\n"
            "m = tf_keras.Sequential([tf_keras.Input(shape=(1,)), "
            "tf_keras.layers.Dense(1, activation='sigmoid')])\n"
            "m.layers[-1].set_weights([np.zeros((1, 1), 'float32'), np.array([909.5417], 'float32')])\n"
            "m.compile(loss=tf_keras.losses.binary_crossentropy)\n"
            "x = np.ones((1, 1), 'float32')\n"
            "observed = [float(m.evaluate(x, y_true, verbose=0)), "
            "float(np.mean(tf_keras.losses.binary_crossentropy(y_true, m.predict(x, verbose=0))))]"
        ),
        "reference": (
            "import numpy as np, tf_keras\n"
            "expected = float(np.mean(tf_keras.losses.binary_crossentropy(y_true, y_pred)))"
        ),
        "headline": "fit_vs_call",
        "acceptable": ["clipped"],
        "expert_answer": (
            "Inside fit/evaluate the sigmoid output carries its pre-activation (_keras_logits), "
            "so Keras computes the loss from the logit (909.54 for a logit of 909.54 and target 0); "
            "predict() returns plain probabilities, which are clipped at 1-1e-7 (15.33)."
        ),
    },
    # ------------------------------------------------------------------ 10
    {
        "id": "tf-keras-bce-two-softmax-outputs-evaluate",
        "source": "https://discuss.tensorflow.org/t/unexpected-value-of-binary-crossentropy-loss-function-in-classifier-network-with-two-outputs/11073",
        "title": "Unexpected value of binary_crossentropy loss function in classifier network with two outputs",
        "question": (
            "A binary classifier with a 2-unit softmax output compiled with BinaryCrossentropy: "
            "predict gives [0.5152152, 0.48478484], the loss function and a manual BCE both give "
            "0.72405, but model.evaluate reports 0.7084983."
        ),
        "y_true": [[0.0, 1.0]],
        "y_pred": [[0.5152152, 0.48478484]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.BinaryCrossentropy",
        "options": {},
        "reproduce": (
            "import numpy as np, tf_keras\n"
            "# pre-softmax logits rebuilt from the thread: softmax gives the printed prediction and\n"
            "# evaluate gives the printed 0.7085 (z0 - z1 = log(0.5152152/0.48478484))\n"
            "z = np.array([0.0193, 0.0193 - 0.06087951], 'float32')\n"
            "m = tf_keras.Sequential([tf_keras.Input(shape=(1,)), "
            "tf_keras.layers.Dense(2, activation='softmax')])\n"
            "m.layers[-1].set_weights([np.zeros((1, 2), 'float32'), z])\n"
            "m.compile(loss=tf_keras.losses.BinaryCrossentropy())\n"
            "x = np.ones((1, 1), 'float32')\n"
            "observed = [float(m.evaluate(x, y_true, verbose=0)), "
            "float(tf_keras.losses.BinaryCrossentropy()(y_true, m.predict(x, verbose=0)))]"
        ),
        "reference": (
            "import tf_keras\n"
            "expected = float(tf_keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "headline": "fit_vs_call",
        "acceptable": ["binary_vs_categorical", "probs_as_logits"],
        "expert_answer": (
            "In fit/evaluate Keras finds the softmax's pre-activation (_keras_logits) and "
            "BinaryCrossentropy switches to sigmoid_cross_entropy_with_logits on those softmax "
            "logits, which is a different quantity from BCE on the softmax probabilities; with "
            "two mutually exclusive outputs use categorical_crossentropy."
        ),
    },
    # ------------------------------------------------------------------ 11
    {
        "id": "tf-keras-binary-focal-alpha-ignored",
        "source": "https://github.com/tensorflow/tensorflow/issues/61519",
        "title": "BinaryFocalCrossentropy: alpha does not work",
        "question": (
            "BinaryFocalCrossentropy(gamma=2, from_logits=True) returns 0.6932789 whether alpha is "
            "0.25, 10 or 100; the user expected 0.51168 for alpha=0.25."
        ),
        "y_true": [[0.0], [1.0], [0.0], [0.0]],
        "y_pred": [[-1.6], [0.51], [2.94], [-1.8]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf_keras.losses.BinaryFocalCrossentropy(from_logits=True, gamma=2.0, alpha=0.25, apply_class_balancing=True)",
        "options": {"gamma": 2.0, "alpha": 0.25},
        "reproduce": (
            "import tf_keras\n"
            "observed = [float(tf_keras.losses.BinaryFocalCrossentropy(gamma=2, alpha=a, "
            "from_logits=True)(y_true, y_pred)) for a in (0.25, 10.0, 100.0)]"
        ),
        "reference": (
            "import tf_keras\n"
            "expected = float(tf_keras.losses.BinaryFocalCrossentropy(gamma=2, alpha=0.25, "
            "apply_class_balancing=True, from_logits=True)(y_true, y_pred))"
        ),
        "headline": "focal",
        "acceptable": ["weighting"],
        "expert_answer": (
            "alpha is only used when apply_class_balancing=True (default False); set it to get the "
            "alpha-weighted focal loss."
        ),
    },
    # ------------------------------------------------------------------ 12
    {
        "id": "tf-cross-entropy-log2-vs-ln",
        "source": "https://stats.stackexchange.com/questions/295174/difference-in-log-base-for-cross-entropy-calcuation",
        "title": "Difference in log base for cross entropy calcuation",
        "question": (
            "The user had seen cross-entropy computed with log base 2 and noticed TensorFlow's "
            "tf.log is the natural log, so their bit-based numbers differ from TensorFlow's."
        ),
        "y_true": [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]],
        "y_pred": [[0.7, 0.1, 0.1, 0.1], [0.2, 0.2, 0.5, 0.1]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.CategoricalCrossentropy",
        "options": {},
        "reproduce": (
            "import numpy as np\n"
            "observed = float(np.mean(-np.sum(y_true * np.log2(y_pred), axis=1)))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred))"
        ),
        "headline": "log_base",
        "acceptable": [],
        "expert_answer": (
            "log base e and log base 2 differ by the constant factor ln 2: bits vs nats; "
            "neither is better, the loss is just scaled."
        ),
    },
    # ------------------------------------------------------------------ 13
    {
        "id": "tf-reduce-sum-vs-reduce-mean-batch",
        "source": "https://whosebug.com/question/3568786/Why-is-the-reduce-mean-applied-to-the-output-of-sparse-softmax-cross-entropy-with-logits",
        "title": "Why is the reduce_mean applied to the output of sparse_softmax_cross_entropy_with_logits?",
        "question": (
            "Tutorials use either cross_entropy = -tf.reduce_sum(y_*tf.log(y_conv)) or "
            "tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(...)); the user asked "
            "why the numbers differ and why reduce_mean is applied."
        ),
        "y_true": [3, 0, 1, 2],
        "y_pred": [
            [0.1, -0.4, 0.3, 1.9],
            [2.2, 0.1, -1.0, 0.0],
            [0.5, 0.7, -0.2, 0.1],
            [-0.3, 0.2, 1.1, 0.4],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.sparse_softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "y_ = tf.one_hot(y_true.astype('int32'), 4)\n"
            "y_conv = tf.nn.softmax(y_pred)\n"
            "observed = float(-tf.reduce_sum(y_ * tf.math.log(y_conv)))"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = float(tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits("
            "labels=y_true.astype('int32'), logits=y_pred)))"
        ),
        "headline": "reduction",
        "acceptable": [],
        "expert_answer": (
            "sparse_softmax_cross_entropy_with_logits returns one loss per example; reduce_mean "
            "averages them over the mini-batch, whereas -reduce_sum(y_*log(y)) sums over the "
            "batch, so it is batch_size times larger."
        ),
    },
    # ------------------------------------------------------------------ 14
    {
        "id": "keras-cce-channels-first-axis",
        "source": "https://github.com/tensorflow/tensorflow/issues/39230",
        "title": "tf.keras.losses.categorical_crossentropy and binary_crossentropy (and other losses) only works for channels_last layout networks",
        "question": (
            "In a channels_first segmentation network (batch, classes, width) the Keras "
            "categorical cross-entropy reduces over the last axis, so the loss is computed over "
            "the spatial axis instead of the class axis."
        ),
        "y_true": [
            [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]],
            [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]],
        ],
        "y_pred": [
            [[0.785597, 0.159322], [0.17529, 0.646082], [0.039113, 0.194596]],
            [[0.242109, 0.043986], [0.538823, 0.883492], [0.219069, 0.072521]],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.CategoricalCrossentropy(axis=1)",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.CategoricalCrossentropy(axis=1)(y_true, y_pred))"
        ),
        "headline": "axis",
        "acceptable": ["renormalized"],
        "expert_answer": (
            "The losses assume the class axis is the last one; for channels_first data the "
            "class axis must be passed (axis=1, added to the loss classes later) or the tensors "
            "transposed to channels_last."
        ),
    },
    # ------------------------------------------------------------------ 15
    {
        "id": "tf-manual-ce-plus-1e-10-vs-sparse-softmax",
        "source": "https://github.com/tensorflow/tensorflow/issues/12002",
        "title": "tf.nn.sparse_softmax_cross_entropy_with_logits() seems to return bad value !",
        "question": (
            "Following a Stack Overflow answer the user computed "
            "-reduce_sum(labels*log(softmax(logits)+1e-10), 1) and found it does not match "
            "tf.nn.sparse_softmax_cross_entropy_with_logits, blaming the TF op."
        ),
        "y_true": [0, 1],
        "y_pred": [[-50.0, 60.0, 0.0], [1.0, 2.0, 0.5]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.sparse_softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "labels = tf.one_hot(y_true.astype('int32'), 3)\n"
            "observed = [float(v) for v in -tf.reduce_sum("
            "labels * tf.math.log(tf.nn.softmax(y_pred) + 1e-10), axis=1)]"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = [float(v) for v in tf.nn.sparse_softmax_cross_entropy_with_logits("
            "labels=y_true.astype('int32'), logits=y_pred)]"
        ),
        "headline": "log_clamped",
        "acceptable": ["overflow", "clipped"],
        "expert_answer": (
            "The two are only 'almost' equal: when softmax underflows to 0 the hand-written "
            "version returns -log(1e-10) = 23.03, while the fused op computes the exact "
            "log-softmax (here 110); the TF op is right."
        ),
    },
    # ------------------------------------------------------------------ 16
    {
        "id": "tf-manual-bce-nan-0-log-0",
        "source": "http://blog.csdn.net/wo334499/article/details/52067353",
        "title": "Tensorflow交叉熵计算错误 (TensorFlow cross-entropy computed wrongly)",
        "question": (
            "A hand-written TF cross-entropy -(y*log(a) + (1-y)*log(1-a)) returns NaN when a "
            "prediction equals its label exactly (a = y = 0 or a = y = 1)."
        ),
        "y_true": [[0.0], [1.0], [1.0]],
        "y_pred": [[0.0], [1.0], [0.7]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.BinaryCrossentropy",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "y, a = tf.constant(y_true), tf.constant(y_pred)\n"
            "observed = float(tf.reduce_mean(-(y * tf.math.log(a) + (1 - y) * tf.math.log(1 - a))))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "headline": "overflow",
        "acceptable": ["log_clamped", "clipped"],
        "expert_answer": (
            "log(0) = -inf and 0 * -inf = NaN; the author's fix is to add a tiny constant inside "
            "the log (or clip a), which was fastest and as accurate as the alternatives."
        ),
    },
    # ------------------------------------------------------------------ 17
    {
        "id": "keras-class-weight-inflates-training-loss",
        "source": "https://github.com/keras-team/keras/issues/5616",
        "title": "Add class_weight for validation and evaluation",
        "question": (
            "With class_weight set to 2.0 for every class, the training loss is about twice the "
            "validation loss on the same kind of data, making the loss history look wrong."
        ),
        "y_true": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        "y_pred": [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.CategoricalCrossentropy",
        "options": {"sample_weight": [2.0, 2.0, 2.0]},
        "reproduce": (
            "import keras, numpy as np\n"
            "# class_weight={0: 2., 1: 2., 2: 2.} becomes per-sample weights in fit()\n"
            "w = np.array([2.0, 2.0, 2.0], 'float32')\n"
            "observed = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred, sample_weight=w))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred))"
        ),
        "headline": "weighting",
        "acceptable": ["fit_vs_call"],
        "expert_answer": (
            "class_weight only multiplies the training loss; validation/evaluate losses are "
            "unweighted by design, so the two curves are on different scales."
        ),
    },
    # ------------------------------------------------------------------ 18
    {
        "id": "keras-zero-sample-weights-deflate-loss",
        "source": "https://github.com/tensorflow/tensorflow/issues/34305",
        "title": "Behaviour of the loss function with sample_weights (keras)",
        "question": (
            "With temporal sample weights that are 0 on zero-padded timesteps, the Keras loss "
            "still divides by all timesteps, so padding lowers the loss value (and the effective "
            "learning rate) instead of being ignored."
        ),
        "y_true": [[0, 1, 2, 0], [1, 2, 0, 0]],
        "y_pred": [
            [
                [0.843795, 0.114195, 0.04201],
                [0.231224, 0.628532, 0.140244],
                [0.202442, 0.247263, 0.550295],
                [0.333333, 0.333333, 0.333333],
            ],
            [
                [0.331499, 0.546549, 0.121952],
                [0.067425, 0.111166, 0.821409],
                [0.333333, 0.333333, 0.333333],
                [0.30061, 0.332225, 0.367165],
            ],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.SparseCategoricalCrossentropy(reduction='mean_with_sample_weight')",
        "options": {"sample_weight": [[1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]]},
        "reproduce": (
            "import keras, numpy as np\n"
            "w = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], 'float32')\n"
            "observed = float(keras.losses.SparseCategoricalCrossentropy()("
            "y_true.astype('int64'), y_pred, sample_weight=w))"
        ),
        "reference": (
            "import keras, numpy as np\n"
            "w = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], 'float32')\n"
            "l = keras.losses.SparseCategoricalCrossentropy(reduction=None)(y_true.astype('int64'), y_pred)\n"
            "expected = float(np.sum(np.asarray(l) * w) / np.sum(w))"
        ),
        "headline": "reduction",
        "acceptable": ["weighting"],
        "expert_answer": (
            "Keras' sum_over_batch_size reduction divides the weighted sum by the number of "
            "entries, zero-weighted ones included (the behaviour changed over versions, #25178); "
            "divide by the sum of the mask yourself, or use reduction='mean_with_sample_weight' "
            "in Keras 3."
        ),
    },
    # ------------------------------------------------------------------ 19
    {
        "id": "keras-float16-bce-nan-epsilon",
        "source": "https://github.com/keras-team/keras/issues/9582",
        "title": "Error with BatchNormalization while setting the default float type to 'float16'",
        "question": (
            "With K.set_floatx('float16') and a Dense(1, sigmoid) head the loss is NaN from the "
            "first batches while float32 trains fine; commenters fixed it by raising "
            "K.epsilon() from 1e-7 to 1e-4/1e-3."
        ),
        "y_true": [[1.0], [0.0], [1.0], [0.0]],
        "y_pred": [[1.0], [0.0], [0.9], [0.2]],
        "dtype": "float16",
        "user_believes_logits": False,
        "against": "keras.losses.BinaryCrossentropy",
        "options": {},
        "reproduce": (
            "import keras\n"
            "keras.config.set_floatx('float16')  # the thread's K.set_floatx('float16')\n"
            "try:\n"
            "    observed = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))\n"
            "finally:\n"
            "    keras.config.set_floatx('float32')"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.BinaryCrossentropy()("
            "y_true.astype('float32'), y_pred.astype('float32')))"
        ),
        "headline": "precision",
        "acceptable": ["clipped", "overflow"],
        "expert_answer": (
            "The default epsilon 1e-7 is below float16 resolution (1 - 1e-7 == 1 in float16), so "
            "the clip no longer keeps log(1 - p) away from log(0) and 0 * -inf gives NaN; set a "
            "larger epsilon (1e-4 / 1e-3) or compute the loss in float32."
        ),
    },
    # ------------------------------------------------------------------ 20
    {
        "id": "keras-cce-label-smoothing-doc-example",
        "source": "https://github.com/tensorflow/tensorflow/pull/45215",
        "title": "Making label smoothing documentation more helpful",
        "question": (
            "The CategoricalCrossentropy docstring said label_smoothing=0.2 means targets 0.1 "
            "for label 0 and 0.9 for label 1, which only holds for two classes; users computing "
            "the loss from that description get a different number from Keras."
        ),
        "y_true": [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        "y_pred": [[0.05, 0.9, 0.05], [0.1, 0.2, 0.7]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": None,
        "options": {"label_smoothing": 0.2},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.CategoricalCrossentropy(label_smoothing=0.2)(y_true, y_pred))"
        ),
        "reference": (
            "import numpy as np\n"
            "t = y_true * 0.8 + 0.1  # the docstring's 0.1 / 0.9 reading\n"
            "expected = float(np.mean(-np.sum(t * np.log(y_pred), axis=1)))"
        ),
        "headline": "label_smoothing",
        "acceptable": [],
        "expert_answer": (
            "Keras smooths categorical targets towards the uniform distribution: "
            "y*(1-ls) + ls/num_classes (true class 0.8667, others 0.0667 for 3 classes), not "
            "0.9/0.1; the PR rewrote the docs to state this."
        ),
    },
    # ------------------------------------------------------------------ 21
    {
        "id": "keras-multilabel-softmax-cce",
        "source": "https://github.com/keras-team/keras/issues/741",
        "title": "How to train a multi-label Classifier",
        "question": (
            "For multi-hot targets (several labels per image) the user trained with softmax and "
            "categorical_crossentropy; the loss stayed around 5 and the outputs were all near 0."
        ),
        "y_true": [[1.0, 0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0, 0.0]],
        "y_pred": [
            [0.458428, 0.062041, 0.339612, 0.102289, 0.03763],
            [0.110988, 0.301698, 0.247009, 0.272987, 0.067318],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.BinaryCrossentropy",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.CategoricalCrossentropy()(y_true, y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "headline": "multi_label",
        "acceptable": ["binary_vs_categorical", "soft_labels"],
        "expert_answer": (
            "For multi-label targets put sigmoids on the output layer and use "
            "binary_crossentropy; softmax + categorical cross-entropy assumes exactly one true "
            "class per sample."
        ),
    },
    # ------------------------------------------------------------------ 22
    {
        "id": "tf-keras-bce-double-epsilon",
        "source": "https://github.com/tensorflow/tensorflow/pull/41595",
        "title": "Fix binary crossentropy double epsilon",
        "question": (
            "BinaryCrossentropy for target 1 and prediction 0 gives 15.424948 in TF 2.2 instead "
            "of -log(1e-7) = 16.118095 as in earlier Keras."
        ),
        "y_true": [[1.0]],
        "y_pred": [[0.0]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras2.losses.binary_crossentropy",
        "options": {},
        "reproduce": (
            "import tf_keras\n"
            "observed = float(tf_keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "reference": ("import math\nexpected = -math.log(1e-7)"),
        "headline": "clipped",
        "acceptable": ["log_clamped"],
        "expert_answer": (
            "TF 2.2's binary cross-entropy clips p to [eps, 1-eps] and then adds eps again inside "
            "the log, so the floor is 2e-7 and the loss -log(2e-7) = 15.42; the PR removes the "
            "second epsilon."
        ),
    },
]
