//! Rule precedence (RFC 8955 §5.1, updated for IPv6 by RFC 8956 §4).
//!
//! Components are compared pairwise in type order. A rule that has a component type the
//! other lacks (at the first difference) comes first. Prefixes: IPv6 lower offset first,
//! then if the common bits differ the lower value first, else the longer (more specific)
//! prefix first. Other types: memcmp of the component data over the common length, lower
//! first; if equal, the *longer* data first (the RFC's "longest string" rule).

use std::cmp::Ordering;

use super::FlowSpecNlri;
use super::component::{Component, Value};
use super::prefix::FlowPrefix;

impl FlowSpecNlri {
    /// `Less` when `self` has precedence over `other` (is applied first).
    pub fn precedence_cmp(&self, other: &Self) -> Ordering {
        let mut a = self.components().iter();
        let mut b = other.components().iter();
        loop {
            let ord = match (a.next(), b.next()) {
                (None, None) => return Ordering::Equal,
                // The end of a rule counts as an infinitely high type.
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => component_cmp(x, y),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
    }
}

/// Sorts rules so that the one with the highest precedence comes first. Stable, so equal
/// rules keep their order.
pub fn sort_by_precedence(rules: &mut [FlowSpecNlri]) {
    rules.sort_by(FlowSpecNlri::precedence_cmp);
}

fn component_cmp(x: &Component, y: &Component) -> Ordering {
    let by_type = x.component_type().cmp(&y.component_type());
    if by_type != Ordering::Equal {
        return by_type;
    }
    match (x.value(), y.value()) {
        (Value::Prefix(p), Value::Prefix(q)) => prefix_cmp(p, q),
        _ => data_cmp(x, y),
    }
}

fn prefix_cmp(p: &FlowPrefix, q: &FlowPrefix) -> Ordering {
    let (p_off, p_len, p_val) = p.order_key();
    let (q_off, q_len, q_val) = q.order_key();
    let common = p_len.min(q_len);
    // Keep only the first `common` bits; bits before the (equal) offset are zero.
    let mask = u128::MAX
        .checked_shr(u32::from(common))
        .map_or(u128::MAX, |m| !m);
    p_off
        .cmp(&q_off)
        .then((p_val & mask).cmp(&(q_val & mask)))
        .then(q_len.cmp(&p_len))
}

fn data_cmp(x: &Component, y: &Component) -> Ordering {
    let (mut dx, mut dy) = (Vec::new(), Vec::new());
    x.encode_body(&mut dx);
    y.encode_body(&mut dy);
    let common = dx.len().min(dy.len());
    let (hx, hy) = (
        dx.get(..common).unwrap_or(&[]),
        dy.get(..common).unwrap_or(&[]),
    );
    hx.cmp(hy).then(dy.len().cmp(&dx.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::afi::Afi;
    use crate::nlri::flowspec::text::parse_rule;

    fn rule(afi: Afi, s: &str) -> FlowSpecNlri {
        parse_rule(afi, s).unwrap()
    }

    #[test]
    fn lower_type_wins_and_missing_types_lose() {
        let v4 = Afi::Ipv4;
        let a = rule(v4, "destination 10.0.0.0/8");
        let b = rule(v4, "source 10.0.0.0/8");
        assert_eq!(a.precedence_cmp(&b), Ordering::Less);
        let c = rule(v4, "destination 10.0.0.0/8 port =80");
        assert_eq!(c.precedence_cmp(&a), Ordering::Less);
        assert_eq!(a.precedence_cmp(&a), Ordering::Equal);
    }

    #[test]
    fn prefixes_longest_match_then_lowest_value() {
        let v4 = Afi::Ipv4;
        let wide = rule(v4, "destination 10.0.0.0/8");
        let narrow = rule(v4, "destination 10.1.0.0/16");
        let other = rule(v4, "destination 11.0.0.0/16");
        assert_eq!(narrow.precedence_cmp(&wide), Ordering::Less);
        assert_eq!(wide.precedence_cmp(&other), Ordering::Less);
        let mut v = vec![other.clone(), wide.clone(), narrow.clone()];
        sort_by_precedence(&mut v);
        assert_eq!(v, vec![narrow, wide, other]);
    }

    #[test]
    fn ipv6_lower_offset_wins_first() {
        let v6 = Afi::Ipv6;
        let a = rule(v6, "destination ::1234:5678:9a00:0/64-104");
        let b = rule(v6, "destination 2001:db8::/32");
        assert_eq!(b.precedence_cmp(&a), Ordering::Less);
        let c = rule(v6, "destination 2001:db8:1::/48");
        assert_eq!(c.precedence_cmp(&b), Ordering::Less);
    }

    #[test]
    fn other_components_memcmp_then_longer_wins() {
        let v4 = Afi::Ipv4;
        // 81 19 < 81 50
        let p25 = rule(v4, "port =25");
        let p80 = rule(v4, "port =80");
        assert_eq!(p25.precedence_cmp(&p80), Ordering::Less);
        // 01 19 91 1f 90 vs 81 19: 01 < 81
        let two = rule(v4, "port =25 =8080");
        assert_eq!(two.precedence_cmp(&p25), Ordering::Less);
        // equal common prefix: the longer string wins
        let short = rule(v4, "dscp =1");
        let long = FlowSpecNlri::new(
            v4,
            vec![Component::Dscp(vec![crate::nlri::flowspec::NumericMatch {
                and: false,
                cmp: crate::nlri::flowspec::NumericCmp::Eq,
                value: 1,
                len: crate::nlri::flowspec::ValueLen::Two,
            }])],
        )
        .unwrap();
        // 81 01 vs 91 00 01: 81 < 91, so the memcmp decides first
        assert_eq!(short.precedence_cmp(&long), Ordering::Less);
        let a = rule(v4, "packet-length =1");
        let b = rule(v4, "packet-length =1 =2");
        // 81 01 vs 01 01 81 02: 01 < 81
        assert_eq!(b.precedence_cmp(&a), Ordering::Less);
    }
}
