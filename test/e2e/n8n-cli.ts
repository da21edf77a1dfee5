/**
 * Drives a real n8n (the pinned version scripts/install-n8n.sh installs) through
 * its CLI: a fresh user folder, this package installed as n8n installs a
 * community package, credentials and workflows imported, workflows executed.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { HOSTUP_KEYS } from '../sandbox/hostup';
import { INSTALLATRON_KEYS } from '../sandbox/installatron';
import { MAILUP_ACCOUNT } from '../sandbox/mailup';
import { WHMCS_KEY, WHM_TOKEN } from '../sandbox/peers';
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
	runData: Record<string, Array<{ executionStatus?: string; data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }>> }; error?: { message: string; description?: string } }>>;
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

/** Installs n8n on first use (minutes; progress on stderr) and returns its binary and Node 24's bin dir. */
export async function ensureN8n(): Promise<{ n8n: string; nodeBinDir: string }> {
	const install = (args: string[]) =>
		new Promise<string>((resolve, reject) => {
			const child = spawn('bash', [INSTALL_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
			let out = '';
			child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`install-n8n.sh exited ${code}`))));
		});
	const n8n = await install([]);
	const nodeBinDir = await install(['--node-bin-dir']);
	return { n8n, nodeBinDir };
}

/** Packs the package (dist/ must be built) and returns the tarball's path. */
export async function packPackage(destination: string): Promise<string> {
	const { stdout } = await run('npm', ['pack', '--pack-destination', destination, '--silent'], { cwd: PACKAGE_ROOT });
	const file = stdout.trim().split('\n').pop() ?? '';
	return path.join(destination, file);
}

export class N8nInstance {
	private constructor(
		readonly userFolder: string,
		private readonly n8n: string,
		private readonly nodeBinDir: string,
	) {}

	static async create(): Promise<N8nInstance> {
		const { n8n, nodeBinDir } = await ensureN8n();
		const userFolder = await mkdtemp(path.join(tmpdir(), 'sso-link-n8n-'));
		await mkdir(path.join(userFolder, '.n8n/nodes/node_modules'), { recursive: true });
		return new N8nInstance(userFolder, n8n, nodeBinDir);
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
			N8N_DISABLED_MODULES: 'mcp-registry',
			NO_COLOR: '1',
			...extra,
		};
	}

	/**
	 * Installs the tarball the way n8n installs a community package: unpacked
	 * into `.n8n/nodes/node_modules/<name>`; it has no dependencies to install.
	 */
	async installPackage(tarball: string, name = 'n8n-nodes-sso-link'): Promise<void> {
		const target = path.join(this.userFolder, '.n8n/nodes/node_modules', name);
		await rm(target, { recursive: true, force: true });
		await mkdir(target, { recursive: true });
		await run('tar', ['-xzf', tarball, '--strip-components=1', '-C', target]);
		await writeFile(
			path.join(this.userFolder, '.n8n/nodes/package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [name]: 'file:' + tarball } }),
		);
	}

	async cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
		const brokerPort = await freePort();
		return await new Promise((resolve) => {
			const child = spawn(this.n8n, args, {
				cwd: this.userFolder,
				env: this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort) }),
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
		});
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

	/** `n8n execute --rawOutput`; n8n prints log lines before the JSON, which is the block from `{` to `}`. */
	async execute(workflowId: string): Promise<ExecutionResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
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

	async dispose(): Promise<void> {
		await rm(this.userFolder, { recursive: true, force: true });
	}
}

/** A workflow that starts with a Manual Trigger, so `n8n execute` can run it. */
export function manualWorkflow(
	id: string,
	name: string,
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, { id: string; name: string }>; onError?: string }>,
): unknown {
	const all = [
		{ id: `${id}-trigger`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...nodes.map((node, index) => ({ id: `${id}-${index}`, typeVersion: 1, position: [220 * (index + 1), 0], ...node })),
	];
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < all.length - 1; index++) {
		connections[all[index].name] = { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, nodes: all, connections, settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' } };
}
