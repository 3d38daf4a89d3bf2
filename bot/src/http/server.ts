/**
 * The HTTP server: restify with the routes of each adapter. Handlers stay thin: verify,
 * parse, commit, answer.
 */
import restify from 'restify';
import type { Logger } from 'pino';
import { Readiness } from './readiness.js';

export interface RouteModule {
  /** Adds this module's routes to the server. */
  register(server: restify.Server): void;
}

export interface ServerOptions {
  readonly logger: Logger;
  readonly routes?: readonly RouteModule[];
  /** Details /healthz adds (liveness: nothing slow, never the store). */
  readonly health?: () => Record<string, unknown>;
  /** What /readyz answers; ready at once (no probe) when not given. */
  readonly readiness?: Readiness;
  /**
   * ops (issue 12, hardening): how long a client may take to send a whole request (408
   * after), and how many connections the server holds at once (more are closed at once).
   */
  readonly requestTimeoutMs?: number;
  readonly maxConnections?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Answered whatever the phase: the orchestrator's probes and the metrics. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

function readyAtOnce(): Readiness {
  const readiness = new Readiness();
  readiness.ready(async () => undefined);
  return readiness;
}
export const DEFAULT_MAX_CONNECTIONS = 1_000;

export function createServer(options: ServerOptions): restify.Server {
  const server = restify.createServer({
    name: 'whatsapp-for-teams',
    handleUncaughtExceptions: false,
  });
  limitSlowClients(server, options);
  logRequests(server, options.logger);
  server.use(restify.plugins.queryParser());

  // ops (issue 12): liveness, readiness, and no new work while starting or shutting down.
  const readiness = options.readiness ?? readyAtOnce();
  server.pre((req, res, next) => {
    if (readiness.phase === 'ready' || PROBES.has(req.path())) return next();
    res.setHeader('connection', 'close');
    res.setHeader('retry-after', '5');
    res.send(503, {
      error:
        readiness.phase === 'starting'
          ? 'starting: try again in a moment'
          : 'shutting down: try another instance',
    });
    return next(false);
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok', ...options.health?.() });
  });
  server.get('/readyz', async (_req, res) => {
    const answer = await readiness.check();
    res.setHeader('cache-control', 'no-store');
    res.send(answer.ready ? 200 : 503, {
      status: answer.status,
      ...(answer.reason ? { reason: answer.reason } : {}),
    });
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

/**
 * A client that trickles its body (a slow-loris) holds a connection for as long as it likes:
 * each request gets a deadline to arrive whole, checked here rather than by Node's own
 * requestTimeout, which is only looked at every 30 s. Requests already read (GETs, the tab's
 * change stream) are not affected.
 */
function limitSlowClients(server: restify.Server, options: ServerOptions): void {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  server.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.server.headersTimeout = Math.max(timeoutMs, 1_000);
  server.server.requestTimeout = timeoutMs + 5_000;
  server.pre((req, res, next) => {
    const timer = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      options.logger.warn({ method: req.method, path: req.path() }, 'request too slow: closed');
      res.writeHead(408, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: 'request timeout: send the whole request sooner' }), () =>
        req.socket.destroy(),
      );
    }, timeoutMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    return next();
  });
}

/**
 * One JSON line per request (ops, issue 12): request id (the caller's `x-request-id` when it
 * looks like one, else ours; echoed back), method, the route's pattern (never the URL, which
 * may carry ids and signatures), status and duration. Never a body, a query or a header.
 */
function logRequests(server: restify.Server, logger: Logger): void {
  server.pre((req, res, next) => {
    const given = req.header('x-request-id');
    const requestId = given && /^[\w.:-]{1,64}$/.test(given) ? given : req.id();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.getRoute?.()?.path;
      // The orchestrator's probes every few seconds would drown the rest: debug for those.
      const level = PROBES.has(req.path()) && res.statusCode < 400 ? 'debug' : 'info';
      logger[level](
        {
          requestId,
          method: req.method,
          route: typeof route === 'string' ? route : 'unmatched',
          status: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        },
        'request',
      );
    });
    return next();
  });
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
