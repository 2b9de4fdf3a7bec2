"""Which captured messages become fixtures, and what the manifest says about them.

Each entry: name, sender, receiver (keys of ADDR), msg_type, context, what, select.
select: hex substrings the message must contain ("contains"), optional "excludes",
"len", "exact", "nth" (0 = first in capture order).  src/dst/type default from the entry.
"""

ADDR = {
    "gobgp": "127.0.0.2",    # gobgpd, unicast session with BIRD
    "gobgp2": "127.0.0.8",   # gobgpd, FlowSpec session with BIRD (second listen address)
    "bird": "127.0.0.3",
    "bird2": "127.0.0.4",    # BIRD protocol gobgpfs
    "exabgp1": "127.0.0.5",  # ExaBGP E1 (AS 65005)
    "exabgp2": "127.0.0.6",  # ExaBGP E2 (AS 65006, no AS4 capability)
    "exabgp3": "127.0.0.7",  # ExaBGP E3 (AS 65003, iBGP with BIRD)
    "exabgp0": "127.0.0.9",  # ExaBGP E0 (AS 65009, passive receiver for E1)
}

E1_AP = "as4,extmsg,addpath=ipv4_unicast+ipv6_unicast"
E1 = "as4,extmsg"
GB_AP = "as4,addpath=ipv4_unicast+ipv6_unicast"
E3 = "as4,extmsg"

V = []


def v(name, sender, receiver, msg_type, context, what, **select):
    V.append(dict(name=name, sender=sender, receiver=receiver, msg_type=msg_type,
                  context=context, what=what, select=select))


# ------------------------------------------------------------------ OPEN
v("open_exabgp_addpath_send", "exabgp1", "exabgp0", "open", "as4",
  "ExaBGP E1 OPEN: AS 65005, hold 6, router-id 127.0.0.5. Capabilities: MP ipv4/unicast, ipv4/flow(133), "
  "ipv6/unicast, ipv6/flow; 4-octet AS 65005; Add-Path ipv4/unicast send + ipv6/unicast send (mode 2); "
  "graceful restart time 120 with R bit and F bit for all four families; route refresh (2); enhanced route refresh (70); "
  "extended message (6). One capability per optional parameter.")
v("open_exabgp_addpath_receive", "exabgp0", "exabgp1", "open", "as4",
  "ExaBGP E0 OPEN: AS 65009, hold 9, router-id 127.0.0.9. MP ipv4/unicast, ipv4/flow, ipv6/unicast, ipv6/flow; "
  "4-octet AS 65009; Add-Path ipv4/unicast receive + ipv6/unicast receive (mode 1); route refresh; enhanced route refresh; extended message.")
v("open_exabgp_as2", "exabgp2", "bird", "open", "as2",
  "ExaBGP E2 OPEN with asn4 disabled: AS 65006 in My AS, hold 6, router-id 127.0.0.6; only MP ipv4/unicast and extended message (6); "
  "no 4-octet-AS capability, no route refresh.")
v("open_exabgp_ibgp_many_caps", "exabgp3", "bird", "open", "as4",
  "ExaBGP E3 OPEN: AS 65003, hold 9, router-id 127.0.0.7. MP ipv4/unicast, ipv4/flow, ipv6/unicast, ipv6/flow; 4-octet AS 65003; "
  "extended next hop (5) ipv4/unicast with next-hop AFI ipv6; graceful restart time 60 with R bit and F bit per family; "
  "route refresh (2); enhanced route refresh (70); operational (185, unassigned/ExaBGP-specific); extended message (6).")
v("open_bird_to_gobgp_gr_llgr_addpath", "bird", "gobgp", "open", "as4",
  "BIRD OPEN to gobgpd: AS 65003, hold 9, router-id 127.0.0.3, all capabilities in ONE optional parameter: MP ipv4/unicast, ipv6/unicast; "
  "route refresh (2); extended message (6); graceful restart (64) time 90, ipv4/unicast and ipv6/unicast; 4-octet AS 65003; "
  "Add-Path (69) ipv4/unicast and ipv6/unicast send+receive (3); enhanced route refresh (70); long-lived GR (71) ipv4/unicast and ipv6/unicast stale time 1800.",
  contains=["0200060040"])
v("open_bird_ebgp_as2_peer", "bird", "exabgp2", "open", "as4",
  "BIRD OPEN to ExaBGP E2: AS 65003, hold 6; one optional parameter: MP ipv4/unicast, route refresh, graceful restart (64, flags 0, time 120, no AFI), "
  "4-octet AS 65003, enhanced route refresh (70), long-lived GR (71, empty).")
v("open_bird_extmsg_flow", "bird", "exabgp3", "open", "as4",
  "BIRD OPEN to ExaBGP E3 (iBGP): AS 65003, hold 9; one optional parameter: MP ipv4/unicast, ipv4/flow, ipv6/unicast, ipv6/flow; route refresh; "
  "extended message (6); graceful restart (flags 0, time 120, no AFI); 4-octet AS 65003; enhanced route refresh; long-lived GR (empty).")
v("open_gobgp_gr_llgr_addpath", "gobgp", "bird", "open", "as4",
  "gobgpd OPEN to BIRD: AS 65002, hold 9, router-id 127.0.0.2. All capabilities in ONE optional parameter, in this order: route refresh (2); "
  "FQDN (73) hostname of the machine that ran regen.sh (\"vm\"), empty domain; MP ipv4/unicast, ipv6/unicast; 4-octet AS 65002; "
  "graceful restart (64) N bit, time 120, ipv4/unicast + ipv6/unicast F=0; long-lived GR (71) ipv4/unicast + ipv6/unicast stale time 3600; "
  "extended next hop (5) ipv4/unicast->ipv6; Add-Path (69) ipv4/unicast + ipv6/unicast send/receive (3).")
v("open_gobgp_flowspec_only", "gobgp2", "bird2", "open", "as4",
  "gobgpd OPEN to BIRD's FlowSpec session: AS 65002, hold 9, router-id 127.0.0.2; one optional parameter: route refresh; FQDN (73, hostname \"vm\"); MP ipv4/flow(133), ipv6/flow; "
  "4-octet AS 65002; extended next hop (5) for ipv4/flow (nh AFI 2) and ipv6/flow (nh AFI 2).")

# ------------------------------------------------------------------ KEEPALIVE
v("keepalive_gobgp", "gobgp", "bird", "keepalive", "as4", "KEEPALIVE (19 octets) from gobgpd.")

# ------------------------------------------------------------------ UPDATE unicast
v("update_exabgp_addpath_v4_communities", "exabgp1", "exabgp0", "update", E1_AP,
  "IPv4 unicast 203.0.113.0/24 path-id 1, NEXT_HOP 192.0.2.5, ORIGIN igp, AS_PATH [65005] (4-octet), MED 50, "
  "COMMUNITIES 65005:100 65535:666, EXTENDED_COMMUNITIES route-target 65005:1 (0x0002 fded 00000001), "
  "LARGE_COMMUNITY 65005:1:2. NLRI in the UPDATE's NLRI field with Add-Path path identifier.",
  contains=["0000000118cb0071", "c0200c"])
v("update_exabgp_addpath_v4_path2", "exabgp1", "exabgp0", "update", E1_AP,
  "IPv4 unicast 203.0.113.0/24 path-id 2, NEXT_HOP 192.0.2.6, ORIGIN igp, AS_PATH [65005]; no other attributes.",
  contains=["0000000218cb0071", "c0000206"])
v("update_exabgp_addpath_v6_mp_reach", "exabgp1", "exabgp0", "update", E1_AP,
  "IPv6 unicast 2001:db8:500::/48 path-id 1 in MP_REACH_NLRI, next hop 2001:db8::5 (16 octets, global only), ORIGIN igp, AS_PATH [65005].",
  contains=["800e20", "000000013020010db80500"])
v("update_exabgp_addpath_v6_med", "exabgp1", "exabgp0", "update", E1_AP,
  "IPv6 unicast 2001:db8:500::/48 path-id 2 in MP_REACH_NLRI, next hop 2001:db8::6, ORIGIN igp, AS_PATH [65005], MED 60.",
  contains=["000000023020010db80500", "800e"])
v("update_exabgp_addpath_v4_withdraw", "exabgp1", "exabgp0", "update", E1_AP,
  "Withdrawn-routes field: 203.0.113.0/24 with path-id 2 (withdrawn length 8); no attributes, no NLRI.",
  exact="ffffffffffffffffffffffffffffffff001f02" + "00080000000218cb00710000")
v("update_exabgp_addpath_v6_mp_unreach", "exabgp1", "exabgp0", "update", E1_AP,
  "MP_UNREACH_NLRI ipv6/unicast 2001:db8:500::/48 path-id 2 (ExaBGP also sends ORIGIN igp and AS_PATH [65005] with the withdrawal).",
  contains=["800f0e000201000000023020010db80500"])
v("update_exabgp_ibgp_all_attrs", "exabgp3", "bird", "update", E3,
  "iBGP IPv4 unicast 192.0.2.128/25, NEXT_HOP 192.0.2.7, ORIGIN egp, AS_PATH empty, MED 10, LOCAL_PREF 200, ATOMIC_AGGREGATE, "
  "AGGREGATOR 65003 192.0.2.7 (4-octet AS), COMMUNITIES 65003:1 65535:666 no-export(65535:65281), ORIGINATOR_ID 192.0.2.77, "
  "CLUSTER_LIST 192.0.2.1 192.0.2.2, EXTENDED_COMMUNITIES route-target 65003:100 and route-origin 192.0.2.7:5, LARGE_COMMUNITY 65003:4200000000:7.",
  contains=["19c0000280"])
v("update_exabgp_unknown_transitive_attr", "exabgp3", "bird", "update", E3,
  "iBGP IPv4 unicast 192.0.2.0/26, NEXT_HOP 192.0.2.7, ORIGIN igp, AS_PATH empty, LOCAL_PREF 100, unknown attribute type 0x63 flags 0xc0 "
  "(optional transitive) value deadbeef.",
  contains=["c06304deadbeef", "1ac0000200"])
v("update_exabgp_extmsg_1100_communities", "exabgp3", "bird", "update", E3,
  "iBGP IPv4 unicast 192.0.2.64/26, NEXT_HOP 192.0.2.7, ORIGIN igp, AS_PATH empty, LOCAL_PREF 100, COMMUNITIES 65003:0 .. 65003:1099 "
  "(1100 values in that order, 4400 octets, extended-length attribute). Message is longer than 4096 octets: needs the extended message capability (negotiated).",
  contains=["1ac0000240"])
v("update_exabgp_ibgp_v6", "exabgp3", "bird", "update", E3,
  "iBGP IPv6 unicast 2001:db8:700::/48 in MP_REACH_NLRI next hop 2001:db8::7, ORIGIN igp, AS_PATH empty, LOCAL_PREF 150, COMMUNITIES 65003:6.",
  contains=["3020010db80700"])
v("update_exabgp_v4_withdraw", "exabgp3", "bird", "update", E3,
  "Withdrawn-routes field: 198.51.100.192/26 (withdrawn length 5); no attributes.",
  exact="ffffffffffffffffffffffffffffffff001c02" + "00051ac63364c00000")
v("update_exabgp_v6_mp_unreach", "exabgp3", "bird", "update", E3,
  "MP_UNREACH_NLRI ipv6/unicast 2001:db8:701::/48 (ExaBGP also includes ORIGIN igp, AS_PATH empty, LOCAL_PREF 100).",
  contains=["800f0a0002013020010db80701"])
v("update_exabgp_as2_as4_path", "exabgp2", "bird", "update", "as2",
  "2-octet-AS session. IPv4 unicast 198.51.100.0/26, NEXT_HOP 192.0.2.6, ORIGIN igp, configured as-path [65006 4200000001 64512]: "
  "AS_PATH (2-octet) SEQUENCE 65006 23456 64512 and AS4_PATH SEQUENCE 65006 4200000001 64512.",
  contains=["1ac6336400"])
v("update_exabgp_as2_as_set_as4_aggregator", "exabgp2", "bird", "update", "as2",
  "2-octet-AS session. IPv4 unicast 198.51.100.64/26, NEXT_HOP 192.0.2.6, ORIGIN igp, configured as-path [65006 (64512 64513 4200000002)]: "
  "AS_PATH SEQUENCE 65006 + SET {64512 64513 23456}, AS4_PATH SEQUENCE 65006 + SET {64512 64513 4200000002}; ATOMIC_AGGREGATE; "
  "AGGREGATOR 23456 192.0.2.99 (2-octet) and AS4_AGGREGATOR 4200000003 192.0.2.99.",
  contains=["1ac6336440"])
v("update_bird_addpath_two_nlri", "bird", "gobgp", "update", GB_AP,
  "BIRD -> gobgpd, Add-Path: IPv4 unicast 198.51.100.0/25 and 198.51.100.128/25 in one UPDATE, each with path-id 2; "
  "ORIGIN igp, AS_PATH [65003], NEXT_HOP 192.0.2.3.",
  contains=["0000000219c63364000000000219c6336480"])
v("update_bird_addpath_v6", "bird", "gobgp", "update", GB_AP,
  "BIRD -> gobgpd, Add-Path: MP_REACH_NLRI first (extended-length flag), ipv6/unicast 2001:db8:300::/48 path-id 3, next hop 2001:db8::3; then ORIGIN igp, AS_PATH [65003].",
  contains=["000000033020010db80300"])
v("update_gobgp_addpath_v4_attrs", "gobgp", "bird", "update", GB_AP,
  "gobgpd -> BIRD, Add-Path: IPv4 unicast 203.0.113.128/25 (injected with identifier 7; sent with path-id 1), NEXT_HOP 192.0.2.2, ORIGIN incomplete, "
  "AS_PATH [65002], MED 20, AGGREGATOR 65002 192.0.2.2, COMMUNITIES 65002:1 no-export, LARGE_COMMUNITY 65002:1:1.",
  contains=["19cb007180"])
v("update_gobgp_addpath_v6_blackhole", "gobgp", "bird", "update", GB_AP,
  "gobgpd -> BIRD, Add-Path: IPv6 unicast 2001:db8:200::/48 path-id 1 in MP_REACH_NLRI (last attribute), next hop 2001:db8::2, ORIGIN incomplete, "
  "AS_PATH [65002], COMMUNITIES 65535:666 (BLACKHOLE).",
  contains=["3020010db80200"])

# ------------------------------------------------------------------ End-of-RIB
v("eor_ipv4_exabgp", "exabgp1", "exabgp0", "update", E1, "End-of-RIB ipv4/unicast: empty UPDATE (23 octets).",
  exact="ffffffffffffffffffffffffffffffff00170200000000")
v("eor_ipv6_unicast_exabgp", "exabgp1", "exabgp0", "update", E1,
  "End-of-RIB ipv6/unicast: MP_UNREACH_NLRI with only AFI 2 SAFI 1, ExaBGP sets the extended-length flag (0x90, length 0x0003).",
  contains=["900f0003000201"], len=30)
v("eor_ipv6_flow_bird", "bird", "exabgp3", "update", E3,
  "End-of-RIB ipv6/flow (SAFI 133) from BIRD: MP_UNREACH_NLRI flags 0x80 length 3, AFI 2 SAFI 133.",
  contains=["800f03000285"], len=29)
v("eor_ipv6_unicast_gobgp", "gobgp", "bird", "update", GB_AP,
  "End-of-RIB ipv6/unicast from gobgpd: MP_UNREACH_NLRI flags 0x80 length 3, AFI 2 SAFI 1.",
  contains=["800f03000201"], len=29)

# ------------------------------------------------------------------ FlowSpec from ExaBGP (E1 -> E0)
v("flow4_exabgp_numeric_ops", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec rule (MP_REACH ipv4/flow, nh len 0): destination 192.0.2.0/24; source 198.51.100.0/24; protocol =6 OR =17; port =80 OR =8080; "
  "destination-port >=1024 AND <=2047 OR =3306; source-port >1023; packet-length >=64 AND <=1500; dscp =10 OR =46; "
  "fragment is-fragment(0x02) OR first-fragment(0x04) (bitmask, no match/not bits). Action: traffic-rate 9600 bytes/s (AS 0).",
  contains=["0118c000020218c63364"])
v("flow4_exabgp_icmp_discard", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec: destination 192.0.2.16/28; protocol =1; icmp-type =8 OR =0; icmp-code =0. Action: discard = traffic-rate 0 (AS 0).",
  contains=["011cc0000210"])
v("flow4_exabgp_tcpflags_sample_terminal_redirect_as2", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec: destination 192.0.2.32/28; protocol =6; tcp-flags match(=) SYN AND not ACK, OR RST (bitmask). "
  "Actions: traffic-action sample+terminal (0x8007, flags 0x03); redirect 2-octet AS RT 65000:100 (0x8008).",
  contains=["011cc0000220"])
v("flow4_exabgp_redirect_as4_sample", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec: destination 192.0.2.48/28; destination-port =25. Actions: traffic-action sample (0x02); redirect 4-octet AS RT 4200000000:100 (0x8208).",
  contains=["011cc0000230"])
v("flow4_exabgp_redirect_to_ip_simpson", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec: destination 192.0.2.64/28. Action: ExaBGP `redirect 192.0.2.254` = MP_REACH next hop 192.0.2.254 (nh len 4) + "
  "extended community 0x0800 redirect-to-nexthop (draft-simpson, copy bit 0).",
  contains=["011cc0000240"])
v("flow4_exabgp_redirect_ip_ietf_terminal", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec: destination 192.0.2.80/28. Actions: traffic-action terminal (0x01); redirect-to-IP (draft-ietf-idr-flowspec-redirect-ip) "
  "IPv4-address-specific ext community type 0x01 subtype 0x0c, 192.0.2.253, local admin 0.",
  contains=["011cc0000250"])
v("flow4_exabgp_copy_mark", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec: destination 192.0.2.96/28. Actions: ExaBGP `copy 192.0.2.252` = MP_REACH next hop 192.0.2.252 + 0x0800 redirect-to-nexthop with copy bit set; "
  "traffic-marking DSCP 46 (0x8009).",
  contains=["011cc0000260"])
v("flow4_exabgp_rate_mark_a", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec: destination 198.51.100.0/28. Actions: traffic-rate 1000000 bytes/s; traffic-marking DSCP 26. "
  "(ExaBGP sends rules with identical actions in separate UPDATEs.)",
  contains=["011cc6336400"])
v("flow4_exabgp_long_rule_2octet_len", "exabgp1", "exabgp0", "update", E1,
  "IPv4 FlowSpec rule of 276 octets (NLRI length encoded 0xf114): destination 203.0.113.0/24; destination-port =1000 OR =1001 ... OR =1089 "
  "(90 terms, 2-octet values). Action: traffic-rate 12345 bytes/s.",
  contains=["f1140118cb0071"])
v("flow6_exabgp_all_numeric_offset", "exabgp1", "exabgp0", "update", E1,
  "IPv6 FlowSpec: destination 2001:db8:10::/64 offset 16 (configured 2001:db8:10::/64/16) - NOT RFC 8956: ExaBGP sends the full first 64 bits "
  "(8 pattern octets 20010db800100000) instead of the (64-16) bits from the offset; source 2001:db8:20::/56 offset 0; next-header =6 OR =17; "
  "port =443; destination-port >=8000 AND <=8080; source-port >1023; packet-length >=64 AND <=1280; traffic-class(dscp, type 11) =10; "
  "fragment first-fragment OR last-fragment; flow-label =12345 OR =1048575. Actions: traffic-rate 2000; traffic-marking 10.",
  contains=["01401020010db80010"])
v("flow6_exabgp_icmpv6_discard", "exabgp1", "exabgp0", "update", E1,
  "IPv6 FlowSpec: destination 2001:db8:11::/48 offset 0; next-header =58; icmp-type =128 OR =129; icmp-code =0. Action: discard (traffic-rate 0).",
  contains=["01300020010db80011"])
v("flow6_exabgp_tcpflags_redirect_ipv6_ietf", "exabgp1", "exabgp0", "update", E1,
  "IPv6 FlowSpec: destination 2001:db8:12::/64; next-header =6; tcp-flags =SYN AND not ACK. Action: redirect-to-IP IPv6 2001:db8::fe in "
  "IPV6_ADDRESS_SPECIFIC_EXTENDED_COMMUNITY (attribute 25), type 0x00 subtype 0x0c, local admin 0.",
  contains=["01400020010db800120000"])
v("flow6_exabgp_redirect_to_nexthop_v6", "exabgp1", "exabgp0", "update", E1,
  "IPv6 FlowSpec: destination 2001:db8:13::/64. Action: redirect-to-nexthop (0x0800) with MP_REACH next hop 2001:db8::fd (nh len 16).",
  contains=["01400020010db800130000"])
v("flow6_exabgp_fragment_not_sample_redirect", "exabgp1", "exabgp0", "update", E1,
  "IPv6 FlowSpec: destination 2001:db8:14::/64; fragment NOT is-fragment (op 0x82). Actions: traffic-action sample; redirect 65000:600.",
  contains=["01400020010db800140000"])

# ------------------------------------------------------------------ FlowSpec from gobgpd (-> BIRD flow session)
v("flow4_gobgp_rate_as_redirect_ipv4_rt", "gobgp2", "bird2", "update", "as4",
  "gobgpd IPv4 FlowSpec: destination 192.0.2.0/26; source 198.51.100.64/26; protocol ==tcp OR ==udp; port ==80 OR ==443; destination-port >=1024 AND <=49151; "
  "source-port >1023; packet-length <1500; dscp ==46; fragment dont-fragment (bitmask 0x01). Actions: traffic-rate 1000 with AS 65002; "
  "redirect IPv4-address-specific RT 192.0.2.9:100 (0x8108).",
  contains=["021ac6336440"])
v("flow4_gobgp_icmp_discard", "gobgp2", "bird2", "update", "as4",
  "gobgpd IPv4 FlowSpec: destination 192.0.2.64/26; protocol ==1; icmp-type ==8; icmp-code ==0. Action: discard (traffic-rate 0, AS 0).",
  contains=["011ac0000240"])
v("flow4_gobgp_tcpflags_redirect_as4", "gobgp2", "bird2", "update", "as4",
  "gobgpd IPv4 FlowSpec: destination 192.0.2.128/26; tcp-flags match SYN AND not ACK OR not-match FIN (configured '=S' '&!A' '!=F'). "
  "Actions: traffic-action sample+terminal; redirect 4-octet AS RT 4200000000:100 (0x8208, configured as 64086.59904:100).",
  contains=["011ac0000280"])
v("flow4_gobgp_redirect_ipv6_rt_sample", "gobgp2", "bird2", "update", "as4",
  "gobgpd IPv4 FlowSpec: destination 192.0.2.192/27. Actions: traffic-action sample; redirect IPv6-address-specific RT [2001:db8::1]:100 "
  "in attribute 25 (type 0x80 subtype 0x0b).",
  contains=["011bc00002c0"])
v("flow4_gobgp_redirect_as2_mark_terminal", "gobgp2", "bird2", "update", "as4",
  "gobgpd IPv4 FlowSpec: destination 192.0.2.224/27. Actions: redirect 65000:200; traffic-marking DSCP 18; traffic-action terminal.",
  contains=["011bc00002e0"])
v("flow6_gobgp_icmpv6_label_redirect_ipv6", "gobgp2", "bird2", "update", "as4",
  "gobgpd IPv6 FlowSpec: destination 2001:db8:40::/64 offset 0; source 2001:db8:41::/64; next-header ==58; icmp-type ==128; icmp-code ==0; "
  "packet-length >=64 AND <=1280; dscp ==10; flow-label ==74565 (4-octet value). Actions: traffic-rate 500 (AS 0); redirect IPv6-address-specific RT [2001:db8::1]:200 (attribute 25).",
  contains=["01400020010db80040"])
v("flow6_gobgp_accept_no_actions", "gobgp2", "bird2", "update", "as4",
  "gobgpd IPv6 FlowSpec with action accept (no extended communities at all): destination 2001:db8:42::/64; next-header ==6; port ==22; destination-port ==22; "
  "source-port >=1024; tcp-flags match SYN; fragment is-fragment.",
  contains=["01400020010db80042"])

# ------------------------------------------------------------------ FlowSpec from BIRD (-> ExaBGP E3)
v("flow4_bird_discard_length", "bird", "exabgp3", "update", E3,
  "BIRD IPv4 FlowSpec (MP_REACH first, extended-length flag): dst 203.0.113.0/24; proto =17; dport =53; length >100. "
  "Ext community (generic, 0x80060000, 0x00000000) = traffic-rate 0 (discard). iBGP: ORIGIN igp, AS_PATH empty, LOCAL_PREF 100.",
  contains=["0118cb00710381110581350a8264"])
v("flow4_bird_tcpflags_icmp_rate_packets", "bird", "exabgp3", "update", E3,
  "BIRD IPv4 FlowSpec: dst 203.0.113.128/25; icmp type 8; icmp code 0; tcp flags 0x02/0x12 (match SYN AND not ACK). "
  "Ext community (generic, 0x800c0000, 0x447a0000) = traffic-rate-packets 1000.0 pkt/s (RFC 8955 0x800c, raw).",
  contains=["0119cb007180"])
v("flow4_bird_two_rules_one_update", "bird", "exabgp3", "update", E3,
  "BIRD IPv4 FlowSpec, two NLRI in one MP_REACH: dst 198.51.100.64/27; and dst 198.51.100.96/27 sport =123. "
  "Both with ext community (generic, 0x80090000, 0x0000000a) = traffic-marking DSCP 10.",
  contains=["011bc6336440", "011bc6336460"])
v("flow6_bird_all_components", "bird", "exabgp3", "update", E3,
  "BIRD IPv6 FlowSpec: dst 2001:db8:30::/64 off 0; src 2001:db8:31::/64 off 0; next header =6; dport =22; sport >1023; tcp flags 0x02/0x12; "
  "length 64..1280 (>=64 AND <=1280); dscp =46; fragment is_fragment (match bit); label =4660. "
  "Ext communities traffic-rate 1000.0 (0x80060000 0x447a0000) and traffic-marking 46 (0x80090000 0x0000002e).",
  contains=["01400020010db80030"])

v("flow6_bird_offset_rfc", "bird", "exabgp3", "update", E3,
  "BIRD IPv6 FlowSpec, RFC 8956 offset encoding: dst 2001:db8:50::/64 offset 16 (pattern = the 48 bits after the offset, 0db800500000); next header =17. "
  "Ext community (generic, 0x80060000, 0x00000000) = discard.",
  contains=["0140100db800500000"])

# ------------------------------------------------------------------ ROUTE-REFRESH
v("route_refresh_exabgp_ipv4", "exabgp1", "exabgp0", "route-refresh", E1,
  "ROUTE-REFRESH ipv4/unicast, subtype 0 (ExaBGP API `announce route-refresh ipv4 unicast`).", exact="ffffffffffffffffffffffffffffffff0017050001" + "0001")
v("route_refresh_bird_ipv6", "bird", "gobgp", "route-refresh", GB_AP,
  "ROUTE-REFRESH ipv6/unicast, subtype 0 (BIRD `reload in gobgp`).", exact="ffffffffffffffffffffffffffffffff0017050002" + "0001")
v("route_refresh_bird_borr_ipv4", "bird", "exabgp3", "route-refresh", E3,
  "Enhanced route refresh Beginning-of-RR (subtype 1) ipv4/unicast, from BIRD `reload out exa3`.", exact="ffffffffffffffffffffffffffffffff0017050001" + "0101")
v("route_refresh_bird_eorr_ipv4", "bird", "exabgp3", "route-refresh", E3,
  "Enhanced route refresh End-of-RR (subtype 2) ipv4/unicast, from BIRD.", exact="ffffffffffffffffffffffffffffffff0017050001" + "0201")
v("route_refresh_bird_borr_ipv6_flow", "bird", "exabgp3", "route-refresh", E3,
  "Enhanced route refresh Beginning-of-RR (subtype 1) ipv6/flow (AFI 2 SAFI 133), from BIRD.", exact="ffffffffffffffffffffffffffffffff0017050002" + "0185")

# ------------------------------------------------------------------ NOTIFICATION
v("notification_bird_shutdown_message", "bird", "exabgp3", "notification", E3,
  "Cease (6) / Administrative Shutdown (2) with RFC 9003 shutdown communication: length 34, \"rustbgpd test vector: bird disable\" (BIRD `disable exa3 \"...\"`).",
  contains=["0602"])
v("notification_gobgp_cease_no_data", "gobgp", "bird", "notification", "as4",
  "Cease (6) / Administrative Shutdown (2), no data (gobgp `neighbor 127.0.0.3 disable --reason \"...\"`: gobgpd 3.10 did not include the text).",
  exact="ffffffffffffffffffffffffffffffff0015030602")
v("notification_bird_cease_no_data", "bird2", "gobgp2", "notification", "as4",
  "Cease (6) / Administrative Shutdown (2), no data (BIRD `disable gobgpfs`).", exact="ffffffffffffffffffffffffffffffff0015030602")
v("notification_bird_hold_timer_expired", "bird", "exabgp2", "notification", "as2",
  "Hold Timer Expired (4) / 0, no data (ExaBGP frozen with SIGSTOP, hold time 6).", exact="ffffffffffffffffffffffffffffffff0015030400")
v("notification_exabgp_update_error_text", "exabgp0", "exabgp1", "notification", E1,
  "UPDATE Message Error (3) / Invalid Network Field (10) with data = ASCII \"invalid length at the start of the the flow\" "
  "(ExaBGP 4.2.21 mis-decodes the 2-octet FlowSpec NLRI length of flow4_exabgp_long_rule_2octet_len).",
  contains=["030a"])

VECTORS = V
