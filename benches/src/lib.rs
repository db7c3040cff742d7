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

/// CPU time this thread has run (s), from Linux's `/proc/thread-self/schedstat`; `None`
/// elsewhere. On a shared machine wall time includes waiting for a core; CPU time does not.
pub fn thread_cpu_s() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

/// Median wall and CPU time (s) of `repeats` runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Median wall-clock time (s).
    pub wall_s: f64,
    /// Median CPU time of the calling thread (s); NaN where unavailable.
    pub cpu_s: f64,
}

/// Runs `f` `repeats` times (at least once); returns the median times and the last
/// result.
///
/// ```
/// let (t, v) = stop_benches::median_time(3, || 2 + 2);
/// assert!(t.wall_s >= 0.0 && v == 4);
/// ```
pub fn median_time<T>(repeats: usize, mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut wall = Vec::with_capacity(repeats);
    let mut cpu = Vec::with_capacity(repeats);
    let mut once = || {
        let (start, cpu_start) = (Instant::now(), thread_cpu_s());
        let value = f();
        wall.push(start.elapsed().as_secs_f64());
        cpu.push(match (cpu_start, thread_cpu_s()) {
            (Some(a), Some(b)) => b - a,
            _ => f64::NAN,
        });
        value
    };
    let mut last = once();
    for _ in 1..repeats {
        last = once();
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (Timing { wall_s: median(wall), cpu_s: median(cpu) }, last)
}
