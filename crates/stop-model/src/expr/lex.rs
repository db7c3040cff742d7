//! Tokens of the expression language, each with its 1-based character column.

use crate::error::{ExprError, ExprErrorKind};

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// A number literal.
    Number(f64),
    /// A name: coordinate, parameter, constant or function.
    Name(String),
    /// One of `+ - * / ^`.
    Op(char),
    /// `(`
    Open,
    /// `)`
    Close,
    /// `,`
    Comma,
}

impl Token {
    /// The token as the user wrote it (for messages).
    pub(crate) fn describe(&self) -> String {
        match self {
            Token::Number(v) => format!("{v}"),
            Token::Name(n) => n.clone(),
            Token::Op(c) => c.to_string(),
            Token::Open => "(".into(),
            Token::Close => ")".into(),
            Token::Comma => ",".into(),
        }
    }
}

/// A token and the column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned {
    pub token: Token,
    pub column: usize,
}

/// Split `text` into tokens; the first unreadable character is an error at its column.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Spanned>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let token = if c.is_ascii_digit() || c == '.' {
            let start = i;
            i = scan_number(&chars, i);
            let literal: String = chars[start..i].iter().collect();
            let value = literal
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or(ExprError { column, kind: ExprErrorKind::BadNumber(literal) })?;
            tokens.push(Spanned { token: Token::Number(value), column });
            continue;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Spanned { token: Token::Name(chars[start..i].iter().collect()), column });
            continue;
        } else {
            match c {
                '+' | '-' | '*' | '/' | '^' => Token::Op(c),
                '(' => Token::Open,
                ')' => Token::Close,
                ',' => Token::Comma,
                _ => return Err(ExprError { column, kind: ExprErrorKind::UnexpectedChar(c) }),
            }
        };
        tokens.push(Spanned { token, column });
        i += 1;
    }
    Ok(tokens)
}

/// End index of the number literal starting at `start`: digits, an optional fraction and an
/// optional exponent (`1`, `1.5`, `.5`, `2.`, `1e-9`, `6.67e+3`).
fn scan_number(chars: &[char], start: usize) -> usize {
    let digits = |mut i: usize| {
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    if i < chars.len() && chars[i] == '.' {
        i = digits(i + 1);
    }
    if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
        let mut j = i + 1;
        if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
            j += 1;
        }
        // A dangling exponent (`2e`, `2e-`) stays part of the literal, which then fails to
        // parse and is reported as malformed instead of being read as `2` times `e`.
        i = digits(j);
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_and_operators_with_columns() {
        let tokens = tokenize(" 1.5e12*(r / r0)^-1.5").unwrap_or_default();
        let columns: Vec<usize> = tokens.iter().map(|t| t.column).collect();
        assert_eq!(columns, vec![2, 8, 9, 10, 12, 14, 16, 17, 18, 19]);
        assert_eq!(tokens[0].token, Token::Number(1.5e12));
        assert_eq!(tokens[9].token, Token::Number(1.5));
    }

    #[test]
    fn dangling_exponent_is_a_located_error() {
        let err = tokenize("3 + 2e").err();
        assert_eq!(err, Some(ExprError { column: 5, kind: ExprErrorKind::BadNumber("2e".into()) }));
    }

    #[test]
    fn stray_character_is_located() {
        let err = tokenize("x $ y").err();
        assert_eq!(err, Some(ExprError { column: 3, kind: ExprErrorKind::UnexpectedChar('$') }));
    }
}
