//! Built-in models against closed forms: conservation laws of the Ulrich flow, Kepler's law,
//! and the power-law envelope against model A written as expressions.

use std::path::Path;
use stop_model::builtin::{KeplerDisk, UlrichEnvelope, streamline_mu0};
use stop_model::{Builtin, ModelFile, PhysicalModel, Position};

const G_SI: f64 = 6.674_30e-11;
const MSUN_KG: f64 = 1.988_409_870_698_051e30;
use stop_physics::constants::AU_M;
/// Agreement of conserved quantities evaluated through different formulas (f64 rounding of a
/// few dozen operations, and the 1e-15 convergence of μ0).
const CONSERVATION_REL: f64 = 1e-10;

fn ulrich() -> UlrichEnvelope {
    UlrichEnvelope {
        stellar_mass_kg: MSUN_KG,
        grav_si: G_SI,
        infall_rate_kg_s: 1e-5 * MSUN_KG / 3.156e7,
        centrifugal_radius_m: 100.0 * AU_M,
        mass_per_h2_amu: 2.8,
        inner_radius_m: AU_M,
        outer_radius_m: 1e5 * AU_M,
    }
}

/// Positions at radii below and above R_c, in both hemispheres and several azimuths.
fn positions() -> Vec<Position> {
    let mut out = Vec::new();
    for r_au in [3.0, 40.0, 99.0, 100.0, 150.0, 1000.0, 9000.0] {
        for cos_theta in [-0.95, -0.5, -0.1, 0.0, 0.05, 0.3, 0.7, 0.999] {
            for phi in [0.3, 2.0, 4.5] {
                let (r, s) = (r_au * AU_M, (1.0_f64 - cos_theta * cos_theta).sqrt());
                out.push(Position::new(r * s * f64::cos(phi), r * s * f64::sin(phi), r * cos_theta));
            }
        }
    }
    out
}

#[test]
fn ulrich_streamline_solves_its_cubic() {
    for zeta in [0.01, 0.5, 0.99, 1.0, 1.5, 30.0] {
        for mu in [-1.0, -0.6, -1e-3, 0.0, 0.2, 0.9, 1.0] {
            let m = streamline_mu0(mu, zeta);
            let residual = m * m * m + m * (zeta - 1.0) - mu * zeta;
            assert!(residual.abs() < 1e-12, "zeta {zeta} mu {mu}: {residual}");
            assert!(m.abs() >= mu.abs() - 1e-15 && m.abs() <= 1.0 && (mu == 0.0 || m.signum() == mu.signum()));
        }
    }
    // In the mid-plane inside R_c the parcel started at μ0 = sqrt(1 − r/R_c).
    assert!((streamline_mu0(0.0, 0.36) - 0.8).abs() < 1e-14);
}

#[test]
fn ulrich_parcels_are_on_parabolic_orbits_with_conserved_angular_momentum() {
    let model = ulrich();
    let gm = G_SI * MSUN_KG;
    let builtin = Builtin::UlrichEnvelope(model.clone());
    for p in positions() {
        let v = builtin.sample(&p).velocity_m_s;
        let speed2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        let expected = 2.0 * gm / p.r_m;
        assert!((speed2 / expected - 1.0).abs() < CONSERVATION_REL, "|v|² at {p:?}: {speed2} vs {expected}");
        // Specific angular momentum about z: x v_y − y v_x = sqrt(G M R_c) sin²θ0.
        let mu0 = streamline_mu0(p.z_m / p.r_m, p.r_m / model.centrifugal_radius_m);
        let j = p.x_m * v[1] - p.y_m * v[0];
        let j_start = (gm * model.centrifugal_radius_m).sqrt() * (1.0 - mu0 * mu0);
        assert!((j - j_start).abs() <= CONSERVATION_REL * (gm * model.centrifugal_radius_m).sqrt(), "j at {p:?}: {j} vs {j_start}");
        // Infall: the radial component points inwards.
        assert!(v[0] * p.x_m + v[1] * p.y_m + v[2] * p.z_m < 0.0);
    }
}

#[test]
fn ulrich_density_tends_to_spherical_free_fall() {
    let model = ulrich();
    let builtin = Builtin::UlrichEnvelope(model.clone());
    let r = 9.0e4 * AU_M;
    let gm = G_SI * MSUN_KG;
    // ρ = Ṁ / (4π r² sqrt(2GM/r)), corrections O(R_c/r) ≈ 1e-3.
    let rho_ff = model.infall_rate_kg_s / (4.0 * std::f64::consts::PI * r * r * (2.0 * gm / r).sqrt());
    let n_ff = rho_ff / (2.8 * 1.660_539_066_60e-27);
    for cos_theta in [0.0, 0.5, 0.99] {
        let s = (1.0_f64 - cos_theta * cos_theta).sqrt();
        let n = builtin.sample(&Position::new(r * s, 0.0, r * cos_theta)).n_h2_m3;
        assert!((n / n_ff - 1.0).abs() < 3e-3, "cos θ = {cos_theta}: {n} vs {n_ff}");
    }
    // Nothing inside the inner radius.
    assert_eq!(builtin.sample(&Position::new(0.5 * AU_M, 0.0, 0.0)).n_h2_m3, 0.0);
}

#[test]
fn kepler_disk_rotates_at_the_kepler_speed() {
    let disk = KeplerDisk {
        stellar_mass_kg: MSUN_KG,
        grav_si: G_SI,
        n0_m3: 1e15,
        r0_m: 100.0 * AU_M,
        density_exponent: -2.25,
        h0_m: 10.0 * AU_M,
        flaring_exponent: 1.25,
        inner_radius_m: AU_M,
        outer_radius_m: 500.0 * AU_M,
        temperature: Some((30.0, -0.5)),
    };
    let builtin = Builtin::KeplerDisk(disk);
    let gm = G_SI * MSUN_KG;
    for (x, y, z) in [(30.0, 40.0, 0.0), (-100.0, 0.0, 10.0), (0.0, -300.0, -20.0)] {
        let p = Position::new(x * AU_M, y * AU_M, z * AU_M);
        let s = builtin.sample(&p);
        let v = s.velocity_m_s;
        assert!((v[0].hypot(v[1]) / (gm / p.rcyl_m).sqrt() - 1.0).abs() < 1e-14);
        assert!((v[0] * p.x_m + v[1] * p.y_m).abs() < 1e-9 * p.rcyl_m * v[0].hypot(v[1]) && v[2] == 0.0);
        assert!(p.x_m * v[1] - p.y_m * v[0] > 0.0, "counter-clockwise seen from +z");
    }
    // At R = R0, z = H0: n0 e^(-1/2); T = t0.
    let s = builtin.sample(&Position::new(100.0 * AU_M, 0.0, 10.0 * AU_M));
    assert!((s.n_h2_m3 / (1e15 * (-0.5_f64).exp()) - 1.0).abs() < 1e-14);
    assert_eq!(s.tkin_k, 30.0);
    // Outside the disk: nothing.
    assert_eq!(builtin.sample(&Position::new(600.0 * AU_M, 0.0, 0.0)).n_h2_m3, 0.0);
}

#[test]
fn power_law_builtin_equals_model_a_written_as_expressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validation/models");
    let expressions = ModelFile::load(dir.join("lime_modelA.toml")).map(|f| f.model);
    let text = std::fs::read_to_string(dir.join("lime_modelA.toml")).unwrap_or_default();
    // Replace the density and velocity expressions by the built-in, keep everything else.
    let builtin_text = text
        .lines()
        .filter(|l| !l.starts_with("density_m3") && !l.starts_with("velocity_m_s"))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen(
            "[fields]",
            "[builtin]\nkind = \"power_law_envelope\"\nn0_m3 = \"n0\"\nr0_m = \"r0\"\nexponent = -1.5\nr_floor_m = \"r_floor\"\ninfall_mass_kg = \"msun_kg\"\nvelocity_floor_m = \"v_floor\"\ngrav_si = \"grav_si\"\n\n[fields]",
            1,
        );
    let builtin = ModelFile::from_toml_str(&builtin_text, "modelA-builtin", &dir).map(|f| f.model);
    let (Ok(expressions), Ok(builtin)) = (expressions, builtin) else { panic!("a model A variant does not load") };
    assert!(matches!(builtin.builtin, Some(Builtin::PowerLawEnvelope(_))));
    for p in positions() {
        let (a, b) = (expressions.fields(&p), builtin.fields(&p));
        assert!((a.density_m3[0] / b.density_m3[0] - 1.0).abs() < 1e-14, "{p:?}");
        for (u, w) in a.velocity_m_s.iter().zip(&b.velocity_m_s) {
            assert!((u - w).abs() <= 1e-14 * u.abs(), "{p:?}: {u} vs {w}");
        }
        assert_eq!((a.tkin_k, a.doppler_b_m_s), (b.tkin_k, b.doppler_b_m_s));
    }
}

/// The built-ins' TOML parameters: each kind loads from a file and gives its closed form.
#[test]
fn builtins_load_from_model_files() {
    let load_with = |model: &str, builtin: &str, fields: &str| {
        let text = format!("[model]\nname = \"b\"\n{model}\n[builtin]\n{builtin}\n[fields]\n{fields}\n[molecule]\nfile = \"hco+\"\n[grid]\nmin_scale_m = \"au_m\"\n");
        ModelFile::from_toml_str(&text, "b.toml", Path::new(".")).map(|f| f.model)
    };
    let load = |builtin: &str, fields: &str| load_with("", builtin, fields);
    let common = "abundance = 1e-9\ndoppler_b_m_s = 100.0";
    let disk = load(
        "kind = \"kepler_disk\"\nstellar_mass_kg = \"msun_kg\"\nn0_m3 = 1e15\nr0_m = \"100 * au_m\"\nh0_m = \"10 * au_m\"\ninner_radius_m = \"au_m\"\nouter_radius_m = \"500 * au_m\"\nt0_k = 30.0",
        common,
    );
    let disk = disk.map(|m| (m.bounds().outer_radius_m, m.fields(&Position::new(0.0, 100.0 * AU_M, 0.0))));
    assert!(disk.as_ref().is_ok_and(|(r, f)| *r == 500.0 * AU_M && f.tkin_k == 30.0 && (f.density_m3[0] / 1e15 - 1.0).abs() < 1e-14), "{disk:?}");
    assert!(disk.is_ok_and(|(_, f)| (f.velocity_m_s[0] + (G_SI * MSUN_KG / (100.0 * AU_M)).sqrt()).abs() < 1e-9));

    let envelope = load(
        "kind = \"ulrich_envelope\"\nstellar_mass_kg = \"msun_kg\"\ninfall_rate_kg_s = 1e17\ncentrifugal_radius_m = \"100 * au_m\"\ninner_radius_m = \"au_m\"\nouter_radius_m = \"1e4 * au_m\"",
        &format!("tkin_k = 20.0\n{common}"),
    );
    let envelope = envelope.map(|m| (m.bounds().inner_radius_m, m.fields(&Position::new(0.0, 0.0, 200.0 * AU_M)).velocity_m_s));
    // On the axis the flow is radial at sqrt(2GM/r).
    assert!(envelope.is_ok_and(|(r_in, v)| r_in == AU_M && v[0] == 0.0 && (v[2] + (2.0 * G_SI * MSUN_KG / (200.0 * AU_M)).sqrt()).abs() < 1e-9));

    let power = load_with("radius_m = 1e15", "kind = \"power_law_envelope\"\nn0_m3 = 1e12\nr0_m = 1e14\nexponent = -2\nr_floor_m = 1e12\nt0_k = 10.0\nt_exponent = -0.5", common)
        .map(|m| m.fields(&Position::new(4e14, 0.0, 0.0)));
    assert!(power.is_ok_and(|f| (f.density_m3[0] / 6.25e10 - 1.0).abs() < 1e-14 && (f.tkin_k - 5.0).abs() < 1e-14 && f.velocity_m_s == [0.0; 3]));

    let missing = load("kind = \"kepler_disk\"\nstellar_mass_kg = 1e30", common).err();
    assert!(matches!(missing, Some(stop_model::ModelError::MissingKey { ref key, .. }) if key == "builtin.n0_m3"), "{missing:?}");
    let no_radius = load("kind = \"power_law_envelope\"\nn0_m3 = 1e12\nr0_m = 1e14\nexponent = -2\nr_floor_m = 1e12", common).err();
    assert!(matches!(no_radius, Some(stop_model::ModelError::MissingKey { ref key, .. }) if key == "model.radius_m"), "{no_radius:?}");
}
