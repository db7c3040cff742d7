//! Reconstruction of the level populations inside each Voronoi cell.
//!
//! LIME gives a whole cell the populations of its point (`lime-algorithm.md` §3.2 step 6).
//! On a log-radius grid a cell spans tens of per cent of its radius and is not centred on
//! its point (the outer neighbours lie farther away than the inner ones), so a constant
//! value misplaces excitation by an amount of first order in the cell size: in van
//! Zadelhoff et al. (2002) problem 1a that made the intermediate radii 40 % too excited at
//! 1000 points. Here each cell carries a polynomial per level fitted by weighted least
//! squares to the values at its Delaunay neighbours, `f_j − f_c ≈ c · φ(x_j − x_c)`,
//! weights `1/|x_j − x_c|²` (Barth & Jespersen 1989, AIAA 89-0366, eq. 6; Barth 1993,
//! AIAA 93-0668, for the quadratic, "k-exact" form). The basis φ is linear (3 terms) or
//! quadratic (9 terms: the gradient and the Hessian). A linear fit is limited so that the
//! value at every face midpoint stays inside the range of the cell and its neighbours
//! (Barth & Jespersen eq. 8); every value is clamped to that range where it is evaluated.
//! Sinks carry no populations and are left out; a cell with too few interior neighbours
//! for the quadratic (fewer than [`MIN_QUADRATIC_NEIGHBOURS`], or a singular fit) is linear.

use crate::solve::setup::Mesh;
use crate::solve::stateq::POPULATION_FLOOR;
use rayon::prelude::*;

/// Terms of the quadratic basis.
pub const N_TERMS: usize = 9;

/// Fewest interior neighbours for a quadratic fit (9 unknowns, three spare). With one spare
/// (10) the fit nearly interpolates and can be ill-conditioned: in van Zadelhoff 1b at 8000
/// points one adaptive point with 10 neighbours sat +5.5 % off the published curve (4.9 % off
/// the converged 1-D answer) while its neighbours agreed; with 12 it is gone (1b max 5.53 →
/// 2.58 %, 1a unchanged at 0.85 / 0.26 %).
pub const MIN_QUADRATIC_NEIGHBOURS: usize = 12;

/// The shape of the fit in each cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitOrder {
    /// Limited linear.
    Linear,
    /// Quadratic where the neighbours allow, limited linear elsewhere.
    Quadratic,
}

/// `φ(d) = (dx, dy, dz, dx²/2, dy²/2, dz²/2, dx dy, dx dz, dy dz)`: `c · φ(d)` is the Taylor
/// polynomial with gradient `c[0..3]` and Hessian entries `c[3..9]`.
fn basis(d: [f64; 3]) -> [f64; N_TERMS] {
    [d[0], d[1], d[2], 0.5 * d[0] * d[0], 0.5 * d[1] * d[1], 0.5 * d[2] * d[2], d[0] * d[1], d[0] * d[2], d[1] * d[2]]
}

/// The fit of one level in one cell: the value at `x` is `f_c + coeff · φ(x − x_c)`,
/// clamped to `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CellFit {
    /// Coefficients of the basis φ (the gradient, then the six Hessian terms; those zero for
    /// a linear fit).
    pub coeff: [f64; N_TERMS],
    /// Smallest value of the cell and its interior neighbours.
    pub lo: f64,
    /// Largest.
    pub hi: f64,
}

/// Inverse of the dense symmetric positive `n × n` matrix `m` (row-major) by Gauss–Jordan
/// elimination with partial pivoting; `None` when a pivot falls below `1e-12` of the largest
/// diagonal entry (a fit the neighbours do not determine).
fn invert<const N: usize>(mut m: [[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let scale = (0..N).map(|k| m[k][k].abs()).fold(0.0, f64::max);
    let mut inv: [[f64; N]; N] = std::array::from_fn(|r| std::array::from_fn(|k| if r == k { 1.0 } else { 0.0 }));
    for col in 0..N {
        let pivot_row = (col..N).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        m.swap(col, pivot_row);
        inv.swap(col, pivot_row);
        let pivot = m[col][col];
        if !(pivot.is_finite() && pivot.abs() > 1e-12 * scale) {
            return None;
        }
        for k in 0..N {
            m[col][k] /= pivot;
            inv[col][k] /= pivot;
        }
        for row in (0..N).filter(|&r| r != col) {
            let factor = m[row][col];
            if factor != 0.0 {
                for k in 0..N {
                    m[row][k] -= factor * m[col][k];
                    inv[row][k] -= factor * inv[col][k];
                }
            }
        }
    }
    Some(inv)
}

/// Least-squares weights `W_j` with `c = Σ_j W_j (f_j − f_c)` over the `edges` (offset,
/// weight) of one cell for the first `n` basis terms; `None` when singular. Offsets are
/// scaled by `h` (their rms length) inside, so the normal matrix is well balanced.
fn fit_weights<const N: usize>(edges: &[([f64; 3], f64)]) -> Option<Vec<[f64; N]>> {
    let h = (edges.iter().map(|(d, _)| d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sum::<f64>() / edges.len() as f64).sqrt();
    let scaled = |d: &[f64; 3]| -> [f64; N] {
        let phi = basis(d.map(|v| v / h));
        std::array::from_fn(|k| phi[k])
    };
    let mut normal = [[0.0; N]; N];
    for (d, w) in edges {
        let phi = scaled(d);
        for (r, row) in normal.iter_mut().enumerate() {
            for (k, v) in row.iter_mut().enumerate() {
                *v += w * phi[r] * phi[k];
            }
        }
    }
    let inv = invert(normal)?;
    // undo the scaling: linear terms carry 1/h, quadratic ones 1/h²
    let unscale = |k: usize| if k < 3 { 1.0 / h } else { 1.0 / (h * h) };
    Some(
        edges
            .iter()
            .map(|(d, w)| {
                let phi = scaled(d);
                std::array::from_fn(|r| w * unscale(r) * (0..N).map(|k| inv[r][k] * phi[k]).sum::<f64>())
            })
            .collect(),
    )
}

/// The geometric part of the least-squares fits, fixed for a mesh.
#[derive(Debug, Clone)]
pub struct GradientStencil {
    /// Linear weights for every directed Delaunay edge, in the order of the mesh's
    /// neighbour lists (zero for sinks and for cells whose neighbours do not span 3-D).
    linear: Vec<[f64; 3]>,
    /// Quadratic weights, same layout, all zero for the cells that stay linear.
    quadratic: Vec<[f64; N_TERMS]>,
    /// Per point: the quadratic weights are usable.
    has_quadratic: Vec<bool>,
}

impl GradientStencil {
    /// The least-squares weights of every interior point of `mesh`.
    #[must_use]
    pub fn new(mesh: &Mesh<'_>) -> Self {
        let offsets = mesh.neighbours.offsets();
        let n_edges = mesh.neighbours.indices().len();
        let mut stencil = Self { linear: vec![[0.0; 3]; n_edges], quadratic: vec![[0.0; N_TERMS]; n_edges], has_quadratic: vec![false; mesh.positions_m.len()] };
        for c in (0..mesh.positions_m.len()).filter(|&c| !mesh.is_sink[c]) {
            let xc = mesh.positions_m[c];
            let list = mesh.neighbours.of(c);
            let slots: Vec<usize> = (0..list.len()).filter(|&k| !mesh.is_sink[list[k] as usize]).collect();
            let edges: Vec<([f64; 3], f64)> = slots
                .iter()
                .map(|&k| {
                    let d: [f64; 3] = std::array::from_fn(|r| mesh.positions_m[list[k] as usize][r] - xc[r]);
                    (d, 1.0 / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]))
                })
                .collect();
            if edges.len() < 3 {
                continue;
            }
            if let Some(w) = fit_weights::<3>(&edges) {
                for (&k, w) in slots.iter().zip(w) {
                    stencil.linear[offsets[c] + k] = w;
                }
            }
            if edges.len() >= MIN_QUADRATIC_NEIGHBOURS
                && let Some(w) = fit_weights::<N_TERMS>(&edges)
            {
                for (&k, w) in slots.iter().zip(w) {
                    stencil.quadratic[offsets[c] + k] = w;
                }
                stencil.has_quadratic[c] = true;
            }
        }
        stencil
    }

    /// Fits of all levels at all points from the populations `pops`
    /// (`[point * n_levels + level]`) into `out` (same layout, default at sinks).
    pub fn fit(&self, mesh: &Mesh<'_>, pops: &[f64], n_levels: usize, order: FitOrder, out: &mut Vec<CellFit>) {
        out.clear();
        out.resize(pops.len(), CellFit::default());
        let offsets = mesh.neighbours.offsets();
        out.par_chunks_mut(n_levels).enumerate().for_each(|(c, fits)| {
            if mesh.is_sink[c] {
                return;
            }
            let xc = mesh.positions_m[c];
            let list = mesh.neighbours.of(c);
            let quadratic = order == FitOrder::Quadratic && self.has_quadratic[c];
            for (level, fit) in fits.iter_mut().enumerate() {
                let fc = pops[c * n_levels + level];
                let (mut lo, mut hi) = (fc, fc);
                let mut coeff = [0.0; N_TERMS];
                for (k, &j) in list.iter().enumerate().filter(|(_, j)| !mesh.is_sink[**j as usize]) {
                    let df = pops[j as usize * n_levels + level] - fc;
                    (lo, hi) = (lo.min(fc + df), hi.max(fc + df));
                    if quadratic {
                        let w = &self.quadratic[offsets[c] + k];
                        coeff.iter_mut().zip(w).for_each(|(v, w)| *v += w * df);
                    } else {
                        let w = &self.linear[offsets[c] + k];
                        coeff.iter_mut().zip(w).for_each(|(v, w)| *v += w * df);
                    }
                }
                if !quadratic {
                    // Barth & Jespersen eq. 8: the largest factor keeping every face-midpoint
                    // value within [lo, hi]
                    let mut limit = 1.0f64;
                    for &j in list.iter().filter(|j| !mesh.is_sink[**j as usize]) {
                        let half: f64 = (0..3).map(|r| 0.5 * coeff[r] * (mesh.positions_m[j as usize][r] - xc[r])).sum();
                        if half > 0.0 {
                            limit = limit.min((hi - fc) / half);
                        } else if half < 0.0 {
                            limit = limit.min((lo - fc) / half);
                        }
                    }
                    coeff.iter_mut().take(3).for_each(|v| *v *= limit.max(0.0));
                }
                *fit = CellFit { coeff, lo, hi };
            }
        });
    }
}

/// Populations of cell `c` at `x_m` from the point values and fits, clamped to each fit's
/// range and floored at [`POPULATION_FLOOR`], into `out` (`n_levels` values).
pub fn populations_at(mesh: &Mesh<'_>, pops: &[f64], fits: &[CellFit], c: usize, x_m: [f64; 3], out: &mut [f64]) {
    populations_at_stations(mesh, pops, fits, c, [x_m], out);
}

/// [`populations_at`] at the `S` positions `x_m` of one cell into `out`
/// (`[station * n_levels + level]`, `S * n_levels` values), each fit read once: the same
/// values as `S` calls.
pub fn populations_at_stations<const S: usize>(mesh: &Mesh<'_>, pops: &[f64], fits: &[CellFit], c: usize, x_m: [[f64; 3]; S], out: &mut [f64]) {
    let n = out.len() / S;
    let xc = mesh.positions_m[c];
    let phi = x_m.map(|x| basis([x[0] - xc[0], x[1] - xc[1], x[2] - xc[2]]));
    for (level, (fit, &own)) in fits[c * n..(c + 1) * n].iter().zip(&pops[c * n..(c + 1) * n]).enumerate() {
        let a = &fit.coeff;
        // A linear fit has zero Hessian terms (either sign of zero: the bits without the sign
        // bit are all zero), and adding their ±0 products changes no bits, so they are
        // skipped; the products are summed left to right either way.
        let hessian_bits = a[3..].iter().fold(0u64, |acc, v| acc | v.to_bits()) & !(1u64 << 63);
        for (phi, o) in phi.iter().zip(out[level..].iter_mut().step_by(n)) {
            let linear = a[0] * phi[0] + a[1] * phi[1] + a[2] * phi[2];
            let offset = if hessian_bits == 0 { linear } else { a[3..].iter().zip(&phi[3..]).fold(linear, |sum, (a, p)| sum + a * p) };
            *o = (own + offset).clamp(fit.lo, fit.hi).max(POPULATION_FLOOR);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::delaunay::Delaunay;

    fn lattice() -> (Vec<[f64; 3]>, Vec<bool>) {
        lattice_of(6)
    }

    /// An `n`³ distorted lattice whose outer layer is sinks.
    fn lattice_of(n: usize) -> (Vec<[f64; 3]>, Vec<bool>) {
        let mut pts = Vec::new();
        for i in 0..n as u32 {
            for j in 0..n as u32 {
                for k in 0..n as u32 {
                    // an irregular but smooth distortion so the stencil is not symmetric
                    let (x, y, z) = (f64::from(i), f64::from(j), f64::from(k));
                    pts.push([x + 0.13 * (y * 1.7).sin(), y + 0.11 * (z * 2.3).cos(), z + 0.09 * (x * 0.7).sin()]);
                }
            }
        }
        let sinks = (0..n * n * n).map(|m| [m / (n * n), (m / n) % n, m % n].iter().any(|&c| c == 0 || c == n - 1)).collect();
        (pts, sinks)
    }

    #[test]
    fn linear_fields_are_reconstructed_exactly() {
        let (pts, sinks) = lattice();
        let nb = Delaunay::new(&pts).expect("lattice").vertex_neighbours();
        let mesh = Mesh { positions_m: &pts, is_sink: &sinks, neighbours: &nb };
        let stencil = GradientStencil::new(&mesh);
        // two "levels": a linear field and its complement, as populations summing to 1
        let f = |p: &[f64; 3]| 0.3 + 0.02 * p[0] - 0.01 * p[1] + 0.03 * p[2];
        let pops: Vec<f64> = pts.iter().flat_map(|p| [f(p), 1.0 - f(p)]).collect();
        let mut fits = Vec::new();
        let mut out = [0.0; 2];
        for order in [FitOrder::Linear, FitOrder::Quadratic] {
            stencil.fit(&mesh, &pops, 2, order, &mut fits);
            for c in (0..pts.len()).filter(|&c| !sinks[c]) {
                // linear data: the limiter is inactive and both fits exact
                let g = fits[2 * c].coeff;
                assert!((g[0] - 0.02).abs() < 1e-10 && (g[1] + 0.01).abs() < 1e-10 && g[3].abs() < 1e-10, "point {c}: {g:?}");
                // 40 % of the way to each interior neighbour: inside the clamping range
                for &j in nb.of(c).iter().filter(|j| !sinks[**j as usize]) {
                    let x: [f64; 3] = std::array::from_fn(|k| 0.6 * pts[c][k] + 0.4 * pts[j as usize][k]);
                    populations_at(&mesh, &pops, &fits, c, x, &mut out);
                    assert!((out[0] - f(&x)).abs() < 1e-10 && (out[0] + out[1] - 1.0).abs() < 1e-10, "{order:?} point {c}");
                }
            }
        }
    }

    #[test]
    fn quadratic_fields_are_reconstructed_exactly_where_the_neighbours_allow() {
        // 8³: enough interior cells with 12 interior neighbours
        let (pts, sinks) = lattice_of(8);
        let nb = Delaunay::new(&pts).expect("lattice").vertex_neighbours();
        let mesh = Mesh { positions_m: &pts, is_sink: &sinks, neighbours: &nb };
        let stencil = GradientStencil::new(&mesh);
        let f = |p: &[f64; 3]| 2.0 + 0.1 * p[0] - 0.05 * p[1] * p[1] + 0.02 * p[0] * p[2];
        let pops: Vec<f64> = pts.iter().map(f).collect();
        let mut fits = Vec::new();
        stencil.fit(&mesh, &pops, 1, FitOrder::Quadratic, &mut fits);
        let mut out = [0.0];
        let mut n_quadratic = 0;
        for c in (0..pts.len()).filter(|&c| !sinks[c] && stencil.has_quadratic[c]) {
            n_quadratic += 1;
            // short of the neighbours (no clamping) the value is exact
            for &j in nb.of(c).iter().filter(|j| !sinks[**j as usize]) {
                let x: [f64; 3] = std::array::from_fn(|k| 0.8 * pts[c][k] + 0.2 * pts[j as usize][k]);
                populations_at(&mesh, &pops, &fits, c, x, &mut out);
                assert!((out[0] - f(&x)).abs() < 1e-10, "point {c}: {} vs {}", out[0], f(&x));
            }
        }
        assert!(n_quadratic > 20, "only {n_quadratic} quadratic cells");
    }

    #[test]
    fn limiter_keeps_face_values_inside_the_neighbour_range() {
        let (pts, sinks) = lattice();
        let nb = Delaunay::new(&pts).expect("lattice").vertex_neighbours();
        let mesh = Mesh { positions_m: &pts, is_sink: &sinks, neighbours: &nb };
        let stencil = GradientStencil::new(&mesh);
        // a peak at one point: its gradient must vanish, its neighbours' stay bounded
        let peak = 2 * 36 + 2 * 6 + 2;
        let pops: Vec<f64> = (0..pts.len()).map(|c| if c == peak { 1.0 } else { 0.1 }).collect();
        let mut grads = Vec::new();
        stencil.fit(&mesh, &pops, 1, FitOrder::Linear, &mut grads);
        assert_eq!(grads[peak].coeff, [0.0; N_TERMS]);
        for c in (0..pts.len()).filter(|&c| !sinks[c]) {
            for &j in nb.of(c) {
                let mid: [f64; 3] = std::array::from_fn(|k| 0.5 * (pts[c][k] + pts[j as usize][k]));
                let mut v = [0.0];
                populations_at(&mesh, &pops, &grads, c, mid, &mut v);
                assert!((0.1 - 1e-12..=1.0 + 1e-12).contains(&v[0]), "point {c} towards {j}: {}", v[0]);
            }
        }
    }
}
