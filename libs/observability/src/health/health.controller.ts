import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../public.decorator';
import type { ReadinessReport } from './health-check';
import { HealthService } from './health.service';

/** The slice of the (Fastify) reply the controller sets: only the status code. */
interface StatusReply {
  status(code: number): unknown;
}

/** Kubernetes probes: liveness says the event loop turns; readiness says the service's own dependencies answer. */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: StatusReply): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    if (report.status !== 'ok') reply.status(503);
    return report;
  }
}
