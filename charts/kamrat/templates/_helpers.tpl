{{/* Names, labels and the pieces web, worker and migration pods share. */}}

{{- define "kamrat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kamrat.fullname" -}}
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

{{- define "kamrat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every resource. */}}
{{- define "kamrat.labels" -}}
helm.sh/chart: {{ include "kamrat.chart" . }}
app.kubernetes.io/name: {{ include "kamrat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kamrat
{{- end -}}

{{/* Selector labels of one component (web, worker, migrations): pass (list $ "web"). */}}
{{- define "kamrat.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "kamrat.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "kamrat.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{- define "kamrat.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kamrat.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kamrat.secretName" -}}
{{- default (include "kamrat.fullname" .) .Values.secrets.name -}}
{{- end -}}

{{- define "kamrat.publicUrl" -}}
{{- if .Values.config.publicUrl -}}
{{- .Values.config.publicUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.host -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/* Environment of web and worker containers: the ConfigMap and the app's secrets. */}}
{{- define "kamrat.appEnv" -}}
- name: KAMRAT_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "kamrat.secretName" . }}
      key: {{ .Values.secrets.keys.databaseUrl }}
- name: KAMRAT_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "kamrat.secretName" . }}
      key: {{ .Values.secrets.keys.encryptionKey }}
- name: KAMRAT_PREVIOUS_ENCRYPTION_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ include "kamrat.secretName" . }}
      key: {{ .Values.secrets.keys.previousEncryptionKeys }}
      optional: true
{{- if and .Values.config.smtp.host .Values.config.smtp.username }}
- name: KAMRAT_SMTP_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "kamrat.secretName" . }}
      key: {{ .Values.secrets.keys.smtpPassword }}
{{- end }}
{{- end -}}

{{/* The writable /tmp of every Kamrat container (the root filesystem is read-only), and the
     extra volumes. */}}
{{- define "kamrat.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "kamrat.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Default topology spread over nodes, or the configured one, with the component's selector:
     pass (list $ "web" .Values.web.topologySpreadConstraints). */}}
{{- define "kamrat.topologySpread" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $constraints := index . 2 -}}
{{- if not $constraints -}}
{{- $constraints = list (dict "maxSkew" 1 "topologyKey" "kubernetes.io/hostname" "whenUnsatisfiable" "ScheduleAnyway") -}}
{{- end -}}
{{- range $constraints }}
{{- $c := merge (dict "labelSelector" (dict "matchLabels" (include "kamrat.selectorLabels" (list $root $component) | fromYaml))) (omit . "labelSelector") }}
- {{ toYaml $c | nindent 2 | trim }}
{{- end }}
{{- end -}}

{{/* Checks that stop a broken configuration at render time, with the value to fix. */}}
{{- define "kamrat.validate" -}}
{{- if .Values.secrets.create -}}
{{- if not .Values.secrets.values.databaseUrl -}}
{{- fail "secrets.values.databaseUrl is required with secrets.create (the application role's postgres:// URL)" -}}
{{- end -}}
{{- if not .Values.secrets.values.encryptionKey -}}
{{- fail "secrets.values.encryptionKey is required with secrets.create (openssl rand -base64 32)" -}}
{{- end -}}
{{- if and .Values.migrations.enabled (not .Values.migrations.secretName) (not .Values.secrets.values.migrationDatabaseUrl) -}}
{{- fail "secrets.values.migrationDatabaseUrl is required with secrets.create and migrations.enabled (the schema owner's postgres:// URL)" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.host) -}}
{{- fail "ingress.host is required when ingress.enabled is true" -}}
{{- end -}}
{{- if and .Values.config.smtp.host (not .Values.config.smtp.from) -}}
{{- fail "config.smtp.from is required when config.smtp.host is set" -}}
{{- end -}}
{{- if and .Values.secrets.create .Values.config.smtp.username (not .Values.secrets.values.smtpPassword) -}}
{{- fail "secrets.values.smtpPassword is required with config.smtp.username (the binary wants both or neither)" -}}
{{- end -}}
{{- if and .Values.config.smtp.username (eq .Values.config.smtp.tls "none") -}}
{{- fail "config.smtp.tls none cannot carry a password: use starttls or tls" -}}
{{- end -}}
{{- if and (not .Values.config.smtp.host) (or .Values.config.smtp.from .Values.config.smtp.username .Values.config.smtp.port) -}}
{{- fail "config.smtp.host is required with the other config.smtp settings" -}}
{{- end -}}
{{- if lt (int .Values.web.replicas) 1 -}}
{{- fail "web.replicas must be at least 1" -}}
{{- end -}}
{{- if and .Values.web.autoscaling.enabled (gt (int .Values.web.autoscaling.minReplicas) (int .Values.web.autoscaling.maxReplicas)) -}}
{{- fail "web.autoscaling.minReplicas must not exceed web.autoscaling.maxReplicas" -}}
{{- end -}}
{{- end -}}

{{/* The Secret the migration Job reads the owner's URL from. */}}
{{- define "kamrat.migrationSecretName" -}}
{{- if .Values.migrations.secretName -}}
{{- .Values.migrations.secretName -}}
{{- else if .Values.secrets.create -}}
{{- include "kamrat.fullname" . }}-migrations
{{- else -}}
{{- include "kamrat.secretName" . -}}
{{- end -}}
{{- end -}}

{{/* Pod annotations that roll the pods when their configuration changes. */}}
{{- define "kamrat.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if .Values.secrets.create }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{/* One egress rule from a values entry {to, ports}; an empty `to` allows every destination. */}}
{{- define "kamrat.egressRule" -}}
{{- $rule := dict "ports" .ports -}}
{{- with .to }}{{ $_ := set $rule "to" . }}{{ end -}}
{{- list $rule | toYaml -}}
{{- end -}}
