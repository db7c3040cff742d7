//! Where rays go and how pixels are made from them.
//!
//! * [`RayLayout::SubPixel`]: `n × n` rays at the centres of a regular sub-pixel pattern,
//!   each weighing `1/n²` in its pixel.
//! * [`RayLayout::GridPoints`]: LIME's default (`lime-algorithm.md` §4.2): one ray through the
//!   sky projection of each interior grid point (at most `max_per_pixel` per pixel, in grid
//!   order; points projected outside the image are traced too and serve the interpolation
//!   near the image edges, which reproduces LIME's cubes), plus zero-intensity rays on the rim
//!   circle of radius R. Pixels with two rays or
//!   more take the plain mean of theirs; the others take the linear (barycentric)
//!   interpolation at their centre inside the 2-D Delaunay triangulation of all rays
//!   (triangulated with `spade`). The image then follows the grid's resolution.

use crate::error::RaytraceError;
use spade::{DelaunayTriangulation, FloatTriangulation as _, Point2, Triangulation as _};

/// How rays are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RayLayout {
    /// `per_side × per_side` rays per pixel on a regular pattern (anti-aliasing).
    SubPixel {
        /// Rays per pixel side.
        per_side: usize,
    },
    /// LIME's rays through projected grid points, interpolated where sparse.
    GridPoints {
        /// Most rays per pixel (LIME: 20).
        max_per_pixel: usize,
    },
}

/// LIME's cap on rays per pixel in the grid-point layout (`lime-algorithm.md` §4.2).
pub const LIME_MAX_RAYS_PER_PIXEL: usize = 20;

/// Rays (observer-frame x, y in m) and, per pixel, the rays it is made of with their weights.
#[derive(Debug, Clone, Default)]
pub(crate) struct RayPlan {
    pub rays_m: Vec<[f64; 2]>,
    pub pixel_weights: Vec<Vec<(u32, f64)>>,
}

/// Observer-frame centre of pixel `i` of `n`, in pixels from the image centre:
/// `i + 0.5 − n/2` (LIME, `../shared/reference/lime/README.md`).
#[must_use]
pub fn pixel_offset(i: usize, n: usize) -> f64 {
    i as f64 + 0.5 - 0.5 * n as f64
}

/// The sub-pixel layout.
pub(crate) fn sub_pixel_plan(n_pixels: usize, pixel_m: f64, per_side: usize) -> RayPlan {
    let mut plan = RayPlan::default();
    let w = 1.0 / (per_side * per_side) as f64;
    for j in 0..n_pixels {
        for i in 0..n_pixels {
            let mut weights = Vec::with_capacity(per_side * per_side);
            for sub in 0..per_side * per_side {
                let fx = ((sub % per_side) as f64 + 0.5) / per_side as f64 - 0.5;
                let fy = ((sub / per_side) as f64 + 0.5) / per_side as f64 - 0.5;
                weights.push((plan.rays_m.len() as u32, w));
                plan.rays_m.push([(pixel_offset(i, n_pixels) + fx) * pixel_m, (pixel_offset(j, n_pixels) + fy) * pixel_m]);
            }
            plan.pixel_weights.push(weights);
        }
    }
    plan
}

/// LIME's grid-point layout. `projected_m` are the sky positions of the interior points in
/// grid order; `radius_m` the model radius. Rim rays: spaced like the projected points in the
/// outer third of the radius (their mean spacing `sqrt(annulus area / count)`; LIME states no
/// formula), zero intensity (they are at the model's edge), at least 8.
pub(crate) fn grid_point_plan(
    n_pixels: usize,
    pixel_m: f64,
    max_per_pixel: usize,
    projected_m: &[[f64; 2]],
    radius_m: f64,
) -> Result<RayPlan, RaytraceError> {
    let mut plan = RayPlan::default();
    let mut in_pixel: Vec<Vec<u32>> = vec![Vec::new(); n_pixels * n_pixels];
    let half = 0.5 * n_pixels as f64;
    for p in projected_m {
        let (fi, fj) = ((p[0] / pixel_m + half).floor(), (p[1] / pixel_m + half).floor());
        if fi < 0.0 || fj < 0.0 || fi >= n_pixels as f64 || fj >= n_pixels as f64 {
            plan.rays_m.push(*p);
            continue;
        }
        let slot = &mut in_pixel[fj as usize * n_pixels + fi as usize];
        if slot.len() < max_per_pixel {
            slot.push(plan.rays_m.len() as u32);
            plan.rays_m.push(*p);
        }
    }
    let n_traced = plan.rays_m.len();
    let outer = projected_m.iter().filter(|p| p[0].hypot(p[1]) > 2.0 * radius_m / 3.0).count().max(1);
    let annulus_m2 = std::f64::consts::PI * radius_m * radius_m * (1.0 - 4.0 / 9.0);
    let spacing_m = (annulus_m2 / outer as f64).sqrt();
    let n_rim = ((std::f64::consts::TAU * radius_m / spacing_m).ceil() as usize).max(8);
    for k in 0..n_rim {
        let phi = std::f64::consts::TAU * k as f64 / n_rim as f64;
        plan.rays_m.push([radius_m * phi.cos(), radius_m * phi.sin()]);
    }
    let mut triangulation: DelaunayTriangulation<Point2<f64>> = DelaunayTriangulation::new();
    let mut vertex_ray = Vec::with_capacity(plan.rays_m.len());
    for (k, r) in plan.rays_m.iter().enumerate() {
        let handle = triangulation.insert(Point2::new(r[0], r[1])).map_err(|e| RaytraceError::BadParameter {
            what: "projected grid point",
            value: format!("({:e}, {:e}) m: {e:?}", r[0], r[1]),
            expected: "finite coordinates",
        })?;
        if handle.index() == vertex_ray.len() {
            vertex_ray.push(k as u32);
        }
    }
    let barycentric = triangulation.barycentric();
    let mut weights = Vec::new();
    for (p, rays) in in_pixel.iter().enumerate() {
        if rays.len() >= 2 {
            let w = 1.0 / rays.len() as f64;
            plan.pixel_weights.push(rays.iter().map(|&k| (k, w)).collect());
        } else {
            let centre = Point2::new(pixel_offset(p % n_pixels, n_pixels) * pixel_m, pixel_offset(p / n_pixels, n_pixels) * pixel_m);
            barycentric.get_weights(centre, &mut weights);
            plan.pixel_weights.push(weights.iter().map(|(v, w)| (vertex_ray[v.index()], *w)).collect());
        }
    }
    debug_assert!(n_traced <= plan.rays_m.len());
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_pixel_rays_sit_at_sub_pixel_centres() {
        let plan = sub_pixel_plan(2, 1.0, 2);
        assert_eq!(plan.rays_m.len(), 16);
        // pixel (0, 0) spans [-1, 0] × [-1, 0]: rays at ±0.25 around (-0.5, -0.5)
        assert_eq!(&plan.rays_m[..4], &[[-0.75, -0.75], [-0.25, -0.75], [-0.75, -0.25], [-0.25, -0.25]]);
        assert!(plan.pixel_weights.iter().all(|w| (w.iter().map(|x| x.1).sum::<f64>() - 1.0).abs() < 1e-15));
    }

    #[test]
    fn grid_points_average_or_interpolate_linearly() {
        // 4 × 4 pixels of 1 m; rays: two in pixel (0, 0), one each at the centres of the
        // others' corners. A linear function of position is reproduced by the interpolation.
        let mut pts = vec![[-1.8, -1.8], [-1.2, -1.3]];
        for k in 0..25 {
            pts.push([f64::from(k % 5) - 2.0 + 0.01, f64::from(k / 5) - 2.0 + 0.02]);
        }
        let plan = grid_point_plan(4, 1.0, LIME_MAX_RAYS_PER_PIXEL, &pts, 10.0).expect("plan");
        let f = |p: [f64; 2]| 3.0 + 2.0 * p[0] - p[1];
        let value = |pix: usize| plan.pixel_weights[pix].iter().map(|&(k, w)| w * f(plan.rays_m[k as usize])).sum::<f64>();
        // pixel (0, 0) holds the rays 0, 1 and the lattice ray (-1.99, -1.98): their mean
        let mean = (f(pts[0]) + f(pts[1]) + f([-1.99, -1.98])) / 3.0;
        assert!((value(0) - mean).abs() < 1e-12);
        // pixel (2, 2) (centre (0.5, 0.5)) has one ray: interpolated, linear functions are exact
        assert!((value(2 * 4 + 2) - f([0.5, 0.5])).abs() < 1e-12);
    }
}
