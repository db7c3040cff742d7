//! The statistical-equilibrium system of the fast solver: F(x) = A(τ(x)) x − b with RADEX's
//! rate matrix (escape-probability.md §8, natural evaluation order) and its Jacobian
//! J = A + Σ_lines (∂(A x)/∂τ)(∂τ/∂x)ᵀ for Newton's method. All matrices are column-major,
//! element (row i, column j) at `j * n + i`; the last row is the normalisation Σ x = 1.

use stop_physics::radex_legacy::{FGAUSS, TWO_HC};

use crate::background::LineBackground;
use crate::escape::Geometry;
use crate::model::LineConst;
use crate::rates::CollisionSetup;

/// Per-line constants of one model: τ = k_tau (x_l r − x_u), n_bg = I_bg/(2hcν̃³).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LineTerms {
    pub up: usize,
    pub lo: usize,
    pub a_ul_s: f64,
    /// g_u / g_l.
    pub ratio: f64,
    /// (N/Δv) A / (F ν̃³).
    pub k_tau: f64,
    /// Background photon occupation number.
    pub n_bg: f64,
}

/// The collision part of the matrix: rates, loss rates and RADEX's −1e-30 n_tot offset.
pub(crate) fn prepare_base(base: &mut Vec<f64>, n: usize, collisions: &CollisionSetup) {
    base.clear();
    base.resize(n * n, -1.0e-30 * collisions.total_density_cm3);
    for i in 0..n {
        base[i * n + i] += collisions.loss_s[i];
        for j in 0..n {
            if i != j {
                base[j * n + i] -= collisions.rates_s[j * n + i];
            }
        }
    }
}

/// The line terms of one model (column density per line width `cddv`, backgrounds).
pub(crate) fn prepare_terms(
    terms: &mut Vec<LineTerms>,
    lines: &[LineConst],
    background: &[LineBackground],
    cddv: f64,
) {
    terms.clear();
    terms.extend(lines.iter().zip(background).map(|(line, bg)| LineTerms {
        up: line.up,
        lo: line.lo,
        a_ul_s: line.a_ul_s,
        ratio: line.g_up / line.g_lo,
        k_tau: cddv * line.a_ul_s / (FGAUSS * line.wavenumber3),
        n_bg: bg.intensity_cgs / (TWO_HC * line.wavenumber3),
    }));
}

/// How the escape probabilities are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum BetaForm {
    /// RADEX's expressions ([`Geometry::beta`], [`Geometry::dbeta_dtau`]): the cold solves,
    /// whose path through the fixed-point phase of strong masers is sensitive to the last bit
    /// and is the one validated against the reference models.
    #[default]
    Radex,
    /// [`Geometry::beta_with_derivative`] (one exponential, no `powf`): warm solves from a grid
    /// neighbour.
    Combined,
}

impl BetaForm {
    /// (β, dβ/dτ) at τ; the derivative only when `with_derivative` (else 0).
    #[inline]
    fn beta(self, geometry: Geometry, tau: f64, with_derivative: bool) -> (f64, f64) {
        match (self, with_derivative) {
            (BetaForm::Combined, _) => geometry.beta_with_derivative(tau),
            (BetaForm::Radex, true) => (geometry.beta(tau), geometry.dbeta_dtau(tau)),
            (BetaForm::Radex, false) => (geometry.beta(tau), 0.0),
        }
    }
}

/// τ of a line at populations `x` (escape-probability.md §6).
#[inline]
pub(crate) fn tau(term: &LineTerms, x: &[f64]) -> f64 {
    term.k_tau * (x[term.lo] * term.ratio - x[term.up])
}

/// Fill `matrix` with A(τ(x)) and, when `jacobian` is given, J = A + line derivatives;
/// `thin` uses β = 1 for every line (RADEX's first pass). Returns false when some β is not
/// finite (LVG escape probability of a strong maser).
#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble(
    matrix: &mut [f64],
    mut jacobian: Option<&mut [f64]>,
    base: &[f64],
    terms: &[LineTerms],
    (geometry, form): (Geometry, BetaForm),
    n: usize,
    x: &[f64],
    thin: bool,
) -> bool {
    matrix.copy_from_slice(base);
    if let Some(jac) = jacobian.as_deref_mut() {
        jac.copy_from_slice(base);
    }
    let mut finite = true;
    let last = n - 1;
    for term in terms {
        let t = if thin { 0.0 } else { tau(term, x) };
        let (beta, dbeta) = if thin {
            (1.0, 0.0)
        } else {
            form.beta(geometry, t, jacobian.is_some())
        };
        finite &= beta.is_finite();
        let (u, l) = (term.up, term.lo);
        // row u: A β [(1 + n_bg) x_u − r n_bg x_l]; row l: the negative (§8)
        let loss = term.a_ul_s * beta * (1.0 + term.n_bg);
        let gain = term.a_ul_s * beta * term.ratio * term.n_bg;
        add(matrix, n, u, u, loss);
        add(matrix, n, u, l, -gain);
        add(matrix, n, l, l, gain);
        add(matrix, n, l, u, -loss);
        if let Some(jac) = jacobian.as_deref_mut() {
            add(jac, n, u, u, loss);
            add(jac, n, u, l, -gain);
            add(jac, n, l, l, gain);
            add(jac, n, l, u, -loss);
            add_derivative(jac, n, term, dbeta, x);
        }
    }
    for j in 0..n {
        matrix[j * n + last] = 1.0;
        if let Some(jac) = jacobian.as_deref_mut() {
            jac[j * n + last] = 1.0;
        }
    }
    finite
}

/// J = A + line derivatives at x from `matrix` = A(τ(x)) as [`assemble`] left it (for a
/// Jacobian at a point whose residual is already known).
pub(crate) fn jacobian_from_matrix(
    jacobian: &mut [f64],
    matrix: &[f64],
    terms: &[LineTerms],
    (geometry, form): (Geometry, BetaForm),
    n: usize,
    x: &[f64],
) {
    jacobian.copy_from_slice(matrix);
    for term in terms {
        let (_, dbeta) = form.beta(geometry, tau(term, x), true);
        add_derivative(jacobian, n, term, dbeta, x);
    }
}

/// m[row, col] += v, except in the normalisation row (the last).
#[inline]
fn add(m: &mut [f64], n: usize, row: usize, col: usize, v: f64) {
    if row != n - 1 {
        m[col * n + row] += v;
    }
}

/// The line's derivative part of J: ∂(row u)/∂τ = A β' c with c = (1 + n_bg) x_u − r n_bg x_l
/// (row l the negative), times ∂τ/∂x_l = k r and ∂τ/∂x_u = −k (escape-probability.md §6, §8).
#[inline]
fn add_derivative(jac: &mut [f64], n: usize, term: &LineTerms, dbeta: f64, x: &[f64]) {
    let (u, l) = (term.up, term.lo);
    let c = (1.0 + term.n_bg) * x[u] - term.ratio * term.n_bg * x[l];
    let s = term.a_ul_s * dbeta * c * term.k_tau;
    add(jac, n, u, l, s * term.ratio);
    add(jac, n, u, u, -s);
    add(jac, n, l, l, -s * term.ratio);
    add(jac, n, l, u, s);
}

/// Rows of levels less populated than this do not enter the residual: their balance is
/// dominated by rounding and by RADEX's −1e-30·n_tot offset (escape-probability.md §8, §13).
pub(crate) const RESIDUAL_POPULATION_FLOOR: f64 = 1e-12;

/// F = A x − b (b = e_last) and the relative residual max_i |F_i| / Σ_j |A_ij x_j| over the
/// balance rows of levels with x_i ≥ [`RESIDUAL_POPULATION_FLOOR`] and the normalisation.
pub(crate) fn residual(
    matrix: &[f64],
    n: usize,
    x: &[f64],
    f: &mut [f64],
    scale: &mut [f64],
) -> f64 {
    f.iter_mut().for_each(|v| *v = 0.0);
    scale.iter_mut().for_each(|v| *v = 0.0);
    for (col, &xj) in matrix.chunks_exact(n).zip(x) {
        // zipped slices of one length: no bounds checks, the loop vectorises
        for ((fi, si), &a) in f.iter_mut().zip(scale.iter_mut()).zip(col) {
            let v = a * xj;
            *fi += v;
            *si += v.abs();
        }
    }
    f[n - 1] -= 1.0;
    let mut worst: f64 = (f[n - 1]).abs();
    for i in 0..n - 1 {
        if scale[i] > 0.0 && x[i] >= RESIDUAL_POPULATION_FLOOR {
            worst = worst.max(f[i].abs() / scale[i]);
        }
    }
    worst
}
