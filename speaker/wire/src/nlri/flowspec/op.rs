//! Operator/value pairs (RFC 8955 §4.2.1): numeric comparisons (§4.2.1.1) and bitmask
//! tests (§4.2.1.2). The `e` (end-of-list) bit is not stored: it is implied by the position
//! in the list and written on the last entry. The value length is stored so that a decoded
//! list re-encodes to the same octets.

use crate::reader::Reader;

use super::component::ComponentType;
use super::error::RuleError;

const END: u8 = 0x80;
const AND: u8 = 0x40;
const LEN_SHIFT: u8 = 4;
const LEN_MASK: u8 = 0x30;
const NUM_CMP_MASK: u8 = 0x07;
const BIT_NOT: u8 = 0x02;
const BIT_MATCH: u8 = 0x01;

/// Length of the value that follows an operator octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueLen {
    One,
    Two,
    Four,
    Eight,
}

impl ValueLen {
    pub fn octets(self) -> usize {
        match self {
            ValueLen::One => 1,
            ValueLen::Two => 2,
            ValueLen::Four => 4,
            ValueLen::Eight => 8,
        }
    }

    /// The smallest length that holds `value` (what constructors and the text parser use).
    pub fn smallest(value: u64) -> Self {
        if value <= 0xff {
            ValueLen::One
        } else if value <= 0xffff {
            ValueLen::Two
        } else if value <= 0xffff_ffff {
            ValueLen::Four
        } else {
            ValueLen::Eight
        }
    }

    pub fn fits(self, value: u64) -> bool {
        self >= ValueLen::smallest(value)
    }

    fn code(self) -> u8 {
        match self {
            ValueLen::One => 0,
            ValueLen::Two => 1,
            ValueLen::Four => 2,
            ValueLen::Eight => 3,
        }
    }

    fn from_op(op: u8) -> Self {
        match (op & LEN_MASK) >> LEN_SHIFT {
            0 => ValueLen::One,
            1 => ValueLen::Two,
            2 => ValueLen::Four,
            _ => ValueLen::Eight,
        }
    }
}

/// The lt/gt/eq bits of a numeric operator, as the eight relations they encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NumericCmp {
    /// 000: never matches.
    False,
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
    /// 110: lt or gt.
    Ne,
    /// 111: always matches.
    True,
}

impl NumericCmp {
    fn bits(self) -> u8 {
        match self {
            NumericCmp::False => 0,
            NumericCmp::Eq => 1,
            NumericCmp::Gt => 2,
            NumericCmp::Ge => 3,
            NumericCmp::Lt => 4,
            NumericCmp::Le => 5,
            NumericCmp::Ne => 6,
            NumericCmp::True => 7,
        }
    }

    fn from_bits(bits: u8) -> Self {
        match bits & NUM_CMP_MASK {
            0 => NumericCmp::False,
            1 => NumericCmp::Eq,
            2 => NumericCmp::Gt,
            3 => NumericCmp::Ge,
            4 => NumericCmp::Lt,
            5 => NumericCmp::Le,
            6 => NumericCmp::Ne,
            _ => NumericCmp::True,
        }
    }

    /// Evaluates `data <cmp> value`.
    pub fn eval(self, data: u64, value: u64) -> bool {
        let b = self.bits();
        (b & 4 != 0 && data < value)
            || (b & 2 != 0 && data > value)
            || (b & 1 != 0 && data == value)
    }
}

/// One `{operator, value}` pair of a numeric component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NumericMatch {
    /// `a` bit: AND with the previous pair (binds tighter than OR). Always false on the first.
    pub and: bool,
    pub cmp: NumericCmp,
    pub value: u64,
    pub len: ValueLen,
}

impl NumericMatch {
    /// A pair with the smallest value length.
    pub fn new(and: bool, cmp: NumericCmp, value: u64) -> Self {
        NumericMatch {
            and,
            cmp,
            value,
            len: ValueLen::smallest(value),
        }
    }

    fn op_bits(&self) -> u8 {
        self.cmp.bits()
    }
}

/// One `{operator, value}` pair of a bitmask component (TCP flags, fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BitmaskMatch {
    pub and: bool,
    /// `not` bit: negate the test.
    pub not: bool,
    /// `m` bit: all bits of `value` must be set (`(data & value) == value`); when false,
    /// any of them suffices (`(data & value) != 0`).
    pub match_all: bool,
    pub value: u64,
    pub len: ValueLen,
}

impl BitmaskMatch {
    pub fn new(and: bool, not: bool, match_all: bool, value: u64) -> Self {
        BitmaskMatch {
            and,
            not,
            match_all,
            value,
            len: ValueLen::smallest(value),
        }
    }

    /// Evaluates the test on `data` exactly as RFC 8955 §4.2.1.2 defines it.
    pub fn eval(&self, data: u64) -> bool {
        let hit = if self.match_all {
            data & self.value == self.value
        } else {
            data & self.value != 0
        };
        hit != self.not
    }

    fn op_bits(&self) -> u8 {
        (if self.not { BIT_NOT } else { 0 }) | (if self.match_all { BIT_MATCH } else { 0 })
    }
}

/// Common view of the two pair kinds so that one list codec serves both.
pub(crate) trait OpPair: Sized {
    fn and(&self) -> bool;
    fn value(&self) -> u64;
    fn len(&self) -> ValueLen;
    /// The operator bits other than e, a and len.
    fn low_bits(&self) -> u8;
    /// Builds a pair from a decoded operator octet (reserved bits ignored) and value.
    fn from_wire(op: u8, value: u64, first: bool) -> Self;
}

impl OpPair for NumericMatch {
    fn and(&self) -> bool {
        self.and
    }
    fn value(&self) -> u64 {
        self.value
    }
    fn len(&self) -> ValueLen {
        self.len
    }
    fn low_bits(&self) -> u8 {
        self.op_bits()
    }
    fn from_wire(op: u8, value: u64, first: bool) -> Self {
        NumericMatch {
            and: !first && op & AND != 0,
            cmp: NumericCmp::from_bits(op),
            value,
            len: ValueLen::from_op(op),
        }
    }
}

impl OpPair for BitmaskMatch {
    fn and(&self) -> bool {
        self.and
    }
    fn value(&self) -> u64 {
        self.value
    }
    fn len(&self) -> ValueLen {
        self.len
    }
    fn low_bits(&self) -> u8 {
        self.op_bits()
    }
    fn from_wire(op: u8, value: u64, first: bool) -> Self {
        BitmaskMatch {
            and: !first && op & AND != 0,
            not: op & BIT_NOT != 0,
            match_all: op & BIT_MATCH != 0,
            value,
            len: ValueLen::from_op(op),
        }
    }
}

/// Reads pairs until one carries the end-of-list bit. Reserved operator bits are ignored
/// and the first `a` bit is treated as unset, as RFC 8955 §4.2.1 requires.
pub(crate) fn decode_ops<T: OpPair>(
    r: &mut Reader<'_>,
    component: ComponentType,
) -> Result<Vec<T>, RuleError> {
    let mut out = Vec::new();
    loop {
        let op = r
            .u8()
            .map_err(|_| RuleError::MissingEndOfList { component })?;
        let len = ValueLen::from_op(op);
        let bytes = r.take(len.octets()).map_err(|t| RuleError::Truncated {
            component,
            what: "operator value",
            need: t.need,
            have: t.have,
        })?;
        let value = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        out.push(T::from_wire(op, value, out.is_empty()));
        if op & END != 0 {
            return Ok(out);
        }
    }
}

/// Writes the pairs, setting `e` on the last and never setting `a` on the first.
pub(crate) fn encode_ops<T: OpPair>(ops: &[T], out: &mut Vec<u8>) {
    let last = ops.len().saturating_sub(1);
    for (i, p) in ops.iter().enumerate() {
        let mut op = p.low_bits() | (p.len().code() << LEN_SHIFT);
        if i == last {
            op |= END;
        }
        if i > 0 && p.and() {
            op |= AND;
        }
        out.push(op);
        let be = p.value().to_be_bytes();
        out.extend_from_slice(be.get(8 - p.len().octets()..).unwrap_or(&be));
    }
}

/// Octets the pairs take on the wire.
pub(crate) fn ops_wire_len<T: OpPair>(ops: &[T]) -> usize {
    ops.iter().map(|p| 1 + p.len().octets()).sum()
}

/// Checks that every value fits its declared length.
pub(crate) fn check_ops<T: OpPair>(ops: &[T], component: ComponentType) -> Result<(), RuleError> {
    if ops.is_empty() {
        return Err(RuleError::EmptyOperatorList { component });
    }
    match ops.iter().find(|p| !p.len().fits(p.value())) {
        Some(p) => Err(RuleError::ValueTooWide {
            component,
            value: p.value(),
            octets: p.len().octets(),
        }),
        None => Ok(()),
    }
}

/// Evaluates a list with AND binding tighter than OR (RFC 8955 §4.2.1.1).
pub fn eval_list<T>(ops: &[T], and_of: impl Fn(&T) -> bool, test: impl Fn(&T) -> bool) -> bool {
    let mut any = false;
    let mut term = true;
    for (i, p) in ops.iter().enumerate() {
        if i > 0 && !and_of(p) {
            any |= term;
            term = true;
        }
        term &= test(p);
    }
    !ops.is_empty() && (any || term)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec<T: OpPair>(bytes: &[u8]) -> Result<Vec<T>, RuleError> {
        decode_ops(&mut Reader::new(bytes), ComponentType::Port)
    }

    #[test]
    fn numeric_pairs_round_trip_with_every_length() {
        let wire = [
            0x01, 0x19, 0x53, 0x1f, 0x90, 0x25, 0, 1, 0, 0, 0xb4, 0, 0, 0, 0, 0, 0, 0, 9,
        ];
        let ops: Vec<NumericMatch> = dec(&wire).unwrap();
        assert_eq!(ops.len(), 4);
        assert_eq!(
            ops[1],
            NumericMatch {
                and: true,
                cmp: NumericCmp::Ge,
                value: 8080,
                len: ValueLen::Two
            }
        );
        assert_eq!(ops[2].len, ValueLen::Four);
        assert_eq!(ops[2].cmp, NumericCmp::Le);
        assert_eq!(ops[3].value, 9);
        assert_eq!(ops[3].len, ValueLen::Eight);
        let mut out = Vec::new();
        encode_ops(&ops, &mut out);
        assert_eq!(out, wire);
    }

    #[test]
    fn reserved_bits_and_first_and_bit_are_ignored() {
        let ops: Vec<NumericMatch> = dec(&[0xc9, 0x05]).unwrap();
        assert_eq!(ops, vec![NumericMatch::new(false, NumericCmp::Eq, 5)]);
        let ops: Vec<BitmaskMatch> = dec(&[0x8f, 0x02]).unwrap();
        assert_eq!(ops, vec![BitmaskMatch::new(false, true, true, 2)]);
    }

    #[test]
    fn missing_end_bit_and_short_values_are_errors() {
        let c = ComponentType::Port;
        assert_eq!(
            dec::<NumericMatch>(&[0x01, 0x19]),
            Err(RuleError::MissingEndOfList { component: c })
        );
        assert_eq!(
            dec::<NumericMatch>(&[0x91, 0x19]),
            Err(RuleError::Truncated {
                component: c,
                what: "operator value",
                need: 2,
                have: 1
            })
        );
    }

    #[test]
    fn bitmask_semantics_follow_rfc_8955() {
        let syn_ack = 0x12;
        // any-of, all-of, none-of, not-all-of
        assert!(BitmaskMatch::new(false, false, false, syn_ack).eval(0x02));
        assert!(!BitmaskMatch::new(false, false, true, syn_ack).eval(0x02));
        assert!(BitmaskMatch::new(false, false, true, syn_ack).eval(0x12));
        assert!(!BitmaskMatch::new(false, true, false, syn_ack).eval(0x02));
        assert!(BitmaskMatch::new(false, true, false, syn_ack).eval(0x01));
        assert!(BitmaskMatch::new(false, true, true, syn_ack).eval(0x02));
        assert!(!BitmaskMatch::new(false, true, true, syn_ack).eval(0x12));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        // >=137 & <=139 | =8080
        let ops = [
            NumericMatch::new(false, NumericCmp::Ge, 137),
            NumericMatch::new(true, NumericCmp::Le, 139),
            NumericMatch::new(false, NumericCmp::Eq, 8080),
        ];
        let ev = |d| eval_list(&ops, |p| p.and, |p| p.cmp.eval(d, p.value));
        assert!(ev(138) && ev(8080) && !ev(140) && !ev(136));
        assert!(NumericCmp::Ne.eval(1, 2) && !NumericCmp::Ne.eval(2, 2));
        assert!(NumericCmp::True.eval(9, 0) && !NumericCmp::False.eval(0, 0));
    }
}
