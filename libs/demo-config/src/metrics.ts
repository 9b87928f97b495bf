import { Controller, Get, Req, Res } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { IncomingMessage, ServerResponse } from 'node:http';

let exporter: PrometheusExporter | undefined;

/**
 * Registers the OpenTelemetry metrics SDK with a Prometheus exporter that serves no port of its
 * own ({@link MetricsController} serves it on the app's HTTP server). Call it before
 * `NestFactory.create()`: the library's instruments are made from the global meter provider.
 */
export function startMetrics(): void {
  if (exporter) return;
  exporter = new PrometheusExporter({ preventServerStart: true });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}

/** `GET /metrics`: the Prometheus text format of every metric of this process. */
@Controller('metrics')
export class MetricsController {
  @Get()
  scrape(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    if (!exporter) {
      response.statusCode = 503;
      response.end('metrics are not started: call startMetrics() before NestFactory.create()\n');
      return;
    }
    exporter.getMetricsRequestHandler(request, response);
  }
}
