/**
 * Structured JSON logs (pino). Requests are logged by method, route pattern and status only: no query strings,
 * bodies or headers, because those carry phone numbers, national IDs, codes and tokens.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers', 'headers', '*.password', '*.code', '*.phone', '*.nationalId', '*.token'],
      remove: true,
    },
    serializers: {
      req: (req: { method?: string; url?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        // the route pattern (/api/v1/people/:id), never the raw URL with its query string
        route: req.routeOptions?.url ?? req.url?.split('?')[0],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
