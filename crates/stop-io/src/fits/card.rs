//! FITS header cards: 80 ASCII characters, `KEYWORD = value / comment` (FITS 4.0 §4).

use std::fmt;

/// Length of one header card.
pub(crate) const CARD_LEN: usize = 80;
/// Length of a FITS block (header and data are padded to it).
pub(crate) const BLOCK_LEN: usize = 2880;
/// Characters of commentary text (`COMMENT`, `HISTORY`) one card holds.
pub(crate) const COMMENTARY_LEN: usize = 72;

/// The value of a header card.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderValue {
    /// Logical `T` / `F`.
    Bool(bool),
    /// Integer.
    Int(i64),
    /// Real (finite; FITS has no NaN in headers).
    Float(f64),
    /// Character string (printable ASCII, trailing spaces not significant).
    Str(String),
    /// No value: commentary cards (`COMMENT`, `HISTORY`) and undefined values.
    None,
}

impl fmt::Display for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderValue::Bool(b) => f.write_str(if *b { "T" } else { "F" }),
            HeaderValue::Int(i) => write!(f, "{i}"),
            HeaderValue::Float(x) => write!(f, "{x:?}"),
            HeaderValue::Str(s) => write!(f, "'{s}'"),
            HeaderValue::None => Ok(()),
        }
    }
}

/// One header card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Keyword (upper case, ≤ 8 characters for standard keywords; longer or lower-case
    /// keywords are written with the `HIERARCH` convention).
    pub keyword: String,
    /// Value.
    pub value: HeaderValue,
    /// Comment (for `COMMENT`/`HISTORY`, the text itself).
    pub comment: String,
}

impl Card {
    /// A keyword = value card without comment.
    ///
    /// ```
    /// use stop_io::{Card, HeaderValue};
    /// let card = Card::new("TELESCOP", HeaderValue::Str("IRAM-30M".into()));
    /// assert_eq!(card.comment, "");
    /// ```
    pub fn new(keyword: &str, value: HeaderValue) -> Card {
        Card {
            keyword: keyword.to_owned(),
            value,
            comment: String::new(),
        }
    }
}

/// Whether a keyword fits the standard 8-character form.
pub(crate) fn is_standard_keyword(keyword: &str) -> bool {
    !keyword.is_empty()
        && keyword.len() <= 8
        && keyword
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// FITS text of a real: shortest round-trip digits, a decimal point, upper-case `E`.
pub(crate) fn format_real(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    let text = format!("{x:?}");
    Some(match text.split_once('e') {
        Some((mantissa, exponent)) if mantissa.contains('.') => format!("{mantissa}E{exponent}"),
        Some((mantissa, exponent)) => format!("{mantissa}.0E{exponent}"),
        None => text,
    })
}

/// Whether text is printable ASCII (all FITS headers and `A` columns allow).
pub(crate) fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// Formats one card as 80 characters; `Err(reason)` when it cannot be written.
pub(crate) fn format_card(card: &Card) -> Result<String, &'static str> {
    if !is_printable_ascii(&card.keyword) || !is_printable_ascii(&card.comment) {
        return Err("FITS headers hold printable ASCII only");
    }
    let value_text = match &card.value {
        HeaderValue::None => {
            if !is_standard_keyword(&card.keyword) && !card.keyword.is_empty() {
                return Err("commentary keyword must be a standard keyword");
            }
            if card.comment.len() > COMMENTARY_LEN {
                return Err("commentary text longer than 72 characters");
            }
            return Ok(format!("{:<8}{:<72}", card.keyword, card.comment));
        }
        HeaderValue::Bool(b) => format!("{:>20}", if *b { "T" } else { "F" }),
        HeaderValue::Int(i) => format!("{i:>20}"),
        HeaderValue::Float(x) => format!(
            "{:>20}",
            format_real(*x).ok_or("FITS headers cannot hold NaN or infinity")?
        ),
        HeaderValue::Str(s) => {
            if !is_printable_ascii(s) {
                return Err("FITS headers hold printable ASCII only");
            }
            format!("'{:<8}'", s.replace('\'', "''"))
        }
    };
    let prefix = if is_standard_keyword(&card.keyword) {
        format!("{:<8}= ", card.keyword)
    } else {
        if card.keyword.contains('=') {
            return Err("keyword holds `=`");
        }
        format!("HIERARCH {} = ", card.keyword)
    };
    let value_text = if is_standard_keyword(&card.keyword) {
        value_text.as_str()
    } else {
        value_text.trim_start()
    };
    let mut text = format!("{prefix}{value_text}");
    if text.len() > CARD_LEN {
        match &card.value {
            HeaderValue::Str(s) => return long_string_cards(&prefix, s, &card.comment),
            _ => return Err("value does not fit in one 80-character card"),
        }
    }
    if !card.comment.is_empty() {
        text.push_str(" / ");
        text.push_str(&card.comment);
        text.truncate(CARD_LEN);
    }
    Ok(format!("{text:<80}"))
}

/// A string too long for one card, written with the long-string convention (FITS 4.0
/// §4.2.1.2): pieces ending in `&`, continued on `CONTINUE` cards; the comment, cut to fit,
/// goes on the last card.
fn long_string_cards(prefix: &str, value: &str, comment: &str) -> Result<String, &'static str> {
    const CONTINUE_PREFIX: &str = "CONTINUE  ";
    let mut out = String::new();
    let mut rest: Vec<char> = value.chars().collect();
    let mut card_prefix = prefix.to_owned();
    loop {
        // Room inside the quotes, less one for `&`; a quote takes two characters once doubled.
        let room = CARD_LEN
            .checked_sub(card_prefix.len() + 3)
            .filter(|&r| r > 0)
            .ok_or("keyword too long")?;
        let mut used = 0;
        let mut take = 0;
        while take < rest.len() {
            let width = if rest[take] == '\'' { 2 } else { 1 };
            if used + width > room {
                break;
            }
            used += width;
            take += 1;
        }
        let piece: String = rest.drain(..take).collect::<String>().replace('\'', "''");
        let mut card = if rest.is_empty() {
            let mut last = format!("{card_prefix}'{piece}'");
            if !comment.is_empty() {
                last.push_str(" / ");
                last.push_str(comment);
                last.truncate(CARD_LEN);
            }
            last
        } else {
            format!("{card_prefix}'{piece}&'")
        };
        card = format!("{card:<80}");
        out.push_str(&card);
        if rest.is_empty() {
            return Ok(out);
        }
        card_prefix = CONTINUE_PREFIX.to_owned();
    }
}

/// Parses the value part of a card (after `= `): value and comment.
fn parse_value(text: &str) -> (HeaderValue, String) {
    let trimmed = text.trim_start();
    if let Some(rest) = trimmed.strip_prefix('\'') {
        let mut value = String::new();
        let mut chars = rest.char_indices().peekable();
        let mut end = rest.len();
        while let Some((i, ch)) = chars.next() {
            if ch == '\'' {
                if chars.peek().map(|&(_, c)| c) == Some('\'') {
                    value.push('\'');
                    chars.next();
                } else {
                    end = i + 1;
                    break;
                }
            } else {
                value.push(ch);
            }
        }
        let comment = rest[end..]
            .split_once('/')
            .map(|(_, c)| c.trim().to_owned())
            .unwrap_or_default();
        return (HeaderValue::Str(value.trim_end().to_owned()), comment);
    }
    let (value_text, comment) = match trimmed.split_once('/') {
        Some((v, c)) => (v.trim(), c.trim().to_owned()),
        None => (trimmed.trim(), String::new()),
    };
    let value = match value_text {
        "" => HeaderValue::None,
        "T" => HeaderValue::Bool(true),
        "F" => HeaderValue::Bool(false),
        _ => match value_text.parse::<i64>() {
            Ok(i) => HeaderValue::Int(i),
            Err(_) => match value_text.replace(['D', 'd'], "E").parse::<f64>() {
                Ok(x) => HeaderValue::Float(x),
                // Complex values and other oddities are kept as their text.
                Err(_) => HeaderValue::Str(value_text.to_owned()),
            },
        },
    };
    (value, comment)
}

/// Merges `CONTINUE` cards into the string value they continue (long-string convention).
pub(crate) fn join_continued(cards: Vec<Card>) -> Vec<Card> {
    let mut out: Vec<Card> = Vec::with_capacity(cards.len());
    for card in cards {
        if card.keyword == "CONTINUE"
            && let Some(previous) = out.last_mut()
            && let HeaderValue::Str(head) = &mut previous.value
            && head.ends_with('&')
        {
            let (value, comment) = parse_value(&card.comment);
            if let HeaderValue::Str(tail) = value {
                head.pop();
                head.push_str(&tail);
                previous.comment = comment;
                continue;
            }
        }
        out.push(card);
    }
    out
}

/// Parses one 80-byte card (bytes outside printable ASCII are read as `?`).
pub(crate) fn parse_card(bytes: &[u8]) -> Card {
    let text: String = bytes
        .iter()
        .map(|&b| if (0x20..=0x7e).contains(&b) { b as char } else { '?' })
        .collect();
    let keyword = text.get(..8).unwrap_or(&text).trim_end().to_owned();
    if keyword == "HIERARCH"
        && let Some((key, value)) = text[8..].split_once('=')
    {
        let (value, comment) = parse_value(value);
        return Card {
            keyword: key.trim().to_owned(),
            value,
            comment,
        };
    }
    if text.get(8..10) == Some("= ") {
        let (value, comment) = parse_value(&text[10..]);
        return Card {
            keyword,
            value,
            comment,
        };
    }
    Card {
        keyword,
        value: HeaderValue::None,
        comment: text.get(8..).unwrap_or("").trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_round_trip() {
        let cards = [
            Card::new("CRVAL3", HeaderValue::Float(-1.5e-7)),
            Card::new("RESTFRQ", HeaderValue::Float(115_271_201_800.0)),
            Card::new("NAXIS1", HeaderValue::Int(128)),
            Card::new("SIMPLE", HeaderValue::Bool(true)),
            Card::new("OBJECT", HeaderValue::Str("O'Brien's cloud".into())),
            Card::new("rest_freq_hz", HeaderValue::Float(1.0e11)),
            Card {
                keyword: "HISTORY".into(),
                value: HeaderValue::None,
                comment: "made by stop-io".into(),
            },
        ];
        for card in cards {
            let text = format_card(&card).expect("card formats");
            assert_eq!(text.len(), CARD_LEN);
            assert_eq!(parse_card(text.as_bytes()), card, "{text}");
        }
    }

    #[test]
    fn long_strings_continue_over_cards() {
        let value = format!("/data/models/{}'s grid.toml", "x".repeat(150));
        let card = Card {
            keyword: "MODELFIL".into(),
            value: HeaderValue::Str(value.clone()),
            comment: "input".into(),
        };
        let text = format_card(&card).expect("formats");
        assert_eq!(text.len() % CARD_LEN, 0);
        assert!(text.len() > CARD_LEN);
        let cards: Vec<Card> = text.as_bytes().chunks(CARD_LEN).map(parse_card).collect();
        assert_eq!(join_continued(cards), vec![card]);
    }

    #[test]
    fn reals_have_a_point_and_upper_case_exponent() {
        assert_eq!(format_real(1e-7).as_deref(), Some("1.0E-7"));
        assert_eq!(format_real(1.5e20).as_deref(), Some("1.5E20"));
        assert_eq!(format_real(2.0).as_deref(), Some("2.0"));
        assert_eq!(format_real(f64::NAN), None);
    }

    #[test]
    fn fortran_exponents_parse() {
        let card = parse_card(format!("{:<80}", "CDELT1  =   -2.5D+03 / step").as_bytes());
        assert_eq!(card.value, HeaderValue::Float(-2500.0));
        assert_eq!(card.comment, "step");
    }
}
