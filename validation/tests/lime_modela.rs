//! The model-A comparison statistics on LIME's own runs (`../shared/reference/lime`): they
//! must reproduce the reference README's noise figures and `pops_binned_3seeds.tsv`, and
//! LIME's same-grid runs must pass the same-grid checks the runner applies to STOP.

use std::path::PathBuf;
use stop_validation::modela::compare::{
    Quantiles, bin_means, mean_and_std, relative_std_over_runs, seed_scatter,
};
use stop_validation::modela::reference::{BINNED_LEVELS, LimePops, read_binned, read_lime_pops};
use stop_validation::modela::run::{same_grid_checks, same_grid_quantiles};
use stop_validation::modela::{
    BINNED_SEED_REL_STD_MEDIAN, BINNED_SEED_REL_STD_P90, POPULATION_FLOOR, SAME_GRID_REL_STD_MAX,
    SAME_GRID_REL_STD_MEDIAN, SAME_GRID_REL_STD_P90, SAME_GRID_REL_STD_P99,
};

/// `pops_binned_3seeds.tsv` prints 7 significant digits, so recomputed means and standard
/// deviations agree with it to a few parts in 1e7.
const TSV_DIGITS_REL: f64 = 2e-6;

/// The per-point populations carry 7 significant digits (README): a value's rounding
/// (≤ 5e-8 relative) against a relative std of 1.3e-5 limits the recomputed median to
/// ~0.4 %; the larger quantiles (≥ 7e-4) to < 1e-4.
const MEDIAN_FROM_7_DIGITS_REL: f64 = 1e-2;
/// As [`MEDIAN_FROM_7_DIGITS_REL`], for the 90th and higher percentiles.
const TAIL_FROM_7_DIGITS_REL: f64 = 1e-3;

fn model_a() -> PathBuf {
    let dir = stop_validation::default_reference_dir().join("lime/modelA");
    assert!(
        dir.join("pops_binned_3seeds.tsv").is_file(),
        "reference data missing: {}",
        dir.display()
    );
    dir
}

fn pops(run: &str) -> LimePops {
    read_lime_pops(&model_a().join(run).join("pops.tsv.gz")).unwrap_or_else(|e| panic!("{e:#}"))
}

fn assert_rel(what: &str, ours: f64, reference: f64, tol: f64) {
    assert!(
        (ours / reference - 1.0).abs() <= tol,
        "{what}: {ours:e} vs {reference:e} (tolerance {tol:e})"
    );
}

#[test]
fn binned_profiles_and_seed_scatter_are_reproduced_from_the_three_seeds() {
    let profiles =
        read_binned(&model_a().join("pops_binned_3seeds.tsv")).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(profiles.r_lo_m.len(), 20);
    let runs: Vec<LimePops> = ["seed1", "seed2", "seed3"]
        .iter()
        .map(|r| pops(r))
        .collect();
    let binned: Vec<(Vec<Vec<f64>>, Vec<usize>)> = runs
        .iter()
        .map(|p| bin_means(&p.r_m, &p.pops, p.n_levels, &profiles))
        .collect();
    assert_eq!(
        binned[0].1, profiles.n_points_seed1,
        "points per bin of seed 1"
    );
    let n_levels = runs[0].n_levels;
    let mut all_levels_scatter = Vec::new();
    for i_bin in 0..20 {
        for level in 0..n_levels {
            let values: Vec<f64> = binned.iter().map(|b| b.0[i_bin][level]).collect();
            let (mean, std) = mean_and_std(&values);
            if level < BINNED_LEVELS {
                assert_rel(
                    &format!("bin {i_bin} level {level} mean"),
                    mean,
                    profiles.mean[i_bin][level],
                    TSV_DIGITS_REL,
                );
                assert_rel(
                    &format!("bin {i_bin} level {level} seed std"),
                    std,
                    profiles.seed_std[i_bin][level],
                    TSV_DIGITS_REL,
                );
            }
            if mean > POPULATION_FLOOR {
                all_levels_scatter.push(std / mean);
            }
        }
    }
    // noise.json's figures are taken over all 31 levels with p > 0.01.
    let q = Quantiles::of(all_levels_scatter);
    assert_eq!(q.n, 166);
    assert_rel(
        "binned seed scatter median",
        q.median,
        BINNED_SEED_REL_STD_MEDIAN,
        1e-9,
    );
    assert_rel(
        "binned seed scatter p90",
        q.p90,
        BINNED_SEED_REL_STD_P90,
        1e-9,
    );
    // Levels 0-7 of the TSV, the entries the runner compares STOP on.
    let tsv = Quantiles::of(seed_scatter(&profiles, POPULATION_FLOOR));
    assert_eq!(tsv.n, 145);
    assert!(
        tsv.median > 1.7e-4 && tsv.median < 2.0e-4 && tsv.p90 > 0.02 && tsv.p90 < 0.023,
        "{tsv:?}"
    );
}

#[test]
fn same_grid_noise_is_reproduced_and_lime_passes_its_own_checks() {
    let seed1 = pops("seed1");
    let seed4 = pops("fixedgrid_seed4");
    let seed5 = pops("fixedgrid_seed5");
    assert_eq!((seed1.n_points(), seed1.n_levels), (3000, 31));
    let q = Quantiles::of(relative_std_over_runs(
        &[&seed1.pops, &seed4.pops, &seed5.pops],
        POPULATION_FLOOR,
    ));
    assert_eq!(q.n, 28_987, "entries with p > 0.01 (noise.json n)");
    assert_rel(
        "same-grid median",
        q.median,
        SAME_GRID_REL_STD_MEDIAN,
        MEDIAN_FROM_7_DIGITS_REL,
    );
    assert_rel(
        "same-grid p90",
        q.p90,
        SAME_GRID_REL_STD_P90,
        TAIL_FROM_7_DIGITS_REL,
    );
    assert_rel(
        "same-grid p99",
        q.p99,
        SAME_GRID_REL_STD_P99,
        TAIL_FROM_7_DIGITS_REL,
    );
    assert_rel(
        "same-grid max",
        q.max,
        SAME_GRID_REL_STD_MAX,
        TAIL_FROM_7_DIGITS_REL,
    );
    for other in [&seed4, &seed5] {
        let pair = same_grid_quantiles(other, &seed1).unwrap_or_else(|e| panic!("{e:#}"));
        for check in same_grid_checks("LIME vs LIME", &pair) {
            assert!(check.passed, "{}", check.label);
        }
    }
}
