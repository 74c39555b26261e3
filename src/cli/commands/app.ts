import { type Command, InvalidArgumentError } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { sendError } from '../../node/api/errors.ts';
import { registerWebApp, sendAppNotFound } from '../../node/api/webapp.ts';
import { NodeErrorCode } from '../../node/errors.ts';
import { nodeBase } from '../http.ts';
import { port } from '../options.ts';

function nodeUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a URL such as http://127.0.0.1:8000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('the node URL must be http:// or https://');
  return nodeBase(url.href);
}

/** The standalone app server: the built web app and a /config.json naming its default node. */
export async function buildAppServer(node: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await registerWebApp(app, { node });
  // A person who types an unknown address gets the app's own "page not found", never a raw error.
  app.setNotFoundHandler(async (request, reply) => {
    if (await sendAppNotFound(app, request, reply)) return reply;
    return sendError(reply, NodeErrorCode.NOT_FOUND, `no page ${request.url.slice(0, 200)}`);
  });
  return app;
}

/** `yournet app`: serves the web app on its own, talking to a node elsewhere (the tutorial's port 5000). */
export function registerAppCommand(program: Command): void {
  program
    .command('app')
    .description('serve the web app on its own, talking to a node (like the tutorial app on port 5000)')
    .option(
      '--node <url>',
      'the node the app talks to by default (changeable in the app)',
      nodeUrl,
      'http://127.0.0.1:8000',
    )
    .option('--port <port>', 'HTTP port', port, 5000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (options: { node: string; port: number; host: string }) => {
      const app = await buildAppServer(options.node);
      const address = await app.listen({ host: options.host, port: options.port });
      console.log(`YourNet app listening on ${address} (node ${options.node})`);
      const shutdown = () => {
        app.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });
}
