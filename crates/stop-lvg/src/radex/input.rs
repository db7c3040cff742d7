//! RADEX batch input files: per model the molecule file, the output file, the frequency
//! window, T_kin, the number of partners, each partner's name and density, T_bg, N, Δv and
//! "another calculation? (0/1)" (escape-probability.md §2). Values are read as Fortran's
//! list-directed input does: blanks or commas separate them, `d` is an exponent letter, a
//! question that needs more values than a line holds continues on the next line, and what
//! is left on a line is ignored.

use stop_molecule::{PartnerDensities, PartnerKind};

use crate::emission::radex_window;
use crate::error::LvgError;

/// RADEX's default H2 density, cm⁻³, kept when the input does not name H2 (escape-probability.md §2).
pub const DEFAULT_H2_CM3: f64 = 1.0e5;

/// One model of a RADEX input file.
#[derive(Debug, Clone, PartialEq)]
pub struct RadexInput {
    /// 1-based line where the model starts.
    pub line: usize,
    /// Molecule file as written.
    pub molecule_file: String,
    /// Output file as written.
    pub output_file: String,
    /// Lower edge of the printed window after RADEX's normalisation, GHz.
    pub fmin_ghz: f64,
    /// Upper edge of the printed window, GHz.
    pub fmax_ghz: f64,
    /// Kinetic temperature, K.
    pub tkin_k: f64,
    /// The partners as given (name resolved), with their densities, cm⁻³.
    pub partners: Vec<(PartnerKind, f64)>,
    /// Densities after RADEX's input bookkeeping (default H2, o + p summed into H2), cm⁻³.
    pub densities: PartnerDensities,
    /// Background temperature, K.
    pub tbg_k: f64,
    /// Column density, cm⁻².
    pub column_cm2: f64,
    /// Line width (FWHM), km s⁻¹.
    pub fwhm_km_s: f64,
}

/// The partner id RADEX gives a typed name: `h2`/`H2` → H2, a word starting with p/P →
/// para-H2, o/O → ortho-H2, e/E → electrons, `h`/`H` → H, `he`/`He` → He, `h+`/`H+` → H+.
#[must_use]
pub fn partner_id_from_radex_name(name: &str) -> Option<PartnerKind> {
    let first = name.chars().next()?.to_ascii_lowercase();
    match (name.to_ascii_lowercase().as_str(), first) {
        ("h2", _) => Some(PartnerKind::H2),
        ("he", _) => Some(PartnerKind::He),
        ("h+", _) => Some(PartnerKind::HPlus),
        ("h", _) => Some(PartnerKind::H),
        (_, 'p') => Some(PartnerKind::ParaH2),
        (_, 'o') => Some(PartnerKind::OrthoH2),
        (_, 'e') => Some(PartnerKind::Electron),
        _ => None,
    }
}

/// RADEX's density bookkeeping: start from n(H2) = 1e5 when `radex_default_h2` (RADEX input
/// files) or 0, set each given partner (a later one of the same kind wins), then, if para- or
/// ortho-H2 is given, n(H2) := n(pH2) + n(oH2).
#[must_use]
pub fn radex_densities(
    partners: &[(PartnerKind, f64)],
    radex_default_h2: bool,
) -> PartnerDensities {
    let mut d = PartnerDensities::default();
    if radex_default_h2 {
        d.set(PartnerKind::H2, DEFAULT_H2_CM3);
    }
    for &(kind, density_cm3) in partners {
        d.set(kind, density_cm3);
    }
    let (para, ortho) = (d.get(PartnerKind::ParaH2), d.get(PartnerKind::OrthoH2));
    if para > 0.0 || ortho > 0.0 {
        d.set(PartnerKind::H2, para + ortho);
    }
    d
}

/// Parse every model of a RADEX input file; `source_name` names the file in errors.
///
/// # Errors
/// [`LvgError::Input`] naming the line and the question whose answer is missing, not a
/// number or outside RADEX's accepted range.
pub fn parse_radex_input(source_name: &str, text: &str) -> Result<Vec<RadexInput>, LvgError> {
    let mut reader = Reader {
        source_name,
        lines: text.lines().collect(),
        next: 0,
    };
    let mut models = Vec::new();
    loop {
        reader.skip_blank();
        if reader.next >= reader.lines.len() {
            break;
        }
        models.push(reader.model()?);
        match reader.values("another calculation (0/1)", 1, true)? {
            Some(values) if values[0].1 == 1.0 => {}
            _ => break,
        }
    }
    if models.is_empty() {
        return Err(reader.error(0, "molecule file", "the file holds no model".to_owned()));
    }
    Ok(models)
}

/// RADEX's accepted ranges; the limits are single-precision numbers (§2 quirk).
const TKIN_RANGE: (f32, f32) = (0.1, 1.0e4);
const DENSITY_RANGE: (f32, f32) = (1.0e-3, 1.0e13);
const TBG_RANGE: (f32, f32) = (-1.0e4, 1.0e4);
const COLUMN_RANGE: (f32, f32) = (1.0e5, 1.0e25);
const FWHM_RANGE: (f32, f32) = (1.0e-3, 1.0e3);

struct Reader<'a> {
    source_name: &'a str,
    lines: Vec<&'a str>,
    next: usize,
}

impl Reader<'_> {
    fn error(&self, line: usize, field: &str, message: String) -> LvgError {
        LvgError::Input {
            source_name: self.source_name.to_owned(),
            line,
            field: field.to_owned(),
            message,
        }
    }

    fn skip_blank(&mut self) {
        while self.next < self.lines.len() && self.lines[self.next].trim().is_empty() {
            self.next += 1;
        }
    }

    /// A whole line (Fortran `format(A)`), trimmed.
    fn text(&mut self, field: &str) -> Result<(usize, String), LvgError> {
        if self.next >= self.lines.len() {
            return Err(self.error(self.next, field, "file ends before this answer".to_owned()));
        }
        let line = self.lines[self.next].trim().to_owned();
        self.next += 1;
        Ok((self.next, line))
    }

    /// Tokens for one list-directed read of `count` values (continuing on following lines).
    fn tokens(
        &mut self,
        field: &str,
        count: usize,
        optional: bool,
    ) -> Result<Option<Vec<(usize, String)>>, LvgError> {
        let mut tokens = Vec::with_capacity(count);
        while tokens.len() < count {
            if self.next >= self.lines.len() {
                if optional && tokens.is_empty() {
                    return Ok(None);
                }
                return Err(self.error(
                    self.next,
                    field,
                    "file ends before this answer".to_owned(),
                ));
            }
            let line_no = self.next + 1;
            let line = self.lines[self.next];
            self.next += 1;
            for token in line
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
            {
                if tokens.len() < count {
                    tokens.push((line_no, token.to_owned()));
                }
            }
        }
        Ok(Some(tokens))
    }

    fn values(
        &mut self,
        field: &str,
        count: usize,
        optional: bool,
    ) -> Result<Option<Vec<(usize, f64)>>, LvgError> {
        let Some(tokens) = self.tokens(field, count, optional)? else {
            return Ok(None);
        };
        let mut values = Vec::with_capacity(count);
        for (line, token) in tokens {
            let value: f64 = token
                .replace(['d', 'D'], "e")
                .parse()
                .map_err(|_| self.error(line, field, format!("`{token}` is not a number")))?;
            values.push((line, value));
        }
        Ok(Some(values))
    }

    fn value(&mut self, field: &str, range: (f32, f32)) -> Result<f64, LvgError> {
        let values = self.values(field, 1, false)?.unwrap_or_default();
        let (line, value) = values[0];
        // compare as RADEX does: a double against a single-precision limit
        if !(value >= f64::from(range.0) && value <= f64::from(range.1)) {
            return Err(self.error(
                line,
                field,
                format!("`{value}` outside RADEX's range {} to {}", range.0, range.1),
            ));
        }
        Ok(value)
    }

    fn model(&mut self) -> Result<RadexInput, LvgError> {
        let (line, molecule_file) = self.text("molecule file")?;
        let (_, output_file) = self.text("output file")?;
        let window = self
            .values("frequency window (GHz)", 2, false)?
            .unwrap_or_default();
        let (fmin_ghz, fmax_ghz) = radex_window(window[0].1, window[1].1);
        let tkin_k = self.value("kinetic temperature (K)", TKIN_RANGE)?;
        let counts = self
            .values("number of collision partners", 1, false)?
            .unwrap_or_default();
        let (count_line, n_partners) = counts[0];
        if !(1.0..=7.0).contains(&n_partners) || n_partners.fract() != 0.0 {
            return Err(self.error(
                count_line,
                "number of collision partners",
                format!("`{n_partners}` is not 1 to 7"),
            ));
        }
        let mut partners = Vec::new();
        for _ in 0..n_partners as usize {
            let tokens = self
                .tokens("collision partner", 1, false)?
                .unwrap_or_default();
            let (name_line, name) = &tokens[0];
            let kind = partner_id_from_radex_name(name).ok_or_else(|| {
                self.error(
                    *name_line,
                    "collision partner",
                    format!("unknown partner `{name}` (H2 p-H2 o-H2 e H He H+)"),
                )
            })?;
            let density_cm3 = self.value("partner density (cm^-3)", DENSITY_RANGE)?;
            partners.push((kind, density_cm3));
        }
        let tbg_k = self.value("background temperature (K)", TBG_RANGE)?;
        if tbg_k < 0.0 {
            return Err(LvgError::UnsupportedBackground { tbg_k });
        }
        let column_cm2 = self.value("column density (cm^-2)", COLUMN_RANGE)?;
        let fwhm_km_s = self.value("line width (km/s)", FWHM_RANGE)?;
        let densities = radex_densities(&partners, true);
        Ok(RadexInput {
            line,
            molecule_file,
            output_file,
            fmin_ghz,
            fmax_ghz,
            tkin_k,
            partners,
            densities,
            tbg_k,
            column_cm2,
            fwhm_km_s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_MODELS: &str = "co.dat\nout.txt\n0 1200\n30\n2\no-H2\n7.5e3\np-H2\n2.5d3\n2.73\n1e15\n1\n1\nhcn.dat\nout.txt\n500 0\n20\n1\ne\n1e3\n0\n1e13\n1\n0\n";

    #[test]
    fn reads_several_models_with_radex_conventions() {
        let models = parse_radex_input("two.inp", TWO_MODELS).expect("valid input");
        assert_eq!(models.len(), 2);
        let d = models[0].densities;
        assert_eq!(d.get(PartnerKind::H2), 1e4); // o + p
        assert_eq!(d.get(PartnerKind::ParaH2), 2.5e3);
        // the second names only electrons: RADEX keeps its default n(H2) = 1e5
        assert_eq!(models[1].densities.get(PartnerKind::H2), 1e5);
        assert_eq!(models[1].densities.get(PartnerKind::Electron), 1e3);
        assert_eq!((models[1].fmin_ghz, models[1].fmax_ghz), (0.0, 500.0));
        assert_eq!(models[1].line, 14);
    }

    #[test]
    fn errors_name_line_and_question() {
        let broken = TWO_MODELS.replacen("1e15", "1e15x", 1);
        let err = parse_radex_input("two.inp", &broken).expect_err("bad number");
        assert_eq!(
            err.to_string(),
            "two.inp:11: column density (cm^-2): `1e15x` is not a number"
        );
        let low = TWO_MODELS.replacen("7.5e3", "1e-3", 1);
        let err =
            parse_radex_input("two.inp", &low).expect_err("below RADEX's single-precision limit");
        assert!(
            err.to_string().starts_with("two.inp:7: partner density"),
            "{err}"
        );
        let err = parse_radex_input("x.inp", "co.dat\nout\n0 10\n").expect_err("truncated");
        assert!(err.to_string().contains("kinetic temperature"), "{err}");
    }
}
