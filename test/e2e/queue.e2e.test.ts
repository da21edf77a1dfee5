/**
 * n8n's queue mode: a main instance, Redis, PostgreSQL and two `n8n worker`
 * processes. Production webhooks are queued and run on whichever worker is
 * free, so this proves the nodes need no state shared between processes:
 * MailUp's token lives in the credential store (PostgreSQL) and every worker
 * reuses it; each worker paces the provider with its own traffic controller.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { request } from 'undici';

import { openLink } from '../helpers/assertions';
import { hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { Sandbox } from '../sandbox/server';
import type { N8nServer } from './n8n-cli';
import { N8nInstance, SANDBOX_CREDENTIALS, ensureN8n, freePort, loadExamples, packPackage, sandboxCredentials } from './n8n-cli';
import type { PostgresServer, RedisServer } from './services';
import { queueModeEnv, startPostgres, startRedis } from './services';

let sandbox: Sandbox;
let redis: RedisServer;
let postgres: PostgresServer;
let n8n: N8nInstance;
let main: N8nServer;
const workers: Array<{ child: ChildProcess; log: string }> = [];

const MAILUP_WEBHOOK = 'queue-mailup-console';

/** A webhook answering with the MailUp console link its last node mints. */
const mailUpWorkflow = {
	id: 'queueMailUpLink1',
	name: 'Queue mode: MailUp console link',
	active: false,
	settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
	nodes: [
		{
			id: 'q1',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '4f8d2c1e-7a6b-4c3d-9e8f-0a1b2c3d4e5f',
			parameters: { httpMethod: 'POST', path: MAILUP_WEBHOOK, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
		},
		{
			id: 'q2',
			name: 'MailUp',
			type: 'n8n-nodes-sso-link.mailUp',
			typeVersion: 1,
			position: [220, 0],
			credentials: { mailUpApi: SANDBOX_CREDENTIALS.mailUpApi },
			parameters: { resource: 'console', operation: 'createSsoLink' },
		},
	],
	connections: { Webhook: { main: [[{ node: 'MailUp', type: 'main', index: 0 }]] } },
};

function workerStarted(log: string): boolean {
	return /worker is now ready|Worker started|n8n worker/i.test(log);
}

async function post(pathName: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const response = await request(`${main.url}/webhook/${pathName}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await response.body.text();
	return { status: response.statusCode, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function linkIn(json: Record<string, unknown>): string {
	const url = Object.values(json).find((value) => typeof value === 'string' && /^https?:\/\/127\.0\.0\.1:/.test(value));
	if (typeof url !== 'string') throw new Error(`no link in ${JSON.stringify(json)}`);
	return url;
}

/**
 * n8n 1.x queue mode loses the answer of a webhook whose job finishes before
 * the main instance starts waiting for it (1.x removes finished jobs from the
 * queue at once; 2.x keeps recent ones), so a fast execution can hang its
 * webhook whatever node it runs. Not this package's to fix: on 1.x the nodes
 * are proven by the CLI, `n8n start` and MCP suites, queue mode on 2.x.
 */
const suite = (process.env.N8N_VERSION ?? '').trim().startsWith('1.') ? describe.skip : describe;

suite('queue mode: main, Redis, PostgreSQL, two workers', () => {
	beforeAll(async () => {
		[sandbox, redis, postgres] = await Promise.all([Sandbox.start(), startRedis(), startPostgres()]);
		// Every n8n process of this suite (CLI, main, workers) shares these.
		Object.assign(process.env, queueModeEnv(redis, postgres));
		n8n = await N8nInstance.create();
		await n8n.installPackage(await packPackage(await mkdtemp(path.join(tmpdir(), 'sso-link-pack-'))));
		await n8n.importCredentials(sandboxCredentials((prefix, options) => sandbox.baseUrl(prefix, options)));
		const examples = await loadExamples();
		// n8n 1.x's main answers a "last node" webhook run in queue mode from the execution the
		// worker saved (workflow-runner.js, enqueueExecution); with successful runs not saved it
		// never answers. n8n 2.x answers from the worker's job result.
		const mailUp = n8n.v1 ? { ...mailUpWorkflow, settings: { ...mailUpWorkflow.settings, saveDataSuccessExecution: 'all' } } : mailUpWorkflow;
		await n8n.importWorkflows([...examples.map((example) => example.workflow), mailUp]);
		for (const id of [...examples.map((example) => example.workflow.id), mailUpWorkflow.id]) {
			if (id !== 'exNightlyWpLinks01') await n8n.publishWorkflow(id);
		}
		main = await n8n.start();
		const { n8n: bin } = await ensureN8n();
		for (let index = 0; index < 2; index++) {
			const env = n8n.env({
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
				N8N_PORT: String(await freePort()),
			});
			const child = spawn(bin, ['worker', '--concurrency=5'], { cwd: n8n.userFolder, env, stdio: ['ignore', 'pipe', 'pipe'] });
			const worker = { child, log: '' };
			child.stdout?.on('data', (chunk: Buffer) => (worker.log += chunk.toString()));
			child.stderr?.on('data', (chunk: Buffer) => (worker.log += chunk.toString()));
			workers.push(worker);
		}
		const deadline = Date.now() + 120_000;
		while (!workers.every((worker) => workerStarted(worker.log))) {
			if (Date.now() > deadline) throw new Error(`workers did not start:\n${workers.map((worker) => worker.log.slice(-2000)).join('\n---\n')}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}, 15 * 60_000);

	afterAll(async () => {
		if (process.env.SHOW_WORKER_LOGS) for (const worker of workers) process.stdout.write(worker.log);
		for (const worker of workers) worker.child.kill('SIGTERM');
		await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.child.exitCode !== null ? resolve(null) : worker.child.once('exit', resolve)))));
		await main?.stop();
		await n8n?.dispose();
		await Promise.all([sandbox?.close(), redis?.stop(), postgres?.stop()]);
	}, 120_000);

	it('the onboarding example answers its webhook with a working link, run by a worker', async () => {
		const { status, json } = await post('onboarding-login', { accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 0), email: 'anna@example.com' });
		expect(status).toBe(200);
		expect(await openLink(linkIn(json))).toBe(200);
	});

	it('the support-desk example (SSO Link node) works on the workers', async () => {
		const { status, json } = await post('support-login', { system: 'wisecp', clientId: 4 });
		expect(status).toBe(200);
		expect(await openLink(linkIn(json))).toBe(200);
	});

	it('MailUp: one token, stored by n8n, shared by both workers across executions', async () => {
		// The first execution fetches the token; n8n stores it with the credential in PostgreSQL.
		const first = await post(MAILUP_WEBHOOK, {});
		expect(first.status).toBe(200);
		const rest = await Promise.all(Array.from({ length: 12 }, () => post(MAILUP_WEBHOOK, {})));
		expect(rest.every((answer) => answer.status === 200)).toBe(true);
		for (const answer of [first, ...rest]) expect(await openLink(String(answer.json.url))).toBe(200);
		expect(sandbox.mailup.tokenRequests).toEqual([{ grant: 'password' }]);
		// Both workers took jobs (Bull hands queued executions to whichever is free).
		const jobs = workers.map((worker) => (worker.log.match(/Worker started execution/gi) ?? []).length);
		expect(jobs.every((count) => count > 0)).toBe(true);
	});
});
