//! `--policy`: the same 10-statement export policy installed on both injecting speakers
//! before the routes go in, so the time includes evaluating it for every route.
//!
//! Statements 0-8 test conditions that never hold for the workload (a community set each,
//! then a prefix set outside 10/8) and would reject; statement 9 matches every workload
//! route by prefix set (10.0.0.0/8, length 25), adds community 65001:999, prepends the
//! speaker's own AS twice and accepts. Default: accept. So every route is checked against
//! all ten statements and changed by the last one.

use bgpd_api::v1::policy_service_client::PolicyServiceClient;
use bgpd_api::v1::{DefinedSet, PolicyStatement, SetGlobalExportChainRequest, SetPolicyRequest};
use tonic::transport::Channel;

use crate::BoxError;

pub const MISSES: usize = 8;
pub const TAG: &str = "65001:999";

/// Installs the policy on our speaker at `grpc` (`http://ADDR:PORT`).
pub async fn install_ours(grpc: &str) -> Result<(), BoxError> {
    let channel = Channel::from_shared(grpc.to_string())?.connect().await?;
    let mut api = PolicyServiceClient::new(channel);
    let set = |kind: &str, name: String, members: Vec<String>| DefinedSet {
        kind: kind.into(),
        name,
        members,
    };
    for k in 0..MISSES {
        api.set_defined_set(set(
            "community",
            format!("c{k}"),
            vec![format!("65001:{k}")],
        ))
        .await?;
    }
    api.set_defined_set(set(
        "prefix",
        "other".into(),
        vec!["172.16.0.0/12 12..32".into()],
    ))
    .await?;
    api.set_defined_set(set(
        "prefix",
        "workload".into(),
        vec!["10.0.0.0/8 25..25".into()],
    ))
    .await?;
    let mut statements: Vec<PolicyStatement> = (0..MISSES)
        .map(|k| PolicyStatement {
            action: "deny".into(),
            match_community_set: format!("c{k}"),
            ..Default::default()
        })
        .collect();
    statements.push(PolicyStatement {
        action: "deny".into(),
        match_prefix_set: "other".into(),
        ..Default::default()
    });
    statements.push(PolicyStatement {
        action: "permit".into(),
        match_prefix_set: "workload".into(),
        add_communities: vec![TAG.into()],
        set_as_path_prepend: Some(bgpd_api::v1::AsPathPrepend { asn: 0, count: 2 }),
        ..Default::default()
    });
    api.set_policy(SetPolicyRequest {
        name: "bench".into(),
        default_action: "permit".into(),
        statements,
    })
    .await?;
    api.set_global_export_chain(SetGlobalExportChainRequest {
        chain: vec!["bench".into()],
    })
    .await?;
    Ok(())
}

#[cfg(gobgp_api)]
pub async fn install_gobgpd(
    client: &mut crate::gobgp_api::Client,
    own_as: u32,
) -> Result<(), BoxError> {
    use crate::gobgp_api::apipb::*;
    let set = |t: DefinedType, name: String, list: Vec<String>, prefixes: Vec<Prefix>| {
        AddDefinedSetRequest {
            defined_set: Some(DefinedSet {
                defined_type: t as i32,
                name,
                list,
                prefixes,
            }),
        }
    };
    let prefix = |p: &str, min, max| Prefix {
        ip_prefix: p.into(),
        mask_length_min: min,
        mask_length_max: max,
    };
    for k in 0..MISSES {
        let s = set(
            DefinedType::Community,
            format!("c{k}"),
            vec![format!("^65001:{k}$")],
            vec![],
        );
        client.add_defined_set(s).await?;
    }
    client
        .add_defined_set(set(
            DefinedType::Prefix,
            "other".into(),
            vec![],
            vec![prefix("172.16.0.0/12", 12, 32)],
        ))
        .await?;
    client
        .add_defined_set(set(
            DefinedType::Prefix,
            "workload".into(),
            vec![],
            vec![prefix("10.0.0.0/8", 25, 25)],
        ))
        .await?;
    let matches = |name: String| MatchSet {
        r#type: match_set::Type::Any as i32,
        name,
    };
    let reject = Actions {
        route_action: RouteAction::Reject as i32,
        ..Default::default()
    };
    let mut statements: Vec<Statement> = (0..MISSES)
        .map(|k| Statement {
            name: format!("s{k}"),
            conditions: Some(Conditions {
                community_set: Some(matches(format!("c{k}"))),
                ..Default::default()
            }),
            actions: Some(reject.clone()),
        })
        .collect();
    statements.push(Statement {
        name: "s8".into(),
        conditions: Some(Conditions {
            prefix_set: Some(matches("other".into())),
            ..Default::default()
        }),
        actions: Some(reject),
    });
    statements.push(Statement {
        name: "s9".into(),
        conditions: Some(Conditions {
            prefix_set: Some(matches("workload".into())),
            ..Default::default()
        }),
        actions: Some(Actions {
            route_action: RouteAction::Accept as i32,
            community: Some(CommunityAction {
                r#type: community_action::Type::Add as i32,
                communities: vec![TAG.into()],
            }),
            as_prepend: Some(AsPrependAction {
                asn: own_as,
                repeat: 2,
                use_left_most: false,
            }),
            ..Default::default()
        }),
    });
    let policy = Policy {
        name: "bench".into(),
        statements,
    };
    client
        .add_policy(AddPolicyRequest {
            policy: Some(policy.clone()),
            refer_existing_statements: false,
        })
        .await?;
    client
        .add_policy_assignment(AddPolicyAssignmentRequest {
            assignment: Some(PolicyAssignment {
                name: "global".into(),
                direction: PolicyDirection::Export as i32,
                policies: vec![Policy {
                    name: "bench".into(),
                    statements: vec![],
                }],
                default_action: RouteAction::Accept as i32,
            }),
        })
        .await?;
    Ok(())
}
