//! Gaussian elimination with partial pivoting in LINPACK's order (SGEFA/SGESL, Dongarra et
//! al. 1979, LINPACK Users' Guide, ch. 1), the solver RADEX calls through SLATEC's SGEIR.
//!
//! Written out by hand because the order of the eliminations decides the last bits of tiny
//! populations (escape-probability.md §8): pivot = first row with the largest |a_ik|,
//! multipliers formed as a_ik · (−1/a_kk), column-by-column updates, and every AXPY with a
//! zero factor skipped. The matrix is column-major: element (row i, column j) is `a[j * n + i]`.

/// The first column whose pivot is exactly zero (LINPACK's `info`, 0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeroPivot {
    /// 0-based column of the zero pivot.
    pub column: usize,
}

/// Factor `a` (n × n, column-major) in place, writing the pivot rows into `pivots`.
///
/// # Errors
/// [`ZeroPivot`] at the first column whose pivot is exactly zero (SGEFA's `info`; the
/// factorisation is completed as LINPACK does, but a solve would divide by zero).
pub fn factor(a: &mut [f64], n: usize, pivots: &mut [usize]) -> Result<(), ZeroPivot> {
    let mut zero_pivot = None;
    for k in 0..n.saturating_sub(1) {
        let col_k = k * n;
        // ISAMAX: first index of the largest magnitude
        let mut l = k;
        let mut largest = a[col_k + k].abs();
        for i in k + 1..n {
            let magnitude = a[col_k + i].abs();
            if magnitude > largest {
                largest = magnitude;
                l = i;
            }
        }
        pivots[k] = l;
        if a[col_k + l] == 0.0 {
            zero_pivot.get_or_insert(ZeroPivot { column: k });
            continue;
        }
        if l != k {
            a.swap(col_k + l, col_k + k);
        }
        let t = -1.0 / a[col_k + k];
        for i in k + 1..n {
            a[col_k + i] *= t;
        }
        for j in k + 1..n {
            let col_j = j * n;
            let t = a[col_j + l];
            if l != k {
                a[col_j + l] = a[col_j + k];
                a[col_j + k] = t;
            }
            if t != 0.0 {
                for i in k + 1..n {
                    a[col_j + i] += t * a[col_k + i];
                }
            }
        }
    }
    if n > 0 {
        pivots[n - 1] = n - 1;
        if a[(n - 1) * n + n - 1] == 0.0 {
            zero_pivot.get_or_insert(ZeroPivot { column: n - 1 });
        }
    }
    zero_pivot.map_or(Ok(()), Err)
}

/// Solve A x = b with the factors of [`factor`]; `b` is overwritten by x (SGESL, job 0).
pub fn solve(a: &[f64], n: usize, pivots: &[usize], b: &mut [f64]) {
    for k in 0..n.saturating_sub(1) {
        let l = pivots[k];
        let t = b[l];
        if l != k {
            b[l] = b[k];
            b[k] = t;
        }
        if t != 0.0 {
            let col_k = k * n;
            for i in k + 1..n {
                b[i] += t * a[col_k + i];
            }
        }
    }
    for k in (0..n).rev() {
        let col_k = k * n;
        b[k] /= a[col_k + k];
        let t = -b[k];
        if t != 0.0 {
            for i in 0..k {
                b[i] += t * a[col_k + i];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_pivoting_system_exactly() {
        // rows: [0 2 1; 1 1 1; 2 1 0] x = [5; 4; 4] → x = (1, 2, 1)
        let rows = [[0.0, 2.0, 1.0], [1.0, 1.0, 1.0], [2.0, 1.0, 0.0]];
        let mut a = vec![0.0; 9];
        for (i, row) in rows.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                a[j * 3 + i] = v;
            }
        }
        let mut pivots = [0; 3];
        factor(&mut a, 3, &mut pivots).expect("regular");
        let mut b = [5.0, 4.0, 4.0];
        solve(&a, 3, &pivots, &mut b);
        for (x, expected) in b.iter().zip([1.0, 2.0, 1.0]) {
            assert!((x - expected).abs() < 1e-15, "{b:?}");
        }
    }

    #[test]
    fn zero_pivot_is_reported_not_panicked() {
        let mut a = vec![1.0, 2.0, 2.0, 4.0]; // columns (1,2) and (2,4): rank 1
        let mut pivots = [0; 2];
        assert_eq!(factor(&mut a, 2, &mut pivots), Err(ZeroPivot { column: 1 }));
    }
}
