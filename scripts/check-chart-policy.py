#!/usr/bin/env python3
"""Asserts what the chart promises about its rendered objects (called by check-chart.sh):
least-privilege RBAC, exactly; the hardened securityContext of both containers; how the
speaker gets port 179 in each mode; grpc probes on the port the speaker config serves health
on; the Lease name shared by the operator's args and the Role. Usage:
check-chart-policy.py DEFAULT.yaml FULL.yaml (renders of the default and ci/full-values.yaml)."""

import sys
import tomllib

import yaml

LEASE = "rel-operator"
CRD_KINDS = ["bgpneighbors", "flowspecrules", "injectedroutes", "routepolicies"]
CLUSTER_RULES = [
    (("bgp.rustbgpd.io",), tuple(CRD_KINDS), (), ("get", "list", "watch")),
    (("bgp.rustbgpd.io",), tuple(k + "/status" for k in CRD_KINDS), (), ("get", "patch")),
    (("events.k8s.io",), ("events",), (), ("create", "patch")),
    (("",), ("secrets",), (), ("get",)),
]
LEASE_RULES = [
    (("coordination.k8s.io",), ("leases",), (), ("create",)),
    (("coordination.k8s.io",), ("leases",), (LEASE,), ("get", "patch")),
]


def check(cond, what):
    if not cond:
        sys.exit(f"check-chart-policy: {what}")


def objects(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def one(objs, kind):
    found = [o for (k, _), o in objs.items() if k == kind]
    check(len(found) == 1, f"expected one {kind}, found {len(found)}")
    return found[0]


def rules(role):
    return sorted(
        (
            tuple(r.get("apiGroups", [])),
            tuple(r.get("resources", [])),
            tuple(r.get("resourceNames", [])),
            tuple(r.get("verbs", [])),
        )
        for r in role["rules"]
    )


def containers(objs):
    pod = one(objs, "Deployment")["spec"]["template"]["spec"]
    return pod, {c["name"]: c for c in pod["containers"]}


def check_common(objs, name):
    check(rules(one(objs, "ClusterRole")) == sorted(CLUSTER_RULES), f"{name}: ClusterRole rules")
    check(rules(one(objs, "Role")) == sorted(LEASE_RULES), f"{name}: lease Role rules")
    pod, cs = containers(objs)
    check(set(cs) == {"operator", "speaker"}, f"{name}: containers {set(cs)}")
    psc = pod["securityContext"]
    check(psc.get("runAsNonRoot") is True, f"{name}: pod runAsNonRoot")
    check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{name}: seccomp")
    for c in cs.values():
        sc = c["securityContext"]
        check(sc.get("allowPrivilegeEscalation") is False, f"{name}/{c['name']}: escalation")
        check(sc.get("readOnlyRootFilesystem") is True, f"{name}/{c['name']}: ro rootfs")
        check(sc["capabilities"].get("drop") == ["ALL"], f"{name}/{c['name']}: drop ALL")
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        check(mounts.get("/run/rustbgpd") == "grpc", f"{name}/{c['name']}: shared socket dir")
    check("add" not in cs["operator"]["securityContext"]["capabilities"], f"{name}: operator caps")
    args = cs["operator"]["args"]
    check("--speaker=unix:///run/rustbgpd/grpc.sock" in args, f"{name}: operator --speaker")
    check(f"--lease-name={LEASE}" in args, f"{name}: operator --lease-name")
    cfg = tomllib.loads(one(objs, "ConfigMap")["data"]["config.toml"])
    tel = cfg["global"]["telemetry"]
    check(tel["grpc_uds_path"] == "/run/rustbgpd/grpc.sock", f"{name}: speaker socket path")
    health_port = int(tel["health_addr"].rsplit(":", 1)[1])
    for probe in ("livenessProbe", "readinessProbe"):
        grpc = cs["speaker"][probe].get("grpc", {})
        check(grpc.get("port") == health_port, f"{name}: speaker {probe} is not grpc on {health_port}")
    return pod, cs, cfg


def main():
    default, full = objects(sys.argv[1]), objects(sys.argv[2])

    pod, cs, cfg = check_common(default, "default")
    sc = cs["speaker"]["securityContext"]
    check("add" not in sc["capabilities"], "default: the speaker needs no capability")
    check("runAsUser" not in sc, "default: the speaker runs as the pod's non-root user")
    sysctls = {s["name"]: s["value"] for s in pod["securityContext"].get("sysctls", [])}
    port = cfg["global"]["listen_port"]
    check(sysctls == {"net.ipv4.ip_unprivileged_port_start": str(port)}, f"default: sysctls {sysctls}")
    check(not pod.get("hostNetwork"), "default: hostNetwork")
    check(not any(k == "ServiceMonitor" for k, _ in default), "default: ServiceMonitor")

    pod, cs, cfg = check_common(full, "full")
    sc = cs["speaker"]["securityContext"]
    check(sc["capabilities"].get("add") == ["NET_BIND_SERVICE"], "full: NET_BIND_SERVICE only")
    check(sc.get("runAsUser") == 0 and sc.get("runAsNonRoot") is False, "full: root mode")
    check("sysctls" not in pod["securityContext"], "full: no sysctl with hostNetwork")
    check(pod.get("hostNetwork") is True, "full: hostNetwork")
    check(pod.get("dnsPolicy") == "ClusterFirstWithHostNet", "full: dnsPolicy")
    check(one(full, "Deployment")["spec"]["replicas"] == 3, "full: replicas")
    check("--namespace=ddos" in cs["operator"]["args"], "full: --namespace")
    check(len(cfg.get("neighbors", [])) == 2, "full: static neighbors")
    one(full, "ServiceMonitor")
    print("check-chart-policy: RBAC, securityContext, port 179 modes, probes: as promised")


main()
