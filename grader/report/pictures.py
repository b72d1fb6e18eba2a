"""Pictures of the student's own functions beside the reference, for the HTML report.

학생 함수가 실제로 하는 일을 그림으로 보여 준다 (강의 그림 9-4 ~ 9-8, 아달린과 퍼셉트론).

Student code runs only in the fenced worker, through a ``StudentSession`` set up the way grading
does; the reference (``solutions/<assignment>/``, the course's trusted code) runs in this process.
Plotting happens here, from plain values that came through the wire, each checked (type, shape,
finite) before it is drawn. A student function that raises, times out, crashes or returns garbage
gets its bilingual message in place of its picture. The whole phase has a time budget: the
session's budget bounds the student's time, a wall clock bounds everything else.

The figures hold no words, only symbols and code names (z, η, w₁, epoch, sigmoid'(z)): the
Hangul fonts matplotlib would need are not on a fresh machine (it ships DejaVu Sans only), and a
missing glyph would draw as a box. The words, in the report's language, are the page's: each
picture's caption, its key (which line is whose) and a label under each panel.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import io
import itertools
import time
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grader import messages
from grader.errors import GraderError, StudentError
from grader.messages import Msg
from grader.result import Result

if TYPE_CHECKING:
    from grader.grading.context import GradingContext
    from grader.grading.steps import InSession

DEFAULT_BUDGET_S = 90.0
GRID = np.linspace(-6.0, 6.0, 241)
ACTIVATIONS = ("sigmoid", "relu", "tanh", "softplus")
OPTIMIZERS = ("sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adam")
STUDENT_STYLE = {"color": "#d62728", "lw": 2.0}
REFERENCE_STYLE = {"color": "#1f77b4", "lw": 1.6, "ls": "--"}
NO_LEGEND = "_nolegend_"  # the reference's lines: the page's key says which style is whose



class PictureFailed(Exception):
    """A side's function did not give a usable value: the picture shows this message (``data``,
    rendered in the report's language)."""

    def __init__(self, data: Msg | str) -> None:
        super().__init__(messages.render(data))
        self.data = data


@dataclass
class Picture:
    """One figure: the functions it shows, its caption, and the image or why not (messages as
    data, rendered in the report's language)."""

    key: str  # "optimizers.adam" — unique, also the anchor in the page
    functions: list[str]  # graded functions it shows; the first one's section holds it
    caption: Msg | str
    # One SVG document per panel, when drawn: panels wrap onto rows on a narrow screen.
    svgs: list[str] = field(default_factory=list)
    # What each panel shows, in words (the page renders them in its language); "" for none.
    panels: list[Msg | str] = field(default_factory=list)
    compared: bool = False  # the reference is drawn too: the page shows the key of the styles
    error: Msg | str = ""  # why not drawn
    seconds: float = 0.0

    def caption_in(self, lang: str) -> str:
        return messages.render(self.caption, lang)

    def error_in(self, lang: str) -> str:
        return messages.render(self.error, lang)

    def panels_in(self, lang: str) -> list[str]:
        """One label per panel (``""`` when a panel has none)."""
        labels = [messages.render(label, lang) for label in self.panels]
        return (labels + [""] * len(self.svgs))[: len(self.svgs)]

    @property
    def svg(self) -> str:
        """Every panel's SVG text together (to search it)."""
        return "\n".join(self.svgs)

    @property
    def data_uris(self) -> list[str]:
        return ["data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
                for svg in self.svgs]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "functions": list(self.functions),
                "caption": messages.to_data(self.caption), "svgs": list(self.svgs),
                "panels": [messages.to_data(p) for p in self.panels],
                "compared": self.compared, "error": messages.to_data(self.error),
                "seconds": self.seconds}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Picture:
        return cls(str(data.get("key", "")), [str(f) for f in data.get("functions") or []],
                   messages.from_data(data.get("caption")),
                   [str(svg) for svg in data.get("svgs") or []],
                   [messages.from_data(p) for p in data.get("panels") or []],
                   bool(data.get("compared")), messages.from_data(data.get("error")),
                   float(data.get("seconds") or 0.0))


@dataclass
class Pictures:
    pictures: list[Picture] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[Msg | str] = field(default_factory=list)  # remarks about the phase

    def to_json(self) -> dict[str, Any]:
        """Plain data for the Result (``Result.pictures``): messages as keys and parameters."""
        return {"pictures": [p.to_json() for p in self.pictures], "seconds": self.seconds,
                "notes": [messages.to_data(n) for n in self.notes]}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Pictures:
        data = data or {}
        return cls([Picture.from_json(p) for p in data.get("pictures") or []
                    if isinstance(p, dict)],
                   float(data.get("seconds") or 0.0),
                   [messages.from_data(n) for n in data.get("notes") or []])


# ---- the two sides ---------------------------------------------------------------------------
Caller = Callable[..., Any]


class _StudentSide:
    """Calls into the worker; every failure becomes ``PictureFailed`` with its message."""

    label = "student"

    def __init__(self, session: Any) -> None:
        self.session = session

    def __call__(self, module: str, function: str, *args: Any, **kwargs: Any) -> Any:
        try:
            value = self.session.call(module, function, args, kwargs).value
        except StudentError as exc:
            raise PictureFailed(exc.data) from None
        finally:
            self.session.recorded.clear()  # no hints are matched here: keep memory flat
        return value


class _ReferenceSide:
    """The course's reference modules, imported in this process (trusted code)."""

    label = "reference"

    def __init__(self, folder: Path, modules: Sequence[str]) -> None:
        self.modules: dict[str, types.ModuleType] = {}
        for name in modules:
            path = folder / f"{name}.py"
            if not path.is_file():
                continue
            spec = importlib.util.spec_from_file_location(f"_grader_picture_ref_{name}", path)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self.modules[name] = module

    def __call__(self, module: str, function: str, *args: Any, **kwargs: Any) -> Any:
        if module not in self.modules:
            raise PictureFailed(Msg("pictures.no_reference_module", module=module))
        with np.errstate(all="ignore"):
            return getattr(self.modules[module], function)(*args, **kwargs)


# ---- checking values that came through the wire ----------------------------------------------
def _garbage(function: str, what: str, **params: Any) -> PictureFailed:
    """``what`` names the problem (``pictures.value.<what>``), rendered in the sentence's
    language."""
    return PictureFailed(Msg("pictures.cannot_plot", function=function,
                             what=Msg(f"pictures.value.{what}", **params)))


def _array(value: Any, function: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A finite float array of ``shape``, or ``PictureFailed`` saying what is wrong."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        value = np.asarray(value, dtype=float)
    if not isinstance(value, np.ndarray):
        raise _garbage(function, "not_ndarray", kind=type(value).__name__)
    if value.dtype.kind not in "biuf":
        raise _garbage(function, "not_numeric", dtype=str(value.dtype))
    if shape is not None and value.shape != shape:
        raise _garbage(function, "shape", got=str(value.shape), want=str(shape))
    out = value.astype(float)
    if not np.all(np.isfinite(out)):
        raise _garbage(function, "not_finite")
    return out


def _sequence(value: Any, function: str, length: int | None = None) -> np.ndarray:
    """A list / 1-D array of finite numbers (losses, error counts, norms)."""
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                   for v in value):
            raise _garbage(function, "not_numbers")
        value = np.asarray(value, dtype=float)
    arr = _array(value, function)
    if arr.ndim != 1 or (length is not None and arr.size != length):
        raise _garbage(function, "not_1d", length=length, shape=str(arr.shape))
    return arr


def _pair(value: Any, function: str) -> tuple[Any, Any]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise _garbage(function, "not_pair", kind=type(value).__name__)
    return value[0], value[1]


# ---- plotting helpers ------------------------------------------------------------------------
def require_matplotlib() -> None:
    """Fail with a clear bilingual message when matplotlib is not installed."""
    _pyplot()


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise GraderError(Msg("pictures.missing_matplotlib")) from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "font.size": 9,
                                "axes.titlesize": 10, "figure.dpi": 100})
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any, salt: str) -> str:
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = salt  # ids stay unique and runs reproducible
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    return buffer.getvalue()


def _line(ax: Any, x: Any, y: Any, side: str, label: str, gid: str, **style: Any) -> None:
    base = STUDENT_STYLE if side == "student" else REFERENCE_STYLE
    (line,) = ax.plot(x, y, label=label, **{**base, **style})
    line.set_gid(f"{side}-{gid}")


class _Figure:
    """Runs a figure's computation on both sides; the student's failure becomes the picture's
    message (``pic.error``) instead of a drawing."""

    def __init__(self, pic: Picture, student: Caller, reference: Caller | None) -> None:
        self.pic, self.student, self.reference = pic, student, reference

    def both(self, compute: Callable[[Caller], Any]) -> tuple[Any, Any]:
        """(student value or None when it failed, reference value or None)."""
        try:
            mine = compute(self.student)
        except PictureFailed as exc:
            self.pic.error = exc.data
            return None, None
        ref = None
        if self.reference is not None:
            try:
                ref = compute(self.reference)
            except (PictureFailed, Exception):  # a broken reference costs its curve only
                ref = None
        self.pic.compared = ref is not None
        return mine, ref


# ---- the figures -----------------------------------------------------------------------------
def activation_figure(student: Caller, reference: Caller | None, name: str) -> Picture:
    """Figures 9-5, 9-6: the activation and its derivative over [-6, 6]."""
    pic = Picture(f"activations.{name}", [f"activations.{name}", f"activations.{name}_derivative"],
                  Msg("pictures.caption.activation", name=name,
                      peak=Msg("pictures.caption.sigmoid_peak") if name == "sigmoid" else ""))

    def compute(side: Caller) -> tuple[np.ndarray, np.ndarray]:
        f = _array(side("activations", name, GRID.copy()), name, GRID.shape)
        d = _array(side("activations", f"{name}_derivative", GRID.copy()), f"{name}_derivative",
                   GRID.shape)
        return f, d

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    if ref is not None:
        _line(ax, GRID, ref[0], "reference", NO_LEGEND, "f")
        _line(ax, GRID, ref[1], "reference", NO_LEGEND, "df", color="#17becf")
    _line(ax, GRID, mine[0], "student", f"{name}(z)", "f")
    _line(ax, GRID, mine[1], "student", f"{name}'(z)", "df", color="#ff7f0e")
    peak = int(np.argmax(mine[1]))
    ax.annotate(f"max {name}' = {mine[1][peak]:.3g}", (GRID[peak], mine[1][peak]),
                xytext=(8, 8), textcoords="offset points", fontsize=8)
    ax.axhline(0, color="#bbb", lw=0.6)
    ax.set_xlabel("z")
    ax.legend(fontsize=7, loc="upper left")
    pic.svgs = [_svg(fig, pic.key)]
    return pic


def _central_difference(values_plus: np.ndarray, values_minus: np.ndarray, h: float) -> np.ndarray:
    return (values_plus - values_minus) / (2 * h)


def derivative_check_figure(student: Caller, reference: Caller | None, name: str) -> Picture:
    """The analytic derivative against central differences of the same side's function."""
    pic = Picture(f"gradcheck.{name}", [f"activations.{name}_derivative"],
                  Msg("pictures.caption.derivative_check", name=name))
    z = np.linspace(-5.9, 5.9, 60)
    z = z[np.abs(z) > 0.05]
    h = 1e-5

    def compute(side: Caller) -> tuple[np.ndarray, np.ndarray]:
        analytic = _array(side("activations", f"{name}_derivative", z.copy()),
                          f"{name}_derivative", z.shape)
        plus = _array(side("activations", name, z + h), name, z.shape)
        minus = _array(side("activations", name, z - h), name, z.shape)
        return analytic, _central_difference(plus, minus, h)

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 3.0))
    if ref is not None:
        _line(ax, z, ref[0], "reference", NO_LEGEND, "analytic")
    _line(ax, z, mine[0], "student", f"{name}'(z)", "analytic")
    (dots,) = ax.plot(z, mine[1], "o", ms=3.5, color="#2ca02c",
                      label=f"({name}(z + h) − {name}(z − h)) / 2h")
    dots.set_gid("student-numerical")
    gap = float(np.max(np.abs(mine[0] - mine[1])))
    pic.panels = [Msg("pictures.panel.gap", gap=f"{gap:.2g}")]
    ax.set_xlabel("z")
    ax.legend(fontsize=7)
    pic.svgs = [_svg(fig, pic.key)]
    return pic


def init_params(layer_sizes: Sequence[int], seed: int) -> dict[str, np.ndarray]:
    """The contract's ``init_params`` (given code), on the trusted side."""
    rng = np.random.default_rng(seed)
    params: dict[str, np.ndarray] = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(layer_sizes), start=1):
        params[f"W{i}"] = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        params[f"b{i}"] = np.zeros(n_out)
    return params


def _forward_output(value: Any, n: int, n_out: int) -> np.ndarray:
    y_out, _cache = _pair(value, "forward")
    return _array(y_out, "forward", (n, n_out))


def backward_check_figure(student: Caller, reference: Caller | None) -> Picture:
    """``backward``'s gradient against central differences of the same side's ``forward``."""
    pic = Picture("gradcheck.backward", ["backprop.backward"],
                  Msg("pictures.caption.backward_check"))
    rng = np.random.default_rng(4)
    params = init_params([3, 4, 2], seed=1)
    X = rng.normal(size=(6, 3))
    y = rng.uniform(0.1, 0.9, size=(6, 2))
    h = 1e-5

    def energy(side: Caller, p: dict[str, np.ndarray]) -> float:
        out = _forward_output(side("backprop", "forward", p, X.copy()), 6, 2)
        return 0.5 * float(np.sum((out - y) ** 2))

    def compute(side: Caller) -> tuple[np.ndarray, np.ndarray, list[str]]:
        value = _pair(side("backprop", "forward", {k: v.copy() for k, v in params.items()},
                           X.copy()), "forward")
        grads = side("backprop", "backward", {k: v.copy() for k, v in params.items()},
                     value[1], y.copy())
        if not isinstance(grads, dict):
            raise _garbage("backward", "not_dict", kind=type(grads).__name__)
        analytic, numerical, names = [], [], []
        for key, w in params.items():
            g = _array(grads.get(key), "backward", w.shape)
            for index in np.ndindex(w.shape):
                shifted = {k: v.copy() for k, v in params.items()}
                shifted[key][index] += h
                plus = energy(side, shifted)
                shifted[key][index] -= 2 * h
                minus = energy(side, shifted)
                analytic.append(g[index])
                numerical.append((plus - minus) / (2 * h))
                names.append(key)
        return np.array(analytic), np.array(numerical), names

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.6, 4.0))
    everything = np.concatenate([mine[0], mine[1]])
    lo, hi = float(everything.min()), float(everything.max())
    ax.plot([lo, hi], [lo, hi], color="#bbb", lw=1, label="y = x")
    if ref is not None:
        (r,) = ax.plot(ref[0], ref[1], "s", ms=7, mfc="none", color=REFERENCE_STYLE["color"],
                       label=NO_LEGEND)
        r.set_gid("reference-backward")
    (s,) = ax.plot(mine[0], mine[1], "o", ms=4, color=STUDENT_STYLE["color"], label=NO_LEGEND)
    s.set_gid("student-backward")
    gap = float(np.max(np.abs(mine[0] - mine[1])))
    pic.panels = [Msg("pictures.panel.gap", gap=f"{gap:.2g}")]
    ax.set_xlabel("∂E/∂θ = backward(…)")
    ax.set_ylabel("(E(θ + h) − E(θ − h)) / 2h")
    ax.legend(fontsize=7)
    pic.svgs = [_svg(fig, pic.key)]
    return pic


# Surfaces for the optimizers: (name, f, gradient, start, steps, box, learning rates).
def _quadratic(w: np.ndarray) -> float:
    return float(w[0] ** 2 / 20.0 + w[1] ** 2)


def _quadratic_grad(w: np.ndarray) -> np.ndarray:
    return np.array([w[0] / 10.0, 2.0 * w[1]])


def _rosenbrock(w: np.ndarray) -> float:
    return float((1 - w[0]) ** 2 + 100.0 * (w[1] - w[0] ** 2) ** 2)


def _rosenbrock_grad(w: np.ndarray) -> np.ndarray:
    return np.array([-2 * (1 - w[0]) - 400.0 * w[0] * (w[1] - w[0] ** 2),
                     200.0 * (w[1] - w[0] ** 2)])


@dataclass(frozen=True)
class Surface:
    name: str
    f: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    start: tuple[float, float]
    steps: int
    box: tuple[float, float, float, float]  # x0, x1, y0, y1
    learning_rate: dict[str, float]
    log_levels: bool


SURFACES = (
    Surface("f₁(w) = w₁²/20 + w₂²", _quadratic, _quadratic_grad, (-7.0, 2.0), 40,
            (-8.0, 8.0, -3.0, 3.0),
            {"sgd": 0.95, "sgd_momentum": 0.05, "nesterov_momentum": 0.05, "adagrad": 1.5,
             "rmsprop": 0.15, "adam": 0.3}, False),
    Surface("f₂(w) = (1 − w₁)² + 100(w₂ − w₁²)²", _rosenbrock, _rosenbrock_grad, (-1.5, 2.0), 300,
            (-2.0, 2.0, -1.0, 3.0),
            {"sgd": 1e-3, "sgd_momentum": 1e-3, "nesterov_momentum": 1e-3, "adagrad": 0.5,
             "rmsprop": 0.02, "adam": 0.2}, True),
)


def trajectory(side: Caller, rule: str, surface: Surface) -> np.ndarray:
    """Run ``rule`` on ``surface`` from its start; the trusted side computes every gradient."""
    w = np.array(surface.start)
    config: Any = {"learning_rate": surface.learning_rate[rule]}
    path = [w]
    for _ in range(surface.steps):
        w_next, config = _pair(side("optimizers", rule, w.copy(), surface.grad(w), config), rule)
        w = _array(w_next, rule, (2,))
        if not isinstance(config, dict):
            raise _garbage(rule, "config_not_dict", kind=type(config).__name__)
        path.append(w)
        if np.max(np.abs(w)) > 1e6:  # diverged: the picture shows it leaving the plot
            break
    return np.array(path)


def optimizer_figure(student: Caller, reference: Caller | None, rule: str) -> Picture:
    """Figures 9-7, 9-8: trajectories on two contour plots, and the loss against steps."""
    pic = Picture(f"optimizers.{rule}", [f"optimizers.{rule}"],
                  Msg("pictures.caption.optimizer", rule=rule))

    def compute(side: Caller) -> list[np.ndarray]:
        return [trajectory(side, rule, s) for s in SURFACES]

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    figs = [plt.subplots(figsize=(4.8, 3.6)) for _ in range(3)]
    axes = [ax for _fig, ax in figs]
    for i, surface in enumerate(SURFACES):
        ax = axes[i]
        x0, x1, y0, y1 = surface.box
        gx, gy = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 90))
        gz = np.vectorize(lambda a, b, f=surface.f: f(np.array([a, b])))(gx, gy)
        levels = np.logspace(-1, 3.3, 12) if surface.log_levels else np.linspace(0.1, 12, 12) ** 1.3
        ax.contour(gx, gy, gz, levels=levels, colors="#aaa", linewidths=0.6)
        ax.plot([1.0 if surface.log_levels else 0.0], [1.0 if surface.log_levels else 0.0], "*",
                color="k", ms=8)
        tag = "quadratic" if i == 0 else "rosenbrock"
        if ref is not None:
            _line(ax, ref[i][:, 0], ref[i][:, 1], "reference", NO_LEGEND, tag, marker=".",
                  ms=3)
        _line(ax, mine[i][:, 0], mine[i][:, 1], "student", NO_LEGEND, tag, marker="o", ms=2.5)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_title(f"{rule}: {surface.name}")
        ax.set_xlabel("w₁")
        ax.set_ylabel("w₂")
    ax = axes[2]
    for i, surface in enumerate(SURFACES):
        tag = "quadratic" if i == 0 else "rosenbrock"
        colour = "#d62728" if i == 0 else "#9467bd"
        losses = [surface.f(w) for w in mine[i]]
        _line(ax, range(len(losses)), losses, "student", f"f{'₁₂'[i]}(w_t)", f"loss-{tag}",
              color=colour)
        if ref is not None:
            ref_losses = [surface.f(w) for w in ref[i]]
            _line(ax, range(len(ref_losses)), ref_losses, "reference", NO_LEGEND,
                  f"loss-{tag}", color="#1f77b4" if i == 0 else "#17becf")
    ax.set_yscale("log")
    ax.set_xlabel("t")
    ax.set_title(rule)
    ax.legend(fontsize=7)
    pic.svgs = [_svg(f, f"{pic.key}.{i}") for i, (f, _ax) in enumerate(figs)]
    pic.panels = [Msg("pictures.panel.quadratic"), Msg("pictures.panel.rosenbrock"),
                  Msg("pictures.panel.loss_steps")]
    return pic


def gradient_norms_figure(student: Caller, reference: Caller | None) -> Picture:
    """Figure 9-4: the gradient's norm per layer through a deep net, sigmoid against ReLU."""
    pic = Picture("backprop.layer_gradient_norms", ["backprop.layer_gradient_norms"],
                  Msg("pictures.caption.layer_norms"))
    sizes = [4, 16, 16, 16, 16, 16, 1]
    rng = np.random.default_rng(9)
    X = rng.normal(size=(32, 4))
    y = (rng.uniform(size=(32, 1)) > 0.5).astype(float)
    layers = len(sizes) - 1

    def compute(side: Caller) -> dict[str, np.ndarray]:
        return {act: _sequence(side("backprop", "layer_gradient_norms", init_params(sizes, 3),
                                    X.copy(), y.copy(), hidden_activation=act),
                               "layer_gradient_norms", layers)
                for act in ("sigmoid", "relu")}

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    x = np.arange(1, layers + 1)
    for act, colour in (("sigmoid", "#d62728"), ("relu", "#ff7f0e")):
        if ref is not None:
            _line(ax, x, np.maximum(ref[act], 1e-30), "reference", NO_LEGEND,
                  act, marker="s", mfc="none", color="#1f77b4" if act == "sigmoid" else "#17becf")
        _line(ax, x, np.maximum(mine[act], 1e-30), "student", act, act,
              marker="o", color=colour)
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xlabel("l")
    ax.set_ylabel("‖∂E/∂W_l‖")
    ax.legend(fontsize=7)
    pic.svgs = [_svg(fig, pic.key)]
    return pic


def _blobs() -> tuple[np.ndarray, np.ndarray]:
    """Two separable clouds, standardised, labels -1/+1 (fixed: a picture, not a test)."""
    rng = np.random.default_rng(7)
    a = rng.normal([-1.2, -0.8], 0.45, size=(25, 2))
    b = rng.normal([1.2, 0.9], 0.45, size=(25, 2))
    X = np.vstack([a, b])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = np.array([-1] * 25 + [1] * 25)
    return X, y


def _weights(value: Any, function: str, epochs: int) -> tuple[np.ndarray, float, np.ndarray]:
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise _garbage(function, "not_wb_list")
    w = _array(value[0], function, (2,))
    b = float(_array(value[1], function).reshape(-1)[0]) if np.size(value[1]) == 1 else None
    if b is None:
        raise _garbage(function, "b_not_number")
    return w, b, _sequence(value[2], function, epochs)


def _boundary(ax: Any, w: np.ndarray, b: float, side: str, label: str, gid: str,
              **style: Any) -> None:
    xs = np.linspace(-2.5, 2.5, 50)
    if abs(w[1]) > 1e-12:
        _line(ax, xs, -(w[0] * xs + b) / w[1], side, label, gid, **style)
    elif abs(w[0]) > 1e-12:
        _line(ax, [-b / w[0]] * 2, [-2.5, 2.5], side, label, gid, **style)


def adaline_figure(student: Caller, reference: Caller | None) -> Picture:
    """Adaline: loss per epoch for a small and a too-large η, and the boundary it learns."""
    small, large, epochs = 0.05, 1.5, 20
    pic = Picture("linear_neurons.train_adaline", ["linear_neurons.train_adaline"],
                  Msg("pictures.caption.adaline", small=small, large=large))
    X, y = _blobs()

    def compute(side: Caller) -> dict[float, tuple[np.ndarray, float, np.ndarray]]:
        out = {}
        for eta in (small, large):
            value = side("linear_neurons", "train_adaline", X.copy(), y.copy(), eta=eta,
                         epochs=epochs)
            if not isinstance(value, (tuple, list)) or len(value) != 3:
                raise _garbage("train_adaline", "not_wb_losses")
            if eta == large:  # a diverging run may overflow: its finite losses are the point
                losses = value[2]
                arr = np.asarray(losses, dtype=float) if isinstance(losses, (list, np.ndarray)) \
                    else None
                if arr is None or arr.shape != (epochs,):
                    raise _garbage("train_adaline", "losses_per_epoch")
                out[eta] = (np.zeros(2), 0.0, arr)
            else:
                out[eta] = _weights(value, "train_adaline", epochs)
        return out

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    (fig, ax), (fig2, bx) = plt.subplots(figsize=(4.8, 3.6)), plt.subplots(figsize=(4.8, 3.6))
    e = np.arange(1, epochs + 1)
    for eta, colour in ((small, "#d62728"), (large, "#ff7f0e")):
        ok = np.isfinite(mine[eta][2])
        _line(ax, e[ok], mine[eta][2][ok], "student", f"η = {eta}", f"loss-{eta}",
              marker="o", ms=3, color=colour)
        if ref is not None:
            ok = np.isfinite(ref[eta][2])
            _line(ax, e[ok], ref[eta][2][ok], "reference", NO_LEGEND,
                  f"loss-{eta}", color="#1f77b4" if eta == small else "#17becf")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("train_adaline")
    ax.legend(fontsize=7)
    _scatter(bx, X, y)
    if ref is not None:
        _boundary(bx, ref[small][0], ref[small][1], "reference", NO_LEGEND, "boundary")
    _boundary(bx, mine[small][0], mine[small][1], "student", f"w·x + b = 0 (η = {small})",
              "boundary")
    bx.set_title("train_adaline")
    bx.legend(fontsize=7, loc="lower right")
    pic.svgs = [_svg(fig, pic.key), _svg(fig2, f"{pic.key}.1")]
    pic.panels = [Msg("pictures.panel.loss_epochs"), Msg("pictures.panel.boundary")]
    return pic


def _scatter(ax: Any, X: np.ndarray, y: np.ndarray) -> None:
    ax.scatter(X[y < 0, 0], X[y < 0, 1], marker="_", color="#555", label="y = −1")
    ax.scatter(X[y > 0, 0], X[y > 0, 1], marker="+", color="#000", label="y = +1")
    ax.set_xlim(-2.5, 2.5)
    ax.set_ylim(-2.5, 2.5)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")


def perceptron_figure(student: Caller, reference: Caller | None) -> Picture:
    """The perceptron's errors per epoch and the boundary it learns."""
    epochs = 10
    pic = Picture("linear_neurons.train_perceptron", ["linear_neurons.train_perceptron"],
                  Msg("pictures.caption.perceptron", eta=0.1))
    X, y = _blobs()

    def compute(side: Caller) -> tuple[np.ndarray, float, np.ndarray]:
        return _weights(side("linear_neurons", "train_perceptron", X.copy(), y.copy(), eta=0.1,
                             epochs=epochs), "train_perceptron", epochs)

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    (fig, ax), (fig2, bx) = plt.subplots(figsize=(4.8, 3.6)), plt.subplots(figsize=(4.8, 3.6))
    e = np.arange(1, epochs + 1)
    if ref is not None:
        _line(ax, e, ref[2], "reference", NO_LEGEND, "errors", marker="s", mfc="none")
    _line(ax, e, mine[2], "student", NO_LEGEND, "errors", marker="o")
    ax.set_xlabel("epoch")
    ax.set_ylabel("errors")
    ax.set_title("train_perceptron")
    _scatter(bx, X, y)
    if ref is not None:
        _boundary(bx, ref[0], ref[1], "reference", NO_LEGEND, "boundary")
    _boundary(bx, mine[0], mine[1], "student", "w·x + b = 0", "boundary")
    bx.set_title("train_perceptron")
    bx.legend(fontsize=7, loc="lower right")
    pic.svgs = [_svg(fig, pic.key), _svg(fig2, f"{pic.key}.1")]
    pic.panels = [Msg("pictures.panel.errors_epochs"), Msg("pictures.panel.boundary")]
    return pic


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def xor_figure(student: Caller, reference: Caller | None) -> Picture:
    """XOR's decision region: the output of ``forward`` over the plane after ``train_xor``."""
    pic = Picture("backprop.train_xor", ["backprop.train_xor"],
                  Msg("pictures.caption.xor"))
    gx, gy = np.meshgrid(np.linspace(-0.5, 1.5, 61), np.linspace(-0.5, 1.5, 61))
    grid = np.column_stack([gx.ravel(), gy.ravel()])

    def compute(side: Caller) -> np.ndarray:
        params = side("backprop", "train_xor")
        if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
            raise _garbage("train_xor", "not_dict", kind=type(params).__name__)
        out = _forward_output(side("backprop", "forward", params, grid.copy()), len(grid), 1)
        return out.reshape(gx.shape)

    mine, ref = _Figure(pic, student, reference).both(compute)
    if mine is None:
        return pic
    plt = _pyplot()
    panels = [("student", mine)] + ([("reference", ref)] if ref is not None else [])
    for side, out in panels:
        fig, ax = plt.subplots(figsize=(4.8, 3.6))
        region = ax.contourf(gx, gy, out, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                             vmin=0, vmax=1)
        boundary = ax.contour(gx, gy, out, levels=[0.5], colors="k", linewidths=1.5)
        boundary.set_gid(f"{side}-xor-boundary")
        ax.scatter(XOR_X[:, 0], XOR_X[:, 1], c=XOR_Y, cmap="RdBu_r", vmin=0, vmax=1, s=80,
                   edgecolors="k")
        ax.set_title("y_out(x₁, x₂)")
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        fig.colorbar(region, ax=ax, label="y_out")
        pic.svgs.append(_svg(fig, f"{pic.key}.{side}"))
        pic.panels.append(Msg("pictures.panel.yours" if side == "student"
                              else "pictures.panel.reference"))
    pic.compared = False  # one panel each, labelled: no line styles to tell apart
    return pic


# ---- the phase -------------------------------------------------------------------------------
Draw = Callable[[Caller, Caller | None], Picture]


def figures(modules: Sequence[str]) -> list[tuple[str, Draw]]:
    """Every figure of the graded modules, in report order: (its name, how to draw it)."""
    out: list[tuple[str, Draw]] = []
    for name in ACTIVATIONS:
        out.append((f"activations.{name}", functools.partial(activation_figure, name=name)))
    for name in ACTIVATIONS:
        out.append((f"activations.{name}_derivative (gradient check)",
                    functools.partial(derivative_check_figure, name=name)))
    out.append(("backprop.backward (gradient check)", backward_check_figure))
    out.append(("backprop.layer_gradient_norms", gradient_norms_figure))
    out.append(("backprop.train_xor", xor_figure))
    for rule in OPTIMIZERS:
        out.append((f"optimizers.{rule}", functools.partial(optimizer_figure, rule=rule)))
    out.append(("linear_neurons.train_adaline", adaline_figure))
    out.append(("linear_neurons.train_perceptron", perceptron_figure))
    return [(name, draw) for name, draw in out if name.split(".", 1)[0] in modules]


def draw_all(student: Caller, reference: Caller | None, modules: Sequence[str],
             budget_s: float = DEFAULT_BUDGET_S) -> Pictures:
    """Draw every figure of ``modules`` until the wall-clock budget runs out."""
    _pyplot()  # a missing matplotlib is one clear error, before any work
    start = time.monotonic()
    result = Pictures()
    for name, draw in figures(modules):
        began = time.monotonic()
        function = name.split(" ", 1)[0]
        if began - start >= budget_s:  # the rest say why they are missing
            result.pictures.append(Picture(function, [function], "", error=Msg(
                "pictures.budget", seconds=f"{budget_s:g}")))
            continue
        if isinstance(student, _StudentSide):  # named when a function times out
            student.session.current_test = f"pictures:{name}"  # a name, in any language
        try:
            picture = draw(student, reference)
        except GraderError:
            raise
        except Exception as exc:  # a picture is a courtesy: never a broken report
            picture = Picture(function, [function], "",
                              error=Msg("pictures.draw_failed", kind=type(exc).__name__,
                                        detail=str(exc)[:300]))
        picture.seconds = round(time.monotonic() - began, 3)
        result.pictures.append(picture)
    result.seconds = round(time.monotonic() - start, 3)
    return result


def in_session(budget_s: float = DEFAULT_BUDGET_S) -> InSession:
    """The pictures as a part of the grading: drawn in the grading's own worker session, after
    its suites (a function that timed out there is not run again), and kept in the Result as
    data (``Result.pictures``) for the HTML renderer.

    그림은 채점의 한 부분이다: 채점과 같은 작업자 세션에서 그리고, 결과에 데이터로 남긴다.
    """
    _pyplot()  # a missing matplotlib is one clear error, before any student code runs

    def draw(ctx: GradingContext) -> Callable[[Result], None]:
        modules = list(ctx.assignment.modules)
        folder = ctx.plan.reference_dir
        try:
            reference = _ReferenceSide(folder, modules) if folder.is_dir() else None
            drawn = draw_all(_StudentSide(ctx.session), reference, modules, budget_s)
            if reference is None:
                drawn.notes.append(Msg("pictures.no_reference"))
        except (GraderError, OSError) as exc:
            detail = exc.data if isinstance(exc, GraderError) else str(exc)
            drawn = Pictures(notes=[Msg("html.no_pictures", detail=detail)])

        def keep(result: Result) -> None:
            result.pictures = drawn.to_json()

        return keep

    return draw
