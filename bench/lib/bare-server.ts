/**
 * The baseline: a bare restify handler in its own process, as the product runs in its own.
 * Prints its port on stdout once listening.
 */
import restify from 'restify';

const server = restify.createServer();
server.get('/bare', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  next();
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${address.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
