//! Settings of the ray tracer, with defaults and their sources.

use crate::error::RaytraceError;
use crate::rays::RayLayout;

/// LIME's velocity samples per cell step along a ray (`lime-algorithm.md` §4.3).
pub const LIME_VELOCITY_SAMPLES: usize = 10;

/// How the image is made from the grid (the image geometry itself is
/// [`stop_model::file::ImageParams`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RaytraceParams {
    /// Where the rays go (default: 2 × 2 per pixel).
    pub layout: RayLayout,
    /// A piece of a cell step is halved while the projected velocity at its middle deviates
    /// from the chord by more than this many Doppler widths b. 0.05 b bounds the profile error
    /// of the linear treatment to ~(0.05)²/2 ≈ 0.1 % of the peak.
    pub velocity_tolerance: f64,
    /// Most halvings of a cell step (each costs one velocity evaluation per piece).
    pub max_velocity_splits: u32,
    /// Instead of the adaptive pieces: LIME's treatment (`lime-algorithm.md` §4.3), the
    /// velocity sampled at `i Δs / n`, `i = 0 … n − 1` (LIME: n = 10), each sample held over
    /// `Δs / n`. For comparisons with LIME.
    pub lime_velocity_samples: Option<usize>,
}

impl Default for RaytraceParams {
    fn default() -> Self {
        Self { layout: RayLayout::SubPixel { per_side: 2 }, velocity_tolerance: 0.05, max_velocity_splits: 6, lime_velocity_samples: None }
    }
}

impl RaytraceParams {
    /// Checks the ranges.
    ///
    /// # Errors
    /// [`RaytraceError::BadParameter`] for zero rays or a non-positive tolerance.
    pub fn validate(&self) -> Result<(), RaytraceError> {
        let bad = |what, value: String, expected| Err(RaytraceError::BadParameter { what, value, expected });
        match self.layout {
            RayLayout::SubPixel { per_side: 0 } => return bad("rays per pixel side", "0".into(), "at least 1"),
            RayLayout::GridPoints { max_per_pixel: 0 } => return bad("rays per pixel", "0".into(), "at least 1"),
            _ => {}
        }
        if self.lime_velocity_samples == Some(0) {
            return bad("lime_velocity_samples", "0".into(), "at least 1");
        }
        if !(self.velocity_tolerance.is_finite() && self.velocity_tolerance > 0.0) {
            return bad("velocity_tolerance", self.velocity_tolerance.to_string(), "a positive number");
        }
        Ok(())
    }
}
