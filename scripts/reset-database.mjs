// Drops and recreates one PostgreSQL database, for CI and local test runs on a server.
// usage: node scripts/reset-database.mjs postgres://user@host:port/name
import pg from 'pg';

const url = new URL(process.argv[2] ?? '');
const name = url.pathname.slice(1);
if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing database name "${name}"`);
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await client.query(`CREATE DATABASE ${name}`);
await client.end();
console.log(`database ${name} is empty and ready`);
