//! Parser tests on output captured from FRR 8.4.4.

use super::*;

const TABLE: &str = r#"{
 "vrfId": 0, "routerId": "127.201.0.4", "defaultLocPrf": 100, "localAS": 65004,
 "routes": { "198.51.100.0/25": [{"valid":true,"bestpath":true,"pathFrom":"external","prefix":"198.51.100.0","prefixLen":25,"network":"198.51.100.0/25","metric":0,"weight":32768,"peerId":"(unspec)","path":"","origin":"IGP","nexthops":[{"ip":"0.0.0.0","hostname":"frr-test","afi":"ipv4","used":true}]}]
,"203.0.113.0/24": [{"valid":true,"bestpath":true,"pathFrom":"external","prefix":"203.0.113.0","prefixLen":24,"network":"203.0.113.0/24","metric":30,"weight":0,"peerId":"127.201.0.2","path":"65002 65010 65011","origin":"EGP","nexthops":[{"ip":"192.0.2.2","hostname":"vm","afi":"ipv4","used":true}]}]
 }  } "#;

const DETAIL: &str = r#"{"prefix":"203.0.113.0/24","paths":[{"aspath":{"string":"65002 65010 65011","length":3},
 "origin":"EGP","metric":30,"valid":true,"bestpath":{"overall":true},
 "community":{"string":"65002:10 no-export","list":["65002:10","noExport"]},
 "largeCommunity":{"string":"65002:1:2","list":["65002:1:2"]},
 "extendedCommunity":{"string":"RT:65000:100"},
 "nexthops":[{"ip":"192.0.2.2","afi":"ipv4","used":true}],
 "peer":{"peerId":"127.201.0.2","routerId":"127.201.0.2","type":"external"}}]}"#;

const FLOWSPEC: &str = "BGP flowspec entry: (flags 0x418)
\tDestination Address 192.0.2.0/24
\tSource Address 198.51.100.0/24
\tIP Protocol = 6 
\tDestination Port = 80 
\tSource Port >= 1024 
\tTCP Flags \u{220b} 2
\tPacket Length >= 100 , <= 1500 
\tDSCP field = 10 
\tPacket Fragment \u{220b} 2
\tFS:rate 1000.000000 FS:redirect VRF RT:65000:100
\treceived for 00:00:24
\tnot installed in PBR
BGP flowspec entry: (flags 0x418)
\tDestination Address 192.0.2.64/26
\tPort = 80 , = 8080 
\tFS:action eval stops FS:marking 46

Displayed  2 flowspec entries
";

#[test]
fn table_routes() {
    let r = parse_routes(TABLE).unwrap();
    assert_eq!(r.len(), 2);
    let local = r.iter().find(|r| r.prefix == "198.51.100.0/25").unwrap();
    assert_eq!(local.peer, None);
    assert!(local.as_path.is_empty());
    let learnt = r.iter().find(|r| r.prefix == "203.0.113.0/24").unwrap();
    assert_eq!(learnt.as_path, vec![65002, 65010, 65011]);
    assert_eq!(
        learnt.next_hops,
        vec!["192.0.2.2".parse::<IpAddr>().unwrap()]
    );
    assert_eq!((learnt.origin, learnt.med), (Some(Origin::Egp), Some(30)));
    assert_eq!(learnt.peer, Some("127.201.0.2".parse().unwrap()));
    assert!(parse_routes("{}").unwrap().is_empty());
}

#[test]
fn detail_route_has_communities() {
    let r = parse_route_detail(DETAIL).unwrap();
    assert_eq!(r.len(), 1);
    assert!(r[0].best);
    assert_eq!(r[0].communities, vec![(65002, 10)]);
    assert_eq!(r[0].large_communities, vec![(65002, 1, 2)]);
    assert_eq!(r[0].ext_communities, vec!["RT:65000:100"]);
    assert!(parse_route_detail("{}").unwrap().is_empty());
}

#[test]
fn flowspec_entries() {
    let r = parse_flowspec(FLOWSPEC).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].component("Destination Address"), Some("192.0.2.0/24"));
    assert_eq!(r[0].component("IP Protocol"), Some("= 6"));
    assert_eq!(r[0].component("Destination Port"), Some("= 80"));
    assert_eq!(r[0].component("TCP Flags"), Some("\u{220b} 2"));
    assert_eq!(r[0].components.len(), 9);
    assert_eq!(
        r[0].actions,
        vec!["rate 1000.000000", "redirect VRF RT:65000:100"]
    );
    assert_eq!(
        r[0].other,
        vec!["received for 00:00:24", "not installed in PBR"]
    );
    assert_eq!(r[1].component("Port"), Some("= 80 , = 8080"));
    assert_eq!(r[1].actions, vec!["action eval stops", "marking 46"]);
    assert!(parse_flowspec("\tDestination Address 1.2.3.0/24\n").is_err());
}

#[test]
fn summary_state() {
    let s = r#"{"ipv4Unicast":{"peers":{"127.201.0.2":{"state":"Established"}}},"ipv4Flowspec":{"peers":{"127.201.0.9":{"state":"Active"}}}}"#;
    assert_eq!(
        parse_summary_state(s, "127.201.0.2".parse().unwrap()).unwrap(),
        SessionState::Established
    );
    assert_eq!(
        parse_summary_state(s, "127.201.0.9".parse().unwrap()).unwrap(),
        SessionState::Active
    );
    assert!(parse_summary_state(s, "127.1.1.1".parse().unwrap()).is_err());
    assert!(parse_summary_state("% no bgp", "127.1.1.1".parse().unwrap()).is_err());
}

#[test]
fn empty_as_path_is_local() {
    assert_eq!(super::as_path_text("Local").unwrap(), Vec::<u32>::new());
    assert_eq!(super::as_path_text("").unwrap(), Vec::<u32>::new());
    assert_eq!(
        super::as_path_text("65002 {65011,65012}").unwrap(),
        vec![65002, 65011, 65012]
    );
}
