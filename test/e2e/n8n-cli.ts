/**
 * Drives a real n8n (the pinned version scripts/install-n8n.sh installs) through
 * its CLI: a fresh user folder, this package installed as n8n installs a
 * community package, credentials and workflows imported, workflows executed.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { HOSTUP_KEYS } from '../sandbox/hostup';
import { INSTALLATRON_KEYS } from '../sandbox/installatron';
import { MAILUP_ACCOUNT } from '../sandbox/mailup';
import { WHM_TOKEN } from '../sandbox/cpanel';
import { PLESK_ADMIN } from '../sandbox/plesk';
import { DA_ADMIN } from '../sandbox/directAdmin';
import { WHMCS_API_CREDENTIAL, WHMCS_KEY, whmcsCredentialData } from '../sandbox/whmcs';
import { WISECP_KEYS } from '../sandbox/wisecp';

const run = promisify(execFile);

/**
 * The package's root: two levels above this file, or, where this file is
 * bundled elsewhere (scripts/start.ts → .cache/start.js), the nearest folder
 * above the bundle or the working directory whose package.json is this package.
 */
export function findPackageRoot(): string {
	for (const start of [path.resolve(__dirname, '../..'), __dirname, process.cwd()]) {
		for (let dir = start; ; dir = path.dirname(dir)) {
			try {
				if ((JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'n8n-nodes-sso-link') return dir;
			} catch {
				// no package.json here
			}
			if (path.dirname(dir) === dir) break;
		}
	}
	return path.resolve(__dirname, '../..');
}

export const PACKAGE_ROOT = findPackageRoot();
const INSTALL_SCRIPT = path.join(PACKAGE_ROOT, 'scripts/install-n8n.sh');

export interface ExecutionResult {
	status: string;
	runData: Record<
		string,
		Array<{
			executionStatus?: string;
			data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }>> };
			error?: { message: string; description?: string };
			hints?: Array<{ message: string; type?: string; location?: string }>;
		}>
	>;
	error?: { message: string; description?: string };
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/**
 * Installs n8n on first use (minutes; progress on stderr) and returns its binary and Node 24's bin dir.
 * Which n8n: the environment's `N8N_VERSION` (e.g. `N8N_VERSION=1.123.81 npm run test:e2e`), else the
 * version scripts/install-n8n.sh pins; each version has its own folder in the cache.
 */
export async function ensureN8n(): Promise<{ n8n: string; nodeBinDir: string; version: string }> {
	const version = process.env.N8N_VERSION?.trim();
	const env = { ...process.env, N8N_VERSION: version || undefined };
	const install = (args: string[]) =>
		new Promise<string>((resolve, reject) => {
			const child = spawn('bash', [INSTALL_SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
			let out = '';
			child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`install-n8n.sh exited ${code}`))));
		});
	const n8n = await install([]);
	const nodeBinDir = await install(['--node-bin-dir']);
	// <prefix>/node_modules/.bin/n8n → <prefix>/node_modules/n8n/package.json
	const installed = JSON.parse(readFileSync(path.resolve(n8n, '../../n8n/package.json'), 'utf8')) as { version: string };
	return { n8n, nodeBinDir, version: installed.version };
}

/**
 * Packs one of the packages `npm run build` made (scripts/packages.js: the
 * all-in-one staged in build/n8n-nodes-sso-link/, a per-service package in
 * its split repository build/repos/<name>/, where its release packs it), by
 * default the all-in-one, and returns the tarball's path.
 */
export async function packPackage(destination: string, name = 'n8n-nodes-sso-link'): Promise<string> {
	const { listPackages } = require('../../scripts/packages') as { listPackages(root: string): Array<{ name: string; dir: string }> };
	const entry = listPackages(PACKAGE_ROOT).find((candidate) => candidate.name === name);
	if (!entry) throw new Error(`npm run build made no package ${name}`);
	const { stdout } = await run('npm', ['pack', '--pack-destination', destination, '--silent'], { cwd: path.join(PACKAGE_ROOT, entry.dir) });
	const file = stdout.trim().split('\n').pop() ?? '';
	return path.join(destination, file);
}

export interface CreateOptions {
	/**
	 * Environment for every n8n process of this instance (CLI commands, `start()`,
	 * workers), e.g. queue mode's database and Redis settings, without touching
	 * `process.env`.
	 */
	env?: Record<string, string>;
}

export class N8nInstance {
	private constructor(
		readonly userFolder: string,
		private readonly n8n: string,
		private readonly nodeBinDir: string,
		/** The n8n version, e.g. `2.40.7`: the CLI differs between 1.x and 2.x. */
		readonly version: string,
		private readonly instanceEnv: Record<string, string> = {},
	) {}

	/** n8n 1.x rather than 2.x. */
	get v1(): boolean {
		return Number(this.version.split('.')[0]) < 2;
	}

	static async create(options: CreateOptions = {}): Promise<N8nInstance> {
		const { n8n, nodeBinDir, version } = await ensureN8n();
		const userFolder = await mkdtemp(path.join(tmpdir(), 'sso-link-n8n-'));
		await mkdir(path.join(userFolder, '.n8n/nodes/node_modules'), { recursive: true });
		return new N8nInstance(userFolder, n8n, nodeBinDir, version, options.env);
	}

	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		// `n8n execute --rawOutput` prints the run only at the default log level,
		// and n8n's logger is silent when NODE_ENV is `test` (as jest sets it).
		const { N8N_LOG_LEVEL: _level, NODE_ENV: _nodeEnv, JEST_WORKER_ID: _worker, ...inherited } = process.env;
		return {
			...inherited,
			PATH: `${this.nodeBinDir}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'sso-link-e2e-key',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// n8n 1.x has no such module and refuses to start on an unknown name.
			...(this.v1 ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
			NO_COLOR: '1',
			...this.instanceEnv,
			...extra,
		};
	}

	/**
	 * Installs the tarball the way n8n installs a community package: unpacked
	 * into `.n8n/nodes/node_modules/<name>`; it has no dependencies to install.
	 * Packages installed earlier stay.
	 */
	async installPackage(tarball: string, name = 'n8n-nodes-sso-link'): Promise<void> {
		const target = path.join(this.userFolder, '.n8n/nodes/node_modules', name);
		await rm(target, { recursive: true, force: true });
		await mkdir(target, { recursive: true });
		await run('tar', ['-xzf', tarball, '--strip-components=1', '-C', target]);
		const manifestFile = path.join(this.userFolder, '.n8n/nodes/package.json');
		const manifest = JSON.parse(await readFile(manifestFile, 'utf8').catch(() => '{}')) as { dependencies?: Record<string, string> };
		await writeFile(
			manifestFile,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { ...manifest.dependencies, [name]: 'file:' + tarball } }),
		);
	}

	/** Removes a package installed with installPackage, as uninstalling it from n8n does. */
	async uninstallPackage(name: string): Promise<void> {
		await rm(path.join(this.userFolder, '.n8n/nodes/node_modules', name), { recursive: true, force: true });
		const manifestFile = path.join(this.userFolder, '.n8n/nodes/package.json');
		const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { dependencies?: Record<string, string> };
		delete manifest.dependencies?.[name];
		await writeFile(manifestFile, JSON.stringify(manifest));
	}

	/**
	 * Runs a shell script as a user at this instance's machine would: `n8n`
	 * and the Node it runs on first on PATH, in the user folder.
	 */
	async shell(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
		const env = this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
		env.PATH = `${path.dirname(this.n8n)}:${env.PATH ?? ''}`;
		return await new Promise((resolve) => {
			execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd: this.userFolder, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
				resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
			);
		});
	}

	/**
	 * Runs an n8n CLI command. `stdoutToFile`: n8n's stdout goes to a file, read
	 * once it exited, instead of a pipe: n8n calls process.exit() right after
	 * printing, and a pipe loses what was not flushed by then (a megabyte-sized
	 * run, e.g. 2,000 items, comes out cut short); writes to a file are synchronous.
	 */
	async cli(args: string[], options: { stdoutToFile?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
		const brokerPort = await freePort();
		const stdoutFile = options.stdoutToFile ? path.join(this.userFolder, `stdout-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`) : undefined;
		const handle = stdoutFile ? await open(stdoutFile, 'w') : undefined;
		try {
			const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
				const child = spawn(this.n8n, args, {
					cwd: this.userFolder,
					env: this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort) }),
					stdio: ['ignore', handle ? handle.fd : 'pipe', 'pipe'],
				});
				let stdout = '';
				let stderr = '';
				child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
				child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
				child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
			});
			if (stdoutFile) result.stdout = await readFile(stdoutFile, 'utf8');
			return result;
		} finally {
			await handle?.close();
			if (stdoutFile) await rm(stdoutFile, { force: true });
		}
	}

	private async importJson(kind: 'credentials' | 'workflow', data: unknown): Promise<void> {
		const file = path.join(this.userFolder, `import-${kind}-${Date.now()}.json`);
		await writeFile(file, JSON.stringify(data));
		const result = await this.cli([`import:${kind}`, `--input=${file}`]);
		if (result.code !== 0) throw new Error(`n8n import:${kind} failed: ${result.stdout}\n${result.stderr}`);
	}

	/** Credentials with plain `data`; n8n encrypts them on import. */
	async importCredentials(credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>) {
		await this.importJson('credentials', credentials);
	}

	async importWorkflows(workflows: unknown[]): Promise<void> {
		await this.importJson('workflow', workflows);
	}

	/**
	 * `n8n execute --rawOutput`; n8n prints log lines before the JSON, which is
	 * the block from `{` to `}`. `stdoutToFile` (see `cli`) for large runs.
	 */
	async execute(workflowId: string, options: { stdoutToFile?: boolean } = {}): Promise<ExecutionResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], options);
		const lines = result.stdout.split('\n');
		const start = lines.indexOf('{');
		const end = lines.lastIndexOf('}');
		if (start < 0 || end < start) {
			throw new Error(`n8n execute printed no run (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
		const raw = JSON.parse(lines.slice(start, end + 1).join('\n')) as {
			status: string;
			data: { resultData: { runData: ExecutionResult['runData']; error?: ExecutionResult['error'] } };
		};
		return { status: raw.status, runData: raw.data.resultData.runData, error: raw.data.resultData.error };
	}

	/**
	 * An instance on a user folder that outlives the process (e.g. `npm start`'s),
	 * created on first use. `dispose()` would delete it: don't call it.
	 */
	static async open(userFolder: string): Promise<N8nInstance> {
		const { n8n, nodeBinDir, version } = await ensureN8n();
		await mkdir(path.join(userFolder, '.n8n/nodes/node_modules'), { recursive: true });
		return new N8nInstance(userFolder, n8n, nodeBinDir, version);
	}

	/**
	 * `n8n publish:workflow --id=…`: the published version serves production
	 * webhooks and triggers from the next `n8n start` (n8n 2.x; the old
	 * `update:workflow --active=true` is deprecated and does the same, and is
	 * the only way on n8n 1.x, which has no publishing).
	 */
	async publishWorkflow(workflowId: string): Promise<void> {
		const args = this.v1 ? ['update:workflow', `--id=${workflowId}`, '--active=true'] : ['publish:workflow', `--id=${workflowId}`];
		const result = await this.cli(args);
		if (result.code !== 0 || /error/i.test(result.stderr)) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
	}

	/** Every node type n8n loads, as `n8n export:nodes` lists them (community packages included). */
	async nodeTypes(): Promise<Array<{ name: string; displayName: string; version: number | number[]; credentials?: Array<{ name: string }> }>> {
		const file = path.join(this.userFolder, `nodes-${Date.now()}.json`);
		const result = await this.cli(['export:nodes', `--output=${file}`]);
		if (result.code !== 0) throw new Error(`n8n export:nodes failed: ${result.stdout}\n${result.stderr}`);
		// The command ends its stream without waiting for it to flush; the file is complete once the process exited.
		const types = JSON.parse(await readFile(file, 'utf8')) as Array<{ name: string; displayName: string; version: number | number[] }>;
		await rm(file, { force: true });
		return types;
	}

	/**
	 * `n8n start` on 127.0.0.1, in its own process group (so a terminal's Ctrl-C
	 * reaches only the caller, which stops n8n in order). Resolves once the
	 * editor is up and published workflows were handed to activation.
	 */
	async start(options: StartOptions = {}): Promise<N8nServer> {
		const port = options.port ?? (await freePort());
		const brokerPort = await freePort();
		const child = spawn(this.n8n, ['start'], {
			cwd: this.userFolder,
			env: this.env({
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_SECURE_COOKIE: 'false',
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...options.env,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const server = new N8nServer(child, `http://127.0.0.1:${port}`, options.logFile);
		options.onSpawn?.(server);
		await server.ready(options.timeoutMs ?? 300_000);
		return server;
	}

	/**
	 * `n8n worker` (queue mode: the instance's env must name the database and
	 * Redis), in its own process group like `start()`. Resolves once it is ready
	 * to take jobs.
	 */
	async startWorker(options: WorkerOptions = {}): Promise<N8nWorker> {
		const healthPort = await freePort();
		const child = spawn(this.n8n, ['worker', `--concurrency=${options.concurrency ?? 10}`], {
			cwd: this.userFolder,
			env: this.env({
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_PORT: String(await freePort()),
				...options.env,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const worker = new N8nWorker(child, `http://127.0.0.1:${healthPort}`, options.logFile);
		options.onSpawn?.(worker);
		await worker.ready(options.timeoutMs ?? 120_000);
		return worker;
	}

	async dispose(): Promise<void> {
		await rm(this.userFolder, { recursive: true, force: true });
	}
}

/** A workflow that starts with a Manual Trigger, so `n8n execute` can run it. */
export function manualWorkflow(
	id: string,
	name: string,
	nodes: Array<{ name: string; type: string; typeVersion?: number; parameters: Record<string, unknown>; credentials?: Record<string, { id: string; name: string }>; onError?: string }>,
	/** The workflow's settings; by default it saves no successful execution, as README advises for links. */
	settings: Record<string, unknown> = { saveDataSuccessExecution: 'none' },
): unknown {
	const all = [
		{ id: `${id}-trigger`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...nodes.map((node, index) => ({ id: `${id}-${index}`, typeVersion: 1, position: [220 * (index + 1), 0], ...node })),
	];
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < all.length - 1; index++) {
		connections[all[index].name] = { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, nodes: all, connections, settings: { executionOrder: 'v1', ...settings } };
}

export interface StartOptions {
	/** Port of the editor, REST API and webhooks; a free one when absent. */
	port?: number;
	/** Extra environment for n8n (wins over the defaults). */
	env?: Record<string, string>;
	/** Where n8n's own output goes (truncated on start); it is also kept in memory (`log`). */
	logFile?: string;
	/** How long n8n may take to come up; default 5 minutes (a fresh database migrates first). */
	timeoutMs?: number;
	/** Called as soon as the process exists, before it is ready (e.g. to stop it on Ctrl-C meanwhile). */
	onSpawn?: (server: N8nServer) => void;
}

export interface WorkerOptions {
	/** Executions one worker runs at once (`--concurrency`); 10 when absent, as in n8n. */
	concurrency?: number;
	/** Extra environment for this worker (wins over the instance's). */
	env?: Record<string, string>;
	/** Where the worker's output goes; it is also kept in memory (`log`). */
	logFile?: string;
	/** How long the worker may take to come up; default 2 minutes. */
	timeoutMs?: number;
	/** Called as soon as the process exists, before it is ready. */
	onSpawn?: (worker: N8nWorker) => void;
}

/** A running `n8n start`. */
export class N8nServer {
	/** n8n's stdout and stderr so far (the last 2 MB). */
	log = '';

	readonly exited: Promise<number | null>;

	private exitCode: number | null | undefined;

	constructor(
		readonly child: ChildProcess,
		/** e.g. `http://127.0.0.1:5678`, no trailing slash. */
		readonly url: string,
		logFile?: string,
	) {
		const file = logFile ? createWriteStream(logFile, { flags: 'w' }) : undefined;
		const append = (chunk: Buffer) => {
			this.log = (this.log + chunk.toString()).slice(-2_000_000);
			file?.write(chunk);
		};
		child.stdout?.on('data', append);
		child.stderr?.on('data', append);
		this.exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => {
				this.exitCode = code ?? (signal ? null : -1);
				file?.end();
				resolve(this.exitCode);
			}),
		);
	}

	get running(): boolean {
		return this.exitCode === undefined;
	}

	/** Waits for "Editor is now accessible via" and a ready health check. */
	async ready(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`n8n exited (${this.exitCode}) before it was ready:\n${this.log.slice(-4000)}`);
			if (this.log.includes('Editor is now accessible via')) {
				try {
					const response = await fetch(`${this.url}/healthz/readiness`);
					await response.arrayBuffer();
					if (response.ok) return;
				} catch {
					// not listening yet
				}
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		await this.stop();
		throw new Error(`n8n was not ready after ${Math.round(timeoutMs / 1000)} s:\n${this.log.slice(-4000)}`);
	}

	/**
	 * Polls a production webhook (`/webhook/<path>`) until n8n answers it with
	 * anything but 404: `/healthz/readiness` is up before the published
	 * workflows' webhooks are registered. Every poll that reaches a registered
	 * webhook runs its workflow once. Returns that first answer.
	 */
	async waitForWebhook(
		pathName: string,
		init: { method?: string; headers?: Record<string, string>; body?: string } = {},
		timeoutMs = 60_000,
	): Promise<{ status: number; text: string }> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (!this.running) throw new Error(`n8n exited (${this.exitCode}) while waiting for webhook ${pathName}`);
			const response = await fetch(`${this.url}/webhook/${pathName}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
			const text = await response.text();
			if (response.status !== 404) return { status: response.status, text };
			if (Date.now() > deadline) throw new Error(`webhook ${pathName} still answers 404 after ${Math.round(timeoutMs / 1000)} s: ${text}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/**
	 * Creates the owner account the way the editor's setup page does
	 * (`POST /rest/owner/setup`), unless the instance already has an owner.
	 * Returns whether it created one.
	 */
	async setupOwner(owner: { email: string; password: string; firstName: string; lastName: string }): Promise<boolean> {
		const settings = (await (await fetch(`${this.url}/rest/settings`)).json()) as {
			data: { userManagement: { showSetupOnFirstLoad?: boolean } };
		};
		if (settings.data.userManagement.showSetupOnFirstLoad === false) return false;
		const response = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n owner setup failed: HTTP ${response.status} ${text}`);
		return true;
	}

	/** Logs in as the editor does and returns the session cookie (`n8n-auth=…`). */
	async login(email: string, password: string): Promise<string> {
		const response = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		await response.text();
		const cookie = (response.headers.getSetCookie?.() ?? []).find((entry) => entry.startsWith('n8n-auth='));
		if (!response.ok || !cookie) throw new Error(`n8n login failed: HTTP ${response.status}`);
		return cookie.split(';')[0];
	}

	/** SIGTERM to n8n (it shuts down in order); its whole process group is killed after `graceMs`. */
	async stop(graceMs = 30_000): Promise<void> {
		if (!this.running || this.child.pid === undefined) return;
		const pid = this.child.pid;
		try {
			process.kill(pid, 'SIGTERM');
		} catch {
			return;
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}, graceMs);
		await this.exited;
		clearTimeout(timer);
		// n8n's task runner and anything else it started: gone with it, or now.
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// the group is empty
		}
	}

	/** Synchronous last resort for `process.on('exit')`. */
	kill(): void {
		if (this.running && this.child.pid !== undefined) {
			try {
				process.kill(-this.child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	}
}

/** A running `n8n worker` (queue mode); `url` is its health-check port's origin. */
export class N8nWorker extends N8nServer {
	/** Waits for "n8n worker is now ready" (it has subscribed to the job queue). */
	override async ready(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`n8n worker exited before it was ready:\n${this.log.slice(-4000)}`);
			if (this.log.includes('n8n worker is now ready')) return;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		await this.stop();
		throw new Error(`n8n worker was not ready after ${Math.round(timeoutMs / 1000)} s:\n${this.log.slice(-4000)}`);
	}

	/** Executions this worker has started so far ("Worker started execution …" in its log, last 2 MB). */
	startedExecutions(): number {
		return (this.log.match(/Worker started execution/g) ?? []).length;
	}
}

/** The sandbox credentials the examples use, by fixed id (the same ids as nodes.e2e.test.ts). */
export const SANDBOX_CREDENTIALS = {
	hostUpApi: { id: 'hostUpSandbox01', name: 'HostUp sandbox' },
	installatronApi: { id: 'installatronSbx1', name: 'Installatron sandbox' },
	mailUpApi: { id: 'mailUpSandbox001', name: 'MailUp sandbox' },
	wisecpApi: { id: 'wisecpSandbox001', name: 'WISECP sandbox' },
	whmcs: { id: 'whmcsSandbox0001', name: 'WHMCS sandbox (SSO Link custom)' },
	cpanel: { id: 'cpanelSandbox001', name: 'cPanel sandbox (SSO Link custom)' },
	whmcsApi: { id: 'whmcsApiSandbox1', name: 'WHMCS sandbox' },
	cpanelApi: { id: 'cpanelApiSandbx1', name: 'cPanel & WHM sandbox' },
	pleskApi: { id: 'pleskApiSandbox1', name: 'Plesk sandbox' },
	directAdminApi: { id: 'directAdminSbx01', name: 'DirectAdmin sandbox' },
} as const;

/**
 * One credential per provider, pointing at a sandbox whose base URLs
 * `baseUrl(prefix, { https })` gives (Sandbox#baseUrl): Installatron over the
 * self-signed HTTPS listener, the SSO Link custom provider at the WHMCS- and
 * cPanel-shaped endpoints.
 */
export function sandboxCredentials(baseUrl: (prefix: string, options?: { https?: boolean }) => string) {
	const ids = SANDBOX_CREDENTIALS;
	return [
		{ ...ids.hostUpApi, type: 'hostUpApi', data: { apiKey: HOSTUP_KEYS.full, baseUrl: baseUrl('hostup') } },
		{
			...ids.installatronApi,
			type: 'installatronApi',
			data: { apiKey: INSTALLATRON_KEYS.valid, baseUrl: baseUrl('installatron', { https: true }), allowUnauthorizedCerts: true },
		},
		{ ...ids.mailUpApi, type: 'mailUpApi', data: { ...MAILUP_ACCOUNT, baseUrl: baseUrl('mailup') } },
		{ ...ids.wisecpApi, type: 'wisecpApi', data: { apiKey: WISECP_KEYS.full, apiUrl: `${baseUrl('wisecp')}/api/` } },
		{
			...ids.whmcs,
			type: 'ssoLinkCustomApi',
			data: whmcsCredentialData(baseUrl('whmcs')),
		},
		{
			...ids.cpanel,
			type: 'ssoLinkCustomApi',
			data: { baseUrl: baseUrl('cpanel'), keyLocation: 'header', headerName: 'Authorization', apiKey: `whm root:${WHM_TOKEN}` },
		},
		{
			...ids.whmcsApi,
			type: 'whmcsApi',
			// The sandbox WHMCS does not allow 127.0.0.1: the access key lifts that, as in WHMCS.
			data: { baseUrl: baseUrl('whmcs'), identifier: WHMCS_API_CREDENTIAL.identifier, secret: WHMCS_API_CREDENTIAL.secret, accessKey: WHMCS_KEY },
		},
		{
			...ids.cpanelApi,
			type: 'cpanelApi',
			// WHM over the self-signed HTTPS listener, as most servers run it.
			data: { baseUrl: baseUrl('cpanel', { https: true }), username: 'root', apiToken: WHM_TOKEN, allowUnauthorizedCerts: true },
		},
		{
			...ids.pleskApi,
			type: 'pleskApi',
			// Plesk over the self-signed HTTPS listener (8443 on a real server), as the administrator.
			data: {
				baseUrl: baseUrl('plesk', { https: true }),
				authentication: 'password',
				login: PLESK_ADMIN.login,
				password: PLESK_ADMIN.password,
				allowUnauthorizedCerts: true,
			},
		},
		{
			...ids.directAdminApi,
			type: 'directAdminApi',
			// DirectAdmin over the self-signed HTTPS listener, as its port 2222 usually is.
			data: { baseUrl: baseUrl('directadmin', { https: true }), username: DA_ADMIN.username, password: DA_ADMIN.password, allowUnauthorizedCerts: true },
		},
	];
}

export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; webhookId?: string; disabled?: boolean }>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/** The example workflows (`examples/*.json`), by file name. */
export async function loadExamples(): Promise<Array<{ file: string; workflow: ExampleWorkflow }>> {
	const dir = path.join(PACKAGE_ROOT, 'examples');
	if (!existsSync(dir)) return [];
	const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
	return await Promise.all(
		files.map(async (file) => ({ file, workflow: JSON.parse(await readFile(path.join(dir, file), 'utf8')) as ExampleWorkflow })),
	);
}

/** Workflows that answer on a production webhook: they need publishing. */
export function webhookPaths(workflow: ExampleWorkflow): string[] {
	return workflow.nodes
		.filter((node) => node.type === 'n8n-nodes-base.webhook' && !node.disabled)
		.map((node) => String(node.parameters.path ?? ''));
}

/**
 * Workflows that serve tools to MCP clients (MCP Server Trigger, version 2:
 * Streamable HTTP at `/mcp/<path>`): they need publishing too.
 */
export function mcpPaths(workflow: ExampleWorkflow): string[] {
	return workflow.nodes
		.filter((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger' && !node.disabled)
		.map((node) => String(node.parameters.path ?? ''));
}
