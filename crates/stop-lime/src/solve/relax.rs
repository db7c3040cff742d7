//! Per-point under-relaxation of the points whose iteration oscillates.
//!
//! In the very thick van Zadelhoff 1b some points near where the line leaves thermalisation
//! flip between two states from one iteration to the next: the neighbours' cell fits feed a
//! point's own change back into its radiation beyond the diagonal operator, an iteration map
//! whose derivative `λ` there is near or below −1. Under-relaxation with a factor `ω`,
//! `x ← x + ω (f(x) − x)`, maps `λ` to `1 − ω (1 − λ)`. A point's factor halves whenever its
//! main motion flips back by more than half and doubles again (up to 1) when its steps run
//! on in one direction, so it settles where `|1 − ω (1 − λ)| ≤ ½` ([`Relaxation::step`]);
//! the earlier fixed halving (`ω = ½` on a flipping step only) left `λ = −3` in an exact
//! 2-cycle and let steeper points run into a nonlinear one, whose mean was 32 % off at one
//! point of 1b at 8000 points.
//!
//! A fixed point is unchanged, and each point uses only its own values, so the result stays
//! independent of the thread count.

/// The smallest factor: enough for `λ` down to −127.
const MIN_FACTOR: f64 = 1.0 / 64.0;

/// The averaging stage holds a point at the smallest factor of this many last plain steps:
/// a point still settling (its factor halved in one of them) stays held, and one that
/// flipped once while leaving the starting populations is back at 1 once a few monotone or
/// converged steps have doubled its factor (after a short final stage, such as a solve
/// continued from an adaptive pass, some of those are still held).
const WINDOW: usize = 4;

/// The relaxation state of every point.
#[derive(Debug, Clone)]
pub(crate) struct Relaxation {
    n_levels: usize,
    /// The undamped change of the previous plain step, per (point, level).
    last_step: Vec<f64>,
    /// The factor of the next step, per point.
    factor: Vec<f64>,
    /// The factors of the last [`WINDOW`] plain steps, per point.
    recent: Vec<[f64; WINDOW]>,
    /// Plain steps so far (the slot of `recent` to fill next).
    steps: usize,
}

impl Relaxation {
    pub(crate) fn new(n_points: usize, n_levels: usize) -> Self {
        Self { n_levels, last_step: vec![0.0; n_points * n_levels], factor: vec![1.0; n_points], recent: vec![[1.0; WINDOW]; n_points], steps: 0 }
    }

    /// Relaxes one plain step from `old` to `new` (in place) and returns the number of
    /// points relaxed. A point's motion is measured by its largest relative step among the
    /// levels above `floor`, as a ratio to that level's previous undamped step. It flips when
    /// the step is at least `tolerance` and the ratio is below −½: the factor halves (for
    /// this step). A monotone step (ratio above ¼: the point is held back more than it needs)
    /// or a step below the tolerance (a converged point, whose last steps change sign at
    /// random) doubles the factor, up to 1, from the next step; a ratio between keeps it. In
    /// the linear picture the factor settles where `ω (1 − λ)` lies in [¾, 3/2], every step
    /// shrinking the error by ½ or more. A reversal in another level (the populations sum to
    /// 1, so some level always turns when the largest one slows, and levels near the
    /// rounding or below the statistics' floor flip at random) is no oscillation. `reset`
    /// (the first step, and after an Ng step or a change of photon stage, whose step is no
    /// plain iteration's) relaxes with the current factors but changes none.
    pub(crate) fn step(&mut self, old: &[f64], new: &mut [f64], floor: f64, tolerance: f64, reset: bool) -> usize {
        let n = self.n_levels;
        let mut relaxed = 0;
        let slot = self.steps % WINDOW;
        self.steps += 1;
        let points = old.chunks(n).zip(new.chunks_mut(n)).zip(self.last_step.chunks_mut(n));
        for (((o, nw), last), (factor, recent)) in points.zip(self.factor.iter_mut().zip(self.recent.iter_mut())) {
            let largest = (0..n)
                .filter(|&k| nw[k] > floor)
                .max_by(|&a, &b| ((nw[a] - o[a]) / nw[a]).abs().total_cmp(&((nw[b] - o[b]) / nw[b]).abs()));
            // the largest level's step against its previous undamped step: a flip (ratio
            // below −½) halves the factor, a monotone step (above ¼) or a converged point
            // doubles it, anything between keeps it
            let (significant, ratio) = largest.map_or((false, f64::INFINITY), |k| {
                let step = nw[k] - o[k];
                (step.abs() >= tolerance * nw[k], if last[k] == 0.0 { f64::INFINITY } else { step / last[k] })
            });
            let omega = if reset {
                *factor
            } else if significant && ratio < -0.5 {
                *factor = (*factor * 0.5).max(MIN_FACTOR);
                *factor
            } else if !significant || ratio > 0.25 {
                let used = *factor;
                *factor = (*factor * 2.0).min(1.0);
                used
            } else {
                *factor
            };
            recent[slot] = omega;
            for ((o, n), l) in o.iter().zip(nw.iter_mut()).zip(last.iter_mut()) {
                *l = *n - o;
            }
            if omega < 1.0 {
                relaxed += 1;
                apply(o, nw, omega);
            }
        }
        relaxed
    }

    /// Relaxes one step of the averaging stage, whose photons are redrawn every iteration
    /// (so a flip is noise and tests nothing): every point at the smallest factor of its
    /// last plain steps. Returns the number of points relaxed.
    pub(crate) fn averaging_step(&self, old: &[f64], new: &mut [f64]) -> usize {
        let n = self.n_levels;
        let mut relaxed = 0;
        for ((o, nw), recent) in old.chunks(n).zip(new.chunks_mut(n)).zip(&self.recent) {
            let omega = recent.iter().copied().fold(1.0, f64::min);
            if omega < 1.0 {
                relaxed += 1;
                apply(o, nw, omega);
            }
        }
        relaxed
    }
}

fn apply(old: &[f64], new: &mut [f64], omega: f64) {
    for (o, n) in old.iter().zip(new.iter_mut()) {
        *n = o + omega * (*n - o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One point of two levels whose map is linear with derivative `lambda` around the
    /// upper-level fixed point 0.4; returns the upper level's distance from it after `steps`
    /// relaxed steps from 0.5.
    fn iterate_linear_map(lambda: f64, steps: usize) -> f64 {
        let fixed = 0.4;
        let mut relax = Relaxation::new(1, 2);
        let mut pops = vec![0.5, 0.5];
        for step in 0..steps {
            let upper = fixed + lambda * (pops[1] - fixed);
            let mut next = vec![1.0 - upper, upper];
            relax.step(&pops, &mut next, 1e-3, 1e-9, step == 0);
            pops = next;
        }
        (pops[1] - fixed).abs()
    }

    #[test]
    fn oscillating_points_converge_that_fixed_halving_left_in_a_cycle() {
        // λ = −3: the fixed halving of a flipping step gave an exact 2-cycle; λ = −2 one for
        // a recovery after every calm step; λ = −20 and −100 diverge unrelaxed
        for lambda in [-1.2, -1.5, -2.0, -3.0, -5.0, -20.0, -100.0] {
            let error = iterate_linear_map(lambda, 60);
            assert!(error < 1e-6, "λ = {lambda}: error {error:.2e} after 60 steps");
        }
        // a monotone point (0 < λ < 1) is never relaxed: exactly the plain iteration
        let plain = 0.1 * 0.9f64.powi(30);
        assert!((iterate_linear_map(0.9, 30) - plain).abs() < 1e-15);
    }

    #[test]
    fn small_reversals_and_reversals_of_minor_levels_are_no_oscillation() {
        // point 0: after the first step from zero the largest level turns back by a tenth of
        // it (convergence, not a 2-cycle); point 1: the largest relative step (level 0) goes
        // on, only level 1 turns; point 2: only a level below the floor flips
        let old = [0.5, 0.5, 0.0, 0.2, 0.3, 0.5, 0.5, 0.4999, 1e-4];
        let mut new = [0.45, 0.55, 0.0, 0.15, 0.31, 0.54, 0.4, 0.5999, 1e-4 - 1e-6];
        let mut relax = Relaxation::new(3, 3);
        relax.last_step.copy_from_slice(&[0.5, 0.5, 0.0, -0.1, -0.02, 0.12, -0.1, 0.1, 1e-6]);
        let expected = new;
        assert_eq!(relax.step(&old, &mut new, 1e-3, 1e-3, false), 0);
        assert_eq!(new, expected);
        // a converged point: a full reversal, but of relative size 1e-5 < the tolerance
        let old = [0.6, 0.4];
        let mut new = [0.6 + 4e-6, 0.4 - 4e-6];
        let mut relax = Relaxation::new(1, 2);
        relax.last_step.copy_from_slice(&[-4e-6, 4e-6]);
        assert_eq!(relax.step(&old, &mut new, 1e-3, 1e-4, false), 0);
        assert_eq!(relax.factor, [1.0]);
    }

    #[test]
    fn a_flip_halves_the_step_keeps_the_sum_and_the_averaging_stage_keeps_the_recent_smallest_factor() {
        // point 0 flips back (2-cycle), point 1 keeps moving the same way, point 2 is at rest
        let old = [0.6, 0.4, 0.5, 0.5, 0.3, 0.7];
        let mut new = [0.4, 0.6, 0.45, 0.55, 0.3, 0.7];
        let mut relax = Relaxation::new(3, 2);
        relax.last_step.copy_from_slice(&[0.2, -0.2, -0.1, 0.1, 0.0, 0.0]);
        assert_eq!(relax.step(&old, &mut new, 1e-3, 1e-3, false), 1);
        let expected = [0.5, 0.5, 0.45, 0.55, 0.3, 0.7];
        assert!(new.iter().zip(expected).all(|(n, e)| (n - e).abs() < 1e-15), "{new:?}");
        // the undamped steps are recorded; sums stay 1
        assert!((relax.last_step[0] + 0.2).abs() < 1e-15 && (relax.last_step[2] + 0.05).abs() < 1e-15);
        assert!(new.chunks(2).all(|p| (p[0] + p[1] - 1.0).abs() < 1e-15));
        // the averaging stage holds the smallest factor of the last steps: point 0 at ½,
        // the others unrelaxed; after that many steps at rest past the next (still at ½),
        // none
        let calm = [0.45, 0.55, 0.45, 0.55, 0.3, 0.7];
        let mut again = calm;
        relax.step(&new, &mut again, 1e-3, 1e-3, true);
        assert_eq!(relax.factor, [0.5, 1.0, 1.0]);
        let mut averaged = [0.3, 0.7, 0.4, 0.6, 0.3, 0.7];
        assert_eq!(relax.averaging_step(&calm, &mut averaged), 1);
        assert!((averaged[1] - 0.625).abs() < 1e-15 && averaged[2..] == [0.4, 0.6, 0.3, 0.7]);
        for _ in 0..=WINDOW {
            let mut rest = calm;
            relax.step(&calm, &mut rest, 1e-3, 1e-3, false);
        }
        let mut averaged = [0.3, 0.7, 0.4, 0.6, 0.3, 0.7];
        assert_eq!(relax.averaging_step(&calm, &mut averaged), 0);
    }
}
