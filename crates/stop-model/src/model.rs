//! [`FileModel`]: the [`PhysicalModel`] a model file describes.

use crate::builtin::{Builtin, BuiltinSample};
use crate::expr::{Expression, MAX_DERIVED};
use crate::field::{ScalarField, VectorField};
use crate::physical::{Bounds, LineWidth, N_PARTNERS, PathFields, PhysicalModel, PointFields, Position};
use stop_molecule::PartnerKind;

/// Where a field's value comes from.
#[derive(Debug, Clone)]
pub enum Source<T> {
    /// A field given in the file.
    Field(T),
    /// The built-in model.
    Builtin,
}

/// How the molecule's density is given.
#[derive(Debug, Clone)]
pub enum MoleculeAmount {
    /// n(mol) = abundance × Σ_i w_i n_i (LIME's `abundance` with `nMolWeights`).
    Abundance(Source<ScalarField>),
    /// n(mol) directly, m⁻³.
    Density(ScalarField),
}

/// A model read from a file: fields from expressions, tables, points or a built-in.
#[derive(Debug, Clone)]
pub struct FileModel {
    /// Model name.
    pub name: String,
    /// Partners supplied, in LAMDA id order.
    pub partners: Vec<PartnerKind>,
    /// Density per partner, m⁻³ (the built-in supplies H2 only).
    pub densities: Vec<(PartnerKind, Source<ScalarField>)>,
    /// The built-in model, if any.
    pub builtin: Option<Builtin>,
    /// `[derived]` quantities, in evaluation order (at most [`MAX_DERIVED`]).
    pub derived: Vec<Expression>,
    /// Gas kinetic temperature, K.
    pub tkin_k: Source<ScalarField>,
    /// Dust temperature, K; `None` means equal to the gas temperature.
    pub tdust_k: Option<ScalarField>,
    /// Molecule amount.
    pub molecule: MoleculeAmount,
    /// Weights w_i of the partner densities in n(mol) = X Σ w_i n_i, by partner index.
    pub molecule_weights: [f64; N_PARTNERS],
    /// Velocity, m/s.
    pub velocity_m_s: Source<VectorField>,
    /// Doppler b, m/s.
    pub doppler_b_m_s: Source<ScalarField>,
    /// Line-width convention.
    pub line_width: LineWidth,
    /// Region.
    pub bounds: Bounds,
    /// Grid-point density, when not LIME's default.
    pub grid_density: Option<ScalarField>,
}

fn scalar(source: &Source<ScalarField>, p: &Position, derived: &[f64], builtin: f64) -> f64 {
    match source {
        Source::Field(f) => f.at_with(p, derived),
        Source::Builtin => builtin,
    }
}

impl FileModel {
    /// The `[derived]` quantities at a position, in definition order (each may use the earlier
    /// ones), in a stack array: entries past `derived.len()` are unused.
    /// The partner densities and the molecule density, m⁻³, with the derived quantities `d` and
    /// the built-in's sample `b` at `p`.
    fn densities_with(&self, p: &Position, d: &[f64], b: &BuiltinSample) -> ([f64; N_PARTNERS], f64) {
        let mut density_m3 = [0.0; N_PARTNERS];
        for (partner, source) in &self.densities {
            density_m3[partner.index()] = scalar(source, p, d, b.n_h2_m3);
        }
        let molecule_m3 = match &self.molecule {
            MoleculeAmount::Density(f) => f.at_with(p, d),
            MoleculeAmount::Abundance(source) => {
                let weighted: f64 = density_m3.iter().zip(&self.molecule_weights).map(|(n, w)| n * w).sum();
                scalar(source, p, d, b.abundance) * weighted
            }
        };
        (density_m3, molecule_m3)
    }

    /// The velocity, m/s, with the derived quantities `d` and the built-in's sample `b` at `p`.
    fn velocity_with(&self, p: &Position, d: &[f64], b: &BuiltinSample) -> [f64; 3] {
        match &self.velocity_m_s {
            Source::Field(v) => v.at_with(p, d),
            Source::Builtin => b.velocity_m_s,
        }
    }

    fn derived_at(&self, p: &Position) -> [f64; MAX_DERIVED] {
        let mut values = [0.0; MAX_DERIVED];
        for (i, e) in self.derived.iter().enumerate().take(MAX_DERIVED) {
            values[i] = e.eval_with(p, &values[..i]);
        }
        values
    }
}

impl PhysicalModel for FileModel {
    fn partners(&self) -> &[PartnerKind] {
        &self.partners
    }

    fn fields(&self, p: &Position) -> PointFields {
        let b = self.builtin.as_ref().map_or(BuiltinSample::ZERO, |b| b.sample(p));
        let all_derived = self.derived_at(p);
        let d = &all_derived[..self.derived.len().min(MAX_DERIVED)];
        let mut out = PointFields::ZERO;
        (out.density_m3, out.molecule_density_m3) = self.densities_with(p, d, &b);
        out.tkin_k = scalar(&self.tkin_k, p, d, b.tkin_k);
        out.tdust_k = self.tdust_k.as_ref().map_or(out.tkin_k, |f| f.at_with(p, d));
        out.velocity_m_s = self.velocity_with(p, d, &b);
        out.doppler_b_m_s = scalar(&self.doppler_b_m_s, p, d, b.doppler_b_m_s);
        out
    }

    fn path_fields(&self, p: &Position) -> PathFields {
        let b = self.builtin.as_ref().map_or(BuiltinSample::ZERO, |b| b.sample(p));
        let all_derived = self.derived_at(p);
        let d = &all_derived[..self.derived.len().min(MAX_DERIVED)];
        let (density_m3, molecule_density_m3) = self.densities_with(p, d, &b);
        PathFields { velocity_m_s: self.velocity_with(p, d, &b), molecule_density_m3, total_density_m3: density_m3.iter().sum() }
    }

    fn bounds(&self) -> Bounds {
        self.bounds
    }

    fn line_width(&self) -> LineWidth {
        self.line_width
    }

    fn velocity_m_s(&self, p: &Position) -> [f64; 3] {
        match &self.velocity_m_s {
            Source::Field(v) if self.derived.is_empty() => v.at_with(p, &[]),
            Source::Field(v) => v.at_with(p, &self.derived_at(p)[..self.derived.len().min(MAX_DERIVED)]),
            Source::Builtin => self.builtin.as_ref().map_or([0.0; 3], |b| b.sample(p).velocity_m_s),
        }
    }

    fn grid_density(&self, p: &Position) -> f64 {
        match &self.grid_density {
            Some(f) => f.at_with(p, &self.derived_at(p)[..self.derived.len().min(MAX_DERIVED)]),
            None => self.fields(p).total_density_m3().powf(crate::physical::DENSITY_POWER),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ModelFile;

    #[test]
    fn path_fields_equal_the_full_evaluation() {
        // the stations of a path read path_fields, the solver's setup fields: they must agree
        // to the bit for expression, table and built-in fields
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../validation/models/");
        for name in ["lime_modelA.toml", "vz2002_1a.toml", "vz2002_2b.toml"] {
            let model = ModelFile::load(format!("{dir}{name}")).unwrap_or_else(|e| panic!("{name}: {e}")).model;
            for r_m in [3.0e11, 2.0e13, 7.7e13, 2.9e14] {
                let p = Position::new(0.6 * r_m, -0.48 * r_m, 0.64 * r_m);
                assert_eq!(model.path_fields(&p), PathFields::from(model.fields(&p)), "{name} at r = {r_m} m");
            }
        }
    }
}
