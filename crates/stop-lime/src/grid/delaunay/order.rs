//! Insertion order: a biased randomized insertion order (BRIO) whose rounds are sorted
//! along a Hilbert curve.
//!
//! BRIO (Amenta, Choi & Rote 2003, *Proc. 19th SoCG*, 211) inserts a random half of the
//! points last, a random half of the rest before them, and so on, which keeps the
//! expected cost of randomized incremental construction; sorting each round along a
//! space-filling curve makes consecutive points close, so the walking point location
//! takes a few steps only. The Hilbert index follows Skilling (2004, *AIP Conf. Proc.*
//! 707, 381): axes → "transposed" index by undoing the curve's reflections, then a Gray
//! code, then interleaving the bits.

use super::predicates::Point3;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Bits per axis of the Hilbert index (3 × 16 = 48 bits, 65 536 cells per axis).
const HILBERT_BITS: u32 = 16;
/// Seed of the BRIO shuffle: the order is fixed, so the triangulation is deterministic.
const BRIO_SEED: u64 = 0x5EED_B810;
/// BRIO rounds smaller than this are merged into the first round.
const BRIO_MIN_ROUND: usize = 64;

/// Hilbert index of a cell `(x, y, z)` of a `2^bits`-per-axis grid.
pub(crate) fn hilbert_index(cell: [u32; 3], bits: u32) -> u64 {
    let mut x = cell;
    let top = 1u32 << (bits - 1);
    // Undo the reflections and exchanges of the curve, from the coarsest level down.
    let mut q = top;
    while q > 1 {
        let p = q - 1;
        for i in 0..3 {
            if x[i] & q != 0 {
                x[0] ^= p;
            } else {
                let t = (x[0] ^ x[i]) & p;
                x[0] ^= t;
                x[i] ^= t;
            }
        }
        q >>= 1;
    }
    // Gray encode.
    for i in 1..3 {
        x[i] ^= x[i - 1];
    }
    let mut t = 0;
    let mut q = top;
    while q > 1 {
        if x[2] & q != 0 {
            t ^= q - 1;
        }
        q >>= 1;
    }
    for xi in &mut x {
        *xi ^= t;
    }
    // Interleave: the most significant bit of each axis first.
    let mut key = 0u64;
    for bit in (0..bits).rev() {
        for xi in x {
            key = (key << 1) | u64::from((xi >> bit) & 1);
        }
    }
    key
}

/// Sorts `indices` along the Hilbert curve through the bounding box of `points`.
fn hilbert_sort(points: &[Point3], indices: &mut [u32], lo: Point3, hi: Point3) {
    let cells = f64::from((1u32 << HILBERT_BITS) - 1);
    let scale: [f64; 3] = std::array::from_fn(|k| {
        let width = hi[k] - lo[k];
        if width > 0.0 { cells / width } else { 0.0 }
    });
    let mut keyed: Vec<(u64, u32)> = indices
        .iter()
        .map(|&i| {
            let p = points[i as usize];
            // In [0, cells] by construction of lo, hi; `as` saturates anyway.
            let cell = std::array::from_fn(|k| ((p[k] - lo[k]) * scale[k]) as u32);
            (hilbert_index(cell, HILBERT_BITS), i)
        })
        .collect();
    keyed.sort_unstable();
    for (slot, (_, i)) in indices.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// BRIO order of the points `indices` (a subset of `points`).
pub(crate) fn insertion_order(points: &[Point3], mut indices: Vec<u32>) -> Vec<u32> {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for &i in &indices {
        for k in 0..3 {
            lo[k] = lo[k].min(points[i as usize][k]);
            hi[k] = hi[k].max(points[i as usize][k]);
        }
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(BRIO_SEED);
    indices.shuffle(&mut rng);
    // Round boundaries: n/2^k, …, n/4, n/2, n.
    let mut ends = vec![indices.len()];
    let mut end = indices.len();
    while end / 2 >= BRIO_MIN_ROUND {
        end /= 2;
        ends.push(end);
    }
    ends.push(0);
    ends.reverse();
    for round in ends.windows(2) {
        hilbert_sort(points, &mut indices[round[0]..round[1]], lo, hi);
    }
    indices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hilbert_curve_steps_between_face_neighbours() {
        // Along the curve, consecutive cells differ by one unit in exactly one axis.
        for bits in 1..=4u32 {
            let n = 1u32 << bits;
            let mut cells: Vec<(u64, [u32; 3])> = Vec::new();
            for x in 0..n {
                for y in 0..n {
                    for z in 0..n {
                        cells.push((hilbert_index([x, y, z], bits), [x, y, z]));
                    }
                }
            }
            cells.sort_unstable();
            for (k, pair) in cells.windows(2).enumerate() {
                assert_eq!(pair[0].0 + 1, pair[1].0, "indices form a permutation");
                let step: u32 = (0..3).map(|a| pair[0].1[a].abs_diff(pair[1].1[a])).sum();
                assert_eq!(step, 1, "bits {bits}, step {k}: {:?} -> {:?}", pair[0].1, pair[1].1);
            }
        }
    }

    #[test]
    fn order_is_a_permutation() {
        let points: Vec<Point3> = (0..1000).map(|i| {
            let f = f64::from(i);
            [f.sin(), (2.0 * f).cos(), (0.1 * f).sin()]
        }).collect();
        let mut order = insertion_order(&points, (0..1000).collect());
        order.sort_unstable();
        assert_eq!(order, (0..1000).collect::<Vec<u32>>());
    }
}
