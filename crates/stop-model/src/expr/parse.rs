//! A Pratt parser from tokens to a small syntax tree, with names resolved, constants folded and
//! conventional precedence: `-x^2 = -(x^2)`, `2^-1 = 0.5`, `a^b^c = a^(b^c)`, `*` `/` and
//! `+` `-` left-associative.

use super::lex::{Spanned, Token};
use crate::error::{ExprError, ExprErrorKind};
use std::collections::BTreeMap;

/// A per-position input of an expression: a coordinate (metres) or a derived quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Coord {
    X,
    Y,
    Z,
    R,
    Rcyl,
    /// The i-th `[derived]` quantity, evaluated before the fields at each position.
    Derived(usize),
}

impl Coord {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "x" => Coord::X,
            "y" => Coord::Y,
            "z" => Coord::Z,
            "r" => Coord::R,
            "rcyl" => Coord::Rcyl,
            _ => return None,
        })
    }
}

/// A supported function: its name in the language and its arity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Unary(&'static str),
    Binary(&'static str),
}

/// Functions of the language, comma separated (for messages and the README).
pub(crate) const FUNCTIONS: &str = "abs, sign, sqrt, cbrt, exp, ln, log10, log2, sin, cos, tan, asin, acos, atan, \
     sinh, cosh, tanh, floor, ceil, min(a, b), max(a, b), atan2(y, x)";

fn function(name: &str) -> Option<Func> {
    const UNARY: [&str; 19] = [
        "abs", "sign", "sqrt", "cbrt", "exp", "ln", "log10", "log2", "sin", "cos", "tan", "asin", "acos", "atan",
        "sinh", "cosh", "tanh", "floor", "ceil",
    ];
    const BINARY: [&str; 3] = ["min", "max", "atan2"];
    if let Some(n) = UNARY.iter().find(|n| **n == name) {
        Some(Func::Unary(n))
    } else {
        BINARY.iter().find(|n| **n == name).map(|n| Func::Binary(n))
    }
}

/// Apply a unary function of the language (NaN for any other name; the parser admits none).
pub(crate) fn apply_unary(name: &str, a: f64) -> f64 {
    super::program::UnaryFn::from_name(name).map_or(f64::NAN, |f| f.apply(a))
}

/// Apply a binary function or operator of the language (NaN for any other name).
pub(crate) fn apply_binary(name: &str, a: f64, b: f64) -> f64 {
    super::program::BinaryFn::from_name(name).map_or(f64::NAN, |f| f.apply(a, b))
}

/// The syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Num(f64),
    Coord(Coord),
    Neg(Box<Node>),
    /// Operator (`+ - * / ^`) or binary function (`min`, `max`, `atan2`).
    Binary(&'static str, Box<Node>, Box<Node>),
    Unary(&'static str, Box<Node>),
}

impl Node {
    /// Fold operations on constants into a constant when the result is finite (so that
    /// `2 * G * M` costs nothing per evaluation).
    fn folded(self) -> Node {
        match &self {
            Node::Neg(a) => {
                if let Node::Num(v) = **a {
                    return Node::Num(-v);
                }
            }
            Node::Unary(f, a) => {
                if let Node::Num(v) = **a {
                    let out = apply_unary(f, v);
                    if out.is_finite() {
                        return Node::Num(out);
                    }
                }
            }
            Node::Binary(op, a, b) => {
                if let (Node::Num(u), Node::Num(v)) = (&**a, &**b) {
                    let out = apply_binary(op, *u, *v);
                    if out.is_finite() {
                        return Node::Num(out);
                    }
                }
            }
            Node::Num(_) | Node::Coord(_) => {}
        }
        self
    }
}

/// Names in scope: parameters (and built-in constants), derived quantities, and whether
/// per-position inputs (coordinates, derived quantities) are allowed.
pub(crate) struct Names<'a> {
    pub values: &'a BTreeMap<String, f64>,
    pub derived: &'a [String],
    pub coordinates: bool,
}

/// Parse tokens into a folded tree. `end_column` is one past the last character.
pub(crate) fn parse(tokens: &[Spanned], names: &Names<'_>, end_column: usize) -> Result<Node, ExprError> {
    if let Some(t) = tokens.get(MAX_TOKENS) {
        return Err(ExprError { column: t.column, kind: ExprErrorKind::TooLong { max: MAX_TOKENS } });
    }
    let mut parser = Parser { tokens, pos: 0, names, end_column, depth: 0 };
    let node = parser.expression(0)?;
    match parser.peek() {
        None => Ok(node),
        Some(t) => Err(ExprError {
            column: t.column,
            kind: ExprErrorKind::UnexpectedToken { found: t.token.describe(), expected: "an operator or the end" },
        }),
    }
}

struct Parser<'t, 'n> {
    tokens: &'t [Spanned],
    pos: usize,
    names: &'n Names<'n>,
    end_column: usize,
    depth: usize,
}

/// Most tokens in one expression: bounds the depth of left-associative chains (`r+r+…`), whose
/// syntax tree is as deep as the chain is long.
pub(crate) const MAX_TOKENS: usize = 2000;

/// Deepest nesting of sub-expressions accepted, so hostile input cannot overflow the stack.
pub(crate) const MAX_DEPTH: usize = 200;

/// Left and right binding powers of a binary operator.
fn binding(op: char) -> Option<(u8, u8)> {
    match op {
        '+' | '-' => Some((1, 2)),
        '*' | '/' => Some((3, 4)),
        '^' => Some((7, 6)),
        _ => None,
    }
}

/// Binding power of unary minus and plus: weaker than `^`, stronger than `*`.
const PREFIX_POWER: u8 = 5;

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self, expected: &'static str) -> Result<&Spanned, ExprError> {
        let token = self
            .tokens
            .get(self.pos)
            .ok_or(ExprError { column: self.end_column, kind: ExprErrorKind::UnexpectedEnd { expected } })?;
        self.pos += 1;
        Ok(token)
    }

    fn expression(&mut self, min_power: u8) -> Result<Node, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let column = self.peek().map_or(self.end_column, |t| t.column);
            return Err(ExprError { column, kind: ExprErrorKind::TooDeep { max: MAX_DEPTH } });
        }
        let node = self.operators(min_power);
        self.depth -= 1;
        node
    }

    fn operators(&mut self, min_power: u8) -> Result<Node, ExprError> {
        let mut left = self.prefix()?;
        while let Some(Spanned { token: Token::Op(op), .. }) = self.peek() {
            let op = *op;
            let Some((left_power, right_power)) = binding(op) else { break };
            if left_power < min_power {
                break;
            }
            self.pos += 1;
            let right = self.expression(right_power)?;
            let name = match op {
                '+' => "+",
                '-' => "-",
                '*' => "*",
                '/' => "/",
                _ => "^",
            };
            left = Node::Binary(name, Box::new(left), Box::new(right)).folded();
        }
        Ok(left)
    }

    fn prefix(&mut self) -> Result<Node, ExprError> {
        const OPERAND: &str = "a number, a name, `(` or `-`";
        let Spanned { token, column } = self.next(OPERAND)?.clone();
        match token {
            Token::Number(v) => Ok(Node::Num(v)),
            Token::Op('-') => Ok(Node::Neg(Box::new(self.expression(PREFIX_POWER)?)).folded()),
            Token::Op('+') => self.expression(PREFIX_POWER),
            Token::Open => {
                let inner = self.expression(0)?;
                self.close()?;
                Ok(inner)
            }
            Token::Name(name) => self.name(name, column),
            other => Err(ExprError {
                column,
                kind: ExprErrorKind::UnexpectedToken { found: other.describe(), expected: OPERAND },
            }),
        }
    }

    fn close(&mut self) -> Result<(), ExprError> {
        let t = self.next("`)`")?;
        if t.token == Token::Close {
            Ok(())
        } else {
            Err(ExprError {
                column: t.column,
                kind: ExprErrorKind::UnexpectedToken { found: t.token.describe(), expected: "`)`" },
            })
        }
    }

    fn name(&mut self, name: String, column: usize) -> Result<Node, ExprError> {
        if let Some(Spanned { token: Token::Open, .. }) = self.peek() {
            self.pos += 1;
            return self.call(name, column);
        }
        let derived = self.names.derived.iter().position(|d| *d == name).map(Coord::Derived);
        if let Some(coord) = Coord::from_name(&name).or(derived) {
            return if self.names.coordinates {
                Ok(Node::Coord(coord))
            } else {
                Err(ExprError { column, kind: ExprErrorKind::CoordinateInConstant(name) })
            };
        }
        match self.names.values.get(&name) {
            Some(v) => Ok(Node::Num(*v)),
            None => Err(ExprError {
                column,
                kind: ExprErrorKind::UnknownName {
                    name,
                    known: self.names.values.keys().cloned().collect::<Vec<_>>().join(", "),
                },
            }),
        }
    }

    fn call(&mut self, name: String, column: usize) -> Result<Node, ExprError> {
        let func =
            function(&name).ok_or(ExprError { column, kind: ExprErrorKind::UnknownFunction { name: name.clone(), known: FUNCTIONS } })?;
        let mut args = vec![self.expression(0)?];
        while let Some(Spanned { token: Token::Comma, .. }) = self.peek() {
            self.pos += 1;
            args.push(self.expression(0)?);
        }
        self.close()?;
        let found = args.len();
        let mut args = args.into_iter();
        let node = match (func, args.next(), args.next(), args.next()) {
            (Func::Unary(f), Some(a), None, None) => Node::Unary(f, Box::new(a)),
            (Func::Binary(f), Some(a), Some(b), None) => Node::Binary(f, Box::new(a), Box::new(b)),
            (Func::Unary(_), ..) => {
                return Err(ExprError { column, kind: ExprErrorKind::WrongArity { name, expected: 1, found } });
            }
            (Func::Binary(_), ..) => {
                return Err(ExprError { column, kind: ExprErrorKind::WrongArity { name, expected: 2, found } });
            }
        };
        Ok(node.folded())
    }
}

#[cfg(test)]
mod tests {
    use super::super::lex::tokenize;
    use super::*;

    fn tree(text: &str) -> Result<Node, ExprError> {
        let values = BTreeMap::from([("a".to_string(), 2.0)]);
        let names = Names { values: &values, derived: &[], coordinates: true };
        parse(&tokenize(text)?, &names, text.chars().count() + 1)
    }

    #[test]
    fn unary_minus_binds_weaker_than_power() {
        assert_eq!(tree("-a^2"), Ok(Node::Num(-4.0)));
        assert_eq!(tree("a^-1"), Ok(Node::Num(0.5)));
        assert_eq!(tree("2^3^2"), Ok(Node::Num(512.0)));
        assert_eq!(tree("8/4/2"), Ok(Node::Num(1.0)));
        assert_eq!(tree("1 - 2 - 3"), Ok(Node::Num(-4.0)));
    }

    #[test]
    fn coordinates_stay_symbolic() {
        let t = tree("max(r, 2*a)");
        assert_eq!(t, Ok(Node::Binary("max", Box::new(Node::Coord(Coord::R)), Box::new(Node::Num(4.0)))));
    }

    #[test]
    fn errors_name_the_column() {
        let col = |t: &str| tree(t).err().map(|e| e.column);
        assert_eq!(col("r * (2 + )"), Some(10));
        assert_eq!(col("r * (2 + 1"), Some(11));
        assert_eq!(col("foo + 1"), Some(1));
        assert_eq!(col("1 + bar(2)"), Some(5));
        assert_eq!(col("max(1)"), Some(1));
        assert_eq!(col("r r"), Some(3));
    }
}
