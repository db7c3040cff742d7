//! Problem 2 against RATRAN: which model is solved, and the verdicts of the J = 0…4 checks,
//! which a run on RATRAN's model as it evidently ran can explain.
//!
//! The RATRAN reference files did not solve the benchmark's continuous collapse. Their shell
//! columns show 49 constant shells (each table row held to the next radius); their
//! populations point to two more choices the files do not show: gas in the inner hole (the
//! first shell starts at 1.00065e14 m with no empty shell inside, unlike RATRAN's problem-1
//! files) and the table's b as the whole line width (no thermal term). When STOP misses RATRAN
//! by more than the published inter-code spread on the benchmark model, the runner solves
//! `vz2002_<p>_ratran_like.toml` (all three choices) with the same settings, and that model
//! by the 1-D solver on RATRAN's shells to convergence ([`super::exact`]): if STOP then agrees
//! with RATRAN within the spread in every level, or with the converged 1-D solution of the
//! same model (RATRAN's file then lies off its own model's converged answer, by the printed
//! figure), the failed checks are reported as explained, with the figures; otherwise they
//! stay failures. The explaining run's stopping rule is a check of its own.

use super::compare::Deviations;

/// Problem 2: the published inter-code spread in the J = 4 population (van Zadelhoff et al.
/// 2002 §5), applied to the 90th percentile of |deviation| from RATRAN for J = 0…4.
pub const P2_SPREAD: f64 = 0.12;

/// Which model file problem 2 solves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum P2Model {
    /// The benchmark's continuous collapse, `vz2002_<p>.toml`.
    #[default]
    Benchmark,
    /// RATRAN's 49 constant shells, `vz2002_<p>_ratran_shells.toml`.
    RatranShells,
    /// RATRAN as it evidently ran: the shells, gas in the inner hole and no thermal width,
    /// `vz2002_<p>_ratran_like.toml`.
    RatranLike,
}

impl P2Model {
    /// The model file of problem `stem` (`2a`, `2b`).
    #[must_use]
    pub fn file_name(self, stem: &str) -> String {
        match self {
            P2Model::Benchmark => format!("vz2002_{stem}.toml"),
            P2Model::RatranShells => format!("vz2002_{stem}_ratran_shells.toml"),
            P2Model::RatranLike => format!("vz2002_{stem}_ratran_like.toml"),
        }
    }
}

/// What is printed about the explaining run.
pub const RATRAN_LIKE_NOTE: &str = "explanation: RATRAN as it evidently ran (its 49 constant shells, gas in the inner hole r < 1.00065e14 m, the table's b as the whole line width, T_cmb 2.725 K), solved with the same settings";

/// The verdict of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The check holds.
    Pass,
    /// The check fails and nothing explains it.
    Fail,
    /// The check fails, and a second solve shows the reference's own error: on RATRAN's model
    /// as it evidently ran STOP agrees with RATRAN within the spread in every level, or with
    /// that model's converged 1-D solution; in problem 1, STOP meets the limit against the
    /// converged 1-D solution (the figures are in the text).
    Explained,
}

/// A named check and its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What was checked, with the figures.
    pub text: String,
    /// Its verdict.
    pub verdict: Verdict,
}

impl Check {
    /// A plain check: pass or fail.
    #[must_use]
    pub fn new(text: String, passed: bool) -> Self {
        Check { text, verdict: if passed { Verdict::Pass } else { Verdict::Fail } }
    }
}

/// `value` against `limit` (fractions) as percentages for a check's text: `"6.0% <= 12%"`, or
/// with `>` when the limit is exceeded.
#[must_use]
pub fn percent_vs_limit(value: f64, limit: f64, value_digits: usize, limit_digits: usize) -> String {
    let relation = if value <= limit { "<=" } else { ">" };
    format!("{:.value_digits$}% {relation} {:.limit_digits$}%", 100.0 * value, 100.0 * limit)
}

/// The RATRAN-like model's converged 1-D solution ([`super::exact`]) as a second reference.
#[derive(Debug, Clone)]
pub struct ExactLevels {
    /// STOP's RATRAN-like J = 0…4 against the converged solution.
    pub stop: Vec<Deviations>,
    /// The converged solution's J = 0…4 against RATRAN's file.
    pub reference: Vec<Deviations>,
}

/// The explaining run's outcome: J = 0…4 deviations from RATRAN and whether it converged.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// File solved.
    pub model_name: String,
    /// Deviations of J = 0…4.
    pub levels: Vec<Deviations>,
    /// The stopping rule was met.
    pub converged: bool,
    /// The same model's converged 1-D solution, when solved.
    pub exact: Option<ExactLevels>,
}

impl Explanation {
    /// Whether the explaining run explains a miss: STOP on RATRAN's model agrees with RATRAN
    /// within the spread in every level, or with that model's converged 1-D solution (which
    /// then shows RATRAN's own distance from it).
    #[must_use]
    pub fn holds(&self) -> bool {
        let within = |levels: &[Deviations]| levels.iter().all(|d| d.p90_abs <= P2_SPREAD);
        within(&self.levels) || self.exact.as_ref().is_some_and(|e| within(&e.stop))
    }
}

/// The J = 0…4 checks of `stem`'s solved model (`levels[j]`, from `model_name`). A failing
/// check is [`Verdict::Explained`] when `explanation` [holds](Explanation::holds), and names
/// the explaining run's figure either way.
#[must_use]
pub fn level_checks(stem: &str, model_name: &str, levels: &[Deviations], explanation: Option<&Explanation>) -> Vec<Check> {
    levels
        .iter()
        .enumerate()
        .map(|(j, d)| {
            let text = format!("{stem} J={j} p90 |dev| {} ({model_name})", percent_vs_limit(d.p90_abs, P2_SPREAD, 1, 0));
            if d.p90_abs <= P2_SPREAD {
                return Check::new(text, true);
            }
            let Some(e) = explanation else { return Check::new(text, false) };
            let worst = e.levels.iter().map(|l| l.p90_abs).fold(0.0, f64::max);
            let figure = e.levels.get(j).map_or(f64::NAN, |l| l.p90_abs);
            let mut because = format!(
                "on {} J={j} p90 |dev| {:.1}%, all levels <= {:.1}%, stopping rule {}",
                e.model_name,
                100.0 * figure,
                100.0 * worst,
                if e.converged { "met" } else { "NOT met" }
            );
            if let Some(x) = &e.exact {
                let p90 = |levels: &[Deviations]| (levels.get(j).map_or(f64::NAN, |l| l.p90_abs), levels.iter().map(|l| l.p90_abs).fold(0.0, f64::max));
                let ((stop_j, stop_all), (ref_j, _)) = (p90(&x.stop), p90(&x.reference));
                because.push_str(&format!(
                    "; against its converged 1-D solution J={j} p90 |dev| {:.1}%, all levels <= {:.1}%, and that solution is {:.1}% from RATRAN",
                    100.0 * stop_j,
                    100.0 * stop_all,
                    100.0 * ref_j
                ));
            }
            if e.holds() {
                Check { text: format!("{text}; {because}"), verdict: Verdict::Explained }
            } else {
                Check { text: format!("{text}; not explained: {because}"), verdict: Verdict::Fail }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use stop_model::{LineWidth, ModelFile, PhysicalModel, Position};
    use stop_molecule::PartnerKind;

    fn dev(p90_abs: f64) -> Deviations {
        Deviations { n_points: 10, max_abs: p90_abs, rms: p90_abs, p90_abs, median: -p90_abs, bins: Vec::new(), worst: Vec::new() }
    }

    #[test]
    fn a_failure_is_explained_only_when_the_explaining_run_agrees_in_every_level() {
        let bench: Vec<Deviations> = [0.03, 0.04, 0.05, 0.165, 0.253].map(dev).to_vec();
        let like = |p90: [f64; 5], converged| Explanation { model_name: "like.toml".into(), levels: p90.map(dev).to_vec(), converged, exact: None };
        let verdicts = |e: Option<&Explanation>| level_checks("2b", "b.toml", &bench, e).iter().map(|c| c.verdict).collect::<Vec<_>>();
        use Verdict::{Explained, Fail, Pass};
        assert_eq!(verdicts(None), [Pass, Pass, Pass, Fail, Fail]);
        assert_eq!(verdicts(Some(&like([0.03, 0.03, 0.04, 0.08, 0.11], true))), [Pass, Pass, Pass, Explained, Explained]);
        // One level of the explaining run outside the spread: no explanation.
        assert_eq!(verdicts(Some(&like([0.13, 0.03, 0.04, 0.08, 0.11], true))), [Pass, Pass, Pass, Fail, Fail]);
        // Its stopping rule is a check of its own, named in the text.
        let text = &level_checks("2b", "b.toml", &bench, Some(&like([0.03, 0.03, 0.04, 0.08, 0.11], false)))[4].text;
        assert!(text.contains("J=4 p90 |dev| 25.3% > 12%") && text.contains("like.toml J=4 p90 |dev| 11.0%") && text.contains("NOT met"), "{text}");
        // RATRAN's file off its own model's converged solution: explained when STOP meets that
        // solution within the spread in every level, not when one level misses it
        let with_exact = |stop: [f64; 5]| Explanation {
            exact: Some(ExactLevels { stop: stop.map(dev).to_vec(), reference: [0.02, 0.02, 0.02, 0.07, 0.134].map(dev).to_vec() }),
            ..like([0.03, 0.03, 0.06, 0.13, 0.16], true)
        };
        assert_eq!(verdicts(Some(&with_exact([0.02, 0.02, 0.03, 0.05, 0.08]))), [Pass, Pass, Pass, Explained, Explained]);
        assert_eq!(verdicts(Some(&with_exact([0.02, 0.02, 0.03, 0.05, 0.121]))), [Pass, Pass, Pass, Fail, Fail]);
        let text = &level_checks("2b", "b.toml", &bench, Some(&with_exact([0.02, 0.02, 0.03, 0.05, 0.08])))[4].text;
        assert!(text.contains("converged 1-D solution J=4 p90 |dev| 8.0%") && text.contains("13.4% from RATRAN"), "{text}");
    }

    /// The RATRAN-like files are the shell files inside RATRAN's shells, with shell 1's gas in
    /// the hole, the table's b as the whole width and grid points inside the hole.
    #[test]
    fn ratran_like_files_are_the_shells_with_the_hole_filled_and_the_total_width() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        for stem in ["2a", "2b"] {
            let load = |m: P2Model| ModelFile::load(dir.join(m.file_name(stem))).unwrap_or_else(|e| panic!("{stem} {m:?}: {e}"));
            let (like, shells) = (load(P2Model::RatranLike), load(P2Model::RatranShells));
            assert_eq!(like.solver.tcmb_k, 2.725);
            assert_eq!(like.model.line_width(), LineWidth::Total);
            assert_eq!(shells.model.line_width(), LineWidth::TurbulentPlusThermal);
            let r1_m = shells.model.bounds().inner_radius_m;
            assert!((r1_m / 1.00065e14 - 1.0).abs() < 1e-12, "{stem}: the first shell's radius {r1_m:e}");
            assert_eq!(like.model.bounds().inner_radius_m, 0.0);
            assert_eq!(like.model.bounds().outer_radius_m, shells.model.bounds().outer_radius_m);
            assert!(like.grid.min_scale_m < r1_m, "{stem}: grid points inside the hole");
            // Inside the shells (oblique directions): the same fields; in the hole: shell 1's.
            let at = |m: &ModelFile, r_m: f64| m.model.fields(&Position::new(r_m * 2.0 / 7.0, -r_m * 3.0 / 7.0, r_m * 6.0 / 7.0));
            let shell1 = at(&shells, r1_m * (1.0 + 1e-9));
            let speed = |v: [f64; 3]| v.iter().map(|c| c * c).sum::<f64>().sqrt();
            // The velocity is continuous in ln r: shell 1's infall speed is the one at r1.
            let speed1 = speed(at(&shells, r1_m).velocity_m_s);
            for r_m in [1.2e14, 3.3e14, 1.0e15, 4.5e15] {
                assert_eq!(at(&like, r_m), at(&shells, r_m), "{stem} r = {r_m:e} m");
            }
            for r_m in [1e12, 3e13, 0.999 * r1_m] {
                let f = at(&like, r_m);
                assert_eq!(f.density_of(PartnerKind::H2), shell1.density_of(PartnerKind::H2), "{stem} r = {r_m:e} m");
                assert_eq!((f.tkin_k, f.molecule_density_m3, f.doppler_b_m_s), (shell1.tkin_k, shell1.molecule_density_m3, shell1.doppler_b_m_s));
                assert!((speed(f.velocity_m_s) / speed1 - 1.0).abs() < 1e-12, "{stem} r = {r_m:e} m: shell 1's infall speed");
            }
        }
    }
}
