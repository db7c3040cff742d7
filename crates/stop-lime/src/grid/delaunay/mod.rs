//! 3-D Delaunay triangulation by incremental Bowyer–Watson insertion.
//!
//! The pipeline of [`Delaunay::new`]:
//! 1. validate and de-duplicate the points ([`crate::grid::dedup`]); duplicates map to
//!    their survivor and take no part in the triangulation;
//! 2. order the distinct points (BRIO rounds sorted along a Hilbert curve, `order.rs`);
//! 3. start from the first four non-coplanar points and insert the rest (`mesh.rs`),
//!    with exact predicates and a symbolic perturbation for cospherical points
//!    (`predicates.rs`), so a regular lattice gives no zero-volume tetrahedra;
//! 4. hand back the finite tetrahedra with their face adjacency in input numbering.
//!
//! The result is the Delaunay triangulation of the (symbolically perturbed) points: the
//! circumsphere of every tetrahedron contains no input point in its interior, and the
//! tetrahedra tile the convex hull exactly.

mod mesh;
mod neighbours;
mod order;
mod predicates;

pub use neighbours::Neighbours;

use crate::LimeError;
use crate::grid::dedup::deduplicate;
use mesh::Mesh;
use predicates::{Point3, orient};
use robust::{Coord, orient2d};

/// Marker in [`Delaunay::tet_neighbours`] for a face on the convex hull.
pub const HULL_FACE: u32 = u32::MAX;

/// A Delaunay tetrahedralisation of a point set.
///
/// ```
/// use stop_lime::grid::delaunay::Delaunay;
/// // The unit cube's corners plus its centre: all eight corners are cospherical.
/// let mut pts = vec![[0.5, 0.5, 0.5]];
/// for i in 0..8 {
///     pts.push([f64::from(i & 1), f64::from((i >> 1) & 1), f64::from(i >> 2)]);
/// }
/// let dt = Delaunay::new(&pts)?;
/// let volume: f64 = (0..dt.tetrahedra().len()).map(|t| dt.tet_volume(t)).sum();
/// assert!((volume - 1.0).abs() < 1e-12);
/// assert!(dt.tetrahedra().iter().enumerate().all(|(t, _)| dt.tet_volume(t) > 0.0));
/// assert_eq!(dt.vertex_neighbours().of(0).len(), 8); // the centre sees every corner
/// # Ok::<(), stop_lime::LimeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Delaunay {
    points: Vec<Point3>,
    survivor: Vec<u32>,
    n_distinct: usize,
    /// Input indices of the distinct points in insertion (spatially sorted) order.
    insertion_order: Vec<u32>,
    tets: Vec<[u32; 4]>,
    tet_neighbours: Vec<[u32; 4]>,
}

impl Delaunay {
    /// Triangulates `points` (any length unit; volumes come out in that unit cubed).
    ///
    /// # Errors
    /// [`LimeError::NonFinitePoint`], [`LimeError::CoordinateTooLarge`],
    /// [`LimeError::TooManyPoints`] for invalid input; [`LimeError::TooFewPoints`] below
    /// four distinct points; [`LimeError::Degenerate`] when all points are collinear or
    /// coplanar.
    pub fn new(points: &[[f64; 3]]) -> Result<Self, LimeError> {
        let dedup = deduplicate(points)?;
        let n_distinct = dedup.distinct.len();
        if n_distinct < 4 {
            return Err(LimeError::TooFewPoints { n_distinct });
        }
        // Predicate signs are unchanged by an exact power-of-two scaling; bringing the
        // coordinates to order one keeps the degree-5 in-sphere terms from underflowing.
        let max_abs = points.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = if max_abs > 0.0 { 2f64.powi(-(max_abs.log2().ceil() as i32)) } else { 1.0 };
        let scaled: Vec<Point3> = points.iter().map(|p| p.map(|v| v * scale)).collect();
        let order = order::insertion_order(&scaled, dedup.distinct);
        let order = start_with_a_tetrahedron(&scaled, order)?;
        let inserted: Vec<Point3> = order.iter().map(|&i| scaled[i as usize]).collect();
        drop(scaled);
        let mut mesh = Mesh::new(inserted);
        for id in 4..order.len() as u32 {
            mesh.insert(id);
        }
        let (mut tets, tet_neighbours) = mesh.finish();
        for tet in &mut tets {
            *tet = tet.map(|v| order[v as usize]);
        }
        Ok(Delaunay { points: points.to_vec(), survivor: dedup.survivor, n_distinct, insertion_order: order, tets, tet_neighbours })
    }

    /// The input points, in input order (duplicates included).
    pub fn points(&self) -> &[[f64; 3]] {
        &self.points
    }

    /// For every input point, the index of the copy that represents it in the mesh
    /// (itself unless it duplicates an earlier point).
    pub fn survivor(&self) -> &[u32] {
        &self.survivor
    }

    /// Number of distinct points (all of which are vertices of the triangulation).
    pub fn n_distinct(&self) -> usize {
        self.n_distinct
    }

    /// Tetrahedra as input point indices, positively oriented
    /// (`robust::orient3d(p0, p1, p2, p3) > 0`).
    pub fn tetrahedra(&self) -> &[[u32; 4]] {
        &self.tets
    }

    /// Per tetrahedron, the tetrahedron across the face opposite each vertex, or
    /// [`HULL_FACE`].
    pub fn tet_neighbours(&self) -> &[[u32; 4]] {
        &self.tet_neighbours
    }

    /// Volume of tetrahedron `t` (input length unit cubed).
    ///
    /// # Panics
    /// If `t` is not a tetrahedron index.
    pub fn tet_volume(&self, t: usize) -> f64 {
        let [a, b, c, d] = self.tets[t].map(|v| self.points[v as usize]);
        let u = sub(b, a);
        let v = sub(c, a);
        let w = sub(d, a);
        let det = u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0])
            + u[2] * (v[0] * w[1] - v[1] * w[0]);
        det.abs() / 6.0
    }

    /// The faces on the convex hull, each ordered so that
    /// `robust::orient3d(a, b, c, x) > 0` for points `x` inside the hull.
    pub fn hull_faces(&self) -> Vec<[u32; 3]> {
        let mut faces = Vec::new();
        for (tet, adj) in self.tets.iter().zip(&self.tet_neighbours) {
            for k in (0..4).filter(|&k| adj[k] == HULL_FACE) {
                let [a, b, c]: [u32; 3] = std::array::from_fn(|s| tet[if s < k { s } else { s + 1 }]);
                let p = |i: u32| &self.points[i as usize];
                faces.push(if orient(p(a), p(b), p(c), p(tet[k])) > 0.0 { [a, b, c] } else { [b, a, c] });
            }
        }
        faces
    }

    /// For every input point, whether it (or its survivor) is a vertex of the convex hull.
    pub fn on_hull(&self) -> Vec<bool> {
        let mut flag = vec![false; self.points.len()];
        for face in self.hull_faces() {
            for v in face {
                flag[v as usize] = true;
            }
        }
        for (i, &s) in self.survivor.iter().enumerate() {
            flag[i] = flag[s as usize];
        }
        flag
    }

    /// Per-point Delaunay neighbours (the points sharing an edge), sorted; duplicates
    /// have none (look up their survivor).
    pub fn vertex_neighbours(&self) -> Neighbours {
        // Work in insertion order, where neighbouring points have nearby numbers and the
        // memory traffic stays local, then renumber back to input indices.
        let mut rank = vec![u32::MAX; self.points.len()];
        for (k, &i) in self.insertion_order.iter().enumerate() {
            rank[i as usize] = k as u32;
        }
        let local: Vec<[u32; 4]> = self.tets.iter().map(|t| t.map(|v| rank[v as usize])).collect();
        Neighbours::from_tetrahedra(self.insertion_order.len(), &local).renumbered(&self.insertion_order, self.points.len())
    }
}

fn sub(a: Point3, b: Point3) -> Point3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// Exact collinearity: all three coordinate-plane projections have zero area.
fn collinear(a: &Point3, b: &Point3, c: &Point3) -> bool {
    let proj = |p: &Point3, i: usize, j: usize| Coord { x: p[i], y: p[j] };
    [(0, 1), (1, 2), (2, 0)].iter().all(|&(i, j)| orient2d(proj(a, i, j), proj(b, i, j), proj(c, i, j)) == 0.0)
}

/// Moves a non-degenerate tetrahedron's vertices to the front of `order`.
fn start_with_a_tetrahedron(points: &[[f64; 3]], mut order: Vec<u32>) -> Result<Vec<u32>, LimeError> {
    let n_distinct = order.len();
    let p = |k: usize, order: &[u32]| points[order[k] as usize];
    let third = (2..n_distinct)
        .find(|&k| !collinear(&p(0, &order), &p(1, &order), &p(k, &order)))
        .ok_or(LimeError::Degenerate { n_distinct, shape: "collinear" })?;
    order.swap(2, third);
    let fourth = (3..n_distinct)
        .find(|&k| orient(&p(0, &order), &p(1, &order), &p(2, &order), &p(k, &order)) != 0.0)
        .ok_or(LimeError::Degenerate { n_distinct, shape: "coplanar" })?;
    order.swap(3, fourth);
    Ok(order)
}
