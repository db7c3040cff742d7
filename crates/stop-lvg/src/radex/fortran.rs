//! Fortran edit descriptors as gfortran prints them: `Fw.d`, `1PEw.d` and `Iw` (fields that
//! do not fit are filled with `*`).

use std::fmt::Write as _;

/// `Fw.d`: fixed point, right-justified in `width`, `decimals` digits after the point.
#[must_use]
pub fn format_f(value: f64, width: usize, decimals: usize) -> String {
    if let Some(special) = special(value, width) {
        return special;
    }
    let text = format!("{value:.decimals$}");
    fit(text, width)
}

/// `1PEw.d`: one digit before the point, `decimals` after, exponent `E±dd` (or `±ddd`
/// without the `E` when |exponent| > 99), right-justified in `width`.
#[must_use]
pub fn format_e(value: f64, width: usize, decimals: usize) -> String {
    if let Some(special) = special(value, width) {
        return special;
    }
    let text = format!("{value:.decimals$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let mut out = String::with_capacity(width);
    out.push_str(mantissa);
    let sign = if exponent < 0 { '-' } else { '+' };
    if exponent.abs() > 99 {
        let _ = write!(out, "{sign}{:03}", exponent.abs());
    } else {
        let _ = write!(out, "E{sign}{:02}", exponent.abs());
    }
    fit(out, width)
}

/// `Iw`: an integer right-justified in `width`.
#[must_use]
pub fn format_i(value: i64, width: usize) -> String {
    fit(value.to_string(), width)
}

fn fit(text: String, width: usize) -> String {
    if text.len() > width {
        "*".repeat(width)
    } else {
        format!("{text:>width$}")
    }
}

fn special(value: f64, width: usize) -> Option<String> {
    if value.is_nan() {
        Some(fit("NaN".to_owned(), width))
    } else if value.is_infinite() {
        let text = if value > 0.0 { "Infinity" } else { "-Infinity" };
        Some(if text.len() <= width {
            fit(text.to_owned(), width)
        } else {
            fit(if value > 0.0 { "Inf" } else { "-Inf" }.to_owned(), width)
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_gfortran_layouts() {
        assert_eq!(format_f(30.0, 8, 3), "  30.000");
        assert_eq!(format_f(-1.5e-5, 8, 3), "  -0.000");
        assert_eq!(format_f(115.2712018, 10, 4), "  115.2712");
        assert_eq!(format_f(12345.0, 8, 3), "********");
        assert_eq!(format_e(2.5631e0, 10, 3), " 2.563E+00");
        assert_eq!(format_e(-4.94e-7, 10, 3), "-4.940E-07");
        assert_eq!(format_e(0.0, 10, 3), " 0.000E+00");
        assert_eq!(format_e(1.5e-120, 10, 3), " 1.500-120");
        assert_eq!(format_i(10000, 4), "****");
        assert_eq!(format_i(34, 4), "  34");
    }
}
