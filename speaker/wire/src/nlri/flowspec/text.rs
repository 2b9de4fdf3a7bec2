//! Text grammar for rules, shared by the gRPC API, the CRDs and the CLI (GoBGP/ExaBGP-like):
//!
//! ```text
//! rule      = component { " " component }
//! component = ("destination" | "source") prefix
//!           | numeric-kw numeric-term { " " numeric-term }     ; terms are ORed
//!           | ("tcp-flags" | "fragment") bit-term { " " bit-term }
//! prefix    = ipv4 "/" len | ipv6 "/" len | ipv6 "/" offset "-" len   ; bare address = host
//! numeric-term = num-factor { "&" num-factor }                   ; "&" is AND, binds tighter
//! num-factor = [ "=" | "==" | "!=" | "<" | ">" | "<=" | ">=" ] value   ; bare value = "="
//!           | value "-" value                                    ; = ">=a&<=b"
//!           | "true" | "false"
//! bit-term  = bit-factor { "&" bit-factor }
//! bit-factor = [ "=" | "==" | "!" | "!=" ] bits { "|" bits }
//!            ; ""  any bit set, "=" all set, "!" none set, "!=" not all set (RFC 8955 §4.2.1.2)
//! value     = decimal | "0x" hex | protocol-name                 ; names for protocol only
//! bits      = decimal | "0x" hex | flag-name
//! ```
//!
//! Printing is canonical (`=53`, `>=1024&<=2048`, `=syn|ack`) and parses back to the same
//! rule; value lengths are always the smallest, so a decoded rule with wider values prints
//! the same text as its minimal form.

use std::fmt::{self, Write};

use ipnet::Ipv4Net;
use thiserror::Error;

use crate::afi::Afi;

use super::FlowSpecNlri;
use super::component::{Component, ComponentType, Value};
use super::error::FlowSpecError;
use super::names;
use super::op::{BitmaskMatch, NumericCmp, NumericMatch};
use super::prefix::{FlowPrefix, Ipv6Pattern};

/// A text parse error: the 1-based column (in characters) and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("at column {column}: {message}")]
pub struct TextError {
    pub column: usize,
    pub message: String,
}

/// Internal error: byte offset into the whole input, converted to a column at the top.
pub(crate) type PResult<T> = Result<T, (usize, String)>;

pub(crate) fn to_text_error(src: &str, (at, message): (usize, String)) -> TextError {
    let column = src.get(..at).map_or(at, |s| s.chars().count()) + 1;
    TextError { column, message }
}

/// Parses a whole rule, e.g. `destination 192.0.2.0/24 protocol =tcp destination-port =80`.
pub fn parse_rule(afi: Afi, src: &str) -> Result<FlowSpecNlri, TextError> {
    parse_rule_at(afi, src).map_err(|e| to_text_error(src, e))
}

/// Parses the value part of one component, e.g. `>=1024&<=2048 =8080` for a port.
pub fn parse_component(afi: Afi, ty: ComponentType, src: &str) -> Result<Component, TextError> {
    let words = tokens(src);
    let c = component_at(afi, ty, &words, src.len()).map_err(|e| to_text_error(src, e))?;
    c.check(afi)
        .map_err(|e| to_text_error(src, (0, e.to_string())))?;
    Ok(c)
}

fn parse_rule_at(afi: Afi, src: &str) -> PResult<FlowSpecNlri> {
    let words = tokens(src);
    let mut comps: Vec<Component> = Vec::new();
    let mut i = 0;
    if words.is_empty() {
        return Err((0, expected_keyword("nothing")));
    }
    while let Some(&(at, word)) = words.get(i) {
        let ty = keyword(word).ok_or_else(|| (at, expected_keyword(&format!("'{word}'"))))?;
        if comps.iter().any(|c| c.component_type() == ty) {
            return Err((at, format!("{ty} is given more than once")));
        }
        let end = words
            .iter()
            .skip(i + 1)
            .position(|(_, w)| keyword(w).is_some())
            .map_or(words.len(), |n| i + 1 + n);
        let args = words.get(i + 1..end).unwrap_or(&[]);
        let after = at + word.len();
        let c = component_at(afi, ty, args, after)?;
        c.check(afi).map_err(|e| (at, e.to_string()))?;
        comps.push(c);
        i = end;
    }
    FlowSpecNlri::new(afi, comps).map_err(|e| (0, invalid_message(e)))
}

fn invalid_message(e: FlowSpecError) -> String {
    match e {
        FlowSpecError::Invalid(r) => r.to_string(),
        other => other.to_string(),
    }
}

fn expected_keyword(found: &str) -> String {
    let all: Vec<&str> = ComponentType::ALL.iter().map(|t| t.name()).collect();
    format!(
        "expected a component keyword ({}), found {found}",
        all.join(", ")
    )
}

fn keyword(word: &str) -> Option<ComponentType> {
    match word {
        "next-header" => Some(ComponentType::IpProtocol),
        w => ComponentType::ALL.into_iter().find(|t| t.name() == w),
    }
}

/// Whitespace-separated words with their byte offsets.
pub(crate) fn tokens(src: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in src.char_indices().chain(std::iter::once((src.len(), ' '))) {
        match (ch.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, src.get(s..i).unwrap_or("")));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// Builds one component from its argument words; `after` is where its keyword ended.
fn component_at(
    afi: Afi,
    ty: ComponentType,
    args: &[(usize, &str)],
    after: usize,
) -> PResult<Component> {
    let Some(&(at0, first)) = args.first() else {
        let what = if ty.is_prefix() {
            "a prefix"
        } else {
            "a value"
        };
        return Err((after, format!("expected {what} after '{ty}'")));
    };
    if ty.is_prefix() {
        if let Some(&(at, w)) = args.get(1) {
            return Err((
                at,
                format!("{ty} takes one prefix, found another word '{w}'"),
            ));
        }
        let p = parse_prefix_at(afi, first, at0)?;
        return Component::prefix(ty, p).ok_or((at0, "not a prefix type".into()));
    }
    if ty.is_bitmask() {
        let mut ops = Vec::new();
        for &(at, w) in args {
            ops.extend(bit_term(ty, w, at)?);
        }
        return Component::bitmask(ty, ops).ok_or((at0, "not a bitmask type".into()));
    }
    let mut ops = Vec::new();
    for &(at, w) in args {
        ops.extend(numeric_term(ty, w, at)?);
    }
    Component::numeric(ty, ops).ok_or((at0, "not a numeric type".into()))
}

/// Splits a term at '&' into (offset, factor) pairs.
fn factors(term: &str, at: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = at;
    for f in term.split('&') {
        out.push((pos, f));
        pos += f.len() + 1;
    }
    out
}

fn numeric_term(ty: ComponentType, term: &str, at: usize) -> PResult<Vec<NumericMatch>> {
    let mut out = Vec::new();
    for (i, (pos, f)) in factors(term, at).into_iter().enumerate() {
        let and = i > 0;
        if f.is_empty() {
            let ctx = if and { " after '&'" } else { "" };
            return Err((pos, format!("expected a number or comparison{ctx}")));
        }
        out.extend(numeric_factor(ty, f, pos, and)?);
    }
    Ok(out)
}

const NUMERIC_OPS: [(&str, NumericCmp); 7] = [
    ("==", NumericCmp::Eq),
    ("!=", NumericCmp::Ne),
    ("<=", NumericCmp::Le),
    (">=", NumericCmp::Ge),
    ("=", NumericCmp::Eq),
    ("<", NumericCmp::Lt),
    (">", NumericCmp::Gt),
];

fn numeric_factor(ty: ComponentType, f: &str, at: usize, and: bool) -> PResult<Vec<NumericMatch>> {
    if let Some((op, cmp)) = NUMERIC_OPS.iter().find(|(op, _)| f.starts_with(op)) {
        let rest = f.get(op.len()..).unwrap_or("");
        let value = value_at(ty, rest, at + op.len(), &format!(" after '{op}'"))?;
        return Ok(vec![NumericMatch::new(and, *cmp, value)]);
    }
    match f {
        "true" => return Ok(vec![NumericMatch::new(and, NumericCmp::True, 0)]),
        "false" => return Ok(vec![NumericMatch::new(and, NumericCmp::False, 0)]),
        _ => {}
    }
    if let Some(dash) = f
        .find('-')
        .filter(|&d| d > 0 && names::lookup(ty, f).is_none())
    {
        let lo = value_at(ty, f.get(..dash).unwrap_or(""), at, "")?;
        let hi_at = at + dash + 1;
        let hi = value_at(ty, f.get(dash + 1..).unwrap_or(""), hi_at, " after '-'")?;
        if lo > hi {
            return Err((at, format!("range start {lo} is above its end {hi}")));
        }
        return Ok(vec![
            NumericMatch::new(and, NumericCmp::Ge, lo),
            NumericMatch::new(true, NumericCmp::Le, hi),
        ]);
    }
    Ok(vec![NumericMatch::new(
        and,
        NumericCmp::Eq,
        value_at(ty, f, at, "")?,
    )])
}

/// A number (or protocol name), range-checked for the component.
fn value_at(ty: ComponentType, s: &str, at: usize, ctx: &str) -> PResult<u64> {
    let what = if ty == ComponentType::IpProtocol {
        "a protocol number or name"
    } else {
        "a number"
    };
    if s.is_empty() {
        return Err((at, format!("expected {what}{ctx}")));
    }
    let v = names::lookup(ty, s)
        .or_else(|| number(s))
        .ok_or_else(|| (at, format!("expected {what}{ctx}, found '{s}'")))?;
    check_range(ty, v, at)
}

fn check_range(ty: ComponentType, v: u64, at: usize) -> PResult<u64> {
    let max = names::max_value(ty);
    if v > max {
        return Err((at, format!("value {v} is out of range for {ty} (0-{max})")));
    }
    Ok(v)
}

fn number(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u64::from_str_radix(hex, 16).ok()
        }
        Some(_) => None,
        None if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        None => None,
    }
}

fn bit_term(ty: ComponentType, term: &str, at: usize) -> PResult<Vec<BitmaskMatch>> {
    let mut out = Vec::new();
    for (i, (pos, f)) in factors(term, at).into_iter().enumerate() {
        let and = i > 0;
        if f.is_empty() {
            let ctx = if and { " after '&'" } else { "" };
            return Err((pos, format!("expected a number or flag name{ctx}")));
        }
        out.push(bit_factor(ty, f, pos, and)?);
    }
    Ok(out)
}

const BIT_OPS: [(&str, bool, bool); 4] = [
    ("!=", true, true),
    ("==", false, true),
    ("=", false, true),
    ("!", true, false),
];

fn bit_factor(ty: ComponentType, f: &str, at: usize, and: bool) -> PResult<BitmaskMatch> {
    let (op, not, all) = BIT_OPS
        .iter()
        .find(|(op, _, _)| f.starts_with(op))
        .copied()
        .unwrap_or(("", false, false));
    let mut value = 0;
    let mut pos = at + op.len();
    let mut ctx = if op.is_empty() {
        String::new()
    } else {
        format!(" after '{op}'")
    };
    for atom in f.get(op.len()..).unwrap_or("").split('|') {
        if atom.is_empty() {
            return Err((pos, format!("expected a number or flag name{ctx}")));
        }
        let v = names::lookup(ty, atom)
            .or_else(|| number(atom))
            .ok_or_else(|| {
                let known: Vec<&str> = names::table(ty).iter().map(|(n, _)| *n).collect();
                (
                    pos,
                    format!(
                        "expected a number or flag name ({}), found '{atom}'",
                        known.join(", ")
                    ),
                )
            })?;
        value |= check_range(ty, v, pos)?;
        pos += atom.len() + 1;
        ctx = " after '|'".into();
    }
    Ok(BitmaskMatch::new(and, not, all, value))
}

/// Parses a prefix of the rule's family: `192.0.2.0/24`, `2001:db8::/32`,
/// `::1234:5678:9a00:0/64-104` (offset 64, length 104), or a bare address.
pub fn parse_prefix(afi: Afi, s: &str) -> Result<FlowPrefix, TextError> {
    parse_prefix_at(afi, s, 0).map_err(|e| to_text_error(s, e))
}

fn parse_prefix_at(afi: Afi, s: &str, at: usize) -> PResult<FlowPrefix> {
    let (addr, len) = s.split_once('/').map_or((s, None), |(a, l)| (a, Some(l)));
    let bad = |what: &str| (at, format!("expected {what}, found '{s}'"));
    if afi == Afi::Ipv4 {
        let a: std::net::Ipv4Addr = addr
            .parse()
            .map_err(|_| bad("an IPv4 prefix like 192.0.2.0/24"))?;
        let l = match len {
            Some(l) => l
                .parse::<u8>()
                .map_err(|_| bad("a prefix length of 0-32"))?,
            None => 32,
        };
        let net = Ipv4Net::new(a, l).map_err(|_| bad("a prefix length of 0-32"))?;
        return Ok(FlowPrefix::V4(net.trunc()));
    }
    let a: std::net::Ipv6Addr = addr
        .parse()
        .map_err(|_| bad("an IPv6 prefix like 2001:db8::/32"))?;
    let (offset, length) = match len.map(|l| l.split_once('-').unwrap_or(("0", l))) {
        Some((o, l)) => (o.parse::<u8>(), l.parse::<u8>()),
        None => (Ok(0), Ok(128)),
    };
    let (Ok(offset), Ok(length)) = (offset, length) else {
        return Err(bad("a prefix length (or offset-length) of 0-128"));
    };
    Ipv6Pattern::new(a, offset, length)
        .map(FlowPrefix::V6)
        .ok_or_else(|| bad("an offset below the length, and a length of at most 128"))
}

impl fmt::Display for FlowPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowPrefix::V4(n) => write!(f, "{n}"),
            FlowPrefix::V6(p) if p.offset() == 0 => write!(f, "{}/{}", p.addr(), p.length()),
            FlowPrefix::V6(p) => write!(f, "{}/{}-{}", p.addr(), p.offset(), p.length()),
        }
    }
}

/// The value text of a component, without its keyword (what a CRD field holds).
pub fn value_text(c: &Component) -> String {
    let ty = c.component_type();
    let mut s = String::new();
    match c.value() {
        Value::Prefix(p) => s = p.to_string(),
        Value::Numeric(ops) => {
            for (i, m) in ops.iter().enumerate() {
                s.push_str(separator(i, m.and));
                s.push_str(&numeric_text(ty, m));
            }
        }
        Value::Bitmask(ops) => {
            for (i, m) in ops.iter().enumerate() {
                s.push_str(separator(i, m.and));
                s.push_str(&bitmask_text(ty, m));
            }
        }
    }
    s
}

fn separator(i: usize, and: bool) -> &'static str {
    match (i, and) {
        (0, _) => "",
        (_, true) => "&",
        (_, false) => " ",
    }
}

fn numeric_text(ty: ComponentType, m: &NumericMatch) -> String {
    let op = match m.cmp {
        NumericCmp::True => return "true".into(),
        NumericCmp::False => return "false".into(),
        NumericCmp::Eq => "=",
        NumericCmp::Gt => ">",
        NumericCmp::Ge => ">=",
        NumericCmp::Lt => "<",
        NumericCmp::Le => "<=",
        NumericCmp::Ne => "!=",
    };
    match (ty, names::name_of(ty, m.value)) {
        (ComponentType::IpProtocol, Some(name)) => format!("{op}{name}"),
        _ => format!("{op}{}", m.value),
    }
}

fn bitmask_text(ty: ComponentType, m: &BitmaskMatch) -> String {
    let op = match (m.not, m.match_all) {
        (false, false) => "",
        (false, true) => "=",
        (true, false) => "!",
        (true, true) => "!=",
    };
    let mut s = op.to_string();
    match names::bits_to_names(ty, m.value) {
        Some(n) => s.push_str(&n),
        None => {
            let _ = write!(s, "{:#x}", m.value);
        }
    }
    s
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.component_type(), value_text(self))
    }
}

/// `destination 192.0.2.0/24 protocol =tcp destination-port =80`, parseable by
/// [`parse_rule`] with the rule's AFI.
impl fmt::Display for FlowSpecNlri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.components().iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(afi: Afi, s: &str) -> String {
        parse_rule(afi, s).unwrap().to_string()
    }

    fn err(afi: Afi, s: &str) -> String {
        parse_rule(afi, s).unwrap_err().to_string()
    }

    #[test]
    fn numeric_forms() {
        let v4 = Afi::Ipv4;
        assert_eq!(rt(v4, "port 53"), "port =53");
        assert_eq!(rt(v4, "port ==53"), "port =53");
        assert_eq!(
            rt(v4, "port >=1024&<=2048 =8080"),
            "port >=1024&<=2048 =8080"
        );
        assert_eq!(rt(v4, "port 1024-2048"), "port >=1024&<=2048");
        assert_eq!(
            rt(v4, "port !=22 <10 >5 <=1 >=2"),
            "port !=22 <10 >5 <=1 >=2"
        );
        assert_eq!(rt(v4, "port true false"), "port true false");
        assert_eq!(
            rt(v4, "packet-length >100&1000-2000"),
            "packet-length >100&>=1000&<=2000"
        );
        assert_eq!(rt(v4, "dscp 0x2e"), "dscp =46");
    }

    #[test]
    fn protocol_names() {
        let v4 = Afi::Ipv4;
        assert_eq!(
            rt(v4, "protocol tcp udp =icmp gre esp ah sctp ospf 200"),
            "protocol =tcp =udp =icmp =gre =esp =ah =sctp =ospf =200"
        );
        assert_eq!(rt(Afi::Ipv6, "next-header ipv6-icmp"), "protocol =icmpv6");
        let r = parse_rule(v4, "protocol !=tcp").unwrap();
        assert_eq!(
            r.components()[0],
            Component::IpProtocol(vec![NumericMatch::new(false, NumericCmp::Ne, 6)])
        );
    }

    #[test]
    fn bitmask_forms() {
        let v4 = Afi::Ipv4;
        assert_eq!(rt(v4, "tcp-flags syn"), "tcp-flags syn");
        assert_eq!(rt(v4, "tcp-flags =syn&!ack"), "tcp-flags =syn&!ack");
        assert_eq!(rt(v4, "tcp-flags !=fin"), "tcp-flags !=fin");
        assert_eq!(
            rt(v4, "tcp-flags ==syn|ack 0x12"),
            "tcp-flags =syn|ack syn|ack"
        );
        assert_eq!(
            rt(v4, "tcp-flags push|urgent|ece|cwr|rst"),
            "tcp-flags rst|psh|urg|ece|cwr"
        );
        assert_eq!(rt(v4, "tcp-flags 0x100"), "tcp-flags 0x100");
        assert_eq!(
            rt(v4, "fragment df|isf ff lf"),
            "fragment dont-fragment|is-fragment first-fragment last-fragment"
        );
        let r = parse_rule(v4, "tcp-flags =syn&!ack").unwrap();
        assert_eq!(
            r.components()[0],
            Component::TcpFlags(vec![
                BitmaskMatch::new(false, false, true, 2),
                BitmaskMatch::new(true, true, false, 0x10)
            ])
        );
    }

    #[test]
    fn whole_rule_and_prefixes() {
        let s = "destination 192.0.2.0/24 source 198.51.100.0/24 protocol =tcp destination-port =80 tcp-flags =syn";
        assert_eq!(rt(Afi::Ipv4, s), s);
        // components are printed in type order whatever the input order
        assert_eq!(
            rt(Afi::Ipv4, "port 80 destination 10.0.0.1"),
            "destination 10.0.0.1/32 port =80"
        );
        assert_eq!(
            rt(Afi::Ipv4, "destination 10.1.2.3/8"),
            "destination 10.0.0.0/8"
        );
        let s6 = "destination 2001:db8::/32 source ::1234:5678:9a00:0/64-104 protocol =tcp flow-label =5";
        assert_eq!(rt(Afi::Ipv6, s6), s6);
        assert_eq!(
            rt(Afi::Ipv6, "source 2001:db8::1"),
            "source 2001:db8::1/128"
        );
    }

    #[test]
    fn errors_name_the_column() {
        let v4 = Afi::Ipv4;
        assert_eq!(
            err(v4, "tcp-flags =syn&"),
            "at column 16: expected a number or flag name after '&'"
        );
        assert_eq!(
            err(v4, "tcp-flags syn|"),
            "at column 15: expected a number or flag name after '|'"
        );
        assert!(
            err(v4, "tcp-flags =bogus")
                .starts_with("at column 12: expected a number or flag name (fin, syn")
        );
        assert_eq!(
            err(v4, "port >="),
            "at column 8: expected a number after '>='"
        );
        assert_eq!(
            err(v4, "port 80&"),
            "at column 9: expected a number or comparison after '&'"
        );
        assert_eq!(
            err(v4, "port 70000"),
            "at column 6: value 70000 is out of range for port (0-65535)"
        );
        assert_eq!(
            err(v4, "port 2048-1024"),
            "at column 6: range start 2048 is above its end 1024"
        );
        assert_eq!(
            err(v4, "port 10-x"),
            "at column 9: expected a number after '-', found 'x'"
        );
        assert_eq!(
            err(v4, "protocol =foo"),
            "at column 11: expected a protocol number or name after '=', found 'foo'"
        );
        assert_eq!(
            err(v4, "dscp 64"),
            "at column 6: value 64 is out of range for dscp (0-63)"
        );
        assert_eq!(
            err(v4, "port"),
            "at column 5: expected a value after 'port'"
        );
        assert_eq!(
            err(v4, "destination"),
            "at column 12: expected a prefix after 'destination'"
        );
        assert!(
            err(v4, "  bogus 1")
                .starts_with("at column 3: expected a component keyword (destination,")
        );
        assert!(err(v4, "").starts_with("at column 1: expected a component keyword"));
        assert_eq!(
            err(v4, "port 1 port 2"),
            "at column 8: port is given more than once"
        );
        assert_eq!(
            err(v4, "flow-label 5"),
            "at column 1: flow-label is not valid for Ipv4"
        );
        assert_eq!(
            err(Afi::Ipv6, "fragment df"),
            "at column 1: fragment: dont-fragment bit is not valid for IPv6"
        );
        assert_eq!(
            err(v4, "destination 10.0.0.0/33"),
            "at column 13: expected a prefix length of 0-32, found '10.0.0.0/33'"
        );
        assert_eq!(
            err(v4, "destination 2001:db8::/32"),
            "at column 13: expected an IPv4 prefix like 192.0.2.0/24, found '2001:db8::/32'"
        );
        assert!(
            err(Afi::Ipv6, "source ::1/64-32")
                .starts_with("at column 8: expected an offset below the length")
        );
        assert_eq!(
            err(v4, "destination 10.0.0.0/8 10.0.0.0/9"),
            "at column 24: destination takes one prefix, found another word '10.0.0.0/9'"
        );
        // columns count characters, not bytes
        assert_eq!(
            err(v4, "port é"),
            "at column 6: expected a number, found 'é'"
        );
    }

    #[test]
    fn component_value_parse_and_print() {
        let c = parse_component(
            Afi::Ipv4,
            ComponentType::DestinationPort,
            ">=1024&<=2048 =8080",
        )
        .unwrap();
        assert_eq!(value_text(&c), ">=1024&<=2048 =8080");
        let e = parse_component(Afi::Ipv4, ComponentType::TcpFlags, "syn&").unwrap_err();
        assert_eq!(
            e,
            TextError {
                column: 5,
                message: "expected a number or flag name after '&'".into()
            }
        );
        assert_eq!(
            parse_prefix(Afi::Ipv6, "::/0-0").unwrap().to_string(),
            "::/0"
        );
    }
}
