//! The 100k-route path: one attribute set packs into the fewest UPDATEs.

use std::net::Ipv4Addr;
use std::time::Instant;

use bgp_wire::pack::pack_announce;

use super::*;

const A: &str = "192.0.2.1";
const N: u32 = 100_000;

fn paths(a: &Arc<PathAttributes>) -> Vec<(String, InjectedPath)> {
    (0..N)
        .map(|i| {
            let addr = Ipv4Addr::from(0x0a00_0000 + i);
            let p = InjectedPath {
                prefix: IpNet::V4(Ipv4Net::new(addr, 32).unwrap()),
                path_id: None,
                next_hop: None,
                attrs: a.clone(),
                neighbors: Vec::new(),
            };
            (format!("r{i}"), p)
        })
        .collect()
}

/// How many /32s fit in one 4096-octet UPDATE with the attributes A receives.
fn per_message(rib: &TRib, i: &PeerInfo) -> usize {
    let adv = rib.advertised_routes(ip(A)).unwrap();
    let s = &adv[0].sent;
    let one = [PathPrefix::new(net("10.0.0.0/32"))];
    let m = pack_announce(
        &s.attrs,
        AfiSafi::IPV4_UNICAST,
        &s.next_hop,
        &one,
        &ctx_of(i),
    )
    .unwrap();
    let overhead = m[0].len() - 5;
    (4096 - overhead) / 5
}

#[test]
fn hundred_thousand_injected_paths_pack_tightly() {
    let i = info(65001, "192.0.2.254", V4);
    let mut rib = rib_with(&[(A, i.clone())]);
    let a = attrs(|a| a.communities = vec!["65535:666".parse().unwrap()]);
    let items = paths(&a);

    let t = Instant::now();
    let out = rib.inject_paths(items).unwrap();
    let inject = t.elapsed();
    let sent = msgs(&out, A);
    let per = per_message(&rib, &i);
    let bound = (N as usize).div_ceil(per) + 1;
    assert!(sent.len() <= bound, "{} UPDATEs > {bound}", sent.len());
    let routes: usize = decode(&sent, &ctx_of(&i))
        .iter()
        .map(|u| u.nlri.len())
        .sum();
    assert_eq!(routes, N as usize);

    // A second peer coming up gets the whole table in one sync.
    let ib = info(65002, "198.51.100.254", V4);
    let t = Instant::now();
    let out = rib.peer_up(ip("198.51.100.1"), ib).unwrap();
    let sync = t.elapsed();
    assert!(msgs(&out, "198.51.100.1").len() <= bound + 1);

    let ids: Vec<String> = (0..N).map(|i| format!("r{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let t = Instant::now();
    let (n, out) = rib.remove_paths(&refs);
    let remove = t.elapsed();
    assert_eq!(n, N as usize);
    assert!(msgs(&out, A).len() <= (N as usize).div_ceil(4000 / 5) + 1);
    println!(
        "100k /32 with one attribute set: {} UPDATEs ({per}/msg, bound {bound}); \
         inject+pack {inject:?}, peer_up sync {sync:?}, remove {remove:?}",
        sent.len()
    );
}
