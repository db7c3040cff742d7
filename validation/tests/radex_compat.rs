//! The RADEX-compatible mode reproduces every reference value bit for bit
//! (`../shared/reference/radex`, escape-probability.md §13).

use stop_lvg::CompatParams;
use stop_validation::radex;

#[test]
fn compat_mode_is_bit_identical_to_radex_on_every_reference_model() {
    let reference_dir = stop_validation::default_reference_dir().join("radex");
    let reference = radex::reference::load(&reference_dir, &stop_validation::default_lamda_dir())
        .expect("the RADEX reference must be present next to the repository");
    assert_eq!(reference.models.len(), 1740);
    let report = radex::compat::run(&reference, CompatParams::default());
    assert_eq!(report.rows_compared, 22_990 + 602, "{}", report.render());
    assert_eq!(report.failed, 0, "{}", report.render());
}
