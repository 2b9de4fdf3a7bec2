{{/* Names, labels and the speaker config shared by the templates. */}}

{{- define "rustbgpd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-rustbgpd, or just <release> when it already contains the chart name. */}}
{{- define "rustbgpd.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "rustbgpd.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rustbgpd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "rustbgpd.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "rustbgpd.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "rustbgpd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "rustbgpd.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Lease that gates status writes: the operator's --lease-name. */}}
{{- define "rustbgpd.leaseName" -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* image: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "rustbgpd.image" -}}
{{- printf "%s:%s" .repository (default .appVersion .tag) -}}
{{- end -}}

{{/* True (non-empty) when the speaker must bind a port below 1024. */}}
{{- define "rustbgpd.privilegedPort" -}}
{{- $p := int .Values.speaker.listenPort -}}
{{- if and (gt $p 0) (lt $p 1024) }}true{{ end -}}
{{- end -}}

{{/* The speaker runs as root holding only NET_BIND_SERVICE (privilegedPortMode root). */}}
{{- define "rustbgpd.speakerAsRoot" -}}
{{- if and (include "rustbgpd.privilegedPort" .) (eq .Values.speaker.privilegedPortMode "root") }}true{{ end -}}
{{- end -}}

{{/*
The speaker's config.toml (format: examples/reference/config.toml). String values go
through toJson: a JSON string is a valid TOML basic string.
*/}}
{{- define "rustbgpd.speakerConfig" -}}
{{- $s := .Values.speaker -}}
[global]
asn = {{ int64 $s.asn }}
router_id = {{ $s.routerId | toJson }}
listen_port = {{ int $s.listenPort }}
{{- with $s.listenAddress }}
listen_address = {{ . | toJson }}
{{- end }}
hold_time = {{ int $s.holdTime }}

[global.telemetry]
log_format = {{ $s.logFormat | toJson }}
prometheus_addr = {{ printf "0.0.0.0:%d" (int $s.metricsPort) | toJson }}
health_addr = {{ printf "0.0.0.0:%d" (int $s.healthPort) | toJson }}
grpc_uds_path = "/run/rustbgpd/grpc.sock"
{{- range $s.neighbors }}

[[neighbors]]
{{- range $k, $v := . }}
{{ $k }} = {{ if kindIs "float64" $v }}{{ int64 $v }}{{ else }}{{ $v | toJson }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}
