/**
 * The HTTP server: restify with the routes of each adapter. Handlers stay thin: verify,
 * parse, commit, answer.
 */
import restify from 'restify';
import type { Logger } from 'pino';

export interface RouteModule {
  /** Adds this module's routes to the server. */
  register(server: restify.Server): void;
}

export interface ServerOptions {
  readonly logger: Logger;
  readonly routes?: readonly RouteModule[];
  /** Health details, e.g. whether the store answers. */
  readonly health?: () => Promise<Record<string, unknown>>;
}

export function createServer(options: ServerOptions): restify.Server {
  const server = restify.createServer({
    name: 'whatsapp-for-teams',
    handleUncaughtExceptions: false,
  });
  server.use(restify.plugins.queryParser());

  server.get('/healthz', async (_req, res) => {
    try {
      const details = (await options.health?.()) ?? {};
      res.send(200, { status: 'ok', ...details });
    } catch (error) {
      options.logger.error({ err: error }, 'health check failed');
      res.send(503, { status: 'unavailable' });
    }
  });

  for (const route of options.routes ?? []) route.register(server);

  server.on('restifyError', (req, res, err, callback) => {
    options.logger.warn(
      {
        method: req.method,
        path: req.path(),
        status: (err as { statusCode?: number }).statusCode ?? res.statusCode,
        code: err.name,
      },
      'request failed',
    );
    return callback();
  });
  return server;
}

export function listen(server: restify.Server, port: number, host = '0.0.0.0'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve(server.url);
    });
  });
}
