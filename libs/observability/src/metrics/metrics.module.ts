import { Module, type OnModuleInit } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { enableDefaultMetrics } from './metrics';

/** Serves `GET /metrics` and starts the process metrics. The HTTP histogram needs `registerHttpMetrics` too. */
@Module({ controllers: [MetricsController] })
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    enableDefaultMetrics();
  }
}
