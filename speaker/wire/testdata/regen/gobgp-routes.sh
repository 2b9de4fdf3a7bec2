# Routes injected into gobgpd over its gRPC API (sourced by regen.sh; $G is the gobgp CLI).
# Each line is one path; every path has distinct attributes, so each goes in its own UPDATE.
$G global rib -a ipv4 add 203.0.113.128/25 identifier 7 nexthop 192.0.2.2 med 20 \
   community 65002:1,no-export large-community 65002:1:1 aggregator 65002:192.0.2.2
$G global rib -a ipv6 add 2001:db8:200::/48 nexthop 2001:db8::2 community 65535:666
$G global rib -a ipv4-flowspec add match destination 192.0.2.0/26 source 198.51.100.64/26 \
   protocol '==tcp' '==udp' port '==80' '==443' destination-port '>=1024' '&<=49151' source-port '>1023' \
   packet-length '<1500' dscp '==46' fragment dont-fragment \
   then rate-limit 1000 as 65002 redirect 192.0.2.9:100
$G global rib -a ipv4-flowspec add match destination 192.0.2.64/26 protocol icmp icmp-type '==8' icmp-code '==0' \
   then discard
$G global rib -a ipv4-flowspec add match destination 192.0.2.128/26 tcp-flags '=S' '&!A' '!=F' \
   then action sample-terminal redirect 64086.59904:100
$G global rib -a ipv4-flowspec add match destination 192.0.2.192/27 then redirect 2001:db8::1:100 action sample
$G global rib -a ipv4-flowspec add match destination 192.0.2.224/27 then redirect 65000:200 mark 18 action terminal
$G global rib -a ipv6-flowspec add match destination 2001:db8:40::/64 source 2001:db8:41::/64 \
   protocol 58 icmp-type '==128' icmp-code '==0' label '==74565' packet-length '>=64' '&<=1280' dscp '==10' \
   then rate-limit 500 redirect 2001:db8::1:200
$G global rib -a ipv6-flowspec add match destination 2001:db8:42::/64 protocol tcp port '==22' \
   destination-port '==22' source-port '>=1024' tcp-flags '=S' fragment is-fragment then accept
