//! The LAMDA files shipped with STOP (`data/lamda/`, provenance in `data/lamda/SOURCES.md`),
//! compiled into the library so they can be named without a path.

use std::path::Path;

use crate::error::MoleculeError;
use crate::lamda::{parse_lamda, read_lamda};
use crate::molecule::Molecule;

macro_rules! shipped_files {
    ($($file:literal => [$($alias:literal),*]),* $(,)?) => {
        /// (file name, aliases, text) of every shipped LAMDA file.
        const SHIPPED: &[(&str, &[&str], &str)] = &[
            $(($file, &[$($alias),*], include_str!(concat!("../../../data/lamda/", $file)))),*
        ];
    };
}

shipped_files! {
    "co.dat" => ["co"],
    "13co.dat" => ["13co"],
    "c18o.dat" => ["c18o"],
    "hco+.dat" => ["hco+", "hcop"],
    "hcn.dat" => ["hcn"],
    "cs@lique.dat" => ["cs"],
    "sio.dat" => ["sio"],
    "oh2co-h2.dat" => ["o-h2co", "oh2co"],
    "ph2co-h2.dat" => ["p-h2co", "ph2co"],
    "oh2o@daniel.dat" => ["o-h2o", "oh2o"],
    "ph2o@daniel.dat" => ["p-h2o", "ph2o"],
}

/// Names under which the shipped molecules can be asked for (first alias of each file).
#[must_use]
pub fn shipped_names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(_, aliases, _)| aliases[0]).collect()
}

/// The text and file name of a shipped molecule, by alias or file name (case-insensitive).
#[must_use]
pub fn shipped_text(name: &str) -> Option<(&'static str, &'static str)> {
    let wanted = name.trim().to_ascii_lowercase();
    SHIPPED
        .iter()
        .find(|(file, aliases, _)| *file == wanted || aliases.contains(&wanted.as_str()))
        .map(|(file, _, text)| (*file, *text))
}

/// A shipped molecule by name (`co`, `hco+`, `o-h2co`, `cs@lique.dat`, …).
///
/// ```
/// let co = stop_molecule::shipped("co").unwrap();
/// assert_eq!((co.n_levels(), co.n_lines()), (41, 40));
/// ```
///
/// # Errors
/// [`MoleculeError::UnknownMolecule`] if no shipped file has that name.
pub fn shipped(name: &str) -> Result<Molecule, MoleculeError> {
    let (file, text) = shipped_text(name).ok_or_else(|| unknown(name))?;
    Ok(parse_lamda(file, text)?)
}

/// Resolve a file path or a molecule name: an existing file is read; otherwise each
/// directory of `search_dirs` is tried for `NAME` and `NAME.dat`; last the shipped files.
///
/// # Errors
/// Reading or parsing errors of the file found, or [`MoleculeError::UnknownMolecule`].
pub fn resolve_molecule(name_or_path: &str, search_dirs: &[&Path]) -> Result<Molecule, MoleculeError> {
    let path = Path::new(name_or_path);
    if path.is_file() {
        return read_lamda(path);
    }
    for dir in search_dirs {
        for candidate in [dir.join(name_or_path), dir.join(format!("{name_or_path}.dat"))] {
            if candidate.is_file() {
                return read_lamda(candidate);
            }
        }
    }
    shipped(name_or_path).map_err(|_| unknown(name_or_path))
}

fn unknown(name: &str) -> MoleculeError {
    MoleculeError::UnknownMolecule { name: name.to_owned(), known: shipped_names().join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_file_parses() {
        for (file, _, text) in SHIPPED {
            let molecule = parse_lamda(file, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(molecule.n_levels() > 0 && !molecule.partners.is_empty(), "{file}");
        }
    }

    #[test]
    fn names_resolve_and_unknown_names_fail() {
        assert_eq!(shipped("HCO+").expect("hco+").n_levels(), 21);
        assert_eq!(shipped("cs@lique.dat").expect("cs").n_levels(), 31);
        let err = resolve_molecule("no-such-molecule", &[]).expect_err("unknown");
        assert!(err.to_string().contains("no-such-molecule"));
    }
}
