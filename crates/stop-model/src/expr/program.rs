//! The evaluation form of an expression: the folded syntax tree flattened into postfix order
//! (a flat list of operations with every function resolved to an enum), run on a small
//! stack. No name matching, no pointer chasing and no allocation per evaluation; each
//! operation is the same `f64` call as the tree evaluation's, in the same order, so the
//! value is the tree's bit for bit.

use super::parse::{Coord, Node};
use crate::physical::Position;

/// Functions of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryFn {
    Abs,
    Sign,
    Sqrt,
    Cbrt,
    Exp,
    Ln,
    Log10,
    Log2,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Floor,
    Ceil,
}

impl UnaryFn {
    /// The function of a name of the language (`None` for any other name).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "abs" => Self::Abs,
            "sign" => Self::Sign,
            "sqrt" => Self::Sqrt,
            "cbrt" => Self::Cbrt,
            "exp" => Self::Exp,
            "ln" => Self::Ln,
            "log10" => Self::Log10,
            "log2" => Self::Log2,
            "sin" => Self::Sin,
            "cos" => Self::Cos,
            "tan" => Self::Tan,
            "asin" => Self::Asin,
            "acos" => Self::Acos,
            "atan" => Self::Atan,
            "sinh" => Self::Sinh,
            "cosh" => Self::Cosh,
            "tanh" => Self::Tanh,
            "floor" => Self::Floor,
            "ceil" => Self::Ceil,
            _ => return None,
        })
    }

    /// The value, with `f64` semantics (`sign` is IEEE `signum`).
    pub(crate) fn apply(self, a: f64) -> f64 {
        match self {
            Self::Abs => a.abs(),
            Self::Sign => a.signum(),
            Self::Sqrt => a.sqrt(),
            Self::Cbrt => a.cbrt(),
            Self::Exp => a.exp(),
            Self::Ln => a.ln(),
            Self::Log10 => a.log10(),
            Self::Log2 => a.log2(),
            Self::Sin => a.sin(),
            Self::Cos => a.cos(),
            Self::Tan => a.tan(),
            Self::Asin => a.asin(),
            Self::Acos => a.acos(),
            Self::Atan => a.atan(),
            Self::Sinh => a.sinh(),
            Self::Cosh => a.cosh(),
            Self::Tanh => a.tanh(),
            Self::Floor => a.floor(),
            Self::Ceil => a.ceil(),
        }
    }
}

/// Operators and functions of two arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinaryFn {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Min,
    Max,
    Atan2,
}

impl BinaryFn {
    /// The operator or function of a name of the language (`None` for any other name).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "+" => Self::Add,
            "-" => Self::Sub,
            "*" => Self::Mul,
            "/" => Self::Div,
            "^" => Self::Pow,
            "min" => Self::Min,
            "max" => Self::Max,
            "atan2" => Self::Atan2,
            _ => return None,
        })
    }

    /// The value, with `f64` semantics (`^` is `powf`).
    pub(crate) fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            Self::Add => a + b,
            Self::Sub => a - b,
            Self::Mul => a * b,
            Self::Div => a / b,
            Self::Pow => a.powf(b),
            Self::Min => a.min(b),
            Self::Max => a.max(b),
            Self::Atan2 => a.atan2(b),
        }
    }
}

/// One step of a [`Program`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    /// Push a number.
    Num(f64),
    /// Push a coordinate or derived quantity.
    Input(Coord),
    /// Negate the top.
    Neg,
    /// Replace the top by a function of it.
    Unary(UnaryFn),
    /// Replace the two top values (first operand below) by the result.
    Binary(BinaryFn),
}

/// Operands a [`Program`] keeps on the machine stack; deeper programs (rare: a chain of
/// binary operations nested to the right) use a heap stack, allocated per evaluation.
const STACK: usize = 32;

/// A compiled expression, evaluated by [`Program::eval`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Program {
    ops: Vec<Op>,
    /// Largest number of operands on the stack at once.
    depth: usize,
}

impl Program {
    /// Flattens `node` (whose function names the parser has checked).
    pub(crate) fn new(node: &Node) -> Self {
        let mut program = Self { ops: Vec::new(), depth: 0 };
        program.depth = program.push(node);
        program
    }

    /// Appends the postfix form of `node`; returns the stack depth it needs.
    fn push(&mut self, node: &Node) -> usize {
        match node {
            Node::Num(v) => {
                self.ops.push(Op::Num(*v));
                1
            }
            Node::Coord(c) => {
                self.ops.push(Op::Input(*c));
                1
            }
            Node::Neg(a) => {
                let depth = self.push(a);
                self.ops.push(Op::Neg);
                depth
            }
            Node::Unary(name, a) => {
                let depth = self.push(a);
                // the parser only builds nodes of known names; an unknown one evaluates to NaN
                self.ops.push(UnaryFn::from_name(name).map_or(Op::Num(f64::NAN), Op::Unary));
                depth
            }
            Node::Binary(name, a, b) => {
                let depth = self.push(a).max(1 + self.push(b));
                self.ops.push(BinaryFn::from_name(name).map_or(Op::Num(f64::NAN), Op::Binary));
                depth
            }
        }
    }

    /// The value at `p` with the derived quantities `derived` (a missing one reads NaN).
    pub(crate) fn eval(&self, p: &Position, derived: &[f64]) -> f64 {
        if self.depth <= STACK {
            self.run(&mut [0.0; STACK], p, derived)
        } else {
            self.run(&mut vec![0.0; self.depth], p, derived)
        }
    }

    /// Runs the operations on `stack` (at least `depth` long). Each operation finds its
    /// operands on the stack because the list is the postfix form of a tree; `get` keeps a
    /// malformed list (impossible by construction) from panicking: it gives NaN.
    fn run(&self, stack: &mut [f64], p: &Position, derived: &[f64]) -> f64 {
        let mut top = 0usize;
        for op in &self.ops {
            match *op {
                Op::Num(v) => {
                    if let Some(slot) = stack.get_mut(top) {
                        *slot = v;
                    }
                    top += 1;
                }
                Op::Input(c) => {
                    if let Some(slot) = stack.get_mut(top) {
                        *slot = super::input(c, p, derived);
                    }
                    top += 1;
                }
                Op::Neg => {
                    if let Some(a) = stack.get_mut(top.wrapping_sub(1)) {
                        *a = -*a;
                    }
                }
                Op::Unary(f) => {
                    if let Some(a) = stack.get_mut(top.wrapping_sub(1)) {
                        *a = f.apply(*a);
                    }
                }
                Op::Binary(f) => {
                    top = top.wrapping_sub(1);
                    let b = stack.get(top).copied().unwrap_or(f64::NAN);
                    if let Some(a) = stack.get_mut(top.wrapping_sub(1)) {
                        *a = f.apply(*a, b);
                    }
                }
            }
        }
        if top == 1 { stack.first().copied().unwrap_or(f64::NAN) } else { f64::NAN }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_right_nesting_uses_the_heap_stack() {
        // 1 - (2 - (3 - (… - 40))) needs 40 operands at once
        let mut node = Node::Num(40.0);
        for k in (1..40).rev() {
            node = Node::Binary("-", Box::new(Node::Num(f64::from(k))), Box::new(node));
        }
        let program = Program::new(&node);
        assert_eq!(program.depth, 40);
        // pairs (1 - 2) + (3 - 4) + … : 20 × (−1), and the last term 40 − … alternates
        let expected = (1..=40).map(|k| if k % 2 == 1 { f64::from(k) } else { -f64::from(k) }).sum::<f64>();
        assert_eq!(program.eval(&Position::new(0.0, 0.0, 0.0), &[]), expected);
    }
}
