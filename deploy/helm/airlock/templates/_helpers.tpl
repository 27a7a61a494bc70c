{{- define "airlock.fullname" -}}
{{ .Release.Name }}-airlock
{{- end }}

{{- define "airlock.labels" -}}
app.kubernetes.io/name: airlock
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: airlock-{{ .Chart.Version }}
{{- end }}

{{- define "airlock.selectorLabels" -}}
app.kubernetes.io/name: airlock
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
