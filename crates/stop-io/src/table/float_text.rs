//! Shortest round-trip text of an `f64`, in exactly the layout of Rust's `{:?}` (`1.0`, `0.5`,
//! `1e-7`, `1.5e16`, `NaN`, `inf`, `-inf`), written straight into a byte buffer.
//!
//! The digits come from Ryū (Adams 2018, "Ryū: fast float-to-string conversion", PLDI,
//! doi:10.1145/3192366.3192369) through the `ryu` crate: the shortest digit string that reads
//! back to the same double, the closest one when several are shortest, like std's
//! Grisu/Dragon. They differ in two places, both handled here:
//! - between 1e-5 and 1e-4 `ryu` writes `0.0000ddd` where std switches to `d.dde-5`: rewritten;
//! - when the double lies exactly halfway between the two closest shortest decimals (only
//!   doubles with a short exact binary fraction, e.g. 1 + 2⁻¹⁷ = 1.00000762939453125), `ryu`
//!   picks the even last digit and std rounds the half up: such values are detected exactly
//!   ([`is_decimal_tie`]) and written by std.
//!
//! A unit test checks the bytes against `{:?}` on random doubles; `ryu` needs several times
//! fewer instructions than `format!("{x:?}")` and no allocation.

/// Appends the shortest round-trip text of `x` to `out`, byte for byte as `format!("{x:?}")`.
///
/// ```
/// let mut out = Vec::new();
/// for x in [1.0, 0.1, 2.5e-5, 1e16, -0.0, f64::NAN, f64::NEG_INFINITY] {
///     stop_io::push_f64(&mut out, x);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"1.0 0.1 2.5e-5 1e16 -0.0 NaN -inf ");
/// ```
pub fn push_f64(out: &mut Vec<u8>, x: f64) {
    use std::io::Write as _;
    if !x.is_finite() {
        out.extend_from_slice(match x {
            x if x.is_nan() => b"NaN",
            x if x > 0.0 => b"inf",
            _ => b"-inf",
        });
        return;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x).as_bytes();
    if is_decimal_tie(x, last_digit_exponent(text)) {
        // writing to a Vec cannot fail
        let _ = write!(out, "{x:?}");
        return;
    }
    let (sign, magnitude) = match text.split_first() {
        Some((b'-', rest)) => (&text[..1], rest),
        _ => (&text[..0], text),
    };
    // 1e-5 ≤ |x| < 1e-4: `ryu` writes 0.0000ddd, std d.dde-5
    match magnitude.strip_prefix(b"0.0000") {
        Some(digits) if !digits.is_empty() => {
            out.extend_from_slice(sign);
            out.push(digits[0]);
            if digits.len() > 1 {
                out.push(b'.');
                out.extend_from_slice(&digits[1..]);
            }
            out.extend_from_slice(b"e-5");
        }
        _ => out.extend_from_slice(text),
    }
}

/// Decimal exponent of the last significant digit of `ryu`'s text (`1.25e-7` → −9,
/// `120.5` → −1, `1200.0` → 2).
fn last_digit_exponent(text: &[u8]) -> i32 {
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e') {
        Some(at) => (&text[..at], parse_exponent(&text[at + 1..])),
        None => (text, 0),
    };
    let point = mantissa.iter().position(|&b| b == b'.');
    let fraction_digits = point.map_or(0, |p| mantissa.len() - p - 1) as i32;
    // trailing zeros (of `1200.0`) are no significant digits
    let trailing_zeros = mantissa
        .iter()
        .rev()
        .filter(|&&b| b != b'.')
        .take_while(|&&d| d == b'0')
        .count() as i32;
    exponent - fraction_digits + trailing_zeros
}

/// The exponent of `ryu`'s `e-7`, `e16`.
fn parse_exponent(text: &[u8]) -> i32 {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        _ => (1, text),
    };
    sign * digits.iter().fold(0_i32, |e, &d| e * 10 + i32::from(d - b'0'))
}

/// Whether |x| lies exactly halfway between two decimals whose last digit has exponent `e`,
/// i.e. whether 2|x| / 10^e is an odd integer. With |x| = m 2^q, m odd: for e ≤ 0 that is
/// m 2^(q+1−e) 5^(−e), odd exactly when q = e − 1; for e > 0 it is m 2^(q+1−e) / 5^e, an odd
/// integer exactly when q = e − 1 and 5^e divides m (impossible for e ≥ 23, as m < 2^53 < 5^23).
fn is_decimal_tie(x: f64, e: i32) -> bool {
    let bits = x.abs().to_bits();
    let (biased, fraction) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
    let (mut m, mut q) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    if m == 0 {
        return false;
    }
    q += m.trailing_zeros() as i32;
    m >>= m.trailing_zeros();
    if q != e - 1 {
        return false;
    }
    e <= 0 || (e < 23 && m % 5_u64.pow(e as u32) == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(x: f64) -> String {
        let mut out = Vec::new();
        push_f64(&mut out, x);
        String::from_utf8(out).expect("ASCII")
    }

    #[test]
    fn layout_switches_where_std_switches() {
        let cases = [
            0.0,
            -0.0,
            1e-4,
            1e-4_f64.next_down(),
            1e-5,
            1e-5_f64.next_down(),
            -3.25e-5,
            1e16,
            1e16_f64.next_down(),
            123_456_789.0,
            1.0 + 2f64.powi(-17),
            f64::from_bits(0x4316_bb68_5390_31ed),
            -f64::from_bits(0x4316_bb68_5390_31ed),
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for x in cases {
            assert_eq!(text(x), format!("{x:?}"), "{x:e}");
        }
    }

    #[test]
    fn random_doubles_are_written_as_std_writes_them() {
        // xorshift64 over raw bit patterns (every exponent) and over values of the
        // magnitudes a table holds (1e-30..1e30)
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..100_000 {
            let bits = f64::from_bits(next());
            let scaled = (next() >> 11) as f64 / (1u64 << 53) as f64
                * 10f64.powi((next() % 61) as i32 - 30);
            for x in [bits, scaled, -scaled] {
                assert_eq!(text(x), format!("{x:?}"), "bits {:#x}", x.to_bits());
            }
        }
    }
}
