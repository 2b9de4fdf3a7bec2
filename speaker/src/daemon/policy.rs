//! The core's side of route-policy commands: changes go through the RIB (which re-runs
//! policy and yields only the differences to send), queries read the engine.

use super::core::Core;
use crate::command::CommandError;
use crate::command::policy::{PolicyOp, PolicyReply};
use crate::policy::{Direction, Engine, PolicyError};

impl Core {
    pub(super) fn on_policy(&mut self, op: PolicyOp) -> Result<PolicyReply, CommandError> {
        let e = self.rib.policy();
        let reply = match op {
            PolicyOp::ListPolicies => {
                PolicyReply::Policies(e.policies().into_iter().cloned().collect())
            }
            PolicyOp::ListDefinedSets(kind) => PolicyReply::Sets(
                e.defined_sets()
                    .list()
                    .into_iter()
                    .filter(|(_, s)| kind.is_none_or(|k| k == s.kind()))
                    .map(|(n, s)| (n.to_string(), s.clone()))
                    .collect(),
            ),
            PolicyOp::GetGlobalChains => PolicyReply::Chains {
                import: e.global_chain(Direction::Import).to_vec(),
                export: e.global_chain(Direction::Export).to_vec(),
            },
            PolicyOp::ListNeighborPolicies => PolicyReply::Neighbors(
                e.neighbor_chains()
                    .iter()
                    .map(|(a, c)| (*a, c.clone()))
                    .collect(),
            ),
            PolicyOp::Explain {
                family,
                prefix,
                neighbor,
            } => PolicyReply::Explained(Box::new(self.rib.explain(
                family,
                prefix,
                neighbor,
                self.info.asn,
            ))),
            change => return self.change(change),
        };
        Ok(reply)
    }

    fn change(&mut self, op: PolicyOp) -> Result<PolicyReply, CommandError> {
        let f = move |e: &mut Engine| -> Result<PolicyReply, PolicyError> {
            Ok(match op {
                PolicyOp::SetPolicy(p) => PolicyReply::Replaced(e.set_policy(p)?),
                PolicyOp::DeletePolicy(n) => {
                    e.delete_policy(&n)?;
                    PolicyReply::Done
                }
                PolicyOp::SetDefinedSet { name, set } => {
                    PolicyReply::Replaced(e.set_defined_set(&name, set)?)
                }
                PolicyOp::DeleteDefinedSet { kind, name } => {
                    e.delete_defined_set(kind, &name)?;
                    PolicyReply::Done
                }
                PolicyOp::SetGlobalChain { direction, chain } => {
                    e.set_global_chain(direction, chain)?;
                    PolicyReply::Done
                }
                PolicyOp::SetNeighborPolicies { address, chains } => {
                    e.set_neighbor_chains(address, chains)?;
                    PolicyReply::Done
                }
                _ => PolicyReply::Done,
            })
        };
        let (reply, out) = self.rib.change_policy(f)?;
        self.dispatch(out);
        Ok(reply)
    }
}

/// The `[policy]` section as policies `config-import` / `config-export` on the global
/// chains (each entry one statement, first match decides, no match permits).
pub(super) fn apply_config(
    cfg: &crate::config::PolicyConfig,
    engine: &mut Engine,
) -> Result<(), PolicyError> {
    use crate::policy::{Action, Actions, Conditions, Policy, Statement};
    let dirs = [
        (Direction::Import, "config-import", &cfg.import),
        (Direction::Export, "config-export", &cfg.export),
    ];
    for (dir, name, entries) in dirs {
        if entries.is_empty() {
            continue;
        }
        let statements = entries
            .iter()
            .map(|e| Statement {
                name: format!(
                    "{} {}",
                    e.action.name(),
                    crate::policy::sets::range_text(&e.range)
                ),
                conditions: Conditions {
                    prefixes: vec![e.range.clone()],
                    ..Default::default()
                },
                actions: Actions::default(),
                action: e.action,
            })
            .collect();
        engine.set_policy(Policy {
            name: name.into(),
            statements,
            default_action: Action::Next,
        })?;
        engine.set_global_chain(dir, vec![name.into()])?;
    }
    Ok(())
}
