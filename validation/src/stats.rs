//! Per-column error statistics for the reports.

use std::fmt::Write as _;

/// The worst relative difference seen in one column and where.
#[derive(Debug, Clone, Default)]
pub struct ColumnStats {
    /// Column name.
    pub name: &'static str,
    /// Values compared.
    pub compared: usize,
    /// Values not bit-identical.
    pub differing: usize,
    /// Largest relative difference |a − b| / max(|a|, |b|).
    pub worst_rel: f64,
    /// Where the worst difference is (model id, line).
    pub worst_at: String,
}

impl ColumnStats {
    /// Empty statistics of a column.
    #[must_use]
    pub fn new(name: &'static str) -> Self {
        ColumnStats { name, ..ColumnStats::default() }
    }

    /// Record one comparison; returns the relative difference.
    pub fn record(&mut self, ours: f64, reference: f64, at: impl FnOnce() -> String) -> f64 {
        self.compared += 1;
        let rel = relative_difference(ours, reference);
        if ours.to_bits() != reference.to_bits() {
            self.differing += 1;
        }
        if rel > self.worst_rel || (rel.is_nan() && !self.worst_rel.is_nan()) {
            self.worst_rel = rel;
            self.worst_at = at();
        }
        rel
    }
}

impl ColumnStats {
    /// Add the counts of `other` (same column) and keep the larger worst difference.
    pub fn merge(&mut self, other: &ColumnStats) {
        self.compared += other.compared;
        self.differing += other.differing;
        if other.worst_rel > self.worst_rel || (other.worst_rel.is_nan() && !self.worst_rel.is_nan()) {
            self.worst_rel = other.worst_rel;
            self.worst_at.clone_from(&other.worst_at);
        }
    }
}

/// |a − b| / max(|a|, |b|); 0 when both are equal (including both zero), NaN when one is NaN.
#[must_use]
pub fn relative_difference(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

/// A table of column statistics.
#[must_use]
pub fn format_columns(columns: &[ColumnStats]) -> String {
    let mut out = format!("{:<16} {:>9} {:>9} {:>12}  worst at\n", "column", "compared", "differ", "worst rel");
    for c in columns {
        let _ = writeln!(out, "{:<16} {:>9} {:>9} {:>12.3e}  {}", c.name, c.compared, c.differing, c.worst_rel, c.worst_at);
    }
    out
}
