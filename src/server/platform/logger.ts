/**
 * Structured JSON logs (pino). Requests are logged by method, route pattern and status only: no query strings,
 * bodies or headers, because those carry phone numbers, national IDs, codes and tokens.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';

/**
 * What of an error may be logged: its kind, message, code and stack. Never the rest: pg hangs the client, with its
 * connection settings, on connection errors, and a constraint error's `detail` quotes the offending row's values.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: err.message, ...(code === undefined ? {} : { code }), stack: err.stack };
}

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
      err: safeError,
    },
  });
}
