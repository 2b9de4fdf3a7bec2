//! UPDATE tests: byte arrays both ways for every attribute, each RFC 7606 case with its
//! action and NOTIFICATION code/subcode, End-of-RIB, and property tests.

use std::net::Ipv4Addr;

use super::*;
use crate::attribute::*;
use crate::message::notification::UpdateSubcode as Sub;

const NLRI: [u8; 4] = [24, 198, 51, 100]; // 198.51.100.0/24

fn attr(f: u8, c: u8, value: &[u8]) -> Vec<u8> {
    let mut v = vec![f, c, value.len() as u8];
    v.extend_from_slice(value);
    v
}

fn origin() -> Vec<u8> {
    attr(0x40, 1, &[0])
}
fn as_path() -> Vec<u8> {
    attr(0x40, 2, &[2, 1, 0, 0, 0xfd, 0xe9])
}
fn next_hop() -> Vec<u8> {
    attr(0x40, 3, &[192, 0, 2, 1])
}
fn mandatory() -> Vec<u8> {
    [origin(), as_path(), next_hop()].concat()
}

fn body(withdrawn: &[u8], attrs: &[u8], nlri: &[u8]) -> Vec<u8> {
    let mut b = (withdrawn.len() as u16).to_be_bytes().to_vec();
    b.extend_from_slice(withdrawn);
    b.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
    b.extend_from_slice(attrs);
    b.extend_from_slice(nlri);
    b
}

fn ctx() -> CodecContext {
    CodecContext::default()
}

fn ctx2() -> CodecContext {
    CodecContext {
        four_octet_as: false,
        ..CodecContext::default()
    }
}

/// Decodes mandatory attributes + `extra` + one NLRI and returns the update.
fn with_extra(extra: &[u8]) -> Update {
    let attrs = [mandatory(), extra.to_vec()].concat();
    Update::decode_body(&body(&[], &attrs, &NLRI), &ctx()).unwrap()
}

/// Asserts exactly one non-fatal error with this action and subcode.
fn assert_soft(u: &Update, action: ErrorAction, sub: Sub) {
    assert_eq!(u.errors.len(), 1, "{:?}", u.errors);
    let e = &u.errors[0];
    assert_eq!(e.action, action, "{e:?}");
    assert_eq!(e.kind.update_subcode(), Some(sub), "{e:?}");
    let n = e.rfc4271_notification().unwrap();
    assert_eq!(n.code.pair(), (3, sub.to_u8()));
    assert_eq!(
        u.treat_as_withdraw(),
        action == ErrorAction::TreatAsWithdraw
    );
    assert_eq!(u.nlri.len(), 1, "NLRI are kept for withdrawal");
}

fn assert_reset(r: Result<Update, DecodeError>, sub: Sub) -> Vec<u8> {
    let e = r.unwrap_err();
    let ErrorAction::SessionReset(n) = e.action else {
        panic!("expected reset, got {e:?}")
    };
    assert_eq!(n.code.pair(), (3, sub.to_u8()));
    n.data
}

fn round_trip(bytes: &[u8], ctx: &CodecContext) -> Update {
    let u = Update::decode_body(bytes, ctx).unwrap();
    assert!(u.errors.is_empty(), "{:?}", u.errors);
    let mut out = Vec::new();
    u.encode_body(ctx, &mut out);
    assert_eq!(out, bytes);
    u
}

// --- attributes both ways --------------------------------------------------------------

#[test]
fn every_attribute_bytes_both_ways_four_octet() {
    let mut attrs = vec![];
    attrs.extend(origin());
    attrs.extend(attr(
        0x40,
        2,
        &[2, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00],
    ));
    attrs.extend(next_hop());
    attrs.extend(attr(0x80, 4, &[0, 0, 0, 50])); // MED
    attrs.extend(attr(0x40, 5, &[0, 0, 0, 200])); // LOCAL_PREF
    attrs.extend(attr(0x40, 6, &[])); // ATOMIC_AGGREGATE
    attrs.extend(attr(0xc0, 7, &[0, 0, 0xfd, 0xe9, 10, 0, 0, 1])); // AGGREGATOR
    attrs.extend(attr(0xc0, 8, &[0xff, 0xff, 0x02, 0x9a, 0xfd, 0xe8, 0, 100]));
    attrs.extend(attr(0x80, 9, &[10, 0, 0, 2])); // ORIGINATOR_ID
    attrs.extend(attr(0x80, 10, &[10, 0, 0, 3, 10, 0, 0, 4])); // CLUSTER_LIST
    attrs.extend(attr(0xc0, 16, &[0, 2, 0xfd, 0xe8, 0, 0, 0, 100]));
    let mut v6ext = vec![0, 2];
    v6ext.extend_from_slice(
        &"2001:db8::1"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    v6ext.extend_from_slice(&[0, 100]);
    attrs.extend(attr(0xc0, 25, &v6ext));
    attrs.extend(attr(0xc0, 32, &[0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 0, 0, 0, 2]));
    attrs.extend(attr(0xe0, 99, &[1, 2])); // unknown optional transitive, Partial set
    let wire = body(&[], &attrs, &NLRI);
    let u = round_trip(&wire, &ctx());
    let a = &u.attributes;
    assert_eq!(a.origin, Some(Origin::Igp));
    assert_eq!(a.as_path.as_ref().unwrap().to_string(), "65001 4200000000");
    assert_eq!(a.next_hop, Some(Ipv4Addr::new(192, 0, 2, 1)));
    assert_eq!((a.med, a.local_pref), (Some(50), Some(200)));
    assert!(a.atomic_aggregate);
    assert_eq!(a.aggregator.unwrap().asn, 65001);
    assert_eq!(
        a.communities,
        vec![Community::BLACKHOLE, Community::new(65000, 100)]
    );
    assert_eq!(a.originator_id, Some(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(a.cluster_list.len(), 2);
    assert_eq!(a.extended_communities[0].to_string(), "rt:65000:100");
    assert_eq!(
        a.ipv6_extended_communities[0].to_string(),
        "rt:[2001:db8::1]:100"
    );
    assert_eq!(a.large_communities[0].to_string(), "65000:1:2");
    assert_eq!(a.unknown, vec![RawAttribute::new(0xe0, 99, vec![1, 2])]);
    assert_eq!(u.nlri[0].prefix.to_string(), "198.51.100.0/24");
}

#[test]
fn two_octet_session_as4_attributes_both_ways_and_merge() {
    let attrs = [
        origin(),
        attr(0x40, 2, &[2, 2, 0xfd, 0xe9, 0x5b, 0xa0]), // 65001 AS_TRANS
        next_hop(),
        attr(0xc0, 7, &[0x5b, 0xa0, 10, 0, 0, 1]), // AGGREGATOR AS_TRANS
        attr(0xc0, 17, &[2, 1, 0xfa, 0x56, 0xea, 0x00]), // AS4_PATH 4200000000
        attr(0xc0, 18, &[0xfa, 0x56, 0xea, 0x00, 10, 0, 0, 1]), // AS4_AGGREGATOR
    ]
    .concat();
    let wire = body(&[], &attrs, &NLRI);
    let u = round_trip(&wire, &ctx2());
    let mut a = (*u.attributes).clone();
    a.reconcile_as4();
    assert_eq!(
        a.as_path,
        Some(AsPath::from_sequence(vec![65001, 4_200_000_000]))
    );
    assert_eq!(a.aggregator.unwrap().asn, 4_200_000_000);
    assert_eq!((a.as4_path.as_ref(), a.as4_aggregator), (None, None));
    // And back: a NEW speaker sends the whole path in AS4_PATH (RFC 6793 §4.2.2).
    let mut out = Vec::new();
    let back = Update {
        attributes: Arc::new(a.for_two_octet_peer()),
        nlri: u.nlri.clone(),
        ..Update::default()
    };
    back.encode_body(&ctx2(), &mut out);
    let as4 = attr(0xc0, 17, &[2, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00]);
    assert!(out.windows(as4.len()).any(|w| w == as4));
    let mut again = (*Update::decode_body(&out, &ctx2()).unwrap().attributes).clone();
    again.reconcile_as4();
    assert_eq!(again, a);
}

#[test]
fn aggregator_with_real_two_octet_as_ignores_as4_attributes() {
    let mut a = PathAttributes {
        as_path: Some(AsPath::from_sequence(vec![100, 200])),
        aggregator: Some(Aggregator {
            asn: 300,
            address: Ipv4Addr::new(10, 0, 0, 1),
        }),
        as4_path: Some(AsPath::from_sequence(vec![4_200_000_000])),
        as4_aggregator: Some(Aggregator {
            asn: 4_200_000_000,
            address: Ipv4Addr::new(10, 0, 0, 1),
        }),
        ..PathAttributes::default()
    };
    a.reconcile_as4();
    assert_eq!(a.as_path, Some(AsPath::from_sequence(vec![100, 200])));
    assert_eq!(a.aggregator.unwrap().asn, 300);
}

#[test]
fn as4_attributes_from_a_four_octet_speaker_are_ignored() {
    let extra = [attr(0xc0, 17, &[2, 1, 0, 0, 0, 1]), attr(0xc0, 18, &[0; 8])].concat();
    let u = with_extra(&extra);
    assert!(u.errors.is_empty());
    assert_eq!(u.attributes.as4_path, None);
    assert_eq!(u.attributes.as4_aggregator, None);
}

#[test]
fn extended_length_only_above_255_octets() {
    let communities: Vec<Community> = (0..100).map(|i| Community::new(65000, i)).collect();
    let u = Update {
        attributes: Arc::new(PathAttributes {
            communities,
            origin: Some(Origin::Igp),
            ..PathAttributes::default()
        }),
        ..Update::default()
    };
    let mut out = Vec::new();
    u.encode_body(&ctx(), &mut out);
    // withdrawn len, attr len, ORIGIN (4 octets), then COMMUNITIES with 0xd0 and 2-octet length.
    assert_eq!(&out[8..12], &[0xd0, 8, 0x01, 0x90]);
    assert_eq!(round_trip(&out, &ctx()), u);
}

#[test]
fn unknown_optional_attributes_forwarding() {
    let extra = [attr(0xc0, 99, &[1]), attr(0x80, 98, &[2])].concat();
    let u = with_extra(&extra);
    assert!(u.errors.is_empty());
    let fwd = u.attributes.to_forwarded();
    assert_eq!(fwd.unknown, vec![RawAttribute::new(0xe0, 99, vec![1])]);
    let mut out = Vec::new();
    fwd.encode(&ctx(), &mut out);
    assert!(out.ends_with(&[0xe0, 99, 1, 1]));
}

#[test]
fn mp_attributes_are_written_first() {
    let u = Update {
        attributes: Arc::new(PathAttributes {
            origin: Some(Origin::Igp),
            as_path: Some(AsPath::default()),
            ..PathAttributes::default()
        }),
        mp_reach: Some(MpReach {
            family: AfiSafi::IPV6_UNICAST,
            next_hop: MpNextHop::Ipv6("2001:db8::1".parse().unwrap()),
            reserved: 0,
            nlri: MpNlri::Unicast(vec![PathPrefix::new("2001:db8:1::/48".parse().unwrap())]),
        }),
        ..Update::default()
    };
    let mut out = Vec::new();
    u.encode_body(&ctx(), &mut out);
    assert_eq!(&out[4..6], &[0x80, 14]);
    let back = round_trip(&out, &ctx());
    let got: Vec<_> = back
        .announced_unicast()
        .map(|(f, p)| (f, p.prefix))
        .collect();
    assert_eq!(
        got,
        vec![(AfiSafi::IPV6_UNICAST, "2001:db8:1::/48".parse().unwrap())]
    );
}

// --- RFC 7606 --------------------------------------------------------------------------

#[test]
fn treat_as_withdraw_attributes() {
    let twa = ErrorAction::TreatAsWithdraw;
    let cases: Vec<(Vec<u8>, Sub)> = vec![
        (attr(0x80, 4, &[0, 0, 1]), Sub::AttributeLengthError), // MED
        (attr(0x40, 5, &[0, 1]), Sub::AttributeLengthError),    // LOCAL_PREF
        (attr(0xc0, 8, &[0, 0, 1, 2, 3]), Sub::AttributeLengthError), // COMMUNITIES
        (attr(0xc0, 8, &[]), Sub::AttributeLengthError),
        (attr(0x80, 9, &[1, 2, 3]), Sub::AttributeLengthError), // ORIGINATOR_ID
        (
            attr(0x80, 10, &[1, 2, 3, 4, 5, 6]),
            Sub::AttributeLengthError,
        ), // CLUSTER_LIST
        (attr(0xc0, 16, &[0; 7]), Sub::AttributeLengthError),   // EXTENDED_COMMUNITIES
        (attr(0xc0, 25, &[0; 19]), Sub::AttributeLengthError),  // IPv6 ext
        (attr(0xc0, 32, &[0; 11]), Sub::AttributeLengthError),  // LARGE
        (attr(0xc0, 4, &[0, 0, 0, 1]), Sub::AttributeFlagsError), // MED marked transitive
        (attr(0x40, 9, &[1, 2, 3, 4]), Sub::AttributeFlagsError), // ORIGINATOR_ID well-known
    ];
    for (extra, sub) in cases {
        assert_soft(&with_extra(&extra), twa.clone(), sub);
    }
}

#[test]
fn treat_as_withdraw_mandatory_attributes() {
    let twa = ErrorAction::TreatAsWithdraw;
    let cases: Vec<(Vec<u8>, Sub)> = vec![
        (attr(0x40, 1, &[3]), Sub::InvalidOriginAttribute),
        (attr(0x40, 1, &[0, 0]), Sub::AttributeLengthError),
        (attr(0xc0, 1, &[0]), Sub::AttributeFlagsError),
        (attr(0x40, 2, &[2, 0]), Sub::MalformedAsPath),
        (attr(0x40, 2, &[9, 1, 0, 0, 0, 1]), Sub::MalformedAsPath),
        (attr(0x40, 2, &[2, 2, 0, 0, 0, 1]), Sub::MalformedAsPath),
        (attr(0x40, 3, &[1, 2, 3, 4, 5]), Sub::AttributeLengthError),
    ];
    for (bad, sub) in cases {
        let code = bad[1];
        let attrs: Vec<u8> = [origin(), as_path(), next_hop()]
            .into_iter()
            .map(|a| if a[1] == code { bad.clone() } else { a })
            .collect::<Vec<_>>()
            .concat();
        let u = Update::decode_body(&body(&[], &attrs, &NLRI), &ctx()).unwrap();
        assert_soft(&u, twa.clone(), sub);
    }
}

#[test]
fn attribute_discard_cases() {
    let d = ErrorAction::AttributeDiscard;
    let u = with_extra(&attr(0x40, 6, &[1]));
    assert_soft(&u, d.clone(), Sub::AttributeLengthError);
    assert!(!u.attributes.atomic_aggregate);
    let u = with_extra(&attr(0xc0, 7, &[0; 7]));
    assert_soft(&u, d.clone(), Sub::AttributeLengthError);
    assert_eq!(u.attributes.aggregator, None);
    assert_soft(
        &with_extra(&attr(0x80, 7, &[0; 8])),
        d.clone(),
        Sub::AttributeFlagsError,
    );
    // AS4 attributes on a 2-octet session (RFC 6793 §6).
    for (extra, sub) in [
        (attr(0xc0, 18, &[0; 6]), Sub::AttributeLengthError),
        (
            attr(0xc0, 17, &[3, 1, 0, 0, 0, 1]),
            Sub::OptionalAttributeError,
        ),
        (
            attr(0xc0, 17, &[2, 2, 0, 0, 0, 1]),
            Sub::OptionalAttributeError,
        ),
    ] {
        let attrs = [origin(), attr(0x40, 2, &[2, 1, 0, 1]), next_hop(), extra].concat();
        let u = Update::decode_body(&body(&[], &attrs, &NLRI), &ctx2()).unwrap();
        assert_soft(&u, d.clone(), sub);
        assert_eq!(u.attributes.as4_path, None);
    }
}

#[test]
fn duplicates_keep_the_first() {
    let extra = [attr(0x80, 4, &[0, 0, 0, 1]), attr(0x80, 4, &[0, 0, 0, 2])].concat();
    let u = with_extra(&extra);
    assert_soft(
        &u,
        ErrorAction::AttributeDiscard,
        Sub::MalformedAttributeList,
    );
    assert_eq!(u.attributes.med, Some(1));
}

#[test]
fn duplicate_mp_attribute_resets() {
    let unreach = attr(0x80, 15, &[0, 2, 1]);
    let attrs = [unreach.clone(), unreach].concat();
    let data = assert_reset(
        Update::decode_body(&body(&[], &attrs, &[]), &ctx()),
        Sub::MalformedAttributeList,
    );
    assert!(data.is_empty());
}

#[test]
fn unrecognized_well_known_resets_with_the_attribute() {
    let bad = attr(0x40, 99, &[7]);
    let data = assert_reset(
        Update::decode_body(
            &body(&[], &[mandatory(), bad.clone()].concat(), &NLRI),
            &ctx(),
        ),
        Sub::UnrecognizedWellKnownAttribute,
    );
    assert_eq!(data, bad);
}

#[test]
fn attribute_list_overrun_is_treat_as_withdraw() {
    // RFC 7606 §4: COMMUNITIES claims 8 octets, only 4 are left in the attribute field;
    // the NLRI are still found via the Total Path Attribute Length.
    let mut attrs = mandatory();
    attrs.extend_from_slice(&[0xc0, 8, 8, 0, 0, 0, 1]);
    let u = Update::decode_body(&body(&[], &attrs, &NLRI), &ctx()).unwrap();
    assert_soft(
        &u,
        ErrorAction::TreatAsWithdraw,
        Sub::MalformedAttributeList,
    );
    // Fewer than 3 octets left for a header.
    let attrs = [mandatory(), vec![0x40, 1]].concat();
    let u = Update::decode_body(&body(&[], &attrs, &NLRI), &ctx()).unwrap();
    assert!(u.treat_as_withdraw());
}

#[test]
fn missing_well_known_attributes() {
    for (attrs, missing) in [
        ([as_path(), next_hop()].concat(), 1u8),
        ([origin(), next_hop()].concat(), 2),
        ([origin(), as_path()].concat(), 3),
    ] {
        let u = Update::decode_body(&body(&[], &attrs, &NLRI), &ctx()).unwrap();
        assert_soft(
            &u,
            ErrorAction::TreatAsWithdraw,
            Sub::MissingWellKnownAttribute,
        );
        assert_eq!(
            u.errors[0].kind,
            ErrorKind::MissingWellKnown { type_code: missing }
        );
    }
    // Withdrawals only, no attributes: fine.
    let u = Update::decode_body(&body(&NLRI, &[], &[]), &ctx()).unwrap();
    assert!(u.errors.is_empty());
    // MP_UNREACH only: fine.
    let unreach = attr(0x80, 15, &[0, 2, 1, 32, 0x20, 0x01, 0x0d, 0xb8]);
    let u = Update::decode_body(&body(&[], &unreach, &[]), &ctx()).unwrap();
    assert!(u.errors.is_empty());
    assert_eq!(u.withdrawn_unicast().count(), 1);
    // MP_REACH with NLRI needs ORIGIN and AS_PATH, not NEXT_HOP.
    let mut v = vec![0, 2, 1, 16];
    v.extend_from_slice(&[
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
    ]);
    v.extend_from_slice(&[32, 0x20, 0x01, 0x0d, 0xb8]);
    let reach = attr(0x80, 14, &v);
    let ok = [reach.clone(), origin(), as_path()].concat();
    assert!(
        Update::decode_body(&body(&[], &ok, &[]), &ctx())
            .unwrap()
            .errors
            .is_empty()
    );
    let u = Update::decode_body(&body(&[], &[reach, origin()].concat(), &[]), &ctx()).unwrap();
    assert!(u.treat_as_withdraw());
    assert_eq!(u.announced_unicast().count(), 1);
}

#[test]
fn nlri_and_length_field_errors_reset() {
    let attrs = mandatory();
    assert_reset(
        Update::decode_body(&body(&[], &attrs, &[33, 1, 2, 3, 4, 5]), &ctx()),
        Sub::InvalidNetworkField,
    );
    assert_reset(
        Update::decode_body(&body(&[], &attrs, &[24, 1, 2]), &ctx()),
        Sub::InvalidNetworkField,
    );
    assert_reset(
        Update::decode_body(&body(&[24, 1], &[], &[]), &ctx()),
        Sub::InvalidNetworkField,
    );
    // Withdrawn Routes Length / Total Path Attribute Length beyond the message.
    assert_reset(
        Update::decode_body(&[0, 5, 0, 0], &ctx()),
        Sub::MalformedAttributeList,
    );
    assert_reset(
        Update::decode_body(&[0, 0, 0, 9, 0x40], &ctx()),
        Sub::MalformedAttributeList,
    );
    // Shorter than the fixed part: header Bad Message Length.
    let e = Update::decode_body(&[0], &ctx()).unwrap_err();
    let ErrorAction::SessionReset(n) = e.action else {
        panic!()
    };
    assert_eq!(n.code.pair(), (1, 2));
}

#[test]
fn mp_errors_disable_the_family() {
    let bad_nh = attr(
        0x80,
        14,
        &[0, 2, 1, 4, 1, 2, 3, 4, 0, 32, 0x20, 0x01, 0x0d, 0xb8],
    );
    let attrs = [bad_nh, origin(), as_path()].concat();
    let e = Update::decode_body(&body(&[], &attrs, &[]), &ctx()).unwrap_err();
    assert_eq!(e.action, ErrorAction::AfiSafiDisable(AfiSafi::IPV6_UNICAST));
    assert_eq!(e.kind.update_subcode(), Some(Sub::InvalidNextHopAttribute));
    // Flags conflict on MP_UNREACH: malformed, family disabled.
    let attrs = attr(0xc0, 15, &[0, 2, 1]);
    let e = Update::decode_body(&body(&[], &attrs, &[]), &ctx()).unwrap_err();
    assert_eq!(e.action, ErrorAction::AfiSafiDisable(AfiSafi::IPV6_UNICAST));
}

#[test]
fn strongest_action_wins() {
    // Treat-as-withdraw + discard: withdraw.
    let u = with_extra(&[attr(0x40, 6, &[1]), attr(0x80, 4, &[1])].concat());
    assert_eq!(u.errors.len(), 2);
    assert!(u.treat_as_withdraw());
    // Treat-as-withdraw + AFI/SAFI disable: disable.
    let bad_mp = attr(0x80, 15, &[0, 2, 1, 200]);
    let attrs = [mandatory(), attr(0x80, 4, &[1]), bad_mp.clone()].concat();
    let e = Update::decode_body(&body(&[], &attrs, &NLRI), &ctx()).unwrap_err();
    assert_eq!(e.action, ErrorAction::AfiSafiDisable(AfiSafi::IPV6_UNICAST));
    // AFI/SAFI disable then a reset: reset.
    let attrs = [bad_mp, attr(0x40, 99, &[])].concat();
    assert_reset(
        Update::decode_body(&body(&[], &attrs, &[]), &ctx()),
        Sub::UnrecognizedWellKnownAttribute,
    );
}

// --- End-of-RIB and accessors ----------------------------------------------------------

#[test]
fn end_of_rib_both_forms() {
    let v4 = Update::end_of_rib(AfiSafi::IPV4_UNICAST);
    let mut out = Vec::new();
    v4.encode_body(&ctx(), &mut out);
    assert_eq!(out, [0, 0, 0, 0]);
    assert_eq!(
        round_trip(&out, &ctx()).end_of_rib_family(),
        Some(AfiSafi::IPV4_UNICAST)
    );

    for family in [AfiSafi::IPV6_UNICAST, AfiSafi::IPV4_FLOWSPEC] {
        let eor = Update::end_of_rib(family);
        let mut out = Vec::new();
        eor.encode_body(&ctx(), &mut out);
        let safi = family.safi.to_u8();
        let afi = family.afi.to_u16() as u8;
        assert_eq!(out, [0, 0, 0, 6, 0x80, 15, 3, 0, afi, safi]);
        let back = round_trip(&out, &ctx());
        assert_eq!(back, eor);
        assert_eq!(back.end_of_rib_family(), Some(family));
    }
    assert_eq!(with_extra(&[]).end_of_rib_family(), None);
}

/// Found by the fuzzer: an attribute overrunning the attribute field is treat-as-withdraw
/// (RFC 7606 §4) and leaves nothing decoded, which looked exactly like the IPv4 unicast
/// End-of-RIB marker.
#[test]
fn update_with_soft_errors_is_no_end_of_rib() {
    // Extended length 0x00ff but one octet left.
    let u = Update::decode_body(&body(&[], &[0x1c, 0x00, 0x00, 0xff, 0x63], &[]), &ctx()).unwrap();
    assert!(u.treat_as_withdraw(), "{u:?}");
    assert_eq!(*u.attributes, PathAttributes::default());
    assert_eq!(u.end_of_rib_family(), None);

    // Same for an empty MP_UNREACH_NLRI next to a malformed optional attribute.
    let attrs = [attr(0x80, 15, &[0, 2, 1]), attr(0xc0, 8, &[1, 2, 3])].concat();
    let u = Update::decode_body(&body(&[], &attrs, &[]), &ctx()).unwrap();
    assert!(!u.errors.is_empty(), "{u:?}");
    assert!(u.mp_unreach.is_some(), "{u:?}");
    assert_eq!(u.end_of_rib_family(), None);
}

#[test]
fn whole_message_through_message_decode() {
    let u = with_extra(&[]);
    let m = crate::Message::Update(u.clone());
    let bytes = m.to_bytes(&ctx());
    assert_eq!(crate::Message::decode(&bytes, &ctx()), Ok(m));
}

#[test]
fn add_path_in_the_classic_fields() {
    let ctx = CodecContext {
        add_path: vec![AfiSafi::IPV4_UNICAST],
        ..CodecContext::default()
    };
    let nlri = [0, 0, 0, 9, 24, 198, 51, 100];
    let wire = body(&[0, 0, 0, 8, 8, 10], &mandatory(), &nlri);
    let u = round_trip(&wire, &ctx);
    assert_eq!(u.nlri[0].path_id, Some(9));
    assert_eq!(u.withdrawn[0].path_id, Some(8));
}

// --- properties ------------------------------------------------------------------------

mod props {
    use super::*;
    use ipnet::{IpNet, Ipv4Net, Ipv6Net};
    use proptest::prelude::*;

    fn v4_prefix() -> impl Strategy<Value = IpNet> {
        (any::<u32>(), 0u8..=32)
            .prop_map(|(a, l)| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(a), l).unwrap().trunc()))
    }

    fn v6_prefix() -> impl Strategy<Value = IpNet> {
        (any::<u128>(), 0u8..=128).prop_map(|(a, l)| {
            IpNet::V6(
                Ipv6Net::new(std::net::Ipv6Addr::from(a), l)
                    .unwrap()
                    .trunc(),
            )
        })
    }

    fn prefixes(
        p: impl Strategy<Value = IpNet>,
        add_path: bool,
    ) -> impl Strategy<Value = Vec<PathPrefix>> {
        prop::collection::vec((p, any::<u32>()), 0..20).prop_map(move |v| {
            v.into_iter()
                .map(|(prefix, id)| PathPrefix {
                    path_id: add_path.then_some(id),
                    prefix,
                })
                .collect()
        })
    }

    fn segment() -> impl Strategy<Value = AsSegment> {
        let kind = prop_oneof![
            Just(SegmentType::Set),
            Just(SegmentType::Sequence),
            Just(SegmentType::ConfedSequence),
            Just(SegmentType::ConfedSet)
        ];
        (kind, prop::collection::vec(any::<u32>(), 1..8)).prop_map(|(k, a)| AsSegment::new(k, a))
    }

    fn attributes() -> impl Strategy<Value = PathAttributes> {
        let a = (
            prop::option::of(prop_oneof![
                Just(Origin::Igp),
                Just(Origin::Egp),
                Just(Origin::Incomplete)
            ]),
            prop::option::of(prop::collection::vec(segment(), 0..4)),
            prop::option::of(any::<u32>()),
            prop::option::of(any::<u32>()),
            prop::option::of(any::<u32>()),
            any::<bool>(),
            prop::option::of((any::<u32>(), any::<u32>())),
        );
        let b = (
            prop::collection::vec(any::<u32>(), 0..5),
            prop::option::of(any::<u32>()),
            prop::collection::vec(any::<u32>(), 0..3),
            prop::collection::vec(any::<[u8; 8]>(), 0..3),
            prop::collection::vec(any::<[u8; 20]>(), 0..2),
            prop::collection::vec((any::<u32>(), any::<u32>(), any::<u32>()), 0..3),
            prop::collection::btree_map(
                40u8..=60,
                (
                    any::<bool>(),
                    any::<bool>(),
                    prop::collection::vec(any::<u8>(), 0..300),
                ),
                0..3,
            ),
        );
        (a, b).prop_map(
            |(
                (origin, path, nh, med, lp, atomic, aggr),
                (comms, orig, clusters, ext, ext6, large, unknown),
            )| {
                PathAttributes {
                    origin,
                    as_path: path.map(|segments| AsPath { segments }),
                    next_hop: nh.map(Ipv4Addr::from),
                    med,
                    local_pref: lp,
                    atomic_aggregate: atomic,
                    aggregator: aggr.map(|(asn, a)| Aggregator {
                        asn,
                        address: Ipv4Addr::from(a),
                    }),
                    communities: comms.into_iter().map(Community).collect(),
                    originator_id: orig.map(Ipv4Addr::from),
                    cluster_list: clusters.into_iter().map(Ipv4Addr::from).collect(),
                    extended_communities: ext.into_iter().map(ExtendedCommunity).collect(),
                    as4_path: None,
                    as4_aggregator: None,
                    ipv6_extended_communities: ext6
                        .into_iter()
                        .map(Ipv6ExtendedCommunity)
                        .collect(),
                    large_communities: large
                        .into_iter()
                        .map(|(a, b, c)| LargeCommunity::new(a, b, c))
                        .collect(),
                    unknown: unknown
                        .into_iter()
                        .map(|(code, (t, p, v))| {
                            let f = 0x80 | if t { 0x40 } else { 0 } | if p { 0x20 } else { 0 };
                            RawAttribute::new(f, code, v)
                        })
                        .collect(),
                }
            },
        )
    }

    fn update(add_path: bool) -> impl Strategy<Value = Update> {
        (
            prefixes(v4_prefix(), add_path),
            attributes(),
            prop::option::of(prefixes(v6_prefix(), add_path)),
            prop::option::of(prefixes(v6_prefix(), add_path)),
            prefixes(v4_prefix(), add_path),
        )
            .prop_map(|(withdrawn, attributes, reach, unreach, nlri)| Update {
                withdrawn,
                attributes: Arc::new(attributes),
                mp_reach: reach.map(|v| MpReach {
                    family: AfiSafi::IPV6_UNICAST,
                    next_hop: MpNextHop::Ipv6("2001:db8::1".parse().unwrap()),
                    reserved: 0,
                    nlri: MpNlri::Unicast(v),
                }),
                mp_unreach: unreach.map(|v| MpUnreach {
                    family: AfiSafi::IPV6_UNICAST,
                    withdrawn: MpNlri::Unicast(v),
                }),
                nlri,
                errors: Vec::new(),
            })
    }

    proptest! {
        #[test]
        fn decode_encode_round_trip(add_path in any::<bool>(), u in update(false), ua in update(true)) {
            let u = if add_path { ua } else { u };
            let ctx = CodecContext {
                add_path: if add_path { vec![AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST] } else { vec![] },
                ..CodecContext::default()
            };
            let mut out = Vec::new();
            u.encode_body(&ctx, &mut out);
            let mut back = Update::decode_body(&out, &ctx).unwrap();
            // Only the missing-well-known check can fire on generated data.
            back.errors.retain(|e| !matches!(e.kind, ErrorKind::MissingWellKnown { .. }));
            prop_assert_eq!(back, u);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), four in any::<bool>(), ap in any::<bool>()) {
            let ctx = CodecContext {
                four_octet_as: four,
                add_path: if ap { vec![AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST] } else { vec![] },
                extended_message: false,
            };
            let _ = Update::decode_body(&bytes, &ctx);
        }

        #[test]
        fn mutated_valid_updates_never_panic(u in update(false), at in any::<usize>(), byte in any::<u8>()) {
            let ctx = CodecContext::default();
            let mut out = Vec::new();
            u.encode_body(&ctx, &mut out);
            if !out.is_empty() {
                let i = at % out.len();
                out[i] = byte;
            }
            let _ = Update::decode_body(&out, &ctx);
        }
    }
}

/// MP_REACH_NLRI for IPv4 FlowSpec (no next hop) carrying `nlri`.
fn flowspec_reach(nlri: &[u8]) -> Vec<u8> {
    let mut value = vec![0, 1, 133, 0, 0];
    value.extend_from_slice(nlri);
    attr(0x80, 14, &value)
}

// dst 192.0.2.0/24, and a rule whose only component has the unassigned type 14.
const GOOD_RULE: [u8; 6] = [5, 1, 24, 192, 0, 2];
const UNKNOWN_COMPONENT_RULE: [u8; 4] = [3, 14, 0x81, 5];

#[test]
fn malformed_flowspec_rule_with_intact_framing_is_treat_as_withdraw() {
    let nlri = [GOOD_RULE.as_slice(), &UNKNOWN_COMPONENT_RULE].concat();
    let attrs = [flowspec_reach(&nlri), origin(), attr(0x40, 2, &[])].concat();
    let u = Update::decode_body(&body(&[], &attrs, &[]), &CodecContext::default())
        .expect("framing intact: no session reset");
    assert!(u.treat_as_withdraw());
    let (family, rules) = u.announced_flowspec().expect("the good rule is located");
    assert_eq!(family, AfiSafi::IPV4_FLOWSPEC);
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].to_string(), "destination 192.0.2.0/24");
}

#[test]
fn flowspec_rule_overrunning_its_attribute_disables_the_family() {
    // The length prefix says 9 octets, only 5 follow.
    let nlri = [9, 1, 24, 192, 0, 2];
    let attrs = [flowspec_reach(&nlri), origin(), attr(0x40, 2, &[])].concat();
    let err = Update::decode_body(&body(&[], &attrs, &[]), &CodecContext::default())
        .expect_err("broken framing");
    assert_eq!(
        err.action,
        crate::ErrorAction::AfiSafiDisable(AfiSafi::IPV4_FLOWSPEC)
    );
}
