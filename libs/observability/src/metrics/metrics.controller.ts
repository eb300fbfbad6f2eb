import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';
import { Public } from '../public.decorator';

/** `GET /metrics`: the process's default registry in the Prometheus text format, for the scraper. */
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return register.metrics();
  }
}
