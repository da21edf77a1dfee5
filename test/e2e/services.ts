/**
 * Redis and PostgreSQL for n8n's queue mode, from Debian's packages, started
 * by the tests on 127.0.0.1 in a temporary folder and stopped afterwards.
 * `scripts/ensure-queue-services.sh` installs the packages (CI runs it).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './n8n-cli';

const run = promisify(execFile);

const PG_BIN = '/usr/lib/postgresql/15/bin';

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${what} did not start within ${timeoutMs / 1000} s`);
}

export interface RedisServer {
	port: number;
	stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
	const port = await freePort();
	const child: ChildProcess = spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{ stdio: 'ignore' },
	);
	await waitFor(async () => (await run('redis-cli', ['-p', String(port), 'ping'])).stdout.trim() === 'PONG', 'Redis');
	return {
		port,
		stop: async () => {
			child.kill('SIGTERM');
			await new Promise((resolve) => child.once('exit', resolve));
		},
	};
}

export interface PostgresServer {
	port: number;
	database: string;
	user: string;
	password: string;
	stop(): Promise<void>;
}

/** A throwaway cluster; PostgreSQL refuses to run as root, so it runs as the `postgres` user. */
export async function startPostgres(): Promise<PostgresServer> {
	const port = await freePort();
	const dir = await mkdtemp(path.join(tmpdir(), 'sso-link-pg-'));
	await chmod(dir, 0o777);
	const data = path.join(dir, 'data');
	const asPostgres = async (command: string, args: string[]) =>
		await run('runuser', ['-u', 'postgres', '--', command, ...args]);
	await asPostgres(`${PG_BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
	await asPostgres(`${PG_BIN}/pg_ctl`, [
		'-D',
		data,
		'-l',
		path.join(dir, 'postgres.log'),
		'-o',
		`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
		'-w',
		'start',
	]);
	const user = 'n8n';
	const password = 'n8n-e2e';
	const database = 'n8n';
	const psql = async (sql: string) =>
		await asPostgres('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', sql]);
	await psql(`CREATE USER ${user} WITH PASSWORD '${password}'`);
	await psql(`CREATE DATABASE ${database} OWNER ${user}`);
	return {
		port,
		database,
		user,
		password,
		stop: async () => {
			await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'fast', 'stop']).catch(() => undefined);
			await rm(dir, { recursive: true, force: true });
		},
	};
}

/**
 * The environment every n8n process of a queue-mode instance needs (main, CLI,
 * workers): PostgreSQL as the database, Bull's queue in Redis.
 */
export function queueModeEnv(redis: RedisServer, postgres: PostgresServer): Record<string, string> {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
	};
}
