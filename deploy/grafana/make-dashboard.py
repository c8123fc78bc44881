#!/usr/bin/env python3
"""Writes dashboards/ocroute.json: the panels below, each query filtered by the $job and
$instance variables, with legends. Run it after changing a panel; a test checks the JSON it
writes is what is committed, and runs every query against a real Prometheus."""
import json, os, sys

DS = {"type": "prometheus", "uid": "prometheus"}
SEL = 'job=~"$job",instance=~"$instance"'

# (type, title, unit, [(expr, legend)]) in layout order; stats are 6 wide, graphs 12.
PANELS = [
    ("stat", "Nodes up", "none", [(f'sum(up{{{SEL}}})', "up")]),
    ("stat", "Config version", "none", [(f'max(ocroute_config_version{{{SEL}}})', "version")]),
    ("stat", "Active calls", "none", [(f'sum(ocroute_sip_active_calls{{{SEL}}})', "calls")]),
    ("stat", "NER (5m)", "percentunit", [(
        f'sum(rate(ocroute_call_attempts_total{{{SEL},result=~"answered|user_busy|no_answer|terminal_reject"}}[5m]))'
        f' / sum(rate(ocroute_call_attempts_total{{{SEL}}}[5m]))', "NER")]),
    ("timeseries", "Decisions/s by outcome", "ops", [(f'sum by (outcome) (rate(ocroute_decisions_total{{{SEL}}}[1m]))', "{{outcome}}")]),
    ("timeseries", "Decisions/s by operator", "ops", [(f'sum by (operator) (rate(ocroute_decisions_total{{{SEL}}}[1m]))', "{{operator}}")]),
    ("timeseries", "Decision latency p99", "s", [(
        f'histogram_quantile(0.99, sum by (le) (rate(ocroute_decision_duration_seconds_bucket{{{SEL}}}[1m])))', "p99")]),
    ("timeseries", "Network effectiveness ratio by operator (5m)", "percentunit", [(
        f'sum by (operator) (rate(ocroute_call_attempts_total{{{SEL},result=~"answered|user_busy|no_answer|terminal_reject"}}[5m]))'
        f' / sum by (operator) (rate(ocroute_call_attempts_total{{{SEL}}}[5m]))', "{{operator}}")]),
    ("timeseries", "Post-dial delay and answer time p95", "s", [
        (f'histogram_quantile(0.95, sum by (le) (rate(ocroute_sip_pdd_seconds_bucket{{{SEL}}}[5m])))', "PDD p95"),
        (f'histogram_quantile(0.95, sum by (le) (rate(ocroute_sip_answer_seconds_bucket{{{SEL}}}[5m])))', "answer p95")]),
    ("timeseries", "Call attempts/s by result", "ops", [(f'sum by (result) (rate(ocroute_call_attempts_total{{{SEL}}}[1m]))', "{{result}}")]),
    ("timeseries", "Active calls by kind", "none", [(f'sum by (kind) (ocroute_active_calls{{{SEL}}})', "{{kind}}")]),
    ("timeseries", "SIP calls on the edge", "none", [(f'sum by (instance) (ocroute_sip_active_calls{{{SEL}}})', "{{instance}}")]),
    ("timeseries", "Capacity refusals/s", "ops", [(
        f'sum by (capability, reason) (rate(ocroute_capacity_refusals_total{{{SEL}}}[1m]))', "{{capability}} {{reason}}")]),
    ("timeseries", "SIP requests/s by method", "ops", [(f'sum by (method) (rate(ocroute_sip_requests_total{{{SEL}}}[1m]))', "{{method}}")]),
    ("timeseries", "SIP responses/s by method and code", "ops", [(
        f'sum by (method, code) (rate(ocroute_sip_responses_total{{{SEL}}}[1m]))', "{{method}} {{code}}")]),
    ("timeseries", "CDRs written/s", "ops", [(f'sum(rate(ocroute_cdrs_written_total{{{SEL}}}[1m]))', "CDRs")]),
    ("timeseries", "Config reloads", "none", [(f'sum by (result) (increase(ocroute_config_reloads_total{{{SEL}}}[15m]))', "{{result}}")]),
    ("timeseries", "Capacity slots in use by number type", "none", [(
        f'sum by (capability) (ocroute_capacity_slots_in_use{{{SEL}}})', "{{capability}}")]),
    ("timeseries", "Resident memory", "bytes", [(f'process_resident_memory_bytes{{{SEL}}}', "{{instance}}")]),
]

def panel(i, kind, title, unit, targets, pos):
    return {
        "id": i, "type": kind, "title": title, "datasource": DS, "gridPos": pos,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}} if kind == "timeseries"
        else {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}, "colorMode": "value", "graphMode": "area"},
        "targets": [{"refId": chr(65 + k), "expr": e, "legendFormat": l, "datasource": DS} for k, (e, l) in enumerate(targets)],
    }

def variable(name, query):
    return {"name": name, "label": name, "type": "query", "datasource": DS, "query": {"query": query, "refId": name},
            "definition": query, "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1}

panels, x, y = [], 0, 0
for i, (kind, title, unit, targets) in enumerate(PANELS, 1):
    w, h = (6, 4) if kind == "stat" else (12, 8)
    if x + w > 24:
        x, y = 0, y + (4 if panels and panels[-1]["type"] == "stat" else 8)
    panels.append(panel(i, kind, title, unit, targets, {"h": h, "w": w, "x": x, "y": y}))
    x += w

dash = {
    "uid": "ocroute", "title": "ocroute", "schemaVersion": 39, "version": 2,
    "time": {"from": "now-30m", "to": "now"}, "refresh": "10s", "tags": ["ocroute", "teams", "operator-connect"],
    "templating": {"list": [variable("job", "label_values(ocroute_build_info, job)"),
                            variable("instance", 'label_values(ocroute_build_info{job=~"$job"}, instance)')]},
    "panels": panels,
}
text = json.dumps(dash, indent=2) + "\n"
if "--stdout" in sys.argv:
    sys.stdout.write(text)
else:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards", "ocroute.json"), "w") as f:
        f.write(text)
