//! Walking a straight photon path from Voronoi cell to Voronoi cell.
//!
//! A grid point owns the Voronoi cell of points nearer to it than to any other; the faces of
//! the cell are the bisector planes with its Delaunay neighbours. A path at `x` in cell `c`
//! heading along `d` leaves through the face whose plane it meets first: for a neighbour `j`
//! with `e = x_j − x_c`, `e·d > 0`, the plane is met after
//! `t_j = e·((x_c + x_j)/2 − x) / (e·d)` (the step LIME's ray tracer takes,
//! `lime-algorithm.md` §4.3). Unlike LIME's solver, which follows Delaunay edges and
//! projects their lengths (§3.2 steps 3–4), the path stays straight, so every direction is
//! sampled with its true solid angle and its true path lengths.

use crate::solve::setup::Mesh;

/// One step: the cell entered next and the path length inside the current cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The neighbour whose cell the path enters.
    pub next: usize,
    /// Length travelled inside the current cell, m.
    pub length_m: f64,
}

/// The exit of the path at `x_m` (inside or on the boundary of the cell of `cell`) heading
/// along the unit vector `dir`. `None` when no neighbour lies ahead (only possible for a
/// hull point, whose cell is unbounded).
///
/// ```
/// use stop_lime::grid::delaunay::Delaunay;
/// use stop_lime::solve::setup::Mesh;
/// use stop_lime::transport::walk::exit_step;
/// let pts = [[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0], [-2.0, -2.0, -2.0]];
/// let nb = Delaunay::new(&pts)?.vertex_neighbours();
/// let sinks = [false, true, true, true, true];
/// let mesh = Mesh { positions_m: &pts, is_sink: &sinks, neighbours: &nb };
/// let step = exit_step(&mesh, 0, [0.0; 3], [1.0, 0.0, 0.0]).expect("a face ahead");
/// assert_eq!((step.next, step.length_m), (1, 1.0));
/// # Ok::<(), stop_lime::LimeError>(())
/// ```
#[must_use]
pub fn exit_step(mesh: &Mesh<'_>, cell: usize, x_m: [f64; 3], dir: [f64; 3]) -> Option<Step> {
    let xc = mesh.positions_m[cell];
    let mut best: Option<Step> = None;
    for &j in mesh.neighbours.of(cell) {
        let xj = mesh.positions_m[j as usize];
        let e = [xj[0] - xc[0], xj[1] - xc[1], xj[2] - xc[2]];
        let den = e[0] * dir[0] + e[1] * dir[1] + e[2] * dir[2];
        if den <= 0.0 {
            continue;
        }
        let to_mid = [0.5 * (xc[0] + xj[0]) - x_m[0], 0.5 * (xc[1] + xj[1]) - x_m[1], 0.5 * (xc[2] + xj[2]) - x_m[2]];
        let t = ((e[0] * to_mid[0] + e[1] * to_mid[1] + e[2] * to_mid[2]) / den).max(0.0);
        if best.is_none_or(|b| t < b.length_m) {
            best = Some(Step { next: j as usize, length_m: t });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::delaunay::Delaunay;

    #[test]
    fn straight_path_through_a_lattice_has_the_true_length() {
        // a 7×7×7 lattice of unit spacing, jittered slightly; walk from the centre along a
        // skew direction to the outer shell: the summed steps equal the straight distance
        let mut pts = Vec::new();
        let mut rng = crate::grid::sampling::item_rng(3, 0);
        use rand::RngExt;
        for i in 0..7 {
            for j in 0..7 {
                for k in 0..7 {
                    let jit = |r: &mut rand_xoshiro::Xoshiro256PlusPlus| 0.05 * (r.random::<f64>() - 0.5);
                    pts.push([f64::from(i) - 3.0 + jit(&mut rng), f64::from(j) - 3.0 + jit(&mut rng), f64::from(k) - 3.0 + jit(&mut rng)]);
                }
            }
        }
        let nb = Delaunay::new(&pts).expect("lattice").vertex_neighbours();
        let sinks: Vec<bool> = pts.iter().map(|p| p.iter().any(|c| c.abs() > 2.5)).collect();
        let mesh = Mesh { positions_m: &pts, is_sink: &sinks, neighbours: &nb };
        let start = 3 * 49 + 3 * 7 + 3;
        let norm = (1.0f64 + 0.4 * 0.4 + 0.2 * 0.2).sqrt();
        let dir = [1.0 / norm, 0.4 / norm, 0.2 / norm];
        let (mut cell, mut x, mut travelled) = (start, pts[start], 0.0);
        while !sinks[cell] {
            let step = exit_step(&mesh, cell, x, dir).expect("interior cells are closed");
            for k in 0..3 {
                x[k] += step.length_m * dir[k];
            }
            travelled += step.length_m;
            cell = step.next;
            // the position stays in the cell just entered (nearest point)
            let d2 = |p: &[f64; 3]| (0..3).map(|k| (p[k] - x[k]).powi(2)).sum::<f64>();
            let nearest = pts.iter().map(d2).fold(f64::INFINITY, f64::min);
            assert!(d2(&pts[cell]) - nearest < 1e-9);
        }
        let dist = ((0..3).map(|k| (x[k] - pts[start][k]).powi(2)).sum::<f64>()).sqrt();
        assert!((travelled - dist).abs() < 1e-12 * dist.max(1.0));
        assert!(travelled > 2.0);
    }
}
