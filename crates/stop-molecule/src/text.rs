//! A line cursor over a text file that skips comments and reports locations.

use crate::error::{Location, ParseError, ParseErrorKind};

/// Cursor over the lines of a text source with 1-based line numbers.
pub(crate) struct Lines<'a> {
    source: &'a str,
    lines: std::iter::Peekable<std::iter::Enumerate<std::str::Lines<'a>>>,
    last_line: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(source: &'a str, text: &'a str) -> Self {
        Self { source, lines: text.lines().enumerate().peekable(), last_line: 0 }
    }

    pub(crate) fn error_at(&self, line: usize, kind: ParseErrorKind) -> ParseError {
        ParseError { location: Location { source: self.source.to_owned(), line }, kind }
    }

    /// Next line that is neither blank nor a `!` comment, with its line number.
    pub(crate) fn next_data(&mut self, expected: &str) -> Result<(usize, &'a str), ParseError> {
        for (i, line) in self.lines.by_ref() {
            self.last_line = i + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('!') {
                continue;
            }
            return Ok((i + 1, line));
        }
        Err(self.error_at(self.last_line + 1, ParseErrorKind::UnexpectedEof { expected: expected.to_owned() }))
    }

    /// The remaining lines (for trailing notes).
    pub(crate) fn rest(self) -> impl Iterator<Item = &'a str> {
        self.lines.map(|(_, line)| line)
    }
}

/// Fields of one data line, consumed left to right with located errors.
pub(crate) struct Fields<'a> {
    line_no: usize,
    tokens: std::str::SplitWhitespace<'a>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(line_no: usize, line: &'a str) -> Self {
        Self { line_no, tokens: line.split_whitespace() }
    }

    pub(crate) fn line_no(&self) -> usize {
        self.line_no
    }

    pub(crate) fn token(&mut self, cursor: &Lines<'_>, field: &str) -> Result<&'a str, ParseError> {
        self.tokens
            .next()
            .ok_or_else(|| cursor.error_at(self.line_no, ParseErrorKind::MissingField { field: field.to_owned() }))
    }

    /// A finite float; Fortran `D` exponents are accepted.
    pub(crate) fn float(&mut self, cursor: &Lines<'_>, field: &str) -> Result<f64, ParseError> {
        let token = self.token(cursor, field)?;
        parse_float(token).map_err(|kind| cursor.error_at(self.line_no, kind(field.to_owned(), token.to_owned())))
    }

    /// A non-negative integer.
    pub(crate) fn count(&mut self, cursor: &Lines<'_>, field: &str) -> Result<usize, ParseError> {
        let token = self.token(cursor, field)?;
        token.parse::<usize>().map_err(|_| {
            cursor.error_at(
                self.line_no,
                ParseErrorKind::NotANumber { field: field.to_owned(), value: token.to_owned() },
            )
        })
    }

    /// An index in `1..=max`, returned 0-based.
    pub(crate) fn index(&mut self, cursor: &Lines<'_>, field: &str, max: usize) -> Result<usize, ParseError> {
        let token = self.token(cursor, field)?;
        match token.parse::<usize>() {
            Ok(i) if (1..=max).contains(&i) => Ok(i - 1),
            Ok(_) => Err(cursor.error_at(
                self.line_no,
                ParseErrorKind::OutOfRange {
                    field: field.to_owned(),
                    value: token.to_owned(),
                    expected: format!("a level number in 1..={max}"),
                },
            )),
            Err(_) => Err(cursor.error_at(
                self.line_no,
                ParseErrorKind::NotANumber { field: field.to_owned(), value: token.to_owned() },
            )),
        }
    }

    /// A running record number that must equal `expected` (1-based).
    pub(crate) fn sequence(&mut self, cursor: &Lines<'_>, field: &str, expected: usize) -> Result<(), ParseError> {
        let found = self.count(cursor, field)?;
        if found == expected {
            Ok(())
        } else {
            Err(cursor.error_at(
                self.line_no,
                ParseErrorKind::OutOfSequence { field: field.to_owned(), found, expected },
            ))
        }
    }

    /// The rest of the line after the consumed tokens.
    pub(crate) fn remainder(self) -> Vec<&'a str> {
        self.tokens.collect()
    }

    /// Fail if any token is left.
    pub(crate) fn finish(mut self, cursor: &Lines<'_>, record: &str) -> Result<(), ParseError> {
        match self.tokens.next() {
            None => Ok(()),
            Some(value) => Err(cursor.error_at(
                self.line_no,
                ParseErrorKind::ExtraField { record: record.to_owned(), value: value.to_owned() },
            )),
        }
    }
}

type KindFn = fn(String, String) -> ParseErrorKind;

/// Parse a finite float, accepting Fortran `D`/`d` exponents.
pub(crate) fn parse_float(token: &str) -> Result<f64, KindFn> {
    let value = if token.contains(['D', 'd']) {
        token.replace(['D', 'd'], "E").parse::<f64>()
    } else {
        token.parse::<f64>()
    };
    match value {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(|field, value| ParseErrorKind::NotFinite { field, value }),
        Err(_) => Err(|field, value| ParseErrorKind::NotANumber { field, value }),
    }
}

/// An out-of-range error for a field.
pub(crate) fn out_of_range(field: &str, value: f64, expected: &str) -> ParseErrorKind {
    ParseErrorKind::OutOfRange { field: field.to_owned(), value: format!("{value}"), expected: expected.to_owned() }
}
