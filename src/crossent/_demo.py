"""``crossent demo``: the four questions that started crossent, answered by crossent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

__all__ = ["DemoItem", "demo"]


@dataclass(frozen=True)
class DemoItem:
    """One seed question and crossent's explanation of it."""

    key: str
    question: str
    explanation: Any

    def __str__(self) -> str:
        rule = "=" * 78
        return f"{rule}\nseed {self.key}: {self.question}\n{rule}\n{self.explanation}\n"

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        from rich.rule import Rule

        yield Rule(f"[bold]seed {self.key}[/bold]: {self.question}")
        yield self.explanation


def demo() -> list[DemoItem]:
    """Explain the numbers of the four seed questions (``docs/seeds``)."""
    import crossent

    y = np.eye(3)
    p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    p_fixed = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
    keras_cce = "keras.losses.CategoricalCrossentropy"
    items = [
        DemoItem(
            "000",
            "tf.keras CategoricalCrossentropy gives 0.3240 but −Σ y log p gives 0.0946",
            crossent.explain(y, p, observed=0.0946, against=keras_cce),
        ),
        DemoItem(
            "000",
            "…and for y_pred = [0.99999999999, 1e-11], 16.118 instead of 25.328",
            crossent.explain(
                np.array([[0.0, 1.0]]),
                np.array([[0.99999999999, 0.00000000001]]),
                observed=25.328436022934504,
                against="keras.losses.categorical_crossentropy",
            ),
        ),
        DemoItem(
            "001",
            "with rows that sum to 1, do both formulas agree?",
            crossent.explain(
                y,
                p_fixed,
                observed=[0.10536052, 0.11653382, 0.0618754],
                against="keras.losses.categorical_crossentropy",
            ),
        ),
    ]
    a = np.float32(17.0)
    items.append(
        DemoItem(
            "002",
            "a hand-written log(p/(1−p)) loss overflows where Keras does not (a = 17)",
            crossent.explain(
                np.array([[0.0], [1.0]], np.float32),
                np.array([[-a], [a]], np.float32),
                from_logits=True,
                against=["keras2.custom.logit_round_trip", "exact.sigmoid_binary"],
            ),
        )
    )
    y3 = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    # seed 003: TensorFlow's softmax of the logits [[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]]
    softmax = np.array(
        [[0.227863, 0.61939586, 0.15274114], [0.49674623, 0.20196195, 0.30129182]]
    )
    items.append(
        DemoItem(
            "003",
            "the binary formula on softmax outputs gives [0.903, 2.112]: which one is right?",
            crossent.explain(y3, softmax, observed=[0.90335299, 2.11193571]),
        )
    )
    return items
