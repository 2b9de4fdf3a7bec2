//! Running a chain of policies over one route, with an optional trace for explain.

use std::net::IpAddr;
use std::sync::Arc;

use bgp_wire::attribute::PathAttributes;

use super::model::{Action, NextHopAction, Policy};
use super::sets::DefinedSets;
use super::subject::{Subject, Work};
use super::{actions, matching};

/// The result of evaluating a route.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub accept: bool,
    /// The same `Arc` as the path's when nothing changed.
    pub attrs: Arc<PathAttributes>,
    pub next_hop: Option<NextHopAction>,
    /// MED was set by a statement (kept on eBGP export).
    pub med_set: bool,
    /// Attributes or next hop changed.
    pub changed: bool,
}

/// One statement (or default action) looked at by explain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub policy: String,
    /// Index of the statement; `None` for the policy's default action.
    pub statement: Option<usize>,
    pub statement_name: String,
    pub matched: bool,
    /// The decision taken at this step (only when it matched).
    pub action: Option<Action>,
}

/// What decided, for explain.
#[derive(Debug, Clone)]
pub struct Trace {
    pub steps: Vec<Step>,
    /// The step whose decision ended evaluation (`None`: end of chain, permitted).
    pub decided_by: Option<Step>,
    pub outcome: Outcome,
    pub before: Arc<PathAttributes>,
    pub before_next_hop: Option<IpAddr>,
    pub after_next_hop: Option<IpAddr>,
}

/// Evaluates `chain` (policies in order). The first terminal decision (a statement's or a
/// default's permit/deny) ends evaluation; reaching the end permits.
pub fn run<'p>(
    chain: impl Iterator<Item = &'p Policy>,
    s: &Subject<'_>,
    sets: &DefinedSets,
    mut trace: Option<&mut Vec<Step>>,
) -> (Outcome, Option<Step>, Option<IpAddr>) {
    let mut w = Work::new(s.path);
    let mut decided = None;
    'chain: for p in chain {
        for (i, st) in p.statements.iter().enumerate() {
            let matched = matching::holds(&st.conditions, s, &w, sets);
            let step = || Step {
                policy: p.name.clone(),
                statement: Some(i),
                statement_name: st.name.clone(),
                matched,
                action: matched.then_some(st.action),
            };
            if let Some(t) = trace.as_deref_mut() {
                t.push(step());
            }
            if !matched {
                continue;
            }
            actions::apply(&st.actions, s, &mut w);
            if st.action != Action::Next {
                decided = Some((st.action, step()));
                break 'chain;
            }
        }
        if p.default_action != Action::Next {
            let step = Step {
                policy: p.name.clone(),
                statement: None,
                statement_name: "default".into(),
                matched: true,
                action: Some(p.default_action),
            };
            if let Some(t) = trace.as_deref_mut() {
                t.push(step.clone());
            }
            decided = Some((p.default_action, step));
            break;
        }
    }
    let accept = decided.as_ref().is_none_or(|(a, _)| *a == Action::Permit);
    let nh = w.next_hop;
    let out = Outcome {
        accept,
        attrs: w.attrs,
        next_hop: w.next_hop_action,
        med_set: w.med_set,
        changed: w.changed,
    };
    (out, decided.map(|(_, s)| s), nh)
}
