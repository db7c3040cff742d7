//! `stop lvg FILE --radex-compat` reproduces RADEX's own output files character for
//! character (`../shared/reference/radex/raw/*_examples.{inp,out}`), except the header line
//! that names the molecule file (RADEX prints the path it was given). These runs switch
//! molecule files, so RADEX's left-over rate tables are emulated ([`RadexProcess`]).

use std::path::Path;

use stop_lvg::radex::{RadexBlock, RadexProcess, parse_radex_input, write_radex_block};
use stop_lvg::{CompatSolver, Geometry, ModelParams, Problem, Solution};

const RAW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/radex/raw"
);
const LAMDA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/lamda");

fn reproduce(geometry: Geometry) {
    let name = format!("{}_examples", geometry.name());
    let input_path = Path::new(RAW).join(format!("{name}.inp"));
    let text =
        std::fs::read_to_string(&input_path).expect("the RADEX raw reference must be present");
    let expected = std::fs::read_to_string(Path::new(RAW).join(format!("{name}.out")))
        .expect("reference output");
    let models =
        parse_radex_input(&input_path.display().to_string(), &text).expect("valid RADEX input");
    assert_eq!(models.len(), 6);
    let mut solver = CompatSolver::default();
    let mut process = RadexProcess::new();
    let mut out = String::new();
    for input in &models {
        let molecule = stop_molecule::resolve_molecule(&input.molecule_file, &[Path::new(LAMDA)])
            .expect("molecule");
        let problem = Problem::new(molecule).expect("valid molecule");
        let model = ModelParams {
            tkin_k: input.tkin_k,
            densities: input.densities,
            tbg_k: input.tbg_k,
            column_cm2: input.column_cm2,
            fwhm_km_s: input.fwhm_km_s,
            geometry,
        };
        let mut solution = Solution::default();
        solver
            .solve_in_process(&problem, &model, Some(&mut process), &mut solution)
            .expect("model sets up");
        let block = RadexBlock {
            molecule_file: &input.molecule_file,
            problem: &problem,
            model: &model,
            solution: &solution,
            window_ghz: (input.fmin_ghz, input.fmax_ghz),
        };
        write_radex_block(&mut out, &block);
    }
    let ours: Vec<&str> = out.lines().collect();
    let theirs: Vec<&str> = expected.lines().collect();
    assert_eq!(ours.len(), theirs.len(), "{name}: line count");
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        if b.starts_with("* Molecular data file") {
            continue;
        }
        assert_eq!(a, b, "{name}.out line {}", i + 1);
    }
}

#[test]
fn sphere_examples_match_radex_output() {
    reproduce(Geometry::Sphere);
}

#[test]
fn lvg_examples_match_radex_output() {
    reproduce(Geometry::Lvg);
}

#[test]
fn slab_examples_match_radex_output() {
    reproduce(Geometry::Slab);
}
