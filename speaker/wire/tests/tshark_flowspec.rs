//! Layer: real oracle (tshark). FlowSpec UPDATEs built by our encoder (RFC 8955 / RFC 8956)
//! are dissected by Wireshark's BGP dissector, component by component and action by action.

mod support;

use std::net::IpAddr;
use std::sync::Arc;

use bgp_wire::attribute::{
    AsPath, ExtendedCommunity, Ipv6ExtendedCommunity, MpNextHop, MpReach, Origin, PathAttributes,
};
use bgp_wire::message::Update;
use bgp_wire::nlri::FlowSpecNlri;
use bgp_wire::nlri::MpNlri;
use bgp_wire::nlri::flowspec::action::parse_actions;
use bgp_wire::nlri::flowspec::component::Value;
use bgp_wire::nlri::flowspec::text::parse_rule;
use bgp_wire::nlri::flowspec::{Component, ComponentType, FlowSpecAction, ValueLen};
use bgp_wire::pack::{pack_flowspec_announce, pack_flowspec_withdraw};
use bgp_wire::{Afi, AfiSafi, CodecContext, Message};

use support::tshark::{dissect_allowing, tshark_available};

fn rule(afi: Afi, text: &str) -> FlowSpecNlri {
    parse_rule(afi, text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn actions(text: &str) -> Vec<FlowSpecAction> {
    parse_actions(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// One FlowSpec UPDATE: ORIGIN, AS_PATH, the actions as extended communities (attr 16 and,
/// for the IPv6 redirect, attr 25) and MP_REACH_NLRI with `next_hop`.
fn flow_update(
    family: AfiSafi,
    next_hop: MpNextHop,
    rules: Vec<FlowSpecNlri>,
    acts: &[FlowSpecAction],
) -> Vec<u8> {
    let ext: Vec<ExtendedCommunity> = acts.iter().filter_map(FlowSpecAction::to_ext).collect();
    let ext6: Vec<Ipv6ExtendedCommunity> = acts
        .iter()
        .filter_map(FlowSpecAction::to_ipv6_ext)
        .collect();
    assert_eq!(ext.len() + ext6.len(), acts.len(), "every action encodes");
    let update = Update {
        attributes: Arc::new(PathAttributes {
            origin: Some(Origin::Igp),
            as_path: Some(AsPath::from_sequence(vec![65001])),
            extended_communities: ext,
            ipv6_extended_communities: ext6,
            ..PathAttributes::default()
        }),
        mp_reach: Some(MpReach {
            family,
            next_hop,
            reserved: 0,
            nlri: MpNlri::FlowSpec(rules),
        }),
        ..Update::default()
    };
    Message::Update(update).to_bytes(&CodecContext::default())
}

/// The MP_REACH next hop that carries a redirect-to-IP target.
fn redirect_next_hop(acts: &[FlowSpecAction], target: &str) -> MpNextHop {
    assert!(acts.iter().any(FlowSpecAction::uses_next_hop));
    let (_, ip) = FlowSpecAction::redirect_to_ip(target.parse().expect("ip"), false);
    match ip {
        IpAddr::V4(a) => MpNextHop::Ipv4(a),
        IpAddr::V6(a) => MpNextHop::Ipv6(a),
    }
}

/// tshark's output split per BGP message, in order.
fn messages(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text.split("Border Gateway Protocol - ").skip(1).collect();
    for m in &mut out {
        // Cut at the next frame's header, if any.
        if let Some(end) = m.find("\nFrame ") {
            *m = &m[..end];
        }
    }
    out
}

/// The trimmed lines of the tree node whose (trimmed) first line is `header`: that line and
/// every following line indented deeper.
fn node<'a>(msg: &'a str, header: &str) -> Vec<&'a str> {
    node_where(msg, header, |l| l == header)
}

/// Like [`node`], for the first line that satisfies `is_header` (trimmed).
fn node_where<'a>(msg: &'a str, what: &str, is_header: impl Fn(&str) -> bool) -> Vec<&'a str> {
    let mut lines = msg.lines().skip_while(|l| !is_header(l.trim()));
    let Some(first) = lines.next() else {
        panic!("no {what:?} in:\n{msg}");
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let level = indent(first);
    std::iter::once(first.trim())
        .chain(lines.take_while(|l| indent(l) > level).map(|l| l.trim()))
        .collect()
}

/// Asserts that the node `header` of `msg` holds `want` as whole lines, in this order.
fn assert_node(msg: &str, header: &str, want: &[&str]) {
    assert_lines(header, &node(msg, header), want);
}

fn assert_lines(what: &str, lines: &[&str], want: &[&str]) {
    let mut rest = lines.iter();
    for w in want {
        assert!(
            rest.any(|l| l == w),
            "{what:?}: missing {w:?} (in order) among:\n{}",
            lines.join("\n")
        );
    }
}

/// Wireshark 4.0 checks the FlowSpec MP_REACH next hop length against RFC 8955 §4 (0
/// octets) and knows nothing of redirect-to-IP (draft-simpson-idr-flowspec-redirect, as
/// ExaBGP and GoBGP send it: community 0x0800 with the target as MP_REACH next hop). It
/// flags the real ExaBGP vectors `flow4_exabgp_redirect_to_ip_simpson` and
/// `flow6_exabgp_redirect_to_nexthop_v6` with the same two expert infos; our next hop is
/// the one the action means, so these two (and only these) are allowed.
const REDIRECT_NEXT_HOP_EXPERTS: [&str; 2] =
    ["Next Hop (FlowSpec) is not zero", "Unknown Next Hop length"];

/// IPv4 rule with all 12 IPv4 component types: AND-ed ranges, OR lists, bitmask match / not.
const V4_ALL: &str = "destination 192.0.2.0/24 source 198.51.100.64/26 protocol =tcp =udp \
    port =80 =8080 destination-port >=1024&<=2047 =3306 source-port >1023 icmp-type =8 =0 \
    icmp-code =0 tcp-flags =syn&!ack !=fin|rst packet-length >=64&<=1500 =9000 dscp =46 =10 \
    fragment =isf !df";

/// IPv6 rule with all 13 component types (prefix offset 0: Wireshark decodes a non-zero
/// offset the non-RFC way, see testdata/vectors/README.md).
const V6_ALL: &str = "destination 2001:db8:10::/64 source 2001:db8:20::/56 protocol =tcp \
    port =443 destination-port >=8000&<=8080 source-port >1023 icmp-type =128 =129 \
    icmp-code =0 tcp-flags =syn !ack packet-length >=64&<=1280 dscp =46 fragment isf !=ff|lf \
    flow-label =0x12345 >=1&<=255";

/// The rule with the last value of its `ty` component widened to `len` octets (the text
/// grammar always picks the smallest length; a wider one is valid, RFC 8955 §4.2.1.1).
fn widen_last(r: FlowSpecNlri, ty: ComponentType, len: ValueLen) -> FlowSpecNlri {
    let comps = r
        .components()
        .iter()
        .map(|c| match c.value() {
            Value::Numeric(ops) if c.component_type() == ty => {
                let mut ops = ops.to_vec();
                if let Some(last) = ops.last_mut() {
                    last.len = len;
                }
                Component::numeric(ty, ops).expect("numeric")
            }
            _ => c.clone(),
        })
        .collect();
    FlowSpecNlri::new(r.afi(), comps).expect("widened rule")
}

/// The IPv4 all-components rule with a 4-octet `=9000` packet length (1500 is 2 octets, 64
/// one octet).
fn v4_all() -> FlowSpecNlri {
    widen_last(
        rule(Afi::Ipv4, V4_ALL),
        ComponentType::PacketLength,
        ValueLen::Four,
    )
}

const NUM_EQ_1: &str = "Operator flags: 0x01, Value length: 1 byte: 1 <<, equal";
const NUM_EQ_1_END: &str = "Operator flags: 0x81, end-of-list, Value length: 1 byte: 1 <<, equal";
const NUM_EQ_2_END: &str = "Operator flags: 0x91, end-of-list, Value length: 2 bytes: 1 <<, equal";
const NUM_GE_2: &str = "Operator flags: 0x13, Value length: 2 bytes: 1 <<, greater than, equal";
const NUM_AND_LE_2_END: &str =
    "Operator flags: 0xd5, end-of-list, and, Value length: 2 bytes: 1 <<, less than, equal";
const NUM_GT_2_END: &str =
    "Operator flags: 0x92, end-of-list, Value length: 2 bytes: 1 <<, greater than";

/// Components 1-8 read the same in both families except for the prefixes and values.
fn assert_v4_components(msg: &str) {
    assert_node(
        msg,
        "Filter: Destination prefix filter (192.0.2.0/24)",
        &[
            "Filter type: Destination prefix filter (1)",
            "Destination IP filter prefix length: 24",
            "Destination IP filter: 192.0.2.0",
        ],
    );
    assert_node(
        msg,
        "Filter: Source prefix filter (198.51.100.64/26)",
        &[
            "Filter type: Source prefix filter (2)",
            "Source IP filter prefix length: 26",
            "Source IP filter: 198.51.100.64",
        ],
    );
    assert_node(
        msg,
        "Filter: Protocol / Next Header filter (=6 || =17)",
        &[
            "Filter type: Protocol / Next Header filter (3)",
            NUM_EQ_1,
            "Decimal value: 6",
            NUM_EQ_1_END,
            "Decimal value: 17",
        ],
    );
    assert_node(
        msg,
        "Filter: Port filter (=80 || =8080)",
        &[
            "Filter type: Port filter (4)",
            NUM_EQ_1,
            "Decimal value: 80",
            NUM_EQ_2_END,
            "Decimal value: 8080",
        ],
    );
    assert_node(
        msg,
        "Filter: Destination port filter (>=1024 && <=2047 || =3306)",
        &[
            "Filter type: Destination port filter (5)",
            NUM_GE_2,
            "Decimal value: 1024",
            // AND binds the range; no end-of-list yet.
            "Operator flags: 0x55, and, Value length: 2 bytes: 1 <<, less than, equal",
            "Decimal value: 2047",
            NUM_EQ_2_END,
            "Decimal value: 3306",
        ],
    );
    assert_node(
        msg,
        "Filter: Source port filter (>1023)",
        &[
            "Filter type: Source port filter (6)",
            NUM_GT_2_END,
            "Decimal value: 1023",
        ],
    );
    assert_node(
        msg,
        "Filter: ICMP type filter (=8 || =0)",
        &[
            "Filter type: ICMP type filter (7)",
            NUM_EQ_1,
            "Decimal value: 8",
            NUM_EQ_1_END,
            "Decimal value: 0",
        ],
    );
    assert_node(
        msg,
        "Filter: ICMP code filter (=0)",
        &[
            "Filter type: ICMP code filter (8)",
            NUM_EQ_1_END,
            "Decimal value: 0",
        ],
    );
    // Bitmask summaries: Wireshark prints the bitmask operator bits with the numeric
    // symbols of the same bit positions, so match (0x01) shows as "=", not (0x02) as ">"
    // and not+match as ">="; the operator lines below name the bits correctly.
    // `=syn&!ack !=fin|rst`: (SYN set AND ACK not set) OR NOT(FIN and RST both set).
    assert_node(
        msg,
        "Filter: TCP flags filter (= S && > A || >= RF)",
        &[
            "Filter type: TCP flags filter (9)",
            "Operator flags: 0x01, Value length: 1 byte: 1 <<, Match bit",
            "TCP flags: 0x02, Syn",
            "Operator flags: 0x42, and, Value length: 1 byte: 1 <<, logical negation",
            "TCP flags: 0x10, Acknowledgment",
            "Operator flags: 0x83, end-of-list, Value length: 1 byte: 1 <<, logical negation, Match bit",
            "TCP flags: 0x05, Reset, Fin",
        ],
    );
    // 64 in 1 octet, 1500 in 2, 9000 in 4. Wireshark 4.0 cannot show a 4-octet value:
    // its switch on the value length has cases 1, 2, 3, 4 for lengths 1, 2, 4, 8, so a
    // 4-octet value takes the 8-octet case (reads our 4 octets 00 00 23 28 = 9000 plus the
    // next 4, `0b 01 2e 81` = DSCP type, operator, 46, next operator: 0x000023280b012e81 =
    // 38654890290817) and the summary repeats the previous value (1500). It does advance
    // by 4, which is why the DSCP component after it decodes.
    assert_node(
        msg,
        "Filter: Packet Length filter (>=64 && <=1500 || =1500)",
        &[
            "Filter type: Packet Length filter (10)",
            "Operator flags: 0x03, Value length: 1 byte: 1 <<, greater than, equal",
            "Decimal value: 64",
            "Operator flags: 0x55, and, Value length: 2 bytes: 1 <<, less than, equal",
            "Decimal value: 1500",
            "Operator flags: 0xa1, end-of-list, Value length: 4 bytes: 1 <<, equal",
            "Decimal value: 38654890290817",
        ],
    );
    // DSCP is numeric (RFC 8955 §4.2.2.11) but Wireshark labels its operator bits with
    // the bitmask names; 0x01 "Match bit" is our `=`.
    assert_node(
        msg,
        "Filter: DSCP marking filter (=Expedited Forwarding || =Assured Forwarding 11)",
        &[
            "Filter type: DSCP marking filter (11)",
            "Operator flags: 0x01, Value length: 1 byte: 1 <<, Match bit",
            "..10 1110 = Differentiated Services Codepoint: Expedited Forwarding (0x2e)",
            "Operator flags: 0x81, end-of-list, Value length: 1 byte: 1 <<, Match bit",
            "..00 1010 = Differentiated Services Codepoint: Assured Forwarding 11 (0x0a)",
        ],
    );
    // `=isf !df`: is-fragment, or not don't-fragment.
    assert_node(
        msg,
        "Filter: IP fragment filter (= IsF || > DF)",
        &[
            "Filter type: IP fragment filter (12)",
            "Operator flags: 0x01, Value length: 1 byte: 1 <<, Match bit",
            "Fragment Flag: 0x02, Is a fragment",
            "Operator flags: 0x82, end-of-list, Value length: 1 byte: 1 <<, logical negation",
            "Fragment Flag: 0x01, Don't fragment",
        ],
    );
}

#[test]
fn ipv4_flowspec_all_twelve_components_dissect_as_meant() {
    if !tshark_available() {
        return;
    }
    let ctx = CodecContext::default();
    let rule = v4_all();
    let attrs = PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::from_sequence(vec![65001])),
        extended_communities: vec![FlowSpecAction::DISCARD.to_ext().expect("ext")],
        ..PathAttributes::default()
    };
    let mut msgs = pack_flowspec_announce(
        &attrs,
        AfiSafi::IPV4_FLOWSPEC,
        std::slice::from_ref(&rule),
        &ctx,
    )
    .expect("pack");
    msgs.extend(
        pack_flowspec_withdraw(AfiSafi::IPV4_FLOWSPEC, std::slice::from_ref(&rule), &ctx)
            .expect("pack"),
    );
    assert_eq!(msgs.len(), 2);
    let text = dissect_allowing("flowspec4-components", &msgs, &[]);
    let per_msg = messages(&text);
    assert_eq!(per_msg.len(), 2, "{text}");
    let body = rule.wire_len() - 1;
    for (msg, attr) in per_msg.iter().zip(["MP_REACH_NLRI", "MP_UNREACH_NLRI"]) {
        assert!(msg.contains(&format!("Path Attribute - {attr}")), "{msg}");
        assert!(
            msg.contains("Subsequent address family identifier (SAFI): Flow Spec Filter (133)"),
            "{msg}"
        );
        assert!(msg.contains(&format!("NRLI length: {body}")), "{msg}");
        assert_v4_components(msg);
    }
    assert!(per_msg[0].contains("Next hop: \n"), "empty next hop");
}

#[test]
fn ipv4_flowspec_rule_over_240_octets_uses_two_octet_length() {
    if !tshark_available() {
        return;
    }
    let ports: Vec<String> = (1000..1080).map(|p| format!("={p}")).collect();
    let long = rule(
        Afi::Ipv4,
        &format!(
            "destination 203.0.113.0/24 destination-port {}",
            ports.join(" ")
        ),
    );
    // 5 (prefix) + 1 + 80 * 3 (port type, 80 operator + 2-octet value pairs) = 246.
    assert_eq!(long.wire_len(), 248);
    let msg = flow_update(
        AfiSafi::IPV4_FLOWSPEC,
        MpNextHop::Empty,
        vec![long],
        &actions("discard"),
    );
    let text = dissect_allowing("flowspec4-long", &[msg], &[]);
    // 246 >= 240 needs the 2-octet form 0xf0f6: Wireshark reads it as 246 and counts both
    // length octets in the NLRI.
    assert!(text.contains("FLOW_SPEC_NLRI (248 bytes)"), "{text}");
    assert!(text.contains("NRLI length: 246"), "{text}");
    let summary: Vec<String> = (1000..1080).map(|p| format!("={p}")).collect();
    // Wireshark cuts tree labels at 240 characters (ITEM_LABEL_LENGTH), so the summary of
    // this long OR list is a 239-character prefix of the full one; the values below are
    // complete.
    let header = format!("Filter: Destination port filter ({})", summary.join(" || "));
    let lines = node_where(&text, "long destination port filter", |l| {
        l.starts_with("Filter: Destination port filter (=1000 || =1001 || ")
            && header.starts_with(l)
            && l.chars().count() == 239
    });
    let mut want = vec!["Filter type: Destination port filter (5)".to_string()];
    for p in 1000..1080 {
        want.push(if p == 1079 {
            NUM_EQ_2_END.into()
        } else {
            "Operator flags: 0x11, Value length: 2 bytes: 1 <<, equal".into()
        });
        want.push(format!("Decimal value: {p}"));
    }
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    assert_lines(&header, &lines, &want);
    let values = lines.iter().filter(|l| l.starts_with("Decimal value:"));
    assert_eq!(values.count(), 80, "every OR-ed port is decoded");
    assert_node(
        &text,
        "Filter: Destination prefix filter (203.0.113.0/24)",
        &[
            "Destination IP filter prefix length: 24",
            "Destination IP filter: 203.0.113.0",
        ],
    );
}

#[test]
fn ipv4_flowspec_every_action_dissects_as_meant() {
    if !tshark_available() {
        return;
    }
    let dst = |n: u8| vec![rule(Afi::Ipv4, &format!("destination 192.0.2.{n}/32"))];
    let redirect = actions("redirect-to-nexthop");
    let copy = actions("copy-to-nexthop");
    let msgs = [
        flow_update(
            AfiSafi::IPV4_FLOWSPEC,
            MpNextHop::Empty,
            dst(1),
            &actions("rate-limit 125000 as 65000 sample mark 46"),
        ),
        flow_update(
            AfiSafi::IPV4_FLOWSPEC,
            MpNextHop::Empty,
            dst(2),
            &actions("discard terminal redirect 65000:100"),
        ),
        flow_update(
            AfiSafi::IPV4_FLOWSPEC,
            MpNextHop::Empty,
            dst(3),
            &actions("rate-limit-pps 1000 redirect 192.0.2.9:200 sample-terminal"),
        ),
        flow_update(
            AfiSafi::IPV4_FLOWSPEC,
            MpNextHop::Empty,
            dst(4),
            &actions("redirect 4200000000:300 traffic-action-none"),
        ),
        flow_update(
            AfiSafi::IPV4_FLOWSPEC,
            redirect_next_hop(&redirect, "192.0.2.254"),
            dst(5),
            &redirect,
        ),
        flow_update(
            AfiSafi::IPV4_FLOWSPEC,
            redirect_next_hop(&copy, "192.0.2.253"),
            dst(6),
            &copy,
        ),
    ];
    let text = dissect_allowing("flowspec4-actions", &msgs, &REDIRECT_NEXT_HOP_EXPERTS);
    let m = messages(&text);
    assert_eq!(m.len(), msgs.len(), "{text}");
    for (i, msg) in m.iter().enumerate() {
        let want = format!("Filter: Destination prefix filter (192.0.2.{}/32)", i + 1);
        assert!(msg.contains(&want), "{want:?} in:\n{msg}");
    }
    // traffic-rate-bytes: AS 65000, IEEE float 125000 bytes/s = 1 Mbit/s.
    assert_node(
        m[0],
        "Flow spec traffic-rate: ASN 65000, 1.000 Mbps [Generic Transitive Experimental Use]",
        &[
            "Subtype (Experimental): Flow spec traffic-rate (0x06)",
            "2-Octet AS: 65000",
            "Rate shaper: 125000",
        ],
    );
    assert_node(
        m[0],
        "Flow spec traffic-action: Sample: Yes, Terminal: No [Generic Transitive Experimental Use]",
        &[
            "Subtype (Experimental): Flow spec traffic-action (0x07)",
            ".... ..1. = Sample: Set",
            ".... ...0 = Terminal action: Not set",
        ],
    );
    assert_node(
        m[0],
        "Flow spec traffic-remarking: Expedited Forwarding [Generic Transitive Experimental Use]",
        &[
            "Subtype (Experimental): Flow spec traffic-remarking (0x09)",
            "..10 1110 = Remarking value: Expedited Forwarding (0x2e)",
        ],
    );
    // discard = traffic-rate 0.
    assert_node(
        m[1],
        "Flow spec traffic-rate: ASN 0, 0.000 Mbps [Generic Transitive Experimental Use]",
        &["2-Octet AS: 0", "Rate shaper: 0"],
    );
    assert_node(
        m[1],
        "Flow spec traffic-action: Sample: No, Terminal: Yes [Generic Transitive Experimental Use]",
        &[
            ".... ..0. = Sample: Not set",
            ".... ...1 = Terminal action: Set",
        ],
    );
    assert_node(
        m[1],
        "Flow spec redirect AS 2 bytes: RT 65000:100 [Generic Transitive Experimental Use]",
        &[
            "Subtype (Experimental): Flow spec redirect AS 2 bytes (0x08)",
            "2-Octet AS: 65000",
            "4-Octet AN: 100",
        ],
    );
    // traffic-rate-packets (0x800c, RFC 8955 §7 / IANA) is unknown to Wireshark 4.0: it
    // prints the raw body, AS 0 then the float 1000.0 = 0x447a0000.
    assert_node(
        m[2],
        "Unknown subtype 0x0c: 0x0000 0x447a 0x0000 [Generic Transitive Experimental Use]",
        &[
            "Subtype (Experimental): Unknown (0x0c)",
            "Raw Value: 0x0000 0x447a 0x0000",
        ],
    );
    assert_node(
        m[2],
        "Flow spec redirect IPv4 format: [Generic Transitive Experimental Use Part 2]",
        &[
            "Subtype (Experimental Part 2): Flow spec redirect IPv4 format (0x08)",
            "IPv4 address: 192.0.2.9",
            "2-Octet AN: 200",
        ],
    );
    assert_node(
        m[2],
        "Flow spec traffic-action: Sample: Yes, Terminal: Yes [Generic Transitive Experimental Use]",
        &[
            ".... ..1. = Sample: Set",
            ".... ...1 = Terminal action: Set",
        ],
    );
    assert_node(
        m[3],
        "Flow spec redirect AS-4byte format: [Generic Transitive Experimental Use Part 3 ]",
        &[
            "Subtype (Experimental Part 3): Flow spec redirect AS-4byte format (0x08)",
            "4-Octet AS: 4200000000",
            "2-Octet AN: 300",
        ],
    );
    assert_node(
        m[3],
        "Flow spec traffic-action: Sample: No, Terminal: No [Generic Transitive Experimental Use]",
        &[
            ".... ..0. = Sample: Not set",
            ".... ...0 = Terminal action: Not set",
        ],
    );
    // redirect-to-IP 0x0800: Wireshark knows the type but not the body; the copy bit is
    // the last octet. The target is the MP_REACH next hop, printed as hex.
    assert!(m[4].contains("Next hop: c00002fe\n"), "{}", m[4]);
    assert_node(
        m[4],
        "Unknown type 0x08 subtype 0x00: 0x0000 0x0000 0x0000 [Transitive Flow spec redirect/mirror to IP next-hop]",
        &[
            "Type: Transitive Flow spec redirect/mirror to IP next-hop (0x08)",
            "Raw Value: 0x0000 0x0000 0x0000",
        ],
    );
    assert!(m[5].contains("Next hop: c00002fd\n"), "{}", m[5]);
    assert_node(
        m[5],
        "Unknown type 0x08 subtype 0x00: 0x0000 0x0000 0x0001 [Transitive Flow spec redirect/mirror to IP next-hop]",
        &["Raw Value: 0x0000 0x0000 0x0001"],
    );
}

#[test]
fn ipv6_flowspec_all_thirteen_components_and_actions_dissect_as_meant() {
    if !tshark_available() {
        return;
    }
    let all = rule(Afi::Ipv6, V6_ALL);
    let body = all.wire_len() - 1;
    let redirect = actions("redirect-to-nexthop");
    let msgs = [
        flow_update(
            AfiSafi::IPV6_FLOWSPEC,
            MpNextHop::Empty,
            vec![all],
            &actions("redirect [2001:db8::1]:100 rate-limit 0"),
        ),
        flow_update(
            AfiSafi::IPV6_FLOWSPEC,
            redirect_next_hop(&redirect, "2001:db8::fd"),
            vec![rule(Afi::Ipv6, "destination 2001:db8:13::/64")],
            &redirect,
        ),
    ];
    let text = dissect_allowing("flowspec6", &msgs, &REDIRECT_NEXT_HOP_EXPERTS);
    let m = messages(&text);
    assert_eq!(m.len(), 2, "{text}");
    let msg = m[0];
    assert!(
        msg.contains("Address family identifier (AFI): IPv6 (2)"),
        "{msg}"
    );
    assert!(msg.contains(&format!("NRLI length: {body}")), "{msg}");
    assert_node(
        msg,
        "Filter: Destination prefix filter (2001:db8:10::/64)",
        &[
            "Filter type: Destination prefix filter (1)",
            "IPv6 prefix length: 64",
            "IPv6 prefix offset: 0",
            "Destination IPv6 prefix: 2001:db8:10::",
        ],
    );
    assert_node(
        msg,
        "Filter: Source prefix filter (2001:db8:20::/56)",
        &[
            "Filter type: Source prefix filter (2)",
            "IPv6 prefix length: 56",
            "IPv6 prefix offset: 0",
            "Source IPv6 prefix: 2001:db8:20::",
        ],
    );
    // Type 3 is the upper-layer next header in IPv6 (RFC 8956 §3.3).
    assert_node(
        msg,
        "Filter: Protocol / Next Header filter (=6)",
        &[
            "Filter type: Protocol / Next Header filter (3)",
            NUM_EQ_1_END,
            "Decimal value: 6",
        ],
    );
    assert_node(
        msg,
        "Filter: Port filter (=443)",
        &[
            "Filter type: Port filter (4)",
            NUM_EQ_2_END,
            "Decimal value: 443",
        ],
    );
    assert_node(
        msg,
        "Filter: Destination port filter (>=8000 && <=8080)",
        &[
            "Filter type: Destination port filter (5)",
            NUM_GE_2,
            "Decimal value: 8000",
            NUM_AND_LE_2_END,
            "Decimal value: 8080",
        ],
    );
    assert_node(
        msg,
        "Filter: Source port filter (>1023)",
        &[
            "Filter type: Source port filter (6)",
            NUM_GT_2_END,
            "Decimal value: 1023",
        ],
    );
    assert_node(
        msg,
        "Filter: ICMP type filter (=128 || =129)",
        &[
            "Filter type: ICMP type filter (7)",
            NUM_EQ_1,
            "Decimal value: 128",
            NUM_EQ_1_END,
            "Decimal value: 129",
        ],
    );
    assert_node(
        msg,
        "Filter: ICMP code filter (=0)",
        &[
            "Filter type: ICMP code filter (8)",
            NUM_EQ_1_END,
            "Decimal value: 0",
        ],
    );
    // `=syn !ack`: SYN set, or ACK not set (summary symbols as in the IPv4 test).
    assert_node(
        msg,
        "Filter: TCP flags filter (= S || > A)",
        &[
            "Filter type: TCP flags filter (9)",
            "Operator flags: 0x01, Value length: 1 byte: 1 <<, Match bit",
            "TCP flags: 0x02, Syn",
            "Operator flags: 0x82, end-of-list, Value length: 1 byte: 1 <<, logical negation",
            "TCP flags: 0x10, Acknowledgment",
        ],
    );
    assert_node(
        msg,
        "Filter: Packet Length filter (>=64 && <=1280)",
        &[
            "Filter type: Packet Length filter (10)",
            "Operator flags: 0x03, Value length: 1 byte: 1 <<, greater than, equal",
            "Decimal value: 64",
            NUM_AND_LE_2_END,
            "Decimal value: 1280",
        ],
    );
    assert_node(
        msg,
        "Filter: DSCP marking filter (=Expedited Forwarding)",
        &[
            "Filter type: DSCP marking filter (11)",
            "Operator flags: 0x81, end-of-list, Value length: 1 byte: 1 <<, Match bit",
            "..10 1110 = Differentiated Services Codepoint: Expedited Forwarding (0x2e)",
        ],
    );
    // `isf !=ff|lf`: any of is-fragment, or not both first and last fragment.
    assert_node(
        msg,
        "Filter: IP fragment filter ( IsF || >= FFLF)",
        &[
            "Filter type: IP fragment filter (12)",
            "Operator flags: 0x00, Value length: 1 byte: 1 <<",
            "Fragment Flag: 0x02, Is a fragment",
            "Operator flags: 0x83, end-of-list, Value length: 1 byte: 1 <<, logical negation, Match bit",
            "Fragment Flag: 0x0c, Last fragment, First fragment",
        ],
    );
    // Wireshark 4.0 does not know the flow label (RFC 8956 §3.7): it names the type and
    // stops decoding the rule. Only its position (last, after a cleanly decoded fragment
    // component) and the NRLI length above, which covers its 10 octets (type, 0x12345 in 4, 1 and 255 in 1 each), are judged.
    assert_node(
        msg,
        "Filter: Unknown filter 13",
        &["Filter type: Unknown (13)"],
    );
    assert_node(
        msg,
        "Flow spec traffic-rate: ASN 0, 0.000 Mbps [Generic Transitive Experimental Use]",
        &["Rate shaper: 0"],
    );
    // rt-redirect-ipv6 travels in attribute 25; Wireshark 4.0 names the attribute but does
    // not decode its body ("Unknown Path attributes"), so only type and length are judged.
    assert_node(
        msg,
        "Path Attribute - IPv6 Address Specific Extended Community",
        &[
            "Flags: 0xc0, Optional, Transitive, Complete",
            "Type Code: IPv6 Address Specific Extended Community (25)",
            "Length: 20",
        ],
    );
    // redirect-to-IP with the IPv6 target as the 16-octet MP_REACH next hop.
    assert!(
        m[1].contains("Next hop: 20010db80000000000000000000000fd\n"),
        "{}",
        m[1]
    );
    assert_node(
        m[1],
        "Filter: Destination prefix filter (2001:db8:13::/64)",
        &[
            "IPv6 prefix offset: 0",
            "Destination IPv6 prefix: 2001:db8:13::",
        ],
    );
    assert_node(
        m[1],
        "Unknown type 0x08 subtype 0x00: 0x0000 0x0000 0x0000 [Transitive Flow spec redirect/mirror to IP next-hop]",
        &["Raw Value: 0x0000 0x0000 0x0000"],
    );
}
