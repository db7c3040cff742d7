//! The problem-2 models on RATRAN's shells (`validation/models/vz2002_2{a,b}_ratran_shells.toml`)
//! hold, inside each RATRAN shell, exactly the density, temperature, abundance and turbulent b
//! that the RATRAN reference files (`../shared/reference/benchmark-vz2002/ratran/`) list for
//! that shell.

use std::path::{Path, PathBuf};
use stop_model::{LineWidth, ModelFile, PhysicalModel, Position};
use stop_molecule::PartnerKind;

/// RATRAN prints 7 significant digits (`1.234567E+05`): half a unit in the last one.
const RATRAN_DIGITS_REL: f64 = 5e-7;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shells of a RATRAN `.out` file: `[ra_m, rb_m, nh_cm3, tk_k, nm_cm3, vr_km_s, db_km_s]`.
fn ratran_shells(stem: &str) -> Vec<[f64; 7]> {
    let path = repo().join("../shared/reference/benchmark-vz2002/ratran").join(format!("ratran_vz2002_{stem}.out"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("the RATRAN reference is missing: {}: {e}", path.display()));
    text.lines()
        .skip_while(|l| l.trim() != "@")
        .skip(1)
        .filter_map(|l| {
            let v: Vec<f64> = l.split_whitespace().filter_map(|c| c.parse().ok()).collect();
            (v.len() > 8).then(|| [v[1], v[2], v[3], v[4], v[5], v[6], v[7]])
        })
        .collect()
}

fn close(found: f64, expected: f64, rel: f64) -> bool {
    (found - expected).abs() <= rel * expected.abs()
}

#[test]
fn fields_equal_ratrans_shell_columns() {
    for stem in ["2a", "2b"] {
        let name = format!("vz2002_{stem}_ratran_shells.toml");
        let file = ModelFile::load(repo().join("validation/models").join(&name)).unwrap_or_else(|e| panic!("{name} does not load: {e}"));
        assert_eq!(file.solver.tcmb_k, 2.725, "{name}: RATRAN's header says tcmb=2.725");
        assert_eq!(file.molecule.read().map(|m| m.levels.len()).ok(), Some(21));
        let model = file.model;
        assert_eq!(model.line_width(), LineWidth::TurbulentPlusThermal);
        let shells = ratran_shells(stem);
        assert_eq!(shells.len(), 49, "{stem}");
        let (inner_m, outer_m) = (shells[0][0], shells[48][1]);
        assert!(close(model.bounds().inner_radius_m, inner_m, RATRAN_DIGITS_REL) && close(model.bounds().outer_radius_m, outer_m, RATRAN_DIGITS_REL));
        for [ra, rb, nh, tk, nm, vr, db] in &shells {
            // Anywhere inside the shell (here: just above its inner edge, the middle, just below
            // its outer edge), the shell's values; along an oblique direction.
            for r_m in [ra * (1.0 + 1e-9), (ra * rb).sqrt(), rb * (1.0 - 1e-9)] {
                let f = model.fields(&Position::new(r_m * 2.0 / 7.0, -r_m * 3.0 / 7.0, r_m * 6.0 / 7.0));
                let where_ = format!("{name} r = {r_m:.6e} m");
                assert!(close(f.density_of(PartnerKind::H2), nh * 1e6, RATRAN_DIGITS_REL), "{where_}");
                assert!(close(f.tkin_k, *tk, RATRAN_DIGITS_REL), "{where_}");
                assert!(close(f.molecule_density_m3, nm * 1e6, 2.0 * RATRAN_DIGITS_REL), "{where_}");
                assert!(close(f.doppler_b_m_s, db * 1e3, RATRAN_DIGITS_REL), "{where_}");
            }
            // The velocity is the table's, continuous in ln r: at the shell's inner edge it is the
            // value RATRAN lists for the shell.
            let f = model.fields(&Position::new(0.0, 0.0, *ra));
            assert!((f.velocity_m_s[2] - vr * 1e3).abs() <= RATRAN_DIGITS_REL * (vr * 1e3).abs() + 1e-9, "{name} ra = {ra:e}");
        }
        // No gas inside the first shell or outside the last.
        assert_eq!(model.fields(&Position::new(0.99 * inner_m, 0.0, 0.0)).total_density_m3(), 0.0);
        assert_eq!(model.fields(&Position::new(1.01 * outer_m, 0.0, 0.0)).total_density_m3(), 0.0);
    }
}
