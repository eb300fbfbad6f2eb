{{/*
Names and labels. Every object of a service is named kasho-<service>; the kustomize renderer
(deploy/src/render) uses the same scheme, and deploy/test/chart-drift.spec.ts compares the two.
*/}}
{{- define "kasho.selectorLabels" -}}
app.kubernetes.io/name: kasho-{{ . }}
{{- end }}

{{- define "kasho.labels" -}}
{{ include "kasho.selectorLabels" . }}
app.kubernetes.io/part-of: kasho
app.kubernetes.io/component: service
{{- end }}

{{- define "kasho.image" -}}
{{ .root.Values.image.registry }}/{{ .name }}:{{ .root.Values.image.tag }}
{{- end }}

{{- define "kasho.migrateLabels" -}}
app.kubernetes.io/part-of: kasho
app.kubernetes.io/component: migrate
{{- end }}

{{/* Egress to the cluster DNS; the argument is .Values.networkPolicy. */}}
{{- define "kasho.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels: { kubernetes.io/metadata.name: {{ .dns.namespace }} }
      podSelector:
        matchLabels: {{- toYaml .dns.podLabel | nindent 10 }}
  ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
{{- end }}
