//! The dense LU factorisation of the fast mode: Gaussian elimination with partial pivoting
//! (Golub & Van Loan 2013, Matrix Computations, 4th ed., algorithm 3.4.1, the right-looking
//! "kji" form) on a column-major matrix, in place. Unlike [`crate::linpack`] it is free to
//! order its floating-point operations for speed: the inner loops run over contiguous column
//! slices without bounds checks, so they vectorise, and four columns are updated per pass over
//! the pivot column so that it is loaded once for four updates. The fast mode converges to a
//! residual tolerance, so the last bits of a solve do not matter there (they do in
//! `--radex-compat`, which keeps LINPACK's order).

/// The first column whose pivot is exactly zero (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Singular {
    /// 0-based column of the zero pivot.
    pub column: usize,
}

/// Factor `a` (n × n, column-major: row i, column j at `j * n + i`) in place into P A = L U,
/// L unit lower triangular (below the diagonal), U upper; `pivots[k]` is the row swapped with
/// row k at step k.
///
/// # Errors
/// [`Singular`] at the first exactly zero pivot (the factors are then incomplete).
pub fn factor(a: &mut [f64], n: usize, pivots: &mut [usize]) -> Result<(), Singular> {
    debug_assert!(a.len() >= n * n && pivots.len() >= n);
    for k in 0..n {
        let (done, rest) = a.split_at_mut((k + 1) * n);
        let col_k = &mut done[k * n..];
        // pivot: the largest magnitude in column k at or below the diagonal
        let (mut p, mut largest) = (k, col_k[k].abs());
        for (i, v) in col_k.iter().enumerate().skip(k + 1) {
            if v.abs() > largest {
                largest = v.abs();
                p = i;
            }
        }
        pivots[k] = p;
        if largest == 0.0 {
            return Err(Singular { column: k });
        }
        col_k.swap(k, p);
        let inverse = 1.0 / col_k[k];
        let multipliers = &mut col_k[k + 1..];
        multipliers.iter_mut().for_each(|v| *v *= inverse);
        let multipliers = &*multipliers;
        // rank-one update of the trailing columns, four at a time
        let mut columns = rest.chunks_exact_mut(4 * n);
        for block in &mut columns {
            let (c0, tail) = block.split_at_mut(n);
            let (c1, tail) = tail.split_at_mut(n);
            let (c2, c3) = tail.split_at_mut(n);
            let mut t = [0.0; 4];
            for (tj, c) in t.iter_mut().zip([&mut *c0, &mut *c1, &mut *c2, &mut *c3]) {
                c.swap(k, p);
                *tj = c[k];
            }
            let len = multipliers.len();
            let (c0, c1) = (&mut c0[k + 1..k + 1 + len], &mut c1[k + 1..k + 1 + len]);
            let (c2, c3) = (&mut c2[k + 1..k + 1 + len], &mut c3[k + 1..k + 1 + len]);
            // equal lengths: the compiler drops the bounds checks and vectorises
            for i in 0..len {
                let m = multipliers[i];
                c0[i] -= t[0] * m;
                c1[i] -= t[1] * m;
                c2[i] -= t[2] * m;
                c3[i] -= t[3] * m;
            }
        }
        for c in columns.into_remainder().chunks_exact_mut(n) {
            c.swap(k, p);
            let t = c[k];
            for (y, m) in c[k + 1..].iter_mut().zip(multipliers) {
                *y -= t * m;
            }
        }
    }
    Ok(())
}

/// Solve A x = b with the factors of [`factor`]; `b` is overwritten by x.
pub fn solve(a: &[f64], n: usize, pivots: &[usize], b: &mut [f64]) {
    // L y = P b, column by column
    for (k, col) in a.chunks_exact(n).take(n).enumerate() {
        b.swap(k, pivots[k]);
        let t = b[k];
        if t != 0.0 {
            for (y, m) in b[k + 1..n].iter_mut().zip(&col[k + 1..]) {
                *y -= t * m;
            }
        }
    }
    // U x = y, column by column from the last
    for (k, col) in a.chunks_exact(n).take(n).enumerate().rev() {
        b[k] /= col[k];
        let t = b[k];
        if t != 0.0 {
            for (y, u) in b[..k].iter_mut().zip(&col[..k]) {
                *y -= t * u;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A x for column-major `a`.
    fn multiply(a: &[f64], n: usize, x: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; n];
        for (col, xj) in a.chunks_exact(n).zip(x) {
            for (yi, aij) in y.iter_mut().zip(col) {
                *yi += aij * xj;
            }
        }
        y
    }

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
    fn agrees_with_linpack_on_a_rate_like_matrix_of_every_blocking_remainder() {
        // sizes 9..13 exercise all remainders of the four-column blocking
        for n in 9..13 {
            let mut a = vec![0.0; n * n];
            for j in 0..n {
                for i in 0..n {
                    let v = ((i * 7 + j * 13) % 11) as f64 - 5.0;
                    a[j * n + i] = if i == j { 3.0 + v.abs() } else { 0.1 * v };
                }
            }
            let x_true: Vec<f64> = (0..n).map(|i| 1.0 + i as f64 * 0.25).collect();
            let b = multiply(&a, n, &x_true);
            let (mut fast, mut reference) = (a.clone(), a.clone());
            let (mut p_fast, mut p_ref) = (vec![0; n], vec![0; n]);
            factor(&mut fast, n, &mut p_fast).expect("regular");
            crate::linpack::factor(&mut reference, n, &mut p_ref).expect("regular");
            let (mut x_fast, mut x_ref) = (b.clone(), b);
            solve(&fast, n, &p_fast, &mut x_fast);
            crate::linpack::solve(&reference, n, &p_ref, &mut x_ref);
            for ((f, r), t) in x_fast.iter().zip(&x_ref).zip(&x_true) {
                assert!(
                    (f - t).abs() < 1e-13 && (f - r).abs() < 1e-13,
                    "n = {n}: {f} {r} {t}"
                );
            }
        }
    }

    #[test]
    fn zero_pivot_is_reported_not_panicked() {
        let mut a = vec![1.0, 2.0, 2.0, 4.0]; // columns (1,2) and (2,4): rank 1
        let mut pivots = [0; 2];
        assert_eq!(factor(&mut a, 2, &mut pivots), Err(Singular { column: 1 }));
    }
}
