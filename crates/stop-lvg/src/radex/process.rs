//! RADEX's collision-rate tables as they persist between the models of one run.
//!
//! RADEX keeps the interpolated rate coefficients of each partner block of the molecule file
//! in a process-wide table indexed by block number and level pair, and overwrites only the
//! pairs the current file lists (escape-probability.md §9, caveat). When a run switches to a
//! molecule file with fewer partner blocks, the blocks of the earlier file stay in the table
//! and are added with the H2 density: RADEX's block-id array is not reset, and in RADEX's
//! own example runs (`../shared/reference/radex/raw/*_examples.{inp,out}`: HCO+ and CS after
//! CO) the left-over CO o-H2 block is counted as id 1. Emulating this reproduces those
//! outputs character for character; it is used only by `stop lvg --radex-compat` on input
//! files that change molecule file, never by the reference comparison (one file per run).

use crate::model::Problem;

/// The left-over rate tables of one RADEX run (cm³ s⁻¹ per block and level pair).
#[derive(Debug, Clone, Default)]
pub struct RadexProcess {
    /// Side of the square tables (the largest level count seen).
    dim: usize,
    /// `tables[block][up * dim + lo]`.
    tables: Vec<Vec<f64>>,
}

impl RadexProcess {
    /// A fresh run: no tables yet.
    #[must_use]
    pub fn new() -> Self {
        RadexProcess::default()
    }

    /// Number of blocks any file of this run has written.
    #[must_use]
    pub fn n_blocks(&self) -> usize {
        self.tables.len()
    }

    /// The table entry of `block` for the pair (`up`, `lo`), 0-based.
    #[must_use]
    pub fn rate(&self, block: usize, up: usize, lo: usize) -> f64 {
        if up < self.dim && lo < self.dim {
            self.tables[block][up * self.dim + lo]
        } else {
            0.0
        }
    }

    /// Overwrite the listed pairs of every block of `problem`'s file with their coefficients
    /// at `tkin_k` (RADEX's read of a molecule file).
    pub(crate) fn record(&mut self, problem: &Problem, tkin_k: f64, scratch: &mut Vec<f64>) {
        let n = problem.n_levels();
        if n > self.dim {
            let old_dim = self.dim;
            for table in &mut self.tables {
                let mut grown = vec![0.0; n * n];
                for up in 0..old_dim {
                    grown[up * n..up * n + old_dim]
                        .copy_from_slice(&table[up * old_dim..(up + 1) * old_dim]);
                }
                *table = grown;
            }
            self.dim = n;
        }
        let partners = &problem.molecule.partners;
        while self.tables.len() < partners.len() {
            self.tables.push(vec![0.0; self.dim * self.dim]);
        }
        for (block, partner) in partners.iter().enumerate() {
            partner.downward_rates_at(tkin_k, scratch);
            for (trans, &k) in partner.transitions.iter().zip(scratch.iter()) {
                self.tables[block][trans.up * self.dim + trans.lo] = k;
            }
        }
    }
}
