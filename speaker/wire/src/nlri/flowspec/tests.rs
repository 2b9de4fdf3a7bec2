//! Cross-module tests: RFC 8955 / RFC 8956 example bytes, every component type in both
//! families, both length forms, every decode and construction error, and property tests.
//! The proptest strategies at the bottom are meant to be reused by UPDATE-level tests.

use std::net::Ipv6Addr;

use proptest::prelude::*;

use super::text::parse_rule;
use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

/// Checks decode(bytes) == parse(text), encode == bytes, and the printed text.
fn both_ways(afi: Afi, text: &str, wire: &str) {
    let wire = h(wire);
    let want = parse_rule(afi, text).unwrap();
    let got = FlowSpecNlri::decode_list(afi, &wire).unwrap();
    assert_eq!(got, vec![want.clone()], "{text}");
    let mut out = Vec::new();
    want.encode(&mut out);
    assert_eq!(out, wire, "{text}");
    assert_eq!(want.wire_len(), wire.len());
    assert_eq!(want.to_string(), text);
}

#[test]
fn rfc8955_examples() {
    let v4 = Afi::Ipv4;
    // §4.2.2 example 1: to 192.0.2.0/24, TCP, port 25
    both_ways(
        v4,
        "destination 192.0.2.0/24 protocol =tcp port =25",
        "0b 01 18 c0 00 02 03 81 06 04 81 19",
    );
    // example 2: to 192.0.2.0/24 from 203.0.113.0/24, port [137, 139] or 8080
    both_ways(
        v4,
        "destination 192.0.2.0/24 source 203.0.113.0/24 port >=137&<=139 =8080",
        "12 01 18 c0 00 02 02 18 cb 00 71 04 03 89 45 8b 91 1f 90",
    );
    // example 3: to 192.0.2.1/32, fragment DF or FF
    both_ways(
        v4,
        "destination 192.0.2.1/32 fragment dont-fragment|first-fragment",
        "09 01 20 c0 00 02 01 0c 80 05",
    );
}

#[test]
fn rfc8956_examples() {
    let v6 = Afi::Ipv6;
    // §3.8.1 (with errata 7571: the destination pattern ends in b8)
    both_ways(
        v6,
        "destination 2001:db8::/32 source ::1234:5678:9a00:0/64-104 protocol =tcp",
        "12 01 20 00 20 01 0d b8 02 68 40 12 34 56 78 9a 03 81 06",
    );
    // offset 65: the same 104-bit address, pattern shifted by one more bit
    both_ways(
        v6,
        "destination ::1234:5678:9a00:0/65-104",
        "08 01 68 41 24 68 ac f1 34",
    );
}

#[test]
fn every_component_type_ipv4() {
    let v4 = Afi::Ipv4;
    both_ways(v4, "destination 10.0.0.0/8", "03 01 08 0a");
    both_ways(v4, "destination 0.0.0.0/0", "02 01 00");
    both_ways(v4, "source 203.0.113.0/24", "05 02 18 cb 00 71");
    both_ways(v4, "protocol =udp", "03 03 81 11");
    both_ways(v4, "port =25", "03 04 81 19");
    both_ways(v4, "destination-port =80", "03 05 81 50");
    both_ways(v4, "source-port >=1024", "04 06 93 04 00");
    both_ways(v4, "icmp-type =8", "03 07 81 08");
    both_ways(v4, "icmp-code =0", "03 08 81 00");
    both_ways(v4, "tcp-flags =syn", "03 09 81 02");
    both_ways(v4, "tcp-flags !=syn|ack&!rst", "05 09 03 12 c2 04");
    both_ways(v4, "packet-length >=100&<=200", "05 0a 03 64 c5 c8");
    both_ways(v4, "dscp =46", "03 0b 81 2e");
    both_ways(v4, "fragment is-fragment", "03 0c 80 02");
    both_ways(v4, "port !=22 true false", "07 04 06 16 07 00 80 00");
}

#[test]
fn every_component_type_ipv6() {
    let v6 = Afi::Ipv6;
    both_ways(v6, "destination 2001:db8::/32", "07 01 20 00 20 01 0d b8");
    both_ways(v6, "destination ::/0", "03 01 00 00");
    both_ways(
        v6,
        "source ::1:1234:5678:9800:0/60-104",
        "09 02 68 3c 11 23 45 67 89 80",
    );
    both_ways(v6, "protocol =icmpv6", "03 03 81 3a");
    both_ways(v6, "port <1024", "04 04 94 04 00");
    both_ways(v6, "destination-port =443", "04 05 91 01 bb");
    both_ways(v6, "source-port =53", "03 06 81 35");
    both_ways(v6, "icmp-type =128", "03 07 81 80");
    both_ways(v6, "icmp-code =4", "03 08 81 04");
    both_ways(v6, "tcp-flags fin|rst", "03 09 80 05");
    both_ways(v6, "packet-length >1400", "04 0a 92 05 78");
    both_ways(v6, "dscp =10 =12", "05 0b 01 0a 81 0c");
    both_ways(v6, "fragment =first-fragment|last-fragment", "03 0c 81 0c");
    both_ways(v6, "flow-label =74565", "06 0d a1 00 01 23 45");
}

#[test]
fn wider_values_round_trip_in_bytes() {
    // port =80 sent with a 4-octet and an 8-octet value
    let wire = h("0f 04 21 00 00 00 50 b1 00 00 00 00 00 00 00 51");
    let got = FlowSpecNlri::decode_list(Afi::Ipv4, &wire).unwrap();
    let mut out = Vec::new();
    FlowSpecNlri::encode_list(&got, &mut out);
    assert_eq!(out, wire);
    assert_eq!(got[0].to_string(), "port =80 =81");
}

#[test]
fn both_length_forms() {
    // 120 port pairs of 2 octets + the type octet = 241 octets: 2-octet form 0xf0f1
    let ops = (0..120)
        .map(|i| NumericMatch::new(false, NumericCmp::Eq, i))
        .collect();
    let rule = FlowSpecNlri::new(Afi::Ipv4, vec![Component::Port(ops)]).unwrap();
    let mut out = Vec::new();
    rule.encode(&mut out);
    assert_eq!(&out[..3], &[0xf0, 0xf1, 0x04]);
    assert_eq!(out.len(), 243);
    assert_eq!(rule.wire_len(), 243);
    assert_eq!(
        FlowSpecNlri::decode_list(Afi::Ipv4, &out).unwrap(),
        vec![rule]
    );
    // 239 octets is the largest 1-octet form
    let ops = (0..119)
        .map(|i| NumericMatch::new(false, NumericCmp::Eq, i))
        .collect();
    let rule = FlowSpecNlri::new(Afi::Ipv4, vec![Component::Port(ops)]).unwrap();
    let mut out = Vec::new();
    rule.encode(&mut out);
    assert_eq!(out[0], 239);
    // a short rule in the 2-octet form is accepted and re-encoded in the short form
    let rule = FlowSpecNlri::decode_list(Afi::Ipv4, &h("f0 03 04 81 19")).unwrap();
    let mut out = Vec::new();
    FlowSpecNlri::encode_list(&rule, &mut out);
    assert_eq!(out, h("03 04 81 19"));
    // several rules in one field
    let two = FlowSpecNlri::decode_list(Afi::Ipv4, &h("03 04 81 19 03 04 81 50")).unwrap();
    assert_eq!(two.len(), 2);
}

fn malformed(afi: Afi, wire: &str) -> (usize, usize, RuleError) {
    match FlowSpecNlri::decode_list(afi, &h(wire)) {
        Err(FlowSpecError::Malformed {
            index,
            offset,
            reason,
        }) => (index, offset, reason),
        other => panic!("{wire}: {other:?}"),
    }
}

#[test]
fn every_decode_error() {
    use ComponentType as T;
    let (v4, v6) = (Afi::Ipv4, Afi::Ipv6);
    let e = FlowSpecNlri::decode_list(Afi::Other(25), &[]).unwrap_err();
    assert_eq!(e, FlowSpecError::UnsupportedAfi(Afi::Other(25)));
    assert!(!e.framing_intact());
    let e = FlowSpecNlri::decode_list(v4, &[0xf0]).unwrap_err();
    assert_eq!(
        e,
        FlowSpecError::Framing {
            index: 0,
            offset: 0,
            reason: FramingError::TruncatedLength
        }
    );
    assert!(!e.framing_intact());
    // trailing garbage after a good rule
    let e = FlowSpecNlri::decode_list(v4, &h("03 04 81 19 05 01")).unwrap_err();
    let reason = FramingError::LengthExceedsData { length: 5, have: 1 };
    assert_eq!(
        e,
        FlowSpecError::Framing {
            index: 1,
            offset: 4,
            reason
        }
    );
    assert_eq!(
        e.to_string(),
        "rule 1 at octet 4: length 5 exceeds the 1 octets left"
    );

    assert_eq!(malformed(v4, "00"), (0, 1, RuleError::Empty));
    assert_eq!(
        malformed(v4, "02 0e 81"),
        (0, 1, RuleError::UnknownComponent(14))
    );
    assert_eq!(
        malformed(v4, "03 00 81 01"),
        (0, 1, RuleError::UnknownComponent(0))
    );
    let ooo = RuleError::OutOfOrder {
        previous: 4,
        found: 3,
    };
    assert_eq!(malformed(v4, "06 04 81 19 03 81 06"), (0, 4, ooo));
    let dup = RuleError::OutOfOrder {
        previous: 4,
        found: 4,
    };
    assert_eq!(malformed(v4, "06 04 81 19 04 81 19"), (0, 4, dup));
    let fl = RuleError::NotInFamily {
        component: T::FlowLabel,
        afi: v4,
    };
    assert_eq!(malformed(v4, "03 0d 81 05"), (0, 1, fl));
    let tr = RuleError::Truncated {
        component: T::DestinationPrefix,
        what: "prefix",
        need: 3,
        have: 1,
    };
    assert_eq!(malformed(v4, "03 01 18 c0"), (0, 1, tr));
    assert_eq!(
        malformed(v4, "03 04 01 19"),
        (0, 1, RuleError::MissingEndOfList { component: T::Port })
    );
    let tr = RuleError::Truncated {
        component: T::Port,
        what: "operator value",
        need: 2,
        have: 1,
    };
    assert_eq!(malformed(v4, "03 04 91 19"), (0, 1, tr));
    let pl = RuleError::PrefixLength {
        component: T::DestinationPrefix,
        length: 33,
        max: 32,
    };
    assert_eq!(malformed(v4, "07 01 21 0a 00 00 00 00"), (0, 1, pl));
    let pl = RuleError::PrefixLength {
        component: T::SourcePrefix,
        length: 129,
        max: 128,
    };
    assert_eq!(malformed(v6, "03 02 81 00"), (0, 1, pl));
    let po = RuleError::PrefixOffset {
        component: T::SourcePrefix,
        offset: 40,
        length: 32,
    };
    assert_eq!(malformed(v6, "07 02 20 28 00 00 00 00"), (0, 1, po));
    assert_eq!(
        malformed(v6, "03 0c 80 01"),
        (0, 1, RuleError::DontFragmentInIpv6)
    );
    // the offset points into the field, past earlier rules and components
    let (i, off, _) = malformed(v4, "03 04 81 19 06 04 81 19 0e 81 00");
    assert_eq!((i, off), (1, 8));
    let e = FlowSpecNlri::decode_list(v4, &h("00")).unwrap_err();
    assert!(e.framing_intact());
    assert_eq!(e.to_string(), "rule 0 at octet 1: rule has no components");
}

#[test]
fn salvage_keeps_the_good_rules() {
    let s = FlowSpecNlri::decode_list_salvage(Afi::Ipv4, &h("02 0e 81 03 04 81 19 03 04 01 19 05"));
    assert_eq!(
        s.rules,
        FlowSpecNlri::decode_list(Afi::Ipv4, &h("03 04 81 19")).unwrap()
    );
    assert_eq!(s.errors.len(), 3);
    assert!(s.errors[0].framing_intact() && s.errors[1].framing_intact());
    assert!(!s.errors[2].framing_intact());
}

#[test]
fn every_construction_error() {
    use ComponentType as T;
    let v4 = Afi::Ipv4;
    let inv = |afi, c| FlowSpecNlri::new(afi, c).unwrap_err();
    let port = |v| Component::Port(vec![NumericMatch::new(false, NumericCmp::Eq, v)]);
    assert_eq!(
        inv(Afi::Other(9), vec![port(1)]),
        FlowSpecError::UnsupportedAfi(Afi::Other(9))
    );
    assert_eq!(inv(v4, vec![]), FlowSpecError::Invalid(RuleError::Empty));
    let dup = RuleError::Duplicate { component: T::Port };
    assert_eq!(inv(v4, vec![port(1), port(2)]), FlowSpecError::Invalid(dup));
    let empty = RuleError::EmptyOperatorList { component: T::Dscp };
    assert_eq!(
        inv(v4, vec![Component::Dscp(vec![])]),
        FlowSpecError::Invalid(empty)
    );
    let wide = NumericMatch {
        and: false,
        cmp: NumericCmp::Eq,
        value: 300,
        len: ValueLen::One,
    };
    let e = RuleError::ValueTooWide {
        component: T::Port,
        value: 300,
        octets: 1,
    };
    assert_eq!(
        inv(v4, vec![Component::Port(vec![wide])]),
        FlowSpecError::Invalid(e)
    );
    let p6 = FlowPrefix::V6(Ipv6Pattern::new(Ipv6Addr::UNSPECIFIED, 0, 0).unwrap());
    let e = RuleError::PrefixFamily {
        component: T::DestinationPrefix,
        afi: v4,
    };
    assert_eq!(
        inv(v4, vec![Component::DestinationPrefix(p6)]),
        FlowSpecError::Invalid(e)
    );
    let e = RuleError::NotInFamily {
        component: T::FlowLabel,
        afi: v4,
    };
    let fl = Component::FlowLabel(vec![NumericMatch::new(false, NumericCmp::Eq, 1)]);
    assert_eq!(inv(v4, vec![fl]), FlowSpecError::Invalid(e));
    let many = (0..1500)
        .map(|i| NumericMatch::new(false, NumericCmp::Eq, i))
        .collect();
    let e = inv(v4, vec![Component::Port(many)]);
    assert_eq!(
        e,
        FlowSpecError::Invalid(RuleError::TooLong {
            length: 1 + 256 * 2 + 1244 * 3
        })
    );
    assert!(Ipv6Pattern::new(Ipv6Addr::UNSPECIFIED, 8, 8).is_none());
    // components are sorted and a first AND bit is dropped
    let and_first = Component::Dscp(vec![NumericMatch::new(true, NumericCmp::Eq, 1)]);
    let r = FlowSpecNlri::new(v4, vec![and_first, port(1)]).unwrap();
    assert_eq!(r.to_string(), "port =1 dscp =1");
    assert!(r.get(T::Dscp).is_some() && r.get(T::IcmpCode).is_none());
}

// ---- proptest strategies (reusable by UPDATE-level tests) ------------------------------

const CMPS: [NumericCmp; 8] = [
    NumericCmp::False,
    NumericCmp::Eq,
    NumericCmp::Gt,
    NumericCmp::Ge,
    NumericCmp::Lt,
    NumericCmp::Le,
    NumericCmp::Ne,
    NumericCmp::True,
];
const LENS: [ValueLen; 4] = [
    ValueLen::One,
    ValueLen::Two,
    ValueLen::Four,
    ValueLen::Eight,
];

/// A length at least as wide as `value` needs; `minimal` forces the smallest.
fn pick_len(value: u64, pick: usize, minimal: bool) -> ValueLen {
    let fitting: Vec<ValueLen> = LENS.into_iter().filter(|l| l.fits(value)).collect();
    match minimal {
        true => ValueLen::smallest(value),
        false => fitting
            .get(pick % fitting.len().max(1))
            .copied()
            .unwrap_or(ValueLen::Eight),
    }
}

fn arb_numeric(max: u64, minimal: bool) -> impl Strategy<Value = Vec<NumericMatch>> {
    let pair = (any::<bool>(), 0usize..8, 0..=max, 0usize..4);
    prop::collection::vec(pair, 1..5).prop_map(move |v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (and, c, value, l))| {
                let cmp = CMPS[c];
                // text prints true/false without a value
                let value = if minimal && matches!(cmp, NumericCmp::True | NumericCmp::False) {
                    0
                } else {
                    value
                };
                NumericMatch {
                    and: and && i > 0,
                    cmp,
                    value,
                    len: pick_len(value, l, minimal),
                }
            })
            .collect()
    })
}

fn arb_bitmask(max: u64, clear: u64, minimal: bool) -> impl Strategy<Value = Vec<BitmaskMatch>> {
    let pair = (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0..=max,
        0usize..4,
    );
    prop::collection::vec(pair, 1..4).prop_map(move |v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (and, not, all, value, l))| {
                let value = value & !clear;
                BitmaskMatch {
                    and: and && i > 0,
                    not,
                    match_all: all,
                    value,
                    len: pick_len(value, l, minimal),
                }
            })
            .collect()
    })
}

fn arb_prefix(afi: Afi) -> BoxedStrategy<FlowPrefix> {
    match afi {
        Afi::Ipv6 => (any::<u128>(), 0u8..=128, any::<u8>())
            .prop_map(|(a, len, off)| {
                let offset = if len == 0 { 0 } else { off % len };
                let p = Ipv6Pattern::new(Ipv6Addr::from(a), offset, len);
                FlowPrefix::V6(
                    p.unwrap_or_else(|| Ipv6Pattern::new(Ipv6Addr::UNSPECIFIED, 0, 0).unwrap()),
                )
            })
            .boxed(),
        _ => (any::<u32>(), 0u8..=32)
            .prop_map(|(a, len)| {
                let n = ipnet::Ipv4Net::new(a.into(), len).unwrap_or_default();
                FlowPrefix::V4(n.trunc())
            })
            .boxed(),
    }
}

fn arb_component(afi: Afi, ty: ComponentType, minimal: bool) -> BoxedStrategy<Component> {
    let max = if minimal {
        names::max_value(ty)
    } else {
        u64::MAX
    };
    if ty.is_prefix() {
        return arb_prefix(afi)
            .prop_filter_map("prefix", move |p| Component::prefix(ty, p))
            .boxed();
    }
    if ty.is_bitmask() {
        let no_df = if afi == Afi::Ipv6 && ty == ComponentType::Fragment {
            1
        } else {
            0
        };
        return arb_bitmask(max, no_df, minimal)
            .prop_filter_map("bm", move |v| Component::bitmask(ty, v))
            .boxed();
    }
    arb_numeric(max, minimal)
        .prop_filter_map("num", move |v| Component::numeric(ty, v))
        .boxed()
}

/// A valid rule of the family; `minimal` rules use the smallest value lengths and values
/// in each component's range, so they also round-trip through the text grammar.
pub(crate) fn arb_rule(afi: Afi, minimal: bool) -> impl Strategy<Value = FlowSpecNlri> {
    let parts: Vec<_> = ComponentType::ALL
        .into_iter()
        .filter(|t| t.valid_for(afi))
        .map(|t| prop::option::weighted(0.4, arb_component(afi, t, minimal)))
        .collect();
    parts.prop_filter_map("non-empty", move |cs| {
        FlowSpecNlri::new(afi, cs.into_iter().flatten().collect()).ok()
    })
}

fn arb_afi() -> impl Strategy<Value = Afi> {
    prop_oneof![Just(Afi::Ipv4), Just(Afi::Ipv6)]
}

pub(crate) fn arb_action() -> impl Strategy<Value = FlowSpecAction> {
    use FlowSpecAction as A;
    // finite, non-negative rates: NaN has no single text form
    let rate = (0u32..0x7f80_0000).prop_map(action::Rate);
    prop_oneof![
        (any::<u16>(), rate.clone()).prop_map(|(asn, rate)| A::TrafficRateBytes { asn, rate }),
        (any::<u16>(), rate).prop_map(|(asn, rate)| A::TrafficRatePackets { asn, rate }),
        (any::<bool>(), any::<bool>())
            .prop_map(|(sample, terminal)| A::TrafficAction { sample, terminal }),
        (any::<u16>(), any::<u32>()).prop_map(|(asn, value)| A::RedirectAs2 { asn, value }),
        (any::<u32>(), any::<u16>()).prop_map(|(a, value)| A::RedirectIpv4 {
            addr: a.into(),
            value
        }),
        (any::<u32>(), any::<u16>()).prop_map(|(asn, value)| A::RedirectAs4 { asn, value }),
        (0u8..64).prop_map(|dscp| A::TrafficMarking { dscp }),
        any::<bool>().prop_map(|copy| A::RedirectToIp { copy }),
        (any::<u128>(), any::<u16>()).prop_map(|(a, value)| A::RedirectIpv6 {
            addr: a.into(),
            value
        }),
    ]
}

fn rule_and_afi(minimal: bool) -> impl Strategy<Value = FlowSpecNlri> {
    arb_afi().prop_flat_map(move |afi| arb_rule(afi, minimal))
}

proptest! {
    #[test]
    fn decode_encode_round_trip(rule in rule_and_afi(false)) {
        let mut out = Vec::new();
        rule.encode(&mut out);
        prop_assert_eq!(out.len(), rule.wire_len());
        prop_assert_eq!(FlowSpecNlri::decode_list(rule.afi(), &out), Ok(vec![rule]));
    }

    #[test]
    fn lists_round_trip(afi in arb_afi(), n in 0usize..4, seed in any::<u64>()) {
        let rules: Vec<FlowSpecNlri> = (0..n).filter_map(|i| {
            let v = (seed >> (i * 8)) & 0xffff;
            FlowSpecNlri::new(afi, vec![Component::Port(vec![NumericMatch::new(false, NumericCmp::Eq, v)])]).ok()
        }).collect();
        let mut out = Vec::new();
        FlowSpecNlri::encode_list(&rules, &mut out);
        prop_assert_eq!(FlowSpecNlri::decode_list(afi, &out), Ok(rules));
    }

    #[test]
    fn text_round_trip(rule in rule_and_afi(true)) {
        let text = rule.to_string();
        prop_assert_eq!(parse_rule(rule.afi(), &text), Ok(rule), "{}", text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(afi in arb_afi(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(rules) = FlowSpecNlri::decode_list(afi, &bytes) {
            // what decodes re-encodes to something that decodes the same
            let mut out = Vec::new();
            FlowSpecNlri::encode_list(&rules, &mut out);
            prop_assert_eq!(FlowSpecNlri::decode_list(afi, &out), Ok(rules));
        }
        let _ = FlowSpecNlri::decode_list_salvage(afi, &bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "[a-z0-9:./&|!=<>\\- ]{0,40}", afi in arb_afi()) {
        let _ = parse_rule(afi, &s);
        let _ = action::parse_actions(&s);
    }

    #[test]
    fn precedence_is_a_total_order(a in arb_rule(Afi::Ipv6, false), b in arb_rule(Afi::Ipv6, false)) {
        prop_assert_eq!(a.precedence_cmp(&b), b.precedence_cmp(&a).reverse());
        prop_assert_eq!(a.precedence_cmp(&b) == std::cmp::Ordering::Equal, a == b);
    }

    #[test]
    fn actions_round_trip(a in arb_action()) {
        match (a.to_ext(), a.to_ipv6_ext()) {
            (Some(ec), None) => prop_assert_eq!(FlowSpecAction::from_ext(&ec), Some(a)),
            (None, Some(ec)) => prop_assert_eq!(FlowSpecAction::from_ipv6_ext(&ec), Some(a)),
            other => prop_assert!(false, "{:?}", other),
        }
        prop_assert_eq!(a.to_string().parse::<FlowSpecAction>(), Ok(a));
    }
}
