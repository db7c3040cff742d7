//! Partition-function tables keyed by (database, tag), and their interpolation
//! conventions (`lte.md` §3.2).
//!
//! Catalog Q tables must match the catalog the lines came from: CH3OH log10 Q(300 K) is
//! 3.9765 in JPL (32003) and 4.5685 in CDMS (32504). Tables are therefore looked up by
//! [`Database`] and tag, never by molecule name.

mod cdms;
mod interpolate;
mod jpl;
mod qpart;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::CatalogError;

pub use cdms::{parse_cdms_partfunc, read_cdms_partfunc};
pub use interpolate::{Extrapolation, QInterpolation, QParams};
pub use jpl::{parse_jpl_catdir, read_jpl_catdir};
pub use qpart::{parse_qpart, read_qpart};

/// The spectroscopic database a table (and a catalog) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Database {
    /// Cologne Database for Molecular Spectroscopy.
    Cdms,
    /// JPL Molecular Spectroscopy catalog.
    Jpl,
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cdms => "CDMS",
            Self::Jpl => "JPL",
        })
    }
}

/// One tabulated point of a partition function.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QPoint {
    /// Temperature, K.
    pub t_k: f64,
    /// log10 Q at that temperature.
    pub log10_q: f64,
    /// 1-based line of the source where the value is written.
    pub line: usize,
}

/// The partition function of one species in one database, as tabulated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartitionTable {
    /// Database.
    pub database: Database,
    /// Species tag.
    pub tag: u32,
    /// Species name as in the table (may be empty for `.qpart` files).
    pub name: String,
    /// File name or source label.
    pub file: String,
    /// Finite points in increasing temperature (`nan` cells dropped).
    pub points: Vec<QPoint>,
}

impl PartitionTable {
    /// Lowest and highest tabulated temperatures, K.
    #[must_use]
    pub fn t_range_k(&self) -> (f64, f64) {
        let first = self.points.first().map_or(f64::NAN, |p| p.t_k);
        let last = self.points.last().map_or(f64::NAN, |p| p.t_k);
        (first, last)
    }

    /// Check that log10 Q does not decrease with T (a table typo otherwise; JPL tag
    /// 39002 has log10 Q(150 K) = 3.9193 between 3.3703 and 2.4692).
    ///
    /// # Errors
    /// [`CatalogError::NotMonotonic`] naming the file and line of the offending value.
    pub fn validate(&self) -> Result<(), CatalogError> {
        for pair in self.points.windows(2) {
            let (low, high) = (pair[0], pair[1]);
            if high.log10_q < low.log10_q {
                return Err(CatalogError::NotMonotonic {
                    file: self.file.clone(),
                    line: high.line,
                    database: self.database,
                    tag: self.tag,
                    t_low_k: low.t_k,
                    log10_q_low: low.log10_q,
                    t_high_k: high.t_k,
                    log10_q_high: high.log10_q,
                });
            }
        }
        Ok(())
    }

    /// Q at a tabulated temperature, without interpolation (the Q(300 K) that converts
    /// catalog intensities, `lte.md` §4.1).
    ///
    /// # Errors
    /// [`CatalogError::NoTabulatedValue`] if `t_k` is not in the table.
    pub fn tabulated_q(&self, t_k: f64) -> Result<f64, CatalogError> {
        self.points
            .iter()
            .find(|p| (p.t_k - t_k).abs() <= 1e-9 * t_k.abs())
            .map(|p| 10f64.powf(p.log10_q))
            .ok_or(CatalogError::NoTabulatedValue { database: self.database, tag: self.tag, t_k })
    }

    /// Build a table from points (any order; sorted here).
    pub(crate) fn from_points(database: Database, tag: u32, name: &str, file: &str, mut points: Vec<QPoint>) -> Self {
        points.sort_by(|a, b| a.t_k.total_cmp(&b.t_k));
        Self { database, tag, name: name.trim().to_owned(), file: file.to_owned(), points }
    }
}

/// Partition-function tables of many species, keyed by (database, tag).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartitionTables {
    tables: BTreeMap<(Database, u32), PartitionTable>,
}

impl PartitionTables {
    /// Add (or replace) a table.
    pub fn insert(&mut self, table: PartitionTable) {
        self.tables.insert((table.database, table.tag), table);
    }

    /// Add all tables of another collection (replacing equal keys).
    pub fn extend(&mut self, other: Self) {
        self.tables.extend(other.tables);
    }

    /// Number of tables.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// True if there is no table.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// The validated table of (database, tag).
    ///
    /// # Errors
    /// [`CatalogError::UnknownTag`], or [`CatalogError::NotMonotonic`] if the table has a typo.
    pub fn get(&self, database: Database, tag: u32) -> Result<&PartitionTable, CatalogError> {
        let table = self.tables.get(&(database, tag)).ok_or(CatalogError::UnknownTag { database, tag })?;
        table.validate()?;
        Ok(table)
    }

    /// Every table that fails [`PartitionTable::validate`], with its error.
    #[must_use]
    pub fn problems(&self) -> Vec<CatalogError> {
        self.tables.values().filter_map(|table| table.validate().err()).collect()
    }
}
