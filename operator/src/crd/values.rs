//! Value types shared by the kinds: prefixes, addresses, communities, route targets, and the
//! items of numeric and bitmask FlowSpec components.
//!
//! Each type carries its own OpenAPI schema (pattern, length, bounds) and CEL rules, so a field
//! of that type is validated the same way in every kind. They hold the text as written: the
//! apiserver rejects malformed values, and the planner parses them again (with the speaker's
//! grammar) and reports anything left on the object's status. Parsing into `IpAddr` & co. at
//! deserialization time would instead make one bad object fail the whole watch.

use std::borrow::Cow;

use kube::core::{Message, Rule, validate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// Longest textual IPv6 prefix ("ffff:...:ffff/128" is 43 characters; leave room).
const PREFIX_MAX_LEN: u32 = 49;
/// Longest textual IP address.
const IP_MAX_LEN: u32 = 45;
/// Longest numeric or bitmask match expression accepted in one list item / field.
const EXPR_MAX_LEN: u32 = 128;

/// Builds a string schema with a pattern, a length bound (which the apiserver's CEL cost
/// estimator needs) and CEL rules.
fn string_schema(description: &str, pattern: &str, max_len: u32, rules: Vec<Rule>) -> Schema {
    let mut schema = json_schema!({
        "description": description,
        "type": "string",
        "minLength": 1,
        "maxLength": max_len,
        "pattern": pattern,
    });
    add_rules(&mut schema, rules);
    schema
}

fn add_rules(schema: &mut Schema, rules: Vec<Rule>) {
    for rule in rules {
        // Serializing a `Rule` (strings and options) cannot fail; if it ever did, the rule
        // would be missing and the CRD drift test would show it.
        let _ = validate(schema, rule);
    }
}

/// Declares a transparent string newtype with `as_str` and a hand-written schema.
macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident, $schema:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The value as written in the object.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

string_value!(
    /// An IPv4 or IPv6 prefix in CIDR form with zero host bits, e.g. `203.0.113.10/32`.
    Prefix,
    string_schema(
        "An IPv4 or IPv6 prefix with zero host bits, e.g. 203.0.113.10/32 or 2001:db8::/48.",
        r"^[0-9a-fA-F:.]+/[0-9]{1,3}$",
        PREFIX_MAX_LEN,
        vec![
            Rule::new("isCIDR(self)")
                .message("must be an IPv4 or IPv6 prefix such as 203.0.113.10/32 or 2001:db8::/48"),
            Rule::new("!isCIDR(self) || cidr(self) == cidr(self).masked()").message(
                Message::Expression(
                    "'host bits must be zero: did you mean ' + string(cidr(self).masked()) + '?'"
                        .into(),
                ),
            ),
        ],
    )
);

string_value!(
    /// An IPv4 or IPv6 address, e.g. `192.0.2.1`.
    IpAddress,
    string_schema(
        "An IPv4 or IPv6 address, e.g. 192.0.2.1 or 2001:db8::1.",
        r"^[0-9a-fA-F:.]+$",
        IP_MAX_LEN,
        vec![Rule::new("isIP(self)").message("must be an IPv4 or IPv6 address such as 192.0.2.1")],
    )
);

/// Well-known community names the speaker accepts (case-insensitive, '-' or '_' alike).
const WELL_KNOWN_COMMUNITIES: &str =
    "['NO_EXPORT', 'NO_ADVERTISE', 'NO_EXPORT_SUBCONFED', 'BLACKHOLE', 'GRACEFUL_SHUTDOWN']";

string_value!(
    /// A standard community (RFC 1997): `ASN:VALUE` or a well-known name, e.g. `65535:666`.
    Community,
    string_schema(
        "A standard community: ASN:VALUE with two 16-bit numbers (65535:666) or a well-known \
         name (NO_EXPORT, NO_ADVERTISE, NO_EXPORT_SUBCONFED, BLACKHOLE, GRACEFUL_SHUTDOWN).",
        r"^([0-9]{1,5}:[0-9]{1,5}|[A-Za-z][A-Za-z_-]*)$",
        32,
        vec![
            Rule::new(format!(
                "self.matches('^[0-9]') ? self.split(':').all(n, int(n) <= 65535) \
                 : self.upperAscii().replace('-', '_') in {WELL_KNOWN_COMMUNITIES}"
            ))
            .message(
                "must be ASN:VALUE with both numbers at most 65535, or NO_EXPORT, NO_ADVERTISE, \
                 NO_EXPORT_SUBCONFED, BLACKHOLE or GRACEFUL_SHUTDOWN",
            ),
        ],
    )
);

string_value!(
    /// A large community (RFC 8092): `GLOBAL:LOCAL1:LOCAL2`, e.g. `65000:1:2`.
    LargeCommunity,
    string_schema(
        "A large community: three 32-bit numbers GLOBAL:LOCAL1:LOCAL2, e.g. 65000:1:2.",
        r"^[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10}$",
        32,
        vec![
            Rule::new("self.split(':').all(n, int(n) <= 4294967295)")
                .message("each part must be at most 4294967295"),
        ],
    )
);

string_value!(
    /// An extended community (RFC 4360): `rt:ADMIN:VALUE`, `soo:ADMIN:VALUE` or `0x` + 16 hex
    /// digits.
    ExtendedCommunity,
    string_schema(
        "An extended community: rt:ADMIN:VALUE (route target) or soo:ADMIN:VALUE (route origin) \
         with ADMIN a 2- or 4-octet ASN or an IPv4 address, e.g. rt:65000:100; or 0x followed by \
         16 hex digits.",
        r"^((rt|soo):([0-9]{1,10}|[0-9]{1,3}(\.[0-9]{1,3}){3}):[0-9]{1,10}|0x[0-9a-fA-F]{16})$",
        40,
        vec![],
    )
);

/// CEL: `ADMIN:VALUE` is a route target the redirect community can carry (RFC 8955, RFC 7674).
/// The sizes depend on the form: 2-octet ASN with 32-bit value, IPv4 or 4-octet ASN with 16-bit.
const ROUTE_TARGET_RULE: &str = "isIP(self.split(':')[0]) \
    ? int(self.split(':')[1]) <= 65535 \
    : (int(self.split(':')[0]) <= 65535 \
        ? int(self.split(':')[1]) <= 4294967295 \
        : int(self.split(':')[0]) <= 4294967295 && int(self.split(':')[1]) <= 65535)";

string_value!(
    /// A route target for redirect-to-VRF: `ASN:N` or `IPv4:N`, e.g. `65000:100`.
    RouteTarget,
    string_schema(
        "Route target of the VRF to redirect to: ASN:N with a 2-octet ASN and a 32-bit N \
         (65000:100), a 4-octet ASN and a 16-bit N (4200000000:100), or IPv4:N with a 16-bit N \
         (192.0.2.9:100).",
        r"^([0-9]{1,10}|[0-9]{1,3}(\.[0-9]{1,3}){3}):[0-9]{1,10}$",
        32,
        vec![Rule::new(ROUTE_TARGET_RULE).message(
            "must be ASN:N with a 2-octet ASN and a 32-bit N, a 4-octet ASN and a 16-bit N, or \
             IPv4:N with a 16-bit N, e.g. 65000:100",
        )],
    )
);

/// One condition of the numeric grammar: optional operator, decimal value; or a range `a-b`.
const NUM_FACTOR: &str = r"((==?|!=|<=?|>=?)?[0-9]+|[0-9]+-[0-9]+)";
/// IP protocol names the speaker's grammar knows (lower case).
const PROTOCOL_NAMES: &str = "icmp|igmp|tcp|udp|gre|esp|ah|icmpv6|ipv6-icmp|ospf|pim|sctp";

/// Schema of one item of a numeric component list: an integer, or a string in the grammar.
fn numeric_item_schema(max: u32, with_names: bool) -> Schema {
    let factor = if with_names {
        format!(r"((==?|!=|<=?|>=?)?([0-9]+|{PROTOCOL_NAMES})|[0-9]+-[0-9]+)")
    } else {
        NUM_FACTOR.to_owned()
    };
    let names = if with_names {
        " or a protocol name (tcp, udp, icmp, ...)"
    } else {
        ""
    };
    // Int-or-string: the bounds apply to integers and the pattern to strings (JSON Schema and
    // the apiserver apply each keyword to its own type), so no anyOf is needed. The CEL rule
    // bounds the numbers inside expressions, which a pattern cannot; `string(self)` works on
    // both types (a `type(self)` test would too on the apiserver, but kube-cel lacks `type`).
    let mut schema = json_schema!({
        "description": format!(
            "A value 0..{max}{names}, a range \"1024-2048\", or an expression of conditions \
             joined by & (AND), each an operator (=, !=, <, <=, >, >=) and a value, e.g. \
             \">=1024&<=2048\" or \"!=80\"."
        ),
        "x-kubernetes-int-or-string": true,
        "minimum": 0,
        "maximum": max,
        "maxLength": EXPR_MAX_LEN,
        "pattern": format!("^{factor}(&{factor})*$"),
    });
    add_rules(
        &mut schema,
        vec![
            Rule::new(numbers_at_most(max, with_names))
                .message(Message::Message(format!("values must be at most {max}"))),
        ],
    );
    schema
}

/// The CEL rule bounding every number of an item. Splitting at the operator characters
/// leaves the numbers (and protocol names) without a regex: kube-cel compiles the regex of
/// a `findAll` at every call, which made checking a folder of 10k rules take seconds.
fn numbers_at_most(max: u32, with_names: bool) -> String {
    let names = if with_names {
        // Names split like the item ("ipv6-icmp" gives "ipv6" and "icmp").
        let words: Vec<String> = PROTOCOL_NAMES
            .split(['|', '-'])
            .map(|w| format!("'{w}'"))
            .collect();
        format!(" || n in [{}]", words.join(", "))
    } else {
        String::new()
    };
    format!(
        "string(self).replace('>', '&').replace('<', '&').replace('=', '&').replace('!', '&')\
         .replace('-', '&').split('&').all(n, n == ''{names} || int(n) <= {max})"
    )
}

/// Declares an int-or-string item type of a numeric FlowSpec component.
macro_rules! numeric_item {
    ($(#[$doc:meta])* $name:ident, max = $max:expr, names = $names:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum $name {
            /// Matches exactly this value.
            Value(u32),
            /// A range or operator expression in the speaker's grammar, e.g. `>=1024&<=2048`.
            Expression(String),
        }

        impl $name {
            /// The largest value of the component.
            pub const MAX: u32 = $max;
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                numeric_item_schema($max, $names)
            }
        }
    };
}

numeric_item!(
    /// An IP protocol / IPv6 next header match: `6`, `"tcp"`, `"=17"`.
    ProtocolMatch,
    max = 255,
    names = true
);
numeric_item!(
    /// A port or packet length match: `53`, `"1024-2048"`, `">=8000&<=8080"`.
    PortMatch,
    max = 65535,
    names = false
);
numeric_item!(
    /// An ICMP type or code match (ICMPv6 for IPv6 rules): `8`, `"<=3"`.
    IcmpMatch,
    max = 255,
    names = false
);
numeric_item!(
    /// A DSCP match: `46`, `"40-47"`.
    DscpMatch,
    max = 63,
    names = false
);
numeric_item!(
    /// An IPv6 flow label match: `12345`, `">=1000&<=2000"`.
    FlowLabelMatch,
    max = 1_048_575,
    names = false
);

/// Bitmask grammar: space-separated terms (OR) of `&`-joined conditions (AND), each an optional
/// operator and `|`-joined bits. A pattern cannot tell the two separators apart usefully, so it
/// accepts conditions separated by either, which is the same language.
fn bitmask_pattern(names: &str) -> String {
    let bits = format!("([0-9]+|0x[0-9a-fA-F]+|{names})");
    let factor = format!(r"(==?|!=?)?{bits}(\|{bits})*");
    format!("^{factor}([& ]{factor})*$")
}

string_value!(
    /// A TCP flags match in the bitmask grammar, e.g. `=syn&!ack` (SYN set, ACK clear).
    TcpFlagsMatch,
    string_schema(
        "TCP flags in the bitmask grammar: terms separated by spaces (OR) of conditions joined \
         by & (AND); a condition is an optional operator (none: any bit set, = all set, ! none \
         set, != not all set) and flags joined by | (fin, syn, rst, psh, ack, urg, ece, cwr or a \
         number). E.g. \"=syn&!ack\" or \"rst fin\".",
        &bitmask_pattern("fin|syn|rst|psh|push|ack|urg|urgent|ece|cwr"),
        EXPR_MAX_LEN,
        vec![],
    )
);

string_value!(
    /// A fragment match in the bitmask grammar, e.g. `is-fragment`.
    FragmentMatch,
    string_schema(
        "Fragment bits in the bitmask grammar (as tcpFlags) with the flags dont-fragment, \
         is-fragment, first-fragment, last-fragment (or df, isf, ff, lf). E.g. \"is-fragment\".",
        &bitmask_pattern("dont-fragment|is-fragment|first-fragment|last-fragment|df|isf|ff|lf"),
        EXPR_MAX_LEN,
        vec![],
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_items_accept_integers_and_strings() {
        let items: Vec<PortMatch> =
            serde_json::from_str(r#"[53, "1024-2048", ">=8000&<=8080"]"#).expect("parses");
        assert_eq!(
            items,
            vec![
                PortMatch::Value(53),
                PortMatch::Expression("1024-2048".into()),
                PortMatch::Expression(">=8000&<=8080".into()),
            ]
        );
    }

    #[test]
    fn numeric_schema_is_int_or_string_with_bounds() {
        let schema = numeric_item_schema(63, false);
        let v = schema.as_value();
        assert_eq!(v["x-kubernetes-int-or-string"], true);
        assert_eq!(v["maximum"], 63);
        assert!(v.get("type").is_none(), "int-or-string must not fix a type");
    }

    #[test]
    fn bitmask_pattern_shape() {
        let p = bitmask_pattern("syn|ack");
        assert_eq!(p.matches("(==?|!=?)?").count(), 2);
        assert!(p.contains("[& ]"));
        assert!(p.starts_with('^') && p.ends_with('$'));
    }
}
