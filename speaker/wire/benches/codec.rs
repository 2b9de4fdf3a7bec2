//! Codec throughput: an UPDATE stream carrying 100k IPv4 prefixes in realistic packing
//! (many prefixes per attribute set, as in a full table), and 10k FlowSpec rules.
//! Run: `cargo bench -p bgp-wire --bench codec`. Figures go into the README.

use std::hint::black_box;
use std::net::Ipv4Addr;

use bgp_wire::attribute::{AsPath, Community, MpNextHop, Origin, PathAttributes};
use bgp_wire::nlri::flowspec::text::parse_rule;
use bgp_wire::nlri::flowspec::{FlowSpecAction, FlowSpecNlri};
use bgp_wire::nlri::{MpNlri, PathPrefix};
use bgp_wire::pack::{pack_announce, pack_flowspec_announce};
use bgp_wire::{Afi, AfiSafi, CodecContext, Message};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PREFIXES: usize = 100_000;
/// Prefixes sharing one attribute set: about what a transit table averages.
const PER_ATTR_SET: usize = 50;

/// 100k distinct /24s starting at 1.0.0.0, grouped into attribute sets.
fn unicast_table() -> Vec<(PathAttributes, Ipv4Addr, Vec<PathPrefix>)> {
    let mut groups = Vec::new();
    for (g, chunk) in (0..PREFIXES)
        .collect::<Vec<_>>()
        .chunks(PER_ATTR_SET)
        .enumerate()
    {
        let attrs = PathAttributes {
            origin: Some(Origin::Igp),
            as_path: Some(AsPath::from_sequence(vec![
                65001,
                3356,
                64512 + g as u32 % 1000,
            ])),
            med: Some(g as u32 % 7),
            communities: vec![Community::new(65001, g as u16), Community::new(65001, 666)],
            ..PathAttributes::default()
        };
        let prefixes = chunk
            .iter()
            .map(|i| {
                let n = (1u32 << 24) + ((*i as u32) << 8);
                PathPrefix::new(format!("{}/24", Ipv4Addr::from(n)).parse().expect("prefix"))
            })
            .collect();
        groups.push((
            attrs,
            Ipv4Addr::new(192, 0, 2, 1 + (g % 200) as u8),
            prefixes,
        ));
    }
    groups
}

fn encode_table(
    groups: &[(PathAttributes, Ipv4Addr, Vec<PathPrefix>)],
    ctx: &CodecContext,
) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (attrs, nh, prefixes) in groups {
        let msgs = pack_announce(
            attrs,
            AfiSafi::IPV4_UNICAST,
            &MpNextHop::Ipv4(*nh),
            prefixes,
            ctx,
        )
        .expect("pack");
        out.extend(msgs);
    }
    out
}

fn decode_all(msgs: &[Vec<u8>], ctx: &CodecContext) -> usize {
    let mut n = 0;
    for m in msgs {
        if let Ok(Message::Update(u)) = Message::decode(m, ctx) {
            n += u.nlri.len();
        }
    }
    n
}

fn unicast(c: &mut Criterion) {
    let ctx = CodecContext::default();
    let groups = unicast_table();
    let msgs = encode_table(&groups, &ctx);
    assert_eq!(decode_all(&msgs, &ctx), PREFIXES);
    let bytes: usize = msgs.iter().map(Vec::len).sum();
    eprintln!(
        "unicast: {PREFIXES} prefixes in {} UPDATEs, {bytes} octets",
        msgs.len()
    );

    let mut g = c.benchmark_group("ipv4_unicast_100k");
    g.throughput(Throughput::Elements(PREFIXES as u64));
    g.sample_size(10);
    g.bench_function("encode", |b| {
        b.iter(|| black_box(encode_table(&groups, &ctx)))
    });
    g.bench_function("decode", |b| b.iter(|| black_box(decode_all(&msgs, &ctx))));
    g.finish();
}

const RULES: usize = 10_000;

/// 10k distinct DDoS-style rules: a /32 under attack, a protocol, ports, a length range.
fn flowspec_rules() -> Vec<FlowSpecNlri> {
    (0..RULES)
        .map(|i| {
            let dst = Ipv4Addr::from(0xcb00_7100u32 + i as u32); // from 203.0.113.0 upwards
            let text = format!(
                "destination {dst}/32 protocol =udp destination-port ={} source-port >=1024&<=65535 packet-length >=512",
                53 + i % 1000
            );
            parse_rule(Afi::Ipv4, &text).expect("rule")
        })
        .collect()
}

fn rate_limit_attrs() -> PathAttributes {
    let rate = "rate-limit 1250000"
        .parse::<FlowSpecAction>()
        .expect("action");
    PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::from_sequence(Vec::new())),
        extended_communities: rate.to_ext().into_iter().collect(),
        ..PathAttributes::default()
    }
}

fn decode_rules(msgs: &[Vec<u8>], ctx: &CodecContext) -> usize {
    let mut n = 0;
    for m in msgs {
        if let Ok(Message::Update(u)) = Message::decode(m, ctx)
            && let Some(reach) = &u.mp_reach
            && let MpNlri::FlowSpec(rules) = &reach.nlri
        {
            n += rules.len();
        }
    }
    n
}

fn flowspec(c: &mut Criterion) {
    let ctx = CodecContext::default();
    let rules = flowspec_rules();
    let attrs = rate_limit_attrs();
    let pack =
        || pack_flowspec_announce(&attrs, AfiSafi::IPV4_FLOWSPEC, &rules, &ctx).expect("pack");
    let msgs = pack();
    assert_eq!(decode_rules(&msgs, &ctx), RULES);
    let bytes: usize = msgs.iter().map(Vec::len).sum();
    eprintln!(
        "flowspec: {RULES} rules in {} UPDATEs, {bytes} octets",
        msgs.len()
    );

    let mut g = c.benchmark_group("ipv4_flowspec_10k");
    g.throughput(Throughput::Elements(RULES as u64));
    g.sample_size(10);
    g.bench_function("encode", |b| b.iter(|| black_box(pack())));
    g.bench_function("decode", |b| {
        b.iter(|| black_box(decode_rules(&msgs, &ctx)))
    });
    g.finish();
}

criterion_group!(benches, unicast, flowspec);
criterion_main!(benches);
