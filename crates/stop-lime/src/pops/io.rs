//! Writing and reading population files (format in [`crate::pops`]).

use crate::solve::error::SolveError;
use std::fmt::Write as _;
use std::path::Path;

/// First line of a population file.
pub const MAGIC: &str = "# stop-lime populations v1";

/// Populations with their grid points and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationFile {
    /// `# key = value` lines, in order.
    pub metadata: Vec<(String, String)>,
    /// Positions, m.
    pub positions_m: Vec<[f64; 3]>,
    /// Boundary points.
    pub is_sink: Vec<bool>,
    /// Levels per point.
    pub n_levels: usize,
    /// Fractional populations, `[point * n_levels + level]`.
    pub pops: Vec<f64>,
}

impl PopulationFile {
    /// The text of the file.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.pops.len() * 24 + 1024);
        let _ = writeln!(out, "{MAGIC}");
        for (key, value) in &self.metadata {
            let _ = writeln!(out, "# {key} = {value}");
        }
        out.push_str("index\tx_m\ty_m\tz_m\tsink");
        for level in 0..self.n_levels {
            let _ = write!(out, "\tpop_{level}");
        }
        out.push('\n');
        for (i, (p, sink)) in self.positions_m.iter().zip(&self.is_sink).enumerate() {
            let _ = write!(out, "{i}\t{:e}\t{:e}\t{:e}\t{}", p[0], p[1], p[2], u8::from(*sink));
            for v in &self.pops[i * self.n_levels..(i + 1) * self.n_levels] {
                let _ = write!(out, "\t{v:e}");
            }
            out.push('\n');
        }
        out
    }

    /// Writes the file.
    ///
    /// # Errors
    /// [`SolveError::Io`] when the file cannot be written.
    pub fn write(&self, path: &Path) -> Result<(), SolveError> {
        std::fs::write(path, self.to_text()).map_err(|source| SolveError::Io { path: path.to_path_buf(), source })
    }

    /// Reads a file.
    ///
    /// # Errors
    /// [`SolveError::Io`] when unreadable; [`SolveError::BadPopulationFile`] naming the line
    /// for a wrong first line, a bad header, a short row, an unparsable number or an index
    /// out of sequence.
    pub fn read(path: &Path) -> Result<Self, SolveError> {
        let text = std::fs::read_to_string(path).map_err(|source| SolveError::Io { path: path.to_path_buf(), source })?;
        Self::parse(&text, path)
    }

    /// Parses the text of a file (`path` is only used in errors).
    ///
    /// # Errors
    /// As [`PopulationFile::read`].
    pub fn parse(text: &str, path: &Path) -> Result<Self, SolveError> {
        let bad = |line: usize, message: String| SolveError::BadPopulationFile { path: path.to_path_buf(), line, message };
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, first)) if first.trim_end() == MAGIC => {}
            other => return Err(bad(1, format!("expected `{MAGIC}`, found `{}`", other.map_or("", |l| l.1)))),
        }
        let mut file = Self { metadata: Vec::new(), positions_m: Vec::new(), is_sink: Vec::new(), n_levels: 0, pops: Vec::new() };
        let mut header_seen = false;
        for (i_line, raw) in lines {
            let line_no = i_line + 1;
            if let Some(meta) = raw.strip_prefix("# ") {
                let (key, value) = meta.split_once(" = ").ok_or_else(|| bad(line_no, format!("expected `# key = value`, found `{raw}`")))?;
                file.metadata.push((key.to_owned(), value.to_owned()));
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            if !header_seen {
                let levels_ok = fields.len() > 5 && fields[5..].iter().enumerate().all(|(l, f)| *f == format!("pop_{l}"));
                if fields.get(..5) != Some(&["index", "x_m", "y_m", "z_m", "sink"][..]) || !levels_ok {
                    return Err(bad(line_no, format!("expected the header `index x_m y_m z_m sink pop_0 …`, found `{raw}`")));
                }
                file.n_levels = fields.len() - 5;
                header_seen = true;
                continue;
            }
            if fields.len() != 5 + file.n_levels {
                return Err(bad(line_no, format!("{} columns, expected {}", fields.len(), 5 + file.n_levels)));
            }
            let number = |f: &str| f.parse::<f64>().map_err(|_| bad(line_no, format!("`{f}` is not a number")));
            let index: usize = fields[0].parse().map_err(|_| bad(line_no, format!("`{}` is not an index", fields[0])))?;
            if index != file.positions_m.len() {
                return Err(bad(line_no, format!("index `{index}` out of sequence (expected {})", file.positions_m.len())));
            }
            file.positions_m.push([number(fields[1])?, number(fields[2])?, number(fields[3])?]);
            file.is_sink.push(match fields[4] {
                "0" => false,
                "1" => true,
                other => return Err(bad(line_no, format!("sink flag `{other}` is not 0 or 1"))),
            });
            for f in &fields[5..] {
                file.pops.push(number(f)?);
            }
        }
        if !header_seen {
            return Err(bad(text.lines().count(), "no header row".to_owned()));
        }
        Ok(file)
    }

    /// The value of a metadata key.
    #[must_use]
    pub fn metadata_value(&self, key: &str) -> Option<&str> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Whether the file's points are exactly `positions_m` (a restart on the same grid).
    #[must_use]
    pub fn matches_grid(&self, positions_m: &[[f64; 3]]) -> bool {
        self.positions_m.len() == positions_m.len()
            && self.positions_m.iter().zip(positions_m).all(|(a, b)| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PopulationFile {
        PopulationFile {
            metadata: vec![("model".into(), "vz2002_1a".into()), ("iterations".into(), "14".into())],
            positions_m: vec![[1.0e13, -3.3e12, 0.1 + 0.2], [7.8e16, 0.0, 0.0]],
            is_sink: vec![false, true],
            n_levels: 2,
            pops: vec![1.0 / 3.0, 2.0 / 3.0, 0.0, 0.0],
        }
    }

    #[test]
    fn round_trip_is_exact() {
        let file = sample();
        let back = PopulationFile::parse(&file.to_text(), Path::new("p.tsv")).expect("valid file");
        assert_eq!(back, file);
        assert!(back.matches_grid(&file.positions_m));
        assert_eq!(back.metadata_value("iterations"), Some("14"));
    }

    #[test]
    fn errors_name_the_line() {
        let text = sample().to_text().replace("\t6.666666666666666e-1", "\tsix");
        let err = PopulationFile::parse(&text, Path::new("p.tsv")).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err, "p.tsv: line 5: `six` is not a number");
        let err = PopulationFile::parse("hello\n", Path::new("p.tsv")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("p.tsv: line 1: expected `# stop-lime populations v1`"));
    }
}
