//! Linear reconstruction of the level populations inside each Voronoi cell.
//!
//! LIME gives a whole cell the populations of its point (`lime-algorithm.md` §3.2 step 6).
//! On a log-radius grid a cell spans tens of per cent of its radius and is not centred on
//! its point (the outer neighbours lie farther away than the inner ones), so a constant
//! value misplaces excitation by an amount of first order in the cell size: in van
//! Zadelhoff et al. (2002) problem 1a that made the intermediate radii 40 % too excited at
//! 1000 points. Here each cell carries `p(x) = p_c + g_c · (x − x_c)` per level, with the
//! gradient `g_c` fitted by weighted least squares to the Delaunay neighbours (Barth &
//! Jespersen 1989, AIAA 89-0366, eq. 6: weights `1/|x_j − x_c|²`) and limited so that the
//! value at every face midpoint stays inside the range of the cell and its neighbours
//! (their eq. 8). Sinks carry no populations and are left out of the fit.

use crate::solve::setup::Mesh;
use crate::solve::stateq::POPULATION_FLOOR;
use rayon::prelude::*;

/// The geometric part of the least-squares fit, fixed for a mesh: the gradient of a field
/// `f` at point `c` is `Σ_j w_cj (f_j − f_c)` over the neighbours `j` of `c`.
#[derive(Debug, Clone)]
pub struct GradientStencil {
    /// `w_cj` for every directed Delaunay edge, in the order of [`Mesh::neighbours`]
    /// (zero for sinks and for points whose neighbours do not span three dimensions).
    weights: Vec<[f64; 3]>,
}

/// The 3 × 3 inverse of a symmetric matrix, `None` when it is (nearly) singular.
fn inverse_3x3(m: [[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let cof = |r0: usize, r1: usize, c0: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    let c = [
        [cof(1, 2, 1, 2), -cof(1, 2, 0, 2), cof(1, 2, 0, 1)],
        [-cof(0, 2, 1, 2), cof(0, 2, 0, 2), -cof(0, 2, 0, 1)],
        [cof(0, 1, 1, 2), -cof(0, 1, 0, 2), cof(0, 1, 0, 1)],
    ];
    let det = m[0][0] * c[0][0] + m[0][1] * c[0][1] + m[0][2] * c[0][2];
    let scale = m[0][0] * m[1][1] * m[2][2];
    if !(det.is_finite() && det.abs() > 1e-12 * scale.abs() && det != 0.0) {
        return None;
    }
    // the adjugate is the transposed cofactor matrix; m is symmetric, so is c
    Some(std::array::from_fn(|r| std::array::from_fn(|k| c[k][r] / det)))
}

impl GradientStencil {
    /// The least-squares weights of every interior point of `mesh`.
    #[must_use]
    pub fn new(mesh: &Mesh<'_>) -> Self {
        let offsets = mesh.neighbours.offsets();
        let mut weights = vec![[0.0; 3]; mesh.neighbours.indices().len()];
        for c in (0..mesh.positions_m.len()).filter(|&c| !mesh.is_sink[c]) {
            let xc = mesh.positions_m[c];
            let edges = || {
                mesh.neighbours.of(c).iter().map(|&j| j as usize).filter(|&j| !mesh.is_sink[j]).map(|j| {
                    let d: [f64; 3] = std::array::from_fn(|k| mesh.positions_m[j][k] - xc[k]);
                    (j, d, 1.0 / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]))
                })
            };
            // normal matrix Σ w d dᵀ (Barth & Jespersen eq. 6)
            let mut normal = [[0.0; 3]; 3];
            for (_, d, w) in edges() {
                for (r, row) in normal.iter_mut().enumerate() {
                    for (k, v) in row.iter_mut().enumerate() {
                        *v += w * d[r] * d[k];
                    }
                }
            }
            let Some(inv) = inverse_3x3(normal) else { continue };
            let list = mesh.neighbours.of(c);
            for (j, d, w) in edges() {
                let pos = offsets[c] + list.iter().position(|&n| n as usize == j).unwrap_or(0);
                weights[pos] = std::array::from_fn(|r| w * (inv[r][0] * d[0] + inv[r][1] * d[1] + inv[r][2] * d[2]));
            }
        }
        Self { weights }
    }

    /// Limited gradients of all levels at all points from the populations `pops`
    /// (`[point * n_levels + level]`) into `out` (`[point * n_levels + level]`, zero at sinks).
    pub fn gradients(&self, mesh: &Mesh<'_>, pops: &[f64], n_levels: usize, out: &mut Vec<[f64; 3]>) {
        out.clear();
        out.resize(pops.len(), [0.0; 3]);
        let offsets = mesh.neighbours.offsets();
        out.par_chunks_mut(n_levels).enumerate().for_each(|(c, g)| {
            if mesh.is_sink[c] {
                return;
            }
            let xc = mesh.positions_m[c];
            let list = mesh.neighbours.of(c);
            let interior = || list.iter().map(|&j| j as usize).filter(|&j| !mesh.is_sink[j]);
            for (level, gl) in g.iter_mut().enumerate() {
                let fc = pops[c * n_levels + level];
                let (mut lo, mut hi) = (fc, fc);
                let mut grad = [0.0; 3];
                for (k, &j) in list.iter().enumerate() {
                    let w = self.weights[offsets[c] + k];
                    let fj = pops[j as usize * n_levels + level];
                    if !mesh.is_sink[j as usize] {
                        (lo, hi) = (lo.min(fj), hi.max(fj));
                        grad = std::array::from_fn(|r| grad[r] + w[r] * (fj - fc));
                    }
                }
                // Barth & Jespersen eq. 8: the largest factor keeping every face-midpoint
                // value within [lo, hi]
                let mut limit = 1.0f64;
                for j in interior() {
                    let half: f64 = (0..3).map(|r| 0.5 * grad[r] * (mesh.positions_m[j][r] - xc[r])).sum();
                    if half > 0.0 {
                        limit = limit.min((hi - fc) / half);
                    } else if half < 0.0 {
                        limit = limit.min((lo - fc) / half);
                    }
                }
                *gl = grad.map(|v| v * limit.max(0.0));
            }
        });
    }
}

/// Populations of cell `c` at `x_m` from the point values and limited gradients, floored at
/// [`POPULATION_FLOOR`], into `out` (`n_levels` values).
pub fn populations_at(mesh: &Mesh<'_>, pops: &[f64], gradients: &[[f64; 3]], c: usize, x_m: [f64; 3], out: &mut [f64]) {
    let n = out.len();
    let xc = mesh.positions_m[c];
    let d = [x_m[0] - xc[0], x_m[1] - xc[1], x_m[2] - xc[2]];
    for (level, o) in out.iter_mut().enumerate() {
        let g = gradients[c * n + level];
        *o = (pops[c * n + level] + g[0] * d[0] + g[1] * d[1] + g[2] * d[2]).max(POPULATION_FLOOR);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::delaunay::Delaunay;

    fn lattice() -> (Vec<[f64; 3]>, Vec<bool>) {
        let mut pts = Vec::new();
        for i in 0..6 {
            for j in 0..6 {
                for k in 0..6 {
                    // an irregular but smooth distortion so the stencil is not symmetric
                    let (x, y, z) = (f64::from(i), f64::from(j), f64::from(k));
                    pts.push([x + 0.13 * (y * 1.7).sin(), y + 0.11 * (z * 2.3).cos(), z + 0.09 * (x * 0.7).sin()]);
                }
            }
        }
        let sinks = (0..216).map(|n| [n / 36, (n / 6) % 6, n % 6].iter().any(|&c| c == 0 || c == 5)).collect();
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
        let mut grads = Vec::new();
        stencil.gradients(&mesh, &pops, 2, &mut grads);
        let mut out = [0.0; 2];
        for c in (0..pts.len()).filter(|&c| !sinks[c]) {
            // linear data: the limiter is inactive and the fit exact
            assert!((grads[2 * c][0] - 0.02).abs() < 1e-12 && (grads[2 * c][1] + 0.01).abs() < 1e-12, "point {c}");
            let x = [pts[c][0] + 0.2, pts[c][1] - 0.1, pts[c][2] + 0.3];
            populations_at(&mesh, &pops, &grads, c, x, &mut out);
            assert!((out[0] - f(&x)).abs() < 1e-12 && (out[0] + out[1] - 1.0).abs() < 1e-12);
        }
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
        stencil.gradients(&mesh, &pops, 1, &mut grads);
        assert_eq!(grads[peak], [0.0; 3]);
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
