//! Density-weighted random grid points inside a sphere, as LIME 1.9.5 places them
//! (`../shared/docs/lime-algorithm.md` §2.1–2.2), plus the boundary ("sink") points.
//!
//! Interior points: a position is proposed with `log10 r` uniform in
//! `[log10 r_min, log10 R]` and an isotropic direction, and accepted when
//! `f(x)/f_max > U` with `f = n^0.2` (LIME's `DENSITY_POWER`). With
//! [`Threshold::PerPoint`] (LIME's behaviour) `U` is drawn once per point and positions are
//! re-proposed against it in batches of [`LIME_PROPOSAL_BATCH`] before a new `U` is drawn,
//! which concentrates points more strongly than textbook rejection
//! ([`Threshold::PerProposal`]). Sink points are uniform on the sphere of radius `R`.
//!
//! Every point has its own random stream, seeded from the run seed and the point's index
//! (`../shared/docs/dependencies.md` §6), so the points do not depend on the number of
//! threads.

use crate::LimeError;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use stop_physics::constants::AU_M;

/// LIME's exponent of the density in the acceptance weight (`DENSITY_POWER`, 1.9.5).
pub const LIME_DENSITY_POWER: f64 = 0.2;
/// Proposals LIME tries against one threshold before drawing a new one (1.9.5).
pub const LIME_PROPOSAL_BATCH: usize = 1000;
/// Random positions LIME evaluates when neither the centre nor `(r_min, r_min, r_min)`
/// gives a usable weight maximum (1.9.5).
pub const LIME_MAX_PROBES: u64 = 100;

/// The grid-point density of a model: any `Fn(x_m, y_m, z_m) -> f64` works.
///
/// The value is the total number density (any unit; only ratios matter). Negative or
/// non-finite values count as zero weight.
pub trait DensityField: Sync {
    /// Density at a position (m).
    fn density(&self, x_m: f64, y_m: f64, z_m: f64) -> f64;
}

impl<F: Fn(f64, f64, f64) -> f64 + Sync> DensityField for F {
    fn density(&self, x_m: f64, y_m: f64, z_m: f64) -> f64 {
        self(x_m, y_m, z_m)
    }
}

/// How the uniform acceptance threshold is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Threshold {
    /// LIME 1.9.5: one threshold per point, re-used for a batch of proposals.
    #[default]
    PerPoint,
    /// Textbook rejection sampling: a fresh threshold for every proposal.
    PerProposal,
}

/// Parameters of the point sampling.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplingParams {
    /// Model radius `R` (m).
    pub radius_m: f64,
    /// Smallest radius sampled, LIME's `minScale` (m).
    pub min_scale_m: f64,
    /// Number of interior points (LIME's `pIntensity`).
    pub n_interior: usize,
    /// Number of boundary points on the sphere (LIME's `sinkPoints`).
    pub n_sink: usize,
    /// Exponent of the density in the acceptance weight.
    pub density_power: f64,
    /// How the acceptance threshold is drawn.
    pub threshold: Threshold,
    /// Proposals allowed per point before giving up with an error.
    pub max_proposals_per_point: usize,
    /// Run seed; point `i` uses a stream derived from it and `i`.
    pub seed: u64,
}

impl Default for SamplingParams {
    /// LIME's model-A settings (`../shared/reference/lime/modelA/model.toml`):
    /// R = 2000 au, r_min = 0.5 au, 3000 + 1000 points.
    fn default() -> Self {
        SamplingParams {
            radius_m: 2000.0 * AU_M,
            min_scale_m: 0.5 * AU_M,
            n_interior: 3000,
            n_sink: 1000,
            density_power: LIME_DENSITY_POWER,
            threshold: Threshold::PerPoint,
            max_proposals_per_point: 10_000_000,
            seed: 1,
        }
    }
}

/// Sampled positions: the interior points first, then the sinks.
#[derive(Debug, Clone, PartialEq)]
pub struct SampledPoints {
    /// Positions (m).
    pub positions_m: Vec<[f64; 3]>,
    /// Number of interior points; `positions_m[n_interior..]` are sinks.
    pub n_interior: usize,
}

impl SampledPoints {
    /// Whether point `i` is a sink (boundary) point.
    pub fn is_sink(&self, i: usize) -> bool {
        i >= self.n_interior
    }
}

/// The random stream of work item `item` (`../shared/docs/dependencies.md` §6).
pub fn item_rng(seed: u64, item: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed ^ item.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Work-item ranges: interior points, sinks and the weight-maximum probes use disjoint ids.
const SINK_ITEM_BASE: u64 = 1 << 40;
const PROBE_ITEM_BASE: u64 = 1 << 41;

/// Samples interior and sink points for `density` (in parallel, thread-count independent).
///
/// ```
/// use stop_lime::grid::sampling::{sample_points, SamplingParams};
/// let params = SamplingParams { radius_m: 1.0, min_scale_m: 1e-3, n_interior: 200, n_sink: 50, ..Default::default() };
/// let pts = sample_points(&|_x: f64, _y: f64, z: f64| 1.0 + z * z, &params)?;
/// assert_eq!(pts.positions_m.len(), 250);
/// assert!(pts.positions_m[..200].iter().all(|p| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt() < 1.0));
/// # Ok::<(), stop_lime::LimeError>(())
/// ```
///
/// # Errors
/// [`LimeError::InvalidParameter`] for a non-positive or non-finite radius, scale or
/// exponent, or `r_min ≥ R`; [`LimeError::NoDensityMaximum`] when no positive weight is
/// found; [`LimeError::SamplingStalled`] when a point needs more than
/// `max_proposals_per_point` proposals.
pub fn sample_points(density: &impl DensityField, params: &SamplingParams) -> Result<SampledPoints, LimeError> {
    validate(params)?;
    let weight = |p: [f64; 3]| {
        let n = density.density(p[0], p[1], p[2]);
        let f = n.powf(params.density_power);
        if f.is_finite() && f > 0.0 { f } else { 0.0 }
    };
    let f_max = weight_maximum(&weight, params)?;
    let interior: Vec<[f64; 3]> = (0..params.n_interior as u64)
        .into_par_iter()
        .map(|i| sample_interior(i, &weight, f_max, params))
        .collect::<Result<_, _>>()?;
    let sinks = (0..params.n_sink as u64).into_par_iter().map(|j| {
        let mut rng = item_rng(params.seed, SINK_ITEM_BASE + j);
        let z: f64 = 2.0 * rng.random::<f64>() - 1.0;
        let phi = std::f64::consts::TAU * rng.random::<f64>();
        let s = (1.0 - z * z).sqrt();
        [params.radius_m * s * phi.cos(), params.radius_m * s * phi.sin(), params.radius_m * z]
    });
    let mut positions_m = interior;
    positions_m.par_extend(sinks);
    Ok(SampledPoints { positions_m, n_interior: params.n_interior })
}

fn validate(params: &SamplingParams) -> Result<(), LimeError> {
    let positive = [
        ("radius_m", params.radius_m),
        ("min_scale_m", params.min_scale_m),
        ("density_power", params.density_power),
    ];
    for (field, value) in positive {
        if !(value.is_finite() && value > 0.0) {
            return Err(LimeError::InvalidParameter { field, value, expected: "finite and > 0" });
        }
    }
    if params.min_scale_m >= params.radius_m {
        return Err(LimeError::InvalidParameter {
            field: "min_scale_m",
            value: params.min_scale_m,
            expected: "smaller than radius_m",
        });
    }
    Ok(())
}

/// A proposal: log-uniform radius in `[r_min, R]`, isotropic direction (LIME `sampling = 2`).
fn propose(rng: &mut Xoshiro256PlusPlus, params: &SamplingParams) -> [f64; 3] {
    let (lo, hi) = (params.min_scale_m.log10(), params.radius_m.log10());
    let r = 10f64.powf(lo + (hi - lo) * rng.random::<f64>());
    let z: f64 = 2.0 * rng.random::<f64>() - 1.0;
    let phi = std::f64::consts::TAU * rng.random::<f64>();
    let s = (1.0 - z * z).sqrt();
    [r * s * phi.cos(), r * s * phi.sin(), r * z]
}

/// LIME's normalisation: the weight at the centre, else at `(r_min, r_min, r_min)`, else
/// the largest of [`LIME_MAX_PROBES`] random proposals.
fn weight_maximum(weight: &impl Fn([f64; 3]) -> f64, params: &SamplingParams) -> Result<f64, LimeError> {
    let r = params.min_scale_m;
    for p in [[0.0; 3], [r, r, r]] {
        let f = weight(p);
        if f > 0.0 {
            return Ok(f);
        }
    }
    let f = (0..LIME_MAX_PROBES)
        .map(|k| weight(propose(&mut item_rng(params.seed, PROBE_ITEM_BASE + k), params)))
        .fold(0.0, f64::max);
    if f > 0.0 { Ok(f) } else { Err(LimeError::NoDensityMaximum { n_probes: LIME_MAX_PROBES }) }
}

fn sample_interior(
    i: u64,
    weight: &impl Fn([f64; 3]) -> f64,
    f_max: f64,
    params: &SamplingParams,
) -> Result<[f64; 3], LimeError> {
    let mut rng = item_rng(params.seed, i);
    let mut threshold: f64 = rng.random();
    for k in 0..params.max_proposals_per_point {
        match params.threshold {
            Threshold::PerProposal => threshold = rng.random(),
            Threshold::PerPoint if k > 0 && k % LIME_PROPOSAL_BATCH == 0 => threshold = rng.random(),
            Threshold::PerPoint => {}
        }
        let p = propose(&mut rng, params);
        if weight(p) / f_max > threshold {
            return Ok(p);
        }
    }
    Err(LimeError::SamplingStalled { point: i as usize, proposals: params.max_proposals_per_point })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn radius(p: &[f64; 3]) -> f64 {
        (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt()
    }

    fn params(n_interior: usize, threshold: Threshold) -> SamplingParams {
        SamplingParams { radius_m: 1.0, min_scale_m: 1e-3, n_interior, n_sink: 100, threshold, ..Default::default() }
    }

    #[test]
    fn constant_density_gives_log_uniform_radii() {
        // With constant f every proposal is accepted: log10 r is uniform on [-3, 0], so
        // the median radius is 10^-1.5. Binomial noise for 4000 points: the fraction
        // below the median has σ = 0.5/√4000 ≈ 0.008; allow 4σ.
        let pts = sample_points(&|_: f64, _: f64, _: f64| 5.0, &params(4000, Threshold::PerPoint)).expect("valid");
        let below = pts.positions_m[..4000].iter().filter(|p| radius(p) < 10f64.powf(-1.5)).count();
        assert!((f64::from(below as u32) / 4000.0 - 0.5).abs() < 0.032, "{below} below the median");
        for p in &pts.positions_m[4000..] {
            assert!((radius(p) - 1.0).abs() < 1e-12, "sinks lie on the sphere");
        }
    }

    #[test]
    fn per_point_threshold_concentrates_more_than_textbook() {
        // Density falling with radius: LIME's per-point threshold favours high-weight
        // regions more strongly than textbook rejection (lime-algorithm.md §2.1).
        let rho = |x: f64, y: f64, z: f64| (x * x + y * y + z * z).sqrt().powf(-1.5);
        let inner = |t| {
            let pts = sample_points(&rho, &params(3000, t)).expect("valid");
            pts.positions_m[..3000].iter().filter(|p| radius(p) < 0.01).count()
        };
        assert!(inner(Threshold::PerPoint) > inner(Threshold::PerProposal));
    }

    #[test]
    fn same_seed_same_points_on_any_thread_count() {
        let p = params(500, Threshold::PerPoint);
        let rho = |x: f64, _: f64, _: f64| 1.0 + x.abs();
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
        let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        let a = one.install(|| sample_points(&rho, &p)).expect("valid");
        let b = two.install(|| sample_points(&rho, &p)).expect("valid");
        assert_eq!(a, b);
    }

    #[test]
    fn bad_parameters_and_zero_density_are_errors() {
        let zero = |_: f64, _: f64, _: f64| 0.0;
        assert!(matches!(
            sample_points(&zero, &params(10, Threshold::PerPoint)),
            Err(LimeError::NoDensityMaximum { .. })
        ));
        let bad = SamplingParams { min_scale_m: 2.0, ..params(10, Threshold::PerPoint) };
        assert!(matches!(
            sample_points(&|_: f64, _: f64, _: f64| 1.0, &bad),
            Err(LimeError::InvalidParameter { field: "min_scale_m", .. })
        ));
        let nan = SamplingParams { radius_m: f64::NAN, ..params(10, Threshold::PerPoint) };
        assert!(matches!(
            sample_points(&|_: f64, _: f64, _: f64| 1.0, &nan),
            Err(LimeError::InvalidParameter { field: "radius_m", .. })
        ));
    }

    #[test]
    fn density_zero_almost_everywhere_stalls_with_an_error() {
        // Positive only at the centre: the maximum exists but no proposal is accepted.
        let spike = |x: f64, y: f64, z: f64| if x == 0.0 && y == 0.0 && z == 0.0 { 1.0 } else { 0.0 };
        let p = SamplingParams { max_proposals_per_point: 5000, ..params(3, Threshold::PerPoint) };
        assert!(matches!(sample_points(&spike, &p), Err(LimeError::SamplingStalled { proposals: 5000, .. })));
    }
}
