//! Analytic fields: expressions of `x, y, z, r, rcyl` (metres) and named parameters, compiled
//! once at load time and evaluated without parsing or allocation.
//!
//! STOP's own front end (lexer and Pratt parser, [`lex`] and [`parse`]) checks the text,
//! locates every error by column, resolves parameter names to numbers, folds constant
//! sub-expressions and fixes the precedence of unary minus (`-x^2 = -(x^2)`). The folded tree
//! is then flattened into a postfix program ([`program`]) that runs on a small stack. (Until
//! the solver's profile showed field evaluation at ~8 % of a photon's cost, an external
//! engine, `exmex`, ran the expressions; the README keeps that comparison.)

mod lex;
mod parse;
mod program;

use crate::error::{ExprError, ExprErrorKind};
use crate::physical::Position;
use parse::{Names, Node};
use program::Program;
use std::collections::BTreeMap;

pub(crate) use parse::Coord;

/// Most `[derived]` quantities a model may define (they live in a stack array per position).
pub const MAX_DERIVED: usize = 16;

/// Constants every expression may use (SI), from `stop_physics::constants`. Parameters of
/// the same name in a model file take precedence.
///
/// ```
/// let c = stop_model::builtin_constants();
/// assert_eq!(c["au_m"], 1.495_978_707e11);
/// assert!((c["grav_si"] - 6.674_30e-11).abs() < 1e-20);
/// ```
#[must_use]
pub fn builtin_constants() -> BTreeMap<String, f64> {
    use stop_physics::constants as k;
    BTreeMap::from(
        [
            ("pi", std::f64::consts::PI),
            ("au_m", k::AU_CM * 1e-2),
            ("pc_m", k::PC_CM * 1e-2),
            ("grav_si", k::G_CGS * 1e-3),
            ("msun_kg", k::M_SUN_G * 1e-3),
            ("amu_kg", k::AMU_G * 1e-3),
            ("kboltz_si", k::K_ERG_K * 1e-7),
            ("clight_si", k::C_M_S),
        ]
        .map(|(n, v)| (n.to_string(), v)),
    )
}

/// Evaluate a constant expression (no coordinates), e.g. a parameter `"300 * au_m"`.
///
/// ```
/// use std::collections::BTreeMap;
/// let names = BTreeMap::from([("au_m".to_string(), 1.5e11)]);
/// assert_eq!(stop_model::constant_value("2 * au_m", &names), Ok(3.0e11));
/// assert_eq!(stop_model::constant_value("2 * r", &names).map_err(|e| e.column), Err(5));
/// ```
///
/// # Errors
/// A located [`ExprError`] when the text does not parse, uses a coordinate or an unknown name,
/// or evaluates to NaN or infinity.
pub fn constant_value(text: &str, names: &BTreeMap<String, f64>) -> Result<f64, ExprError> {
    let tree = tree(text, names, &[], false)?;
    let value = eval_tree(&tree, &Position::new(0.0, 0.0, 0.0));
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ExprError { column: 1, kind: ExprErrorKind::NotFinite(text.to_string()) })
    }
}

fn tree(text: &str, names: &BTreeMap<String, f64>, derived: &[String], coordinates: bool) -> Result<Node, ExprError> {
    let tokens = lex::tokenize(text)?;
    parse::parse(&tokens, &Names { values: names, derived, coordinates }, text.chars().count() + 1)
}

/// The value of a per-position input.
fn input(coord: Coord, p: &Position, derived: &[f64]) -> f64 {
    match coord {
        Coord::X => p.x_m,
        Coord::Y => p.y_m,
        Coord::Z => p.z_m,
        Coord::R => p.r_m,
        Coord::Rcyl => p.rcyl_m,
        Coord::Derived(i) => derived.get(i).copied().unwrap_or(f64::NAN),
    }
}

/// Direct tree evaluation, used for constants (trees of coordinates are compiled to a
/// [`Program`], which gives the same values).
fn eval_tree(node: &Node, p: &Position) -> f64 {
    match node {
        Node::Num(v) => *v,
        Node::Coord(c) => input(*c, p, &[]),
        Node::Neg(a) => -eval_tree(a, p),
        Node::Unary(f, a) => parse::apply_unary(f, eval_tree(a, p)),
        Node::Binary(f, a, b) => parse::apply_binary(f, eval_tree(a, p), eval_tree(b, p)),
    }
}

/// A compiled field expression: parsed and checked once, evaluated many times.
///
/// ```
/// use std::collections::BTreeMap;
/// use stop_model::{Expression, Position};
/// let names = BTreeMap::from([("n0".to_string(), 1.5e12), ("r0".to_string(), 4.5e13)]);
/// let density = Expression::compile("n0 * (max(r, 1e11) / r0)^-1.5", &names)?;
/// let n = density.eval(&Position::new(4.5e13, 0.0, 0.0));
/// assert!((n - 1.5e12).abs() < 1e-3);
/// # Ok::<(), stop_model::ExprError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Expression {
    text: String,
    kind: Compiled,
}

#[derive(Clone, Debug)]
enum Compiled {
    Constant(f64),
    Program(Program),
}

impl Expression {
    /// Compile `text`; `names` maps parameter and constant names to values.
    ///
    /// # Errors
    /// A located [`ExprError`] for any lexical or syntax error, unknown name or function,
    /// wrong number of arguments, more than 2000 tokens or nesting deeper than 200 levels.
    pub fn compile(text: &str, names: &BTreeMap<String, f64>) -> Result<Self, ExprError> {
        Self::compile_with(text, names, &[])
    }

    /// Compile `text` that may also use derived quantities: `derived[i]` names the value passed
    /// as `derived[i]` to [`Expression::eval_with`] (at most [`MAX_DERIVED`]).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use stop_model::{Expression, Position};
    /// let e = Expression::compile_with("2 * speed * x / r", &BTreeMap::new(), &["speed".to_string()])?;
    /// assert_eq!(e.eval_with(&Position::new(3.0, 4.0, 0.0), &[10.0]), 12.0);
    /// # Ok::<(), stop_model::ExprError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Expression::compile`].
    pub fn compile_with(text: &str, names: &BTreeMap<String, f64>, derived: &[String]) -> Result<Self, ExprError> {
        let tree = tree(text, names, derived, true)?;
        let kind = if let Node::Num(v) = tree { Compiled::Constant(v) } else { Compiled::Program(Program::new(&tree)) };
        Ok(Self { text: text.to_string(), kind })
    }

    /// The expression as written.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The value at a position. Never panics: a domain error gives NaN, as `f64` does.
    #[must_use]
    pub fn eval(&self, position: &Position) -> f64 {
        self.eval_with(position, &[])
    }

    /// The value at a position, given the derived quantities there (a missing one reads NaN).
    #[must_use]
    pub fn eval_with(&self, position: &Position, derived: &[f64]) -> f64 {
        match &self.kind {
            Compiled::Constant(v) => *v,
            Compiled::Program(program) => program.eval(position, derived),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, p: [f64; 3]) -> f64 {
        let names = builtin_constants();
        Expression::compile(text, &names).map_or(f64::INFINITY, |e| e.eval(&Position::new(p[0], p[1], p[2])))
    }

    #[test]
    fn program_agrees_with_tree_evaluation_bit_for_bit() {
        let p = [3.0e13, -4.0e13, 1.2e13];
        let pos = Position::new(p[0], p[1], p[2]);
        let names = builtin_constants();
        for text in [
            "-x^2 / r",
            "2^-x*1e-13",
            "-sqrt(2 * grav_si * msun_kg / max(r, 1.5e10)) * y / max(r, 1.5e10)",
            "atan2(y, x) + sign(z) - abs(x) / rcyl",
            "exp(-(z/rcyl)^2 / 2) * ln(r) * log10(r) / cbrt(r)",
            "min(x, y) - -3",
        ] {
            let compiled = Expression::compile(text, &names).map(|e| e.eval(&pos));
            let direct = tree(text, &names, &[], true).map(|t| eval_tree(&t, &pos));
            assert_eq!(compiled, direct, "{text}");
        }
        assert_eq!(at("-x^2", p), -9.0e26);
    }

    #[test]
    fn constant_expressions_skip_the_program() {
        assert_eq!(at("2 * au_m", [0.0; 3]), 2.0 * 1.495_978_707e11);
    }

    #[test]
    fn expression_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Expression>();
    }
}
