//! Defined sets: named prefix, neighbor, community (three kinds) and AS-path sets that
//! statements refer to by name, and the "any kind" community value.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use bgp_wire::attribute::{Community, CommunityParseError, ExtendedCommunity, LargeCommunity};
use ipnet::IpNet;
use regex::Regex;

use super::error::PolicyError;

/// A prefix with the range of lengths it matches (`ge`..=`le`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrefixRange {
    pub prefix: IpNet,
    pub ge: u8,
    pub le: u8,
}

impl PrefixRange {
    /// Unset `ge` is the prefix length; unset `le` is the family's maximum when `ge` is set
    /// or `le`-less, else the prefix length (so a bare prefix matches exactly).
    pub fn new(prefix: IpNet, ge: Option<u32>, le: Option<u32>) -> Result<Self, PolicyError> {
        let len = u32::from(prefix.prefix_len());
        let max = u32::from(prefix.max_prefix_len());
        if prefix.trunc() != prefix {
            return Err(PolicyError::invalid(
                "prefix",
                format!("{prefix} has host bits set (expected {})", prefix.trunc()),
            ));
        }
        let ge_v = ge.unwrap_or(len);
        let le_v = le.unwrap_or(if ge.is_some() { max } else { len });
        if ge_v < len || ge_v > max {
            return Err(PolicyError::invalid(
                "ge",
                format!("{ge_v} must be between the prefix length {len} and {max}"),
            ));
        }
        if le_v > max {
            return Err(PolicyError::invalid(
                "le",
                format!("{le_v} is longer than {max}"),
            ));
        }
        if le_v < ge_v {
            return Err(PolicyError::invalid(
                "le",
                format!("le {le_v} is smaller than ge {ge_v}"),
            ));
        }
        Ok(PrefixRange {
            prefix,
            ge: ge_v as u8,
            le: le_v as u8,
        })
    }

    pub fn matches(&self, net: &IpNet) -> bool {
        let len = net.prefix_len();
        len >= self.ge && len <= self.le && self.prefix.contains(net)
    }
}

/// Which of the three community kinds a value or set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommunityKind {
    Standard,
    Extended,
    Large,
}

/// A community of any kind, parsed from its text form: `ASN:VALUE` or a well-known name
/// (standard), `GLOBAL:LOCAL1:LOCAL2` (large), `rt:…`, `ro:…`, `raw:…` (extended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnyCommunity {
    Standard(Community),
    Extended(ExtendedCommunity),
    Large(LargeCommunity),
}

impl AnyCommunity {
    pub fn kind(&self) -> CommunityKind {
        match self {
            AnyCommunity::Standard(_) => CommunityKind::Standard,
            AnyCommunity::Extended(_) => CommunityKind::Extended,
            AnyCommunity::Large(_) => CommunityKind::Large,
        }
    }
}

impl FromStr for AnyCommunity {
    type Err = CommunityParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(c) = s.parse::<Community>() {
            return Ok(AnyCommunity::Standard(c));
        }
        if let Ok(c) = s.parse::<LargeCommunity>() {
            return Ok(AnyCommunity::Large(c));
        }
        s.parse::<ExtendedCommunity>()
            .map(AnyCommunity::Extended)
            .map_err(|_| CommunityParseError::Format {
                input: s.trim().to_string(),
                expected: "ASN:VALUE, a well-known name, GLOBAL:LOCAL1:LOCAL2, rt:ADMIN:VALUE, \
                           ro:ADMIN:VALUE or raw:HEX",
            })
    }
}

impl fmt::Display for AnyCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyCommunity::Standard(c) => c.fmt(f),
            AnyCommunity::Extended(c) => c.fmt(f),
            AnyCommunity::Large(c) => c.fmt(f),
        }
    }
}

/// AS-path regular expressions over the textual path (`65001 65002 {65003,65004}`), as
/// GoBGP does: `_` stands for a boundary (start, end, space, brace, comma, parenthesis).
#[derive(Debug, Clone)]
pub struct AsPathSet {
    pub patterns: Vec<String>,
    regexes: Vec<Regex>,
}

impl AsPathSet {
    pub fn new(patterns: Vec<String>) -> Result<Self, PolicyError> {
        let regexes = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| compile_as_path(p).map_err(|e| e.within(&format!("members[{i}]"))))
            .collect::<Result<_, _>>()?;
        Ok(AsPathSet { patterns, regexes })
    }

    pub fn regexes(&self) -> &[Regex] {
        &self.regexes
    }
}

impl PartialEq for AsPathSet {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

/// Compiles one AS-path pattern (with `_` boundaries).
pub fn compile_as_path(pattern: &str) -> Result<Regex, PolicyError> {
    let expanded = pattern.replace('_', "(^|[,{}() ]|$)");
    Regex::new(&expanded)
        .map_err(|e| PolicyError::invalid("", format!("bad regex {pattern:?}: {e}")))
}

/// The kinds of defined sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetKind {
    Prefix,
    Neighbor,
    Community,
    ExtCommunity,
    LargeCommunity,
    AsPath,
}

impl SetKind {
    pub const ALL: [SetKind; 6] = [
        SetKind::Prefix,
        SetKind::Neighbor,
        SetKind::Community,
        SetKind::ExtCommunity,
        SetKind::LargeCommunity,
        SetKind::AsPath,
    ];

    /// The API / config word for the kind.
    pub fn name(self) -> &'static str {
        match self {
            SetKind::Prefix => "prefix",
            SetKind::Neighbor => "neighbor",
            SetKind::Community => "community",
            SetKind::ExtCommunity => "ext_community",
            SetKind::LargeCommunity => "large_community",
            SetKind::AsPath => "as_path",
        }
    }

    pub fn from_name(s: &str) -> Option<SetKind> {
        SetKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl fmt::Display for SetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The members of one defined set.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinedSet {
    Prefix(Vec<PrefixRange>),
    /// Neighbor addresses, or prefixes covering them.
    Neighbor(Vec<IpNet>),
    Community(Vec<Community>),
    ExtCommunity(Vec<ExtendedCommunity>),
    LargeCommunity(Vec<LargeCommunity>),
    AsPath(AsPathSet),
}

impl DefinedSet {
    pub fn kind(&self) -> SetKind {
        match self {
            DefinedSet::Prefix(_) => SetKind::Prefix,
            DefinedSet::Neighbor(_) => SetKind::Neighbor,
            DefinedSet::Community(_) => SetKind::Community,
            DefinedSet::ExtCommunity(_) => SetKind::ExtCommunity,
            DefinedSet::LargeCommunity(_) => SetKind::LargeCommunity,
            DefinedSet::AsPath(_) => SetKind::AsPath,
        }
    }

    /// The members in their text form (listings, explain).
    pub fn members(&self) -> Vec<String> {
        fn strs<T: ToString>(v: &[T]) -> Vec<String> {
            v.iter().map(ToString::to_string).collect()
        }
        match self {
            DefinedSet::Prefix(v) => v.iter().map(range_text).collect(),
            DefinedSet::Neighbor(v) => strs(v),
            DefinedSet::Community(v) => strs(v),
            DefinedSet::ExtCommunity(v) => strs(v),
            DefinedSet::LargeCommunity(v) => strs(v),
            DefinedSet::AsPath(s) => s.patterns.clone(),
        }
    }
}

/// `10.0.0.0/8 16..24` text of a prefix range (bare prefix when exact).
pub fn range_text(r: &PrefixRange) -> String {
    if r.ge == r.prefix.prefix_len() && r.le == r.ge {
        r.prefix.to_string()
    } else {
        format!("{} {}..{}", r.prefix, r.ge, r.le)
    }
}

/// All defined sets, by kind and name.
#[derive(Debug, Clone, Default)]
pub struct DefinedSets {
    map: HashMap<SetKind, HashMap<String, DefinedSet>>,
}

impl DefinedSets {
    pub fn get(&self, kind: SetKind, name: &str) -> Option<&DefinedSet> {
        self.map.get(&kind)?.get(name)
    }

    pub fn contains(&self, kind: SetKind, name: &str) -> bool {
        self.get(kind, name).is_some()
    }

    /// Stores a set; whether one of that kind and name existed.
    pub fn insert(&mut self, name: String, set: DefinedSet) -> bool {
        self.map
            .entry(set.kind())
            .or_default()
            .insert(name, set)
            .is_some()
    }

    pub fn remove(&mut self, kind: SetKind, name: &str) -> Option<DefinedSet> {
        self.map.get_mut(&kind)?.remove(name)
    }

    /// Every set, ordered by kind then name.
    pub fn list(&self) -> Vec<(&str, &DefinedSet)> {
        let mut v: Vec<_> = self
            .map
            .iter()
            .flat_map(|(k, m)| m.iter().map(move |(n, s)| (*k, n.as_str(), s)))
            .collect();
        v.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        v.into_iter().map(|(_, n, s)| (n, s)).collect()
    }
}
