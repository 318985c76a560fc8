import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'

/**
 * Turns tracing on: spans go to the OTLP/HTTP endpoint of `OTEL_EXPORTER_OTLP_ENDPOINT` (the
 * exporter reads the standard OTEL_* variables), or to the given exporter (tests). Without either
 * nothing is registered and every span is a no-op: tracing is silent unless asked for.
 */
export function startTracing(options: { exporter?: SpanExporter; env?: NodeJS.ProcessEnv } = {}) {
  const env = options.env ?? process.env
  if (!options.exporter && !env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return null
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'qi-ledger' }),
    spanProcessors: [
      options.exporter
        ? new SimpleSpanProcessor(options.exporter)
        : new BatchSpanProcessor(new OTLPTraceExporter()),
    ],
  })
  provider.register()
  return provider
}
