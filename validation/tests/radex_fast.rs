//! The fast default mode against the tightly converged RADEX scheme and against RADEX's
//! printed answers. The debug-build test checks every 10th reference model (174 models: all
//! molecules, geometries and groups appear); `stop-validate radex --mode fast` (release)
//! checks all 1740. Criterion (2), 99 % of the rows with |T_R| > 0.01 K within 5e-4 of
//! RADEX, is a statement about the whole set; on the subset it is checked over the models
//! that do not have several solutions (a single maser model with two solutions holds 1.9 %
//! of the subset's rows), and the release runner reports the full-set figure.

use stop_validation::radex;

#[test]
fn fast_mode_agrees_with_tight_compat_and_with_radex_on_every_tenth_model() {
    let reference_dir = stop_validation::default_reference_dir().join("radex");
    let reference = radex::reference::load(&reference_dir, &stop_validation::default_lamda_dir())
        .expect("the RADEX reference must be present next to the repository");
    let subset: Vec<usize> = (0..reference.models.len()).step_by(10).collect();
    let report = radex::fast::run(&reference, Some(&subset));
    assert!(report.tight_models > 150, "{}", report.render());
    assert!(report.tight_misses.is_empty() && report.fast_failures.is_empty(), "{}", report.render());
    assert!(report.radex_share_single_solution() >= radex::fast::RADEX_REQUIRED_SHARE, "{}", report.render());
    assert_eq!(report.failed, 0, "{}", report.render());
}
