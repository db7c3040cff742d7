//! Validation of input points and removal of exact duplicates.
//!
//! Two points are duplicates when their coordinates are equal as numbers (`-0.0 == 0.0`).
//! Exact equality is decided by sorting the coordinate triples, which is exact and
//! `O(n log n)` and needs no tolerance; every duplicate is mapped to its *survivor*, the
//! copy with the smallest input index, so callers can carry per-point data across.

use crate::LimeError;

/// Largest supported coordinate magnitude. The in-sphere determinant is a degree-5
/// polynomial of the coordinates; `1e60` keeps its terms (`≲ 1e300`) finite in `f64`.
pub const MAX_COORDINATE: f64 = 1e60;

/// Largest supported number of points: about 7 tetrahedra per point must stay
/// addressable as `4 × tet + face` in a `u32`.
pub const MAX_POINTS: usize = 100_000_000;

/// Exact duplicates found among a point set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deduplicated {
    /// For every input point, the index of the surviving copy (itself if distinct).
    pub survivor: Vec<u32>,
    /// Indices of the surviving points, increasing.
    pub distinct: Vec<u32>,
}

/// Checks every coordinate and maps exact duplicates to their first occurrence.
///
/// ```
/// use stop_lime::grid::dedup::deduplicate;
/// let pts = [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [-0.0, 0.0, 0.0]];
/// let d = deduplicate(&pts)?;
/// assert_eq!(d.survivor, vec![0, 1, 0]);
/// assert_eq!(d.distinct, vec![0, 1]);
/// # Ok::<(), stop_lime::LimeError>(())
/// ```
pub fn deduplicate(points: &[[f64; 3]]) -> Result<Deduplicated, LimeError> {
    if points.len() > MAX_POINTS {
        return Err(LimeError::TooManyPoints { n_points: points.len(), limit: MAX_POINTS });
    }
    for (index, p) in points.iter().enumerate() {
        for (axis, &value) in p.iter().enumerate() {
            if !value.is_finite() {
                return Err(LimeError::NonFinitePoint { index, axis, value });
            }
            if value.abs() > MAX_COORDINATE {
                return Err(LimeError::CoordinateTooLarge { index, value, limit: MAX_COORDINATE });
            }
        }
    }
    // Adding 0.0 turns -0.0 into +0.0, so equal numbers have equal bits.
    let mut keyed: Vec<([u64; 3], u32)> =
        points.iter().enumerate().map(|(i, p)| (p.map(|v| (v + 0.0).to_bits()), i as u32)).collect();
    keyed.sort_unstable();
    let mut survivor: Vec<u32> = (0..points.len() as u32).collect();
    for pair in keyed.windows(2) {
        if pair[0].0 == pair[1].0 {
            // Sorted by index within equal keys, so pair[0] leads back to the first copy.
            survivor[pair[1].1 as usize] = survivor[pair[0].1 as usize];
        }
    }
    let distinct = (0..points.len() as u32).filter(|&i| survivor[i as usize] == i).collect();
    Ok(Deduplicated { survivor, distinct })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_is_an_error_naming_the_point() {
        let err = deduplicate(&[[0.0; 3], [1.0, f64::NAN, 0.0]]).err();
        assert!(matches!(err, Some(LimeError::NonFinitePoint { index: 1, axis: 1, .. })));
    }

    #[test]
    fn huge_coordinate_is_an_error() {
        let err = deduplicate(&[[0.0, 0.0, 1e200]]).err();
        assert!(matches!(err, Some(LimeError::CoordinateTooLarge { index: 0, .. })));
    }

    #[test]
    fn triplicates_map_to_the_first_copy() {
        let p = [[1.0, 1.0, 1.0], [2.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]];
        let d = deduplicate(&p).expect("finite input");
        assert_eq!(d.survivor, vec![0, 1, 0, 0]);
        assert_eq!(d.distinct, vec![0, 1]);
    }
}
