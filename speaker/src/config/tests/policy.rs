//! `[policy]`: the seed's route-collector section verbatim, and line-numbered errors.

use super::{GLOBAL, errors, ok};
use crate::policy::Action;

/// The section exactly as in the route-collector scenario.
const SEED: &str = r#"
# Peers — import everything, export nothing
[policy]
[[policy.export]]
action = "deny"
prefix = "0.0.0.0/0"
le = 32

[[policy.export]]
action = "deny"
prefix = "::/0"
le = 128
"#;

#[test]
fn seed_route_collector_section_is_read() {
    let c = ok(&format!("{GLOBAL}{SEED}"));
    assert!(c.policy.import.is_empty());
    let e = &c.policy.export;
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].action, Action::Deny);
    assert_eq!(e[0].range.prefix, "0.0.0.0/0".parse().unwrap());
    assert_eq!((e[0].range.ge, e[0].range.le), (0, 32));
    assert_eq!((e[1].range.ge, e[1].range.le), (0, 128));
}

#[test]
fn import_entries_and_exact_prefixes() {
    let c = ok(&format!(
        "{GLOBAL}[[policy.import]]\naction = \"permit\"\nprefix = \"10.0.0.0/8\"\nge = 16\n"
    ));
    let r = &c.policy.import[0].range;
    assert_eq!((r.ge, r.le), (16, 32));
}

#[test]
fn bad_entries_are_reported_at_their_line() {
    let text = format!(
        "{GLOBAL}[[policy.export]]\naction = \"drop\"\nprefix = \"10.0.0.0/8\"\n\
         [[policy.export]]\naction = \"deny\"\nprefix = \"10.0.0.0/8\"\nge = 24\nle = 16\n\
         [[policy.import]]\naction = \"deny\"\nprefix = \"10.0.0.1/8\"\n\
         [[policy.import]]\naction = \"deny\"\nprefix = \"10.0.0.0/8\"\nle = 33\n"
    );
    assert_eq!(
        errors(&text),
        [
            "t.toml:5:10: policy.export[0].action: unknown action \"drop\" (expected \"permit\" or \"deny\")",
            "t.toml:11:6: policy.export[1].le: le 16 is smaller than ge 24",
            "t.toml:14:10: policy.import[0].prefix: 10.0.0.1/8 has host bits set (expected 10.0.0.0/8)",
            "t.toml:18:6: policy.import[1].le: 33 is longer than 32",
        ]
    );
}
