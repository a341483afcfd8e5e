// The anchor of P2 and P4: a bare Fastify hello world (the project's Fastify), on the port given.
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? '3000');
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.get('/health', async () => 'OK');
await app.listen({ port, host: '127.0.0.1' });
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
