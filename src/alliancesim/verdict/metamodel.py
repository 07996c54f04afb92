"""A metamodel over the design: each point's answer borrows strength from its neighbours.

A design point decided from its own runs alone needs many replicates when the paired
difference is near zero or near the margin. Neighbouring points, with similar factor values,
have similar differences, so a smooth fit of the paired difference on the factors tells
much about a point before its own runs do. For each pair of modes ``(a, b)``, on the deciding
outcome, the mean paired difference ``y_p`` of point ``p`` (over its ``n_p`` replicates) is

    y_p = m_p + e_p,    m_p = c + f(x_p) + g_p,

where ``e_p`` is the point's own noise (known: the variance of its mean paired difference),
``f`` a Gaussian process over the factors (scikit-learn's ``GaussianProcessRegressor``, an
ARD squared-exponential kernel on the factors scaled to [0, 1], listed values one-hot) and
``g_p`` a white term: what about a point no smooth surface explains. The white term is part
of the point's true difference, not of its noise, so a design of unrelated points (shuffled
data, say) gets little pooling: each point's posterior is then mostly its own runs.

The posterior of ``m_p`` given every point's runs combines the point's own runs with what its
neighbours say; its interval gets the same three answers (:mod:`alliancesim.compare.answers`)
as a point's own runs: different, equivalent within the margin, or undecided.

Whether the model can be trusted is checked on held-out data, a check that can fail: in
leave-one-out cross-validation over the points (K-fold with one point per fold, exact for the
fitted hyperparameters), each point's observed mean difference is predicted from every other
point, with the predictive interval given its own noise; the share
of held-out points inside their intervals must be near the nominal confidence (not below it
by more than :data:`COVERAGE_SLACK` or three binomial standard errors). A pair of modes whose
check fails is decided from the points' own runs alone.

Speed: the kernel's hyperparameters are fitted by maximum likelihood on a fixed subsample of
at most :data:`HYPER_POINTS` points (``random_state`` fixed, no random restarts: the fit is a
function of the data alone), then held fixed for the posterior at every point and for the
check. The check is therefore slightly optimistic: the held-out points helped to
choose the hyperparameters (not the posterior's weights).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, stats

from alliancesim.compare.answers import DIFFERENT, UNDECIDED, Answer, judge_estimate

HYPER_POINTS = 256  # most points the hyperparameters are fitted on
OPTIMIZER_STEPS = 50  # L-BFGS-B iterations at most (a fit is then seconds, not minutes)
MIN_POINTS = 40  # fewer points: no metamodel (too few to fit one and check it)
COVERAGE_SLACK = 0.02  # the held-out coverage may fall this far below nominal
PRIOR_DF = 4  # degrees of freedom the pooled variance adds to each point's own
RANDOM_STATE = 20261206  # the optimizer's (no restarts: unused, but fixed for safety)
NORMAL_DF = 1e9  # t quantiles on this many degrees of freedom are normal ones


@dataclass(frozen=True)
class PointMeans:
    """Per design point: the mean paired difference, its variance and the replicates."""

    points: np.ndarray
    mean: np.ndarray
    variance: np.ndarray  # of the mean (the point's own noise), pooled-shrunk
    n: np.ndarray


@dataclass
class Metamodel:
    """A fitted Gaussian process of the mean paired difference on the factors."""

    smooth: Any  # the fitted scikit-learn kernel of f (constant times ARD RBF)
    nugget: float  # variance of the white term g
    level: float  # the constant c
    x: np.ndarray
    data: PointMeans

    def covariance(self) -> np.ndarray:
        """Covariance of the observed means: smooth part, white term and own noise."""
        return self.smooth(self.x) + np.diag(self.nugget + self.data.variance)

    @cached_property
    def inverse(self) -> np.ndarray:
        """Inverse of :meth:`covariance` (computed once: the posterior and the check share
        it)."""
        return _inverse(self.covariance())

    def posterior(self) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of each point's true difference ``m_p``.

        With ``S`` the covariance of the observed means and ``V`` their noise, the
        posterior is ``y - V S^-1 (y - c)`` with covariance ``V - V S^-1 V`` (``m = y - e``).
        """
        v = self.data.variance
        inverse = self.inverse
        mean = self.data.mean - v * (inverse @ (self.data.mean - self.level))
        variance = v - v * v * np.diag(inverse)
        return mean, np.sqrt(np.maximum(variance, 0.0))

    def held_out(self) -> tuple[np.ndarray, np.ndarray]:
        """Leave-one-out predictions of each point's observed mean from every other point:
        the predictive mean and standard deviation (smooth part, white term and own noise).

        Exact for the fixed hyperparameters, from the inverse ``Q`` of the covariance:
        ``y_i - (Q r)_i / Q_ii`` and variance ``1 / Q_ii`` (Rasmussen and Williams, 5.12).
        """
        inverse = self.inverse
        diagonal = np.diag(inverse)
        residual = inverse @ (self.data.mean - self.level)
        return self.data.mean - residual / diagonal, np.sqrt(1 / diagonal)


@dataclass(frozen=True)
class Check:
    """The cross-validation check of a metamodel's predictive intervals."""

    coverage: float  # share of held-out points inside their predictive intervals
    nominal: float
    floor: float  # the least coverage that passes
    points: int

    @property
    def passed(self) -> bool:
        """Whether the intervals held: coverage at least :attr:`floor`. Intervals too wide
        (coverage above nominal) pass: they make the metamodel cautious, not wrong."""
        return self.coverage >= self.floor

    def as_dict(self) -> dict[str, Any]:
        """The check as a plain mapping (``adaptive.json``, the report)."""
        return {"coverage": self.coverage, "nominal": self.nominal, "floor": self.floor,
                "points": self.points, "passed": self.passed}


def point_means(values: pd.Series, points: pd.Series) -> PointMeans:
    """Mean paired difference per point and the variance of that mean. A point's variance
    of one difference is shrunk toward the pooled one (:data:`PRIOR_DF` degrees of freedom),
    so a point whose few runs happen to agree is not taken as noiseless."""
    grouped = values.groupby(points.to_numpy(), sort=True)
    n = grouped.size().to_numpy(dtype=float)
    own = grouped.var(ddof=1).fillna(0.0).to_numpy()
    dof = np.maximum(n - 1, 0)
    pooled = float((own * dof).sum() / dof.sum()) if dof.sum() else 0.25
    pooled = max(pooled, 1e-4)  # every run alike so far: still not noiseless
    shrunk = (own * dof + pooled * PRIOR_DF) / (dof + PRIOR_DF)
    return PointMeans(grouped.size().index.to_numpy(), grouped.mean().to_numpy(),
                      shrunk / n, n.astype(int))


def design_matrix(inputs: pd.DataFrame) -> np.ndarray:
    """The factors as the metamodel sees them: numbers scaled to [0, 1] over the design,
    listed values (text, yes/no) one-hot."""
    columns = []
    for name in inputs.columns:
        column = inputs[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            values = column.to_numpy(dtype=float)
            span = values.max() - values.min()
            columns.append(((values - values.min()) / span if span > 0
                            else np.zeros_like(values))[:, None])
        else:
            levels = column.astype(str)
            columns.append(np.column_stack([(levels == level).to_numpy(dtype=float)
                                            for level in sorted(levels.unique())]))
    return np.hstack(columns) if columns else np.zeros((len(inputs), 0))


def fit(x: np.ndarray, data: PointMeans, hyper_points: int = HYPER_POINTS) -> Metamodel:
    """Fit the metamodel: hyperparameters by maximum likelihood on a fixed subsample, the
    constant level as the precision-weighted mean."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    n, dims = x.shape
    chosen = np.sort(np.random.default_rng(RANDOM_STATE).permutation(n)[:hyper_points])
    weights = 1 / (data.variance + np.var(data.mean))
    level = float(np.sum(weights * data.mean) / np.sum(weights))
    spread = max(float(np.var(data.mean)), 1e-4)
    kernel = (ConstantKernel(spread / 2, (1e-6, 10.0))
              * RBF(np.full(max(dims, 1), 0.5), (1e-2, 1e3))
              + WhiteKernel(spread / 4, (1e-8, 10.0)))
    regressor = GaussianProcessRegressor(kernel, alpha=data.variance[chosen],
                                         normalize_y=False, n_restarts_optimizer=0,
                                         optimizer=_bounded_steps,
                                         random_state=RANDOM_STATE)
    with warnings.catch_warnings():  # a length scale at its bound: the factor is inert
        warnings.simplefilter("ignore", ConvergenceWarning)
        regressor.fit(x[chosen], data.mean[chosen] - level)
    fitted = regressor.kernel_
    return Metamodel(fitted.k1, float(fitted.k2.noise_level), level, x, data)


def check(model: Metamodel, confidence: float) -> Check:
    """Cross-validate the predictive intervals: the share of held-out points whose observed
    mean lies inside its interval at ``confidence``, against its floor."""
    mean, sd = model.held_out()
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    inside = float(np.mean(np.abs(model.data.mean - mean) <= z * sd))
    n = len(mean)
    floor = confidence - max(COVERAGE_SLACK, 3 * math.sqrt(confidence * (1 - confidence) / n))
    return Check(inside, confidence, floor, n)


def answers(model: Metamodel, margin: float, confidence: float) -> list[Answer]:
    """Each point's answer from its posterior interval (normal, the noise variances known)."""
    mean, sd = model.posterior()
    return [judge_estimate(float(m), float(s), NORMAL_DF, int(k), margin, confidence)
            for m, s, k in zip(mean, sd, model.data.n, strict=True)]


def _bounded_steps(objective: Any, start: np.ndarray,
                   bounds: np.ndarray) -> tuple[np.ndarray, float]:
    """L-BFGS-B (as scikit-learn's default optimizer) stopped after
    :data:`OPTIMIZER_STEPS` iterations: deterministic, and cheap on 20-odd length scales."""
    from scipy.optimize import minimize

    result = minimize(objective, start, method="L-BFGS-B", jac=True, bounds=bounds,
                      options={"maxiter": OPTIMIZER_STEPS})
    return result.x, float(result.fun)


def _inverse(matrix: np.ndarray) -> np.ndarray:
    """Inverse of a covariance matrix through its Cholesky factor (LAPACK potrf, potri)."""
    factor, info = linalg.lapack.dpotrf(matrix, lower=True)
    if info != 0:
        raise linalg.LinAlgError("the metamodel's covariance is not positive definite")
    inverse, info = linalg.lapack.dpotri(factor, lower=True)
    if info != 0:
        raise linalg.LinAlgError("the metamodel's covariance could not be inverted")
    return np.tril(inverse) + np.tril(inverse, -1).T


# --- the verdict's per-point answers ------------------------------------------------------
OWN, METAMODEL = "own runs", "metamodel"


def pair_answers(own: pd.DataFrame, x: pd.DataFrame, values: pd.Series, points: pd.Series,
                 margin: float, confidence: float) -> tuple[pd.DataFrame, Check | None]:
    """Combine a pair's own-run answers (``own``: one row per point, from
    :func:`alliancesim.verdict.paired.differences`) with the metamodel's: a point its own
    runs decide keeps that answer; an undecided one takes the metamodel's posterior answer
    when the cross-validation check passed. ``x``: the design matrix, one row per point."""
    table = own[["point", "answer", "diff", "low", "high"]].rename(
        columns={"answer": "own_answer"}).reset_index(drop=True)
    table["answer"], table["source"] = table["own_answer"], OWN
    means = point_means(values, points)
    if len(means.points) < MIN_POINTS:
        return table, None
    model = fit(x.loc[means.points].to_numpy(), means)
    verdict_check = check(model, confidence)
    judged = answers(model, margin, confidence)
    by_point = pd.DataFrame({"point": means.points,
                             "model_answer": [j.answer for j in judged],
                             "model_diff": [j.diff for j in judged],
                             "model_low": [j.low for j in judged],
                             "model_high": [j.high for j in judged]})
    table = table.merge(by_point, on="point", how="left")
    if verdict_check.passed:
        borrow = (table["own_answer"] == UNDECIDED) & (table["model_answer"] != UNDECIDED)
        for name in ("answer", "diff", "low", "high"):
            table.loc[borrow, name] = table.loc[borrow, f"model_{name}"]
        table.loc[borrow, "source"] = METAMODEL
    return table, verdict_check


def disagreements(table: pd.DataFrame) -> int:
    """Points whose own runs and metamodel give different decided answers (different
    against equivalent, or different in opposite directions): a sign of a surface the
    metamodel smooths over."""
    if "model_answer" not in table:
        return 0
    both = (table["own_answer"] != UNDECIDED) & (table["model_answer"] != UNDECIDED)
    opposite = (table["own_answer"] == DIFFERENT) & (
        np.sign(table["diff"].astype(float)) != np.sign(table["model_diff"].astype(float)))
    other = (table["own_answer"] != table["model_answer"]) | opposite
    return int((both & other).sum())
