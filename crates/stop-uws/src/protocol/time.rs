//! UTC instants as milliseconds since the Unix epoch, formatted and parsed as ISO 8601 with the
//! `T` separator and the `Z` designator (UWS 1.1 §2.1 and the checklist §8: never a local offset).
//!
//! Calendar conversion uses the proleptic Gregorian "days from civil" algorithm (H. Hinnant,
//! *chrono-Compatible Low-Level Date Algorithms*), valid for every year 0000–9999 we print.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC instant with millisecond resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

impl Instant {
    /// The current instant.
    #[must_use]
    pub fn now() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Self(ms)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub fn millis(self) -> i64 {
        self.0
    }

    /// This instant plus `seconds`.
    #[must_use]
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds.saturating_mul(1000)))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|+00:00]` (a missing zone is read as UTC, as DALI
    /// allows). Only UTC offsets are accepted.
    ///
    /// # Errors
    /// The text (quoted) when it is not such an instant.
    pub fn parse(text: &str) -> Result<Self, InstantParseError> {
        let err = || InstantParseError { text: text.to_owned() };
        let s = text.trim();
        let s = s
            .strip_suffix('Z')
            .or_else(|| s.strip_suffix("+00:00"))
            .or_else(|| s.strip_suffix("+0000"))
            .unwrap_or(s);
        let (date, clock) = s.split_once('T').ok_or_else(err)?;
        let mut d = date.split('-');
        let (Some(y), Some(mo), Some(da), None) = (d.next(), d.next(), d.next(), d.next()) else {
            return Err(err());
        };
        if y.len() != 4 || mo.len() != 2 || da.len() != 2 {
            return Err(err());
        }
        let num = |t: &str| -> Result<i64, InstantParseError> {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            t.parse().map_err(|_| err())
        };
        let (year, month, day) = (num(y)?, num(mo)?, num(da)?);
        let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
        let mut c = hms.split(':');
        let (Some(h), Some(mi), sec, None) = (c.next(), c.next(), c.next(), c.next()) else {
            return Err(err());
        };
        let (hour, minute) = (num(h)?, num(mi)?);
        let second = match sec {
            Some(t) => num(t)?,
            None => 0,
        };
        let millis = if frac.is_empty() {
            0
        } else {
            let digits: String = frac.chars().chain("000".chars()).take(3).collect();
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            num(&digits)?
        };
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return Err(err());
        }
        let days = days_from_civil(year, month, day);
        Ok(Self(days * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis))
    }
}

impl fmt::Display for Instant {
    /// `2016-10-24T12:00:00.123Z`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(DAY_MS);
        let ms_of_day = self.0.rem_euclid(DAY_MS);
        let (y, m, d) = civil_from_days(days);
        let s = ms_of_day / 1000;
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            s / 3600,
            (s / 60) % 60,
            s % 60,
            ms_of_day % 1000
        )
    }
}

/// A text that is not an ISO 8601 UTC instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an ISO 8601 UTC instant like 2026-01-31T12:00:00Z")]
pub struct InstantParseError {
    /// The text given.
    pub text: String,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instant_formats_with_z() {
        assert_eq!(Instant(0).to_string(), "1970-01-01T00:00:00.000Z");
        assert_eq!(Instant(1_477_310_400_000).to_string(), "2016-10-24T12:00:00.000Z");
    }

    #[test]
    fn parse_accepts_utc_forms_and_round_trips() {
        let t = Instant::parse("2016-10-24T12:00:00Z").unwrap();
        assert_eq!(t, Instant(1_477_310_400_000));
        assert_eq!(Instant::parse("2016-10-24T12:00:00.5").unwrap(), Instant(1_477_310_400_500));
        assert_eq!(Instant::parse("2016-10-24T12:00:00+00:00").unwrap(), t);
        assert_eq!(Instant::parse(&t.to_string()).unwrap(), t);
        assert_eq!(Instant::parse("2000-02-29T23:59:59.999Z").unwrap().to_string(), "2000-02-29T23:59:59.999Z");
    }

    #[test]
    fn parse_rejects_local_offsets_and_garbage() {
        for bad in ["", "2016-10-24 12:00:00", "2016-10-24T12:00:00+02:00", "soon", "2016-13-01T00:00:00Z", "2016-1-01T00:00:00Z"] {
            assert!(Instant::parse(bad).is_err(), "{bad}");
        }
    }
}
