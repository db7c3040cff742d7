//! Shared inputs and timing helpers for STOP's benchmarks (`benches/*.rs`).

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::time::Instant;

/// `n` points uniform in the unit ball (rejection from the cube), fixed `seed`.
///
/// ```
/// let pts = stop_benches::uniform_ball(100, 42);
/// assert!(pts.iter().all(|p| p[0] * p[0] + p[1] * p[1] + p[2] * p[2] <= 1.0));
/// ```
pub fn uniform_ball(n: usize, seed: u64) -> Vec<[f64; 3]> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut pts = Vec::with_capacity(n);
    while pts.len() < n {
        let p: [f64; 3] = std::array::from_fn(|_| 2.0 * rng.random::<f64>() - 1.0);
        if p.iter().map(|x| x * x).sum::<f64>() <= 1.0 {
            pts.push(p);
        }
    }
    pts
}

/// The `n × n × n` cubic lattice with unit spacing (every cell cospherical).
///
/// ```
/// assert_eq!(stop_benches::lattice(3).len(), 27);
/// ```
pub fn lattice(n: usize) -> Vec<[f64; 3]> {
    let mut pts = Vec::with_capacity(n * n * n);
    for i in 0..n {
        for j in 0..n {
            for k in 0..n {
                pts.push([i as f64, j as f64, k as f64]);
            }
        }
    }
    pts
}

/// Runs `f` `repeats` times; returns the median wall time (s) and the last result.
///
/// ```
/// let (t, v) = stop_benches::median_time(3, || 2 + 2);
/// assert!(t >= 0.0 && v == 4);
/// ```
pub fn median_time<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(repeats);
    let start = Instant::now();
    let mut last = f();
    times.push(start.elapsed().as_secs_f64());
    for _ in 1..repeats {
        let start = Instant::now();
        last = f();
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last)
}
