//! Bad model files give errors that name the file, the key and (for expressions) the column;
//! random damage to expressions and files never panics.

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use stop_model::{Expression, ExprErrorKind, ModelError, ModelFile, TableProblem, builtin_constants};

/// A minimal valid file; tests replace one line.
const BASE: &str = r#"[model]
name = "m"
radius_m = 1.0e15
[parameters]
r0 = 1.0e13
[fields]
density_m3 = { h2 = "1e10 * (max(r, r0) / r0)^-2" }
tkin_k = 20.0
abundance = 1e-9
velocity_m_s = [0.0, 0.0, 0.0]
doppler_b_m_s = 150.0
[molecule]
file = "hco+"
[grid]
min_scale_m = 1.0e12
"#;

fn load(text: &str) -> Result<ModelFile, ModelError> {
    ModelFile::from_toml_str(text, "test.toml", Path::new("."))
}

fn with(old: &str, new: &str) -> Result<ModelFile, ModelError> {
    assert!(BASE.contains(old), "{old}");
    load(&BASE.replacen(old, new, 1))
}

#[test]
fn the_base_file_loads() {
    assert!(load(BASE).is_ok());
}

#[test]
fn expression_errors_name_key_and_column() {
    let err = with(r#"tkin_k = 20.0"#, r#"tkin_k = "20 * (r / r0 +""#).err();
    let Some(ModelError::Expression { file, key, error, .. }) = err else { panic!("{err:?}") };
    assert_eq!((file.as_str(), key.as_str(), error.column), ("test.toml", "fields.tkin_k", 15));
    assert!(matches!(error.kind, ExprErrorKind::UnexpectedEnd { .. }));

    let err = with(r#"h2 = "1e10"#, r#"h2 = "1e10 * bogus"#).err();
    let Some(ModelError::Expression { key, error, .. }) = err else { panic!("{err:?}") };
    assert_eq!((key.as_str(), error.column), ("fields.density_m3.h2", 8));
    assert!(matches!(&error.kind, ExprErrorKind::UnknownName { name, .. } if name == "bogus"));

    let err = with("velocity_m_s = [0.0, 0.0, 0.0]", r#"velocity_m_s = [0.0, "hypot(x, y)", 0.0]"#).err();
    let Some(ModelError::Expression { key, error, .. }) = err else { panic!("{err:?}") };
    assert_eq!((key.as_str(), error.column), ("fields.velocity_m_s[1]", 1));
    assert!(matches!(error.kind, ExprErrorKind::UnknownFunction { .. }));
    let message = with("velocity_m_s = [0.0, 0.0, 0.0]", r#"velocity_m_s = [0.0, "hypot(x, y)", 0.0]"#).err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref().and_then(|m| m.split(" (supported").next()),
        Some("test.toml: key `fields.velocity_m_s[1]`: expression `hypot(x, y)`: column 1: unknown function `hypot`")
    );
}

#[test]
fn parameter_errors_are_located_and_cycles_reported() {
    let err = with("r0 = 1.0e13", "r0 = \"2 * au_m +* 3\"").err();
    assert!(matches!(err, Some(ModelError::Expression { ref key, ref error, .. }) if key == "parameters.r0" && error.column == 11), "{err:?}");
    let err = with("r0 = 1.0e13", "r0 = \"2 * a\"\na = \"r0 / 2\"").err();
    assert!(matches!(err, Some(ModelError::Expression { ref error, .. }) if matches!(error.kind, ExprErrorKind::UnknownName { .. })), "{err:?}");
    let err = with("r0 = 1.0e13", "r0 = \"x * 2\"").err();
    assert!(matches!(err, Some(ModelError::Expression { ref error, .. }) if matches!(error.kind, ExprErrorKind::CoordinateInConstant(_))), "{err:?}");
    let ok = with("r0 = 1.0e13", "r0 = \"rf * 100\"\nrf = \"0.1 * au_m / 1.495978707\"").map(|f| f.parameters["r0"]);
    assert!(ok.is_ok_and(|v| (v - 1.0e12).abs() < 1.0));
}

#[test]
fn settings_errors_name_the_key() {
    let key_of = |err: Option<ModelError>| match err {
        Some(ModelError::BadValue { key, .. } | ModelError::WrongType { key, .. } | ModelError::UnknownKey { key, .. } | ModelError::MissingKey { key, .. }) => key,
        other => format!("{other:?}"),
    };
    assert_eq!(key_of(with("min_scale_m = 1.0e12", "min_scale_m = 1.0e12\nn_points = 0").err()), "grid.n_points");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", "min_scale_m = 1.0e12\nsmoothing = 5").err()), "grid.smoothing");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", "min_scale_m = 2.0e15").err()), "grid.min_scale_m");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", "min_scale_m = 1.0e12\n[solver]\ntolerance = 2.0").err()), "solver.tolerance");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", "min_scale_m = 1.0e12\n[solver]\nrays_per_point = \"many\"").err()), "solver.rays_per_point");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", "min_scale_m = 1.0e12\n[solver]\nmin_iterations = 9\nmax_iterations = 4").err()), "solver.min_iterations");
    assert_eq!(key_of(with("file = \"hco+\"", "file = \"no-such-molecule\"").err()), "molecule.file");
    assert_eq!(key_of(with("tkin_k = 20.0\n", "").err()), "fields.tkin_k");
    assert_eq!(key_of(with("h2 = ", "h3 = ").err()), "fields.density_m3.h3");
    assert_eq!(key_of(with("h2 = ", "\"p-h2\" = 1.0, ph2 = 2.0, h2 = ").err()), "fields.density_m3.ph2");
    assert_eq!(key_of(with("radius_m = 1.0e15", "radius_m = -1.0").err()), "model.radius_m");
    let image = "min_scale_m = 1.0e12\n[[image]]\nfile_stem = \"a\"\ntransition = 0\nn_channels = 10\nchannel_width_m_s = 100.0\nn_pixels = 8\npixel_arcsec = 0.1\ndistance_m = 1e18\n";
    assert!(with("min_scale_m = 1.0e12", image).is_ok());
    assert_eq!(key_of(with("min_scale_m = 1.0e12", &image.replace("n_pixels = 8", "n_pixels = -8")).err()), "image[0].n_pixels");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", &format!("{image}units = [\"mK\"]\n")).err()), "image[0].units");
    assert_eq!(key_of(with("[model]", "[builtin]\nkind = \"plummer\"\n[model]").err()), "builtin.kind");
    let turned = format!("{image}rotation_matrix = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]]\n");
    let matrix = with("min_scale_m = 1.0e12", &turned).map(|f| f.images[0].rotation_matrix());
    assert_eq!(matrix.ok(), Some([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]]));
    let skewed = turned.replace("[0.0, 0.0, -1.0]]", "[0.0, 0.1, -1.0]]");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", &skewed).err()), "image[0].rotation_matrix");
    let both = format!("{turned}inclination_rad = 0.5\n");
    assert_eq!(key_of(with("min_scale_m = 1.0e12", &both).err()), "image[0].rotation_matrix");
}

#[test]
fn profile_and_table_errors_are_reported() {
    let err = with("tkin_k = 20.0", "tkin_k = { r_m = [1.0, 1.0], values = [2.0, 3.0] }").err();
    assert!(matches!(err, Some(ModelError::Table { problem: TableProblem::DuplicateRadius { .. }, ref path, .. }) if path == "fields.tkin_k"), "{err:?}");
    let err = with("tkin_k = 20.0", "tkin_k = { r_m = [1.0, 2.0], values = [2.0, 0.0], interpolation = \"log_log\" }").err();
    assert!(matches!(err, Some(ModelError::Table { problem: TableProblem::NotPositive { .. }, .. })), "{err:?}");
    let err = with("tkin_k = 20.0", "tkin_k = { r_m = [1.0, 2.0], values = [2.0, 3.0], below = \"extrapolate\" }").err();
    assert!(matches!(err, Some(ModelError::BadValue { ref key, .. }) if key == "fields.tkin_k.below"), "{err:?}");
    let err = with("tkin_k = 20.0", "tkin_k = { table = \"nope\", column = \"t\" }").err();
    assert!(matches!(err, Some(ModelError::BadValue { ref key, .. }) if key == "fields.tkin_k.table"), "{err:?}");
    let err = load("[model\nname = 1").err();
    assert!(matches!(err, Some(ModelError::Toml { line: 1, .. })), "{err:?}");
}

#[test]
fn gridded_points_use_the_nearest_row() {
    let dir = std::env::temp_dir().join(format!("stop-model-points-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok();
    std::fs::write(dir.join("pts.tsv"), "x_m\ty_m\tz_m\tt_k\n0 0 0 30\n1e14 0 0 20\n0 1e14 0 10\n").ok();
    let text = BASE.replacen("tkin_k = 20.0", "tkin_k = { points = \"pts\", column = \"t_k\" }", 1)
        + "[tables.pts]\nfile = \"pts.tsv\"\nskip_lines = 1\ncolumns = [\"x_m\", \"y_m\", \"z_m\", \"t_k\"]\n";
    let file = ModelFile::from_toml_str(&text, "t.toml", &dir);
    std::fs::remove_dir_all(&dir).ok();
    let model = file.map(|f| f.model);
    use stop_model::{PhysicalModel, Position};
    let t = |x: f64, y: f64| model.as_ref().map(|m| m.fields(&Position::new(x, y, 3e12)).tkin_k).unwrap_or(f64::NAN);
    assert_eq!((t(1e13, 1e13), t(8e13, 1e13), t(1e13, 6e13)), (30.0, 20.0, 10.0));
}

/// Characters that expressions are made of, plus some that are not.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x".to_string()),
        Just("r".to_string()),
        Just("rcyl".to_string()),
        Just("au_m".to_string()),
        Just("max(".to_string()),
        Just("sqrt(".to_string()),
        Just("atan2(".to_string()),
        "[-+*/^(),. eE0-9a-z$]{1,3}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Insert, delete or replace text anywhere in a valid expression: compiling never panics,
    /// and an error's column lies inside the text (or one past its end).
    #[test]
    fn mutated_expressions_never_panic(cut in 0usize..60, len in 0usize..4, insert in fragment()) {
        let base = "-sqrt(2 * grav_si * msun_kg / max(r, 1.5e10)) * x / max(r, 1.5e10)";
        let chars: Vec<char> = base.chars().collect();
        let cut = cut.min(chars.len());
        let end = (cut + len).min(chars.len());
        let text: String = chars[..cut].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(&chars[end..]).collect();
        let names: BTreeMap<String, f64> = builtin_constants();
        match Expression::compile(&text, &names) {
            Ok(e) => {
                let v = e.eval(&stop_model::Position::new(1e13, -2e13, 3e12));
                prop_assert!(v.is_finite() || v.is_nan() || v.is_infinite());
            }
            Err(error) => prop_assert!(error.column >= 1 && error.column <= text.chars().count() + 1, "{text}: {error}"),
        }
    }

    /// Random damage to a whole model file never panics.
    #[test]
    fn mutated_model_files_never_panic(cut in 0usize..400, len in 0usize..6, insert in "[a-z0-9=\"\\[\\]{}.,_ \n^*-]{0,5}") {
        let chars: Vec<char> = BASE.chars().collect();
        let cut = cut.min(chars.len());
        let end = (cut + len).min(chars.len());
        let text: String = chars[..cut].iter().copied().chain(insert.chars()).chain(chars[end..].iter().copied()).collect();
        let _ = load(&text);
    }

    /// Deep nesting is refused with an error, not a stack overflow.
    #[test]
    fn deep_nesting_is_an_error(depth in 150usize..3000) {
        let text = format!("{}r{}", "(".repeat(depth), ")".repeat(depth));
        let result = Expression::compile(&text, &BTreeMap::new());
        prop_assert!(result.is_ok() == (depth < 200));
    }
}

#[test]
fn very_long_chains_are_refused_not_overflowed() {
    let text = vec!["r"; 5000].join(" + ");
    let err = Expression::compile(&text, &BTreeMap::new()).err();
    assert!(matches!(err, Some(ref e) if matches!(e.kind, ExprErrorKind::TooLong { max: 2000 }) && e.column == 4001), "{err:?}");
    let ok = vec!["r"; 900].join(" + ");
    assert!(Expression::compile(&ok, &BTreeMap::new()).is_ok_and(|e| e.eval(&stop_model::Position::new(2.0, 0.0, 0.0)) == 1800.0));
}

#[test]
fn derived_quantities_resolve_in_any_order_and_cycles_are_located() {
    use stop_model::{PhysicalModel, Position};
    let derived = "[derived]\nspeed = \"-sqrt(2 * grav_si * msun_kg / rr)\"\nrr = \"max(r, r0)\"\n[fields]";
    let velocity = "velocity_m_s = [\"speed * x / rr\", \"speed * y / rr\", \"speed * z / rr\"]";
    let text = BASE.replacen("[fields]", derived, 1).replacen("velocity_m_s = [0.0, 0.0, 0.0]", velocity, 1);
    let model = load(&text).map(|f| f.model);
    let p = Position::new(3.0e13, 4.0e13, 0.0);
    let v = model.as_ref().map(|m| m.fields(&p).velocity_m_s).unwrap_or_default();
    let speed = -(2.0 * 6.674_30e-11 * 1.988_409_870_698_051e30 / 5.0e13_f64).sqrt();
    assert!((v[0] / (speed * 0.6) - 1.0).abs() < 1e-12 && (v[1] / (speed * 0.8) - 1.0).abs() < 1e-12, "{v:?}");
    // the velocity alone (the solver's LIME cells) is the same evaluation
    assert_eq!(model.as_ref().map(|m| m.velocity_m_s(&p)).ok(), Some(v));

    let cycle = BASE.replacen("[fields]", "[derived]\na = \"b * 2\"\nb = \"x + a\"\n[fields]", 1);
    let err = load(&cycle).err();
    assert!(matches!(err, Some(ModelError::Expression { ref key, ref error, .. }) if key == "derived.a" && error.column == 1), "{err:?}");
    let clash = BASE.replacen("[fields]", "[derived]\nr0 = \"2 * r\"\n[fields]", 1);
    assert!(matches!(load(&clash).err(), Some(ModelError::BadValue { ref key, .. }) if key == "derived.r0"));
    let number = BASE.replacen("[fields]", "[derived]\nq = 2.0\n[fields]", 1);
    assert!(matches!(load(&number).err(), Some(ModelError::WrongType { ref key, .. }) if key == "derived.q"));
}
