"""The command center (what is wrong right now, security included) and the CI pipeline
dashboard (whether deployments land). Panels: docs/observability-dashboards.md.

Security in the same pane: GuardDuty, Security Hub (kube-bench's ASFF findings among them) and
Config findings are counted where the security layer routes them, as the CloudWatch metrics
(AWS/Events MatchedEvents, FailedInvocations) of its EventBridge rules
(catalog.naming.finding_rule_name); WAF blocks are the edge layer's web ACLs' AWS/WAFV2
BlockedRequests; denied NetworkPolicy traffic is the VPC CNI node agent's policy verdicts in the
cluster's control-plane log group.
"""
from __future__ import annotations

from catalog.naming import finding_rule_name, grafana_log_groups, name_prefix, resource_name
from constructs.addon_contract import ComponentContext
from constructs.dashboard_panels import Board, alert_list, cloudwatch_logs, cloudwatch_metric, logql, promql

# CloudFront-scope web ACLs publish their metrics in us-east-1 only.
CLOUDFRONT_REGION = "us-east-1"
# The VPC CNI's network policy agent (container aws-eks-nodeagent of aws-node) writes its
# verdicts to a file on the node and, with enableCloudWatchLogs (stacks/cluster.py), to the
# control-plane log group, one stream per node ("aws-network-policy-agent-audit-<uuid>"), one
# event per flow: "Node: <node>;SIP: <ip>;SPORT: <port>;DIP: <ip>;DPORT: <port>;PROTOCOL: <p>;
# PolicyVerdict: DENY|ACCEPT|EXPIRED/DELETED[;Tier: <tier>]" (pkg/ebpf/events/events.go).
NETWORK_POLICY_QUERY = (
    "filter @logStream like /^aws-network-policy-agent-audit-/ and @message like /PolicyVerdict: DENY/ "
    '| parse @message "Node: *;SIP: *;SPORT: *;DIP: *;DPORT: *;PROTOCOL: *;" as node, source, source_port, destination, port, protocol '
    "| stats count(*) as denied by bin(5m), node, destination, port | sort denied desc | limit 50"
)
KUBE_BENCH_NAMESPACE = "kube-bench"


def _app_selector(ctx: ComponentContext) -> str:
    return "|".join(ctx.platform.app_namespaces)


def _security(ctx: ComponentContext) -> list:
    prefix = name_prefix(ctx.env)
    rules = {source: {"RuleName": finding_rule_name(prefix, source)} for source in ("guardduty", "securityhub", "config")}
    api_acl, cdn_acl = resource_name(ctx.env, "api"), resource_name(ctx.env, "cdn")
    return [
        cloudwatch_metric(
            "GuardDuty findings", "GuardDuty findings at or above the environment's severity threshold, as its EventBridge rule matched them",
            ctx.region, "AWS/Events", [("MatchedEvents", rules["guardduty"], "Sum")],
        ),
        cloudwatch_metric(
            "Security Hub findings (incl. kube-bench)",
            "New active Security Hub findings at or above the threshold, other than GuardDuty's and Config's: standards controls and kube-bench's CIS node checks (ASFF)",
            ctx.region, "AWS/Events", [("MatchedEvents", rules["securityhub"], "Sum")],
        ),
        cloudwatch_metric(
            "Config rules turning non-compliant", "AWS Config evaluations that changed to NON_COMPLIANT",
            ctx.region, "AWS/Events", [("MatchedEvents", rules["config"], "Sum")],
        ),
        cloudwatch_metric(
            "Finding deliveries failed", "Findings the rules could not publish to the alarm topic: nobody was told",
            ctx.region, "AWS/Events", [("FailedInvocations", dims, "Sum") for dims in rules.values()], kind="stat",
        ),
        cloudwatch_metric(
            "WAF blocked requests (API)", "Requests the API's regional web ACL blocked, all rules",
            ctx.region, "AWS/WAFV2", [("BlockedRequests", {"WebACL": api_acl, "Region": ctx.region, "Rule": "ALL"}, "Sum")],
        ),
        cloudwatch_metric(
            "WAF blocked requests (CDN)", "Requests the CloudFront web ACL blocked, all rules (metrics in us-east-1)",
            CLOUDFRONT_REGION, "AWS/WAFV2", [("BlockedRequests", {"WebACL": cdn_acl, "Rule": "ALL"}, "Sum")],
        ),
        cloudwatch_logs(
            "Denied NetworkPolicy flows", "Flows the NetworkPolicies dropped, per node, destination and port in 5 minutes (VPC CNI policy verdicts)",
            ctx.region, [grafana_log_groups(ctx.env)["cluster"]], NETWORK_POLICY_QUERY,
        ),
        promql(
            "kube-bench: hours since last scan", "Time since the CIS node scan CronJob last completed; more than a day means scans stopped",
            [(f'(time() - max(kube_cronjob_status_last_successful_time{{namespace="{KUBE_BENCH_NAMESPACE}"}})) / 3600', "hours")],
            "h", kind="stat",
        ),
        logql(
            "kube-bench results", "The latest kube-bench output (where findings go to Security Hub, its import log)",
            f'{{namespace="{KUBE_BENCH_NAMESPACE}"}} |~ "FAIL|WARN|total_fail|BatchImportFindings"',
        ),
    ]


def command_center(ctx: ComponentContext) -> Board:
    apps = _app_selector(ctx)
    board = Board("sparki-command-center", "Sparki command center", "What needs attention now: alerts, the services, the cluster and security findings", ["overview"])
    board.row(
        "Alerts",
        [
            promql(
                "Firing alerts by severity", "Alerts firing now, by severity (the Watchdog heartbeat is left out)",
                [('sum by (severity) (ALERTS{alertstate="firing", alertname!="Watchdog"})', "{{severity}}")], kind="stat",
            ),
            alert_list("Critical and warning alerts", "Every critical or warning alert firing now, with its owning team", 'severity=~"critical|warning"'),
            promql(
                "Alert notifications failing", "Notifications Alertmanager failed to deliver per integration: an alert nobody hears",
                [("sum by (integration) (rate(alertmanager_notifications_failed_total[5m]))", "{{integration}}")], "ops",
            ),
        ],
    )
    board.row(
        "Services",
        [
            promql(
                "Requests per second", "Requests the Sparki services answer, by service",
                [("sum by (service) (rate(sparki_http_requests_total[5m]))", "{{service}}")], "reqps",
            ),
            promql(
                "Error ratio (5xx)", "Share of requests answered 5xx, by service",
                [('sum by (service) (rate(sparki_http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(sparki_http_requests_total[5m]))', "{{service}}")],
                "percentunit",
            ),
            promql(
                "Latency p99", "99th percentile request latency, by service",
                [("histogram_quantile(0.99, sum by (service, le) (rate(sparki_http_request_duration_seconds_bucket[5m])))", "{{service}}")], "s",
            ),
            promql(
                "Kubernetes API availability", "Share of API server requests (no watches) not answered 5xx",
                [('1 - sum(rate(apiserver_request_total{code=~"5..", verb!~"WATCH|CONNECT"}[5m])) / sum(rate(apiserver_request_total{verb!~"WATCH|CONNECT"}[5m]))', "availability")],
                "percentunit", kind="stat",
            ),
            promql(
                "Nodes not ready", "Nodes whose Ready condition is not true",
                [('count(kube_node_status_condition{condition="Ready", status="true"} == 0) or vector(0)', "nodes")], kind="stat",
            ),
            promql(
                "Application pods not running", "Pods of the application namespaces in a phase other than Running or Succeeded",
                [(f'sum by (namespace) (kube_pod_status_phase{{namespace=~"{apps}", phase=~"Pending|Failed|Unknown"}})', "{{namespace}}")], kind="stat",
            ),
        ],
    )
    board.row("Security", _security(ctx))
    return board


def ci_pipeline(ctx: ComponentContext) -> Board:
    """Deployments as the cluster and AWS see them: Terraform applies are state writes in the
    CloudTrail data events of the state bucket (the audit trail logs them); Helm and kubectl
    rollouts are kube-state-metrics' generation and replica counts. No pipeline pushes metrics."""
    audit = grafana_log_groups(ctx.env)["audit"]
    state_bucket = resource_name(ctx.env, f"tfstate-{ctx.account_id}")
    board = Board("sparki-ci-pipeline", "Sparki CI pipeline", "Whether deployments land: Terraform applies, rollouts, jobs and configuration reloads", ["ci"])
    board.row(
        "Terraform applies",
        [
            cloudwatch_logs(
                "State writes per stack", "Each apply writes its stack's state object; the count per layer is the applies",
                ctx.region, [audit],
                f'filter eventSource = "s3.amazonaws.com" and eventName = "PutObject" and requestParameters.bucketName = "{state_bucket}" '
                'and requestParameters.key like /terraform.tfstate$/ | stats count(*) as applies by requestParameters.key',
            ),
            cloudwatch_logs(
                "State lock contention", "Lock files written per stack: two runs on one stack, or a lock left by a killed run",
                ctx.region, [audit],
                f'filter eventName = "PutObject" and requestParameters.bucketName = "{state_bucket}" and requestParameters.key like /\\.tflock$/ '
                "| stats count(*) as locks by requestParameters.key, userIdentity.arn",
            ),
            cloudwatch_logs(
                "AWS API errors by caller", "Denied or failed AWS calls, by role: a deployment role missing a permission shows here first",
                ctx.region, [audit],
                "filter ispresent(errorCode) | stats count(*) as errors by userIdentity.sessionContext.sessionIssuer.userName, errorCode | sort errors desc | limit 20",
            ),
        ],
    )
    board.row(
        "Kubernetes rollouts",
        [
            promql(
                "Rollouts in progress", "Deployments whose controller has not yet observed their latest spec, or whose updated replicas lag the desired count",
                [("count(kube_deployment_status_observed_generation != kube_deployment_metadata_generation) or vector(0)", "generation"),
                 ("count(kube_deployment_status_replicas_updated != kube_deployment_spec_replicas) or vector(0)", "replicas")],
                kind="stat",
            ),
            promql(
                "Deployments short of replicas", "Available replicas below the desired count, by deployment",
                [("sum by (namespace, deployment) (kube_deployment_spec_replicas - kube_deployment_status_replicas_available) > 0", "{{namespace}}/{{deployment}}")],
            ),
            promql(
                "DaemonSets and StatefulSets behind", "Node agents not on every node, or stateful pods not ready",
                [("sum by (namespace, daemonset) (kube_daemonset_status_number_unavailable) > 0", "{{namespace}}/{{daemonset}}"),
                 ("sum by (namespace, statefulset) (kube_statefulset_replicas - kube_statefulset_status_replicas_ready) > 0", "{{namespace}}/{{statefulset}}")],
            ),
            promql(
                "Image pull and start failures", "Containers waiting on an image or crash-looping: the usual face of a bad release",
                [('sum by (namespace, reason) (kube_pod_container_status_waiting_reason{reason=~"ImagePullBackOff|ErrImagePull|CrashLoopBackOff|CreateContainerConfigError"})', "{{namespace}} {{reason}}")],
            ),
            promql(
                "Container restarts after deploy", "Restarts per namespace over 15 minutes",
                [("sum by (namespace) (increase(kube_pod_container_status_restarts_total[15m])) > 0", "{{namespace}}")],
            ),
            promql(
                "Failed jobs", "Jobs with failed pods (migrations, kube-bench, index cleanup)",
                [("sum by (namespace, job_name) (kube_job_status_failed) > 0", "{{namespace}}/{{job_name}}")], kind="stat",
            ),
        ],
    )
    board.row(
        "Configuration",
        [
            promql(
                "Prometheus and Alertmanager config reloads", "1 when the last configuration (rules, routes) loaded; 0 means a deployed change was refused",
                [("min(prometheus_config_last_reload_successful)", "prometheus"), ("min(alertmanager_config_last_reload_successful)", "alertmanager")],
                kind="stat",
            ),
            promql(
                "Rule evaluation failures", "Recording and alerting rules that fail to evaluate, by rule group",
                [("sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total[5m])) > 0", "{{rule_group}}")], "ops",
            ),
            promql(
                "Scrape targets down", "Targets Prometheus cannot scrape, by job: a component deployed without its metrics reachable",
                [("count by (job) (up == 0)", "{{job}}")],
            ),
        ],
    )
    return board
