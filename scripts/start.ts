/**
 * `npm start`: try the nodes in a real n8n, with no provider account.
 *
 *   1. starts the provider sandbox on 127.0.0.1:5680 (HTTPS 5681);
 *   2. makes sure the pinned n8n is installed (scripts/install-n8n.sh; the
 *      first run installs it, ~5 minutes);
 *   3. keeps one n8n user folder outside git,
 *      ${SSO_LINK_CACHE:-~/.cache/n8n-nodes-sso-link}/start-instance, and installs
 *      this package (the built dist/, packed) into it as n8n installs a
 *      community package — again only when dist/ changed;
 *   4. imports a credential per provider (pointing at the sandbox) and the
 *      example workflows (examples/*.json), and publishes those with a
 *      webhook or an MCP Server Trigger — again only when they changed, so
 *      edits made in the editor survive a restart;
 *   5. runs `n8n start` on 127.0.0.1:5678 (`--port` or N8N_PORT to change),
 *      creates the owner account on first run, and prints the editor URL and
 *      the login;
 *   6. Ctrl-C (SIGINT/SIGTERM) stops n8n, then the sandbox.
 *
 * Built by esbuild into .cache/start.js and run with Node 24; `npm run build`
 * must have built dist/ first. Flags: `--port <n>`, `--verbose` (n8n's own log
 * on the terminal too; it always goes to <instance>/n8n.log).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type { N8nServer } from '../test/e2e/n8n-cli';
import { N8nInstance, PACKAGE_ROOT, loadExamples, mcpPaths, packPackage, sandboxCredentials, webhookPaths } from '../test/e2e/n8n-cli';
import { Sandbox } from '../test/sandbox/server';

/** The local owner account. The instance listens on loopback only and holds sandbox credentials only. */
const OWNER = { email: 'owner@example.com', password: 'SsoLink-Sandbox-1', firstName: 'Sandbox', lastName: 'Owner' } as const;

/** The n8n version: scripts/install-n8n.sh's pinned 2.x unless N8N_VERSION names another. */
const N8N_VERSION = process.env.N8N_VERSION || execFileSync('bash', [path.join(PACKAGE_ROOT, 'scripts/install-n8n.sh'), '--pinned-version'], { encoding: 'utf8' }).trim();

interface State {
	packageHash?: string;
	importHash?: string;
}

const started = Date.now();
let sandbox: Sandbox | undefined;
let server: N8nServer | undefined;
let stopping = false;

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

function seconds(since: number): string {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
	const begin = Date.now();
	process.stdout.write(`• ${label} …\n`);
	const result = await work();
	process.stdout.write(`  done (${seconds(begin)})\n`);
	return result;
}

function flag(name: string): string | undefined {
	const index = process.argv.indexOf(name);
	return index > 0 ? process.argv[index + 1] : undefined;
}

function portFrom(text: string | undefined, fallback: number, what: string): number {
	if (text === undefined || text === '') return fallback;
	const port = Number(text);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what} must be a port number, not "${text}"`);
	return port;
}

async function assertPortFree(port: number, what: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const probe = createServer();
		probe.once('error', () =>
			reject(new Error(`port ${port} (${what}) is in use on 127.0.0.1 — is another \`npm start\` running? Stop it, or choose another port.`)),
		);
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
	});
}

/** Hash of files under `dir` (paths and contents), for "did it change since last time". */
function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
	const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
	for (const entry of entries) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) hashTree(hash, full);
		else if (entry.isFile()) hash.update(path.relative(PACKAGE_ROOT, full)).update('\0').update(readFileSync(full)).update('\0');
	}
}

function readState(file: string): State {
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as State;
	} catch {
		return {};
	}
}

/**
 * The sandbox reads its certificate from `tls/` beside its own file or from
 * `../test/sandbox/tls` (a bundle in .cache/). A bundle anywhere else gets a
 * copy beside it.
 */
function ensureSandboxTls(): void {
	if (path.resolve(__dirname) === path.join(PACKAGE_ROOT, 'scripts')) return; // not bundled: the sandbox finds its own
	const found = [path.join(__dirname, 'tls'), path.join(__dirname, '../test/sandbox/tls')].some((dir) => existsSync(path.join(dir, 'sandbox-key.pem')));
	if (!found) cpSync(path.join(PACKAGE_ROOT, 'test/sandbox/tls'), path.join(__dirname, 'tls'), { recursive: true });
}

async function shutdown(code: number, reason?: string): Promise<never> {
	if (stopping) {
		server?.kill();
		process.exit(code || 130);
	}
	stopping = true;
	if (reason) say(`\n${reason}`);
	if (server?.running) {
		say('Stopping n8n …');
		await server.stop();
	}
	if (sandbox) {
		say('Stopping the sandbox …');
		await sandbox.close();
	}
	say('Stopped.');
	process.exit(code);
}

async function main(): Promise<void> {
	process.on('SIGINT', () => void shutdown(0, 'Ctrl-C received (press it again to kill at once).'));
	process.on('SIGTERM', () => void shutdown(0, 'SIGTERM received.'));
	process.on('exit', () => server?.kill());

	const port = portFrom(flag('--port') ?? process.env.N8N_PORT, 5678, 'the n8n port');
	const sandboxPort = portFrom(process.env.SANDBOX_PORT, 5680, 'SANDBOX_PORT');
	const sandboxHttpsPort = portFrom(process.env.SANDBOX_HTTPS_PORT, 5681, 'SANDBOX_HTTPS_PORT');
	const verbose = process.argv.includes('--verbose');
	const cacheRoot = path.resolve(process.env.SSO_LINK_CACHE || path.join(os.homedir(), '.cache/n8n-nodes-sso-link'));
	const instanceDir = path.join(cacheRoot, 'start-instance');

	if (!existsSync(path.join(PACKAGE_ROOT, 'dist/nodes/HostUp/HostUp.node.js'))) {
		throw new Error('dist/ is not built: run `npm run build` first (`npm start` does it for you).');
	}
	await assertPortFree(port, 'n8n');

	say(`n8n-nodes-sso-link: a real n8n ${N8N_VERSION} with this package, against the provider sandbox`);
	sandbox = await step(`starting the provider sandbox on 127.0.0.1:${sandboxPort} (HTTPS ${sandboxHttpsPort})`, async () => {
		ensureSandboxTls();
		await assertPortFree(sandboxPort, 'sandbox');
		await assertPortFree(sandboxHttpsPort, 'sandbox HTTPS');
		return await Sandbox.start({ port: sandboxPort, httpsPort: sandboxHttpsPort });
	});
	const box = sandbox;

	const n8n = await step(`preparing n8n ${N8N_VERSION} (the first run installs it: ~5 minutes, ~3 GB)`, async () => {
		await mkdir(instanceDir, { recursive: true });
		return await N8nInstance.open(instanceDir);
	});
	if (stopping) return;

	const stateFile = path.join(instanceDir, '.n8n/sso-link-start.json');
	const freshDatabase = !existsSync(path.join(instanceDir, '.n8n/database.sqlite'));
	const state: State = freshDatabase ? {} : readState(stateFile);
	const saveState = () => writeFileSync(stateFile, JSON.stringify(state, null, '\t'));

	const packageHash = createHash('sha256');
	hashTree(packageHash, path.join(PACKAGE_ROOT, 'dist'));
	for (const file of ['package.json', 'index.js']) packageHash.update(readFileSync(path.join(PACKAGE_ROOT, file)));
	const packageDigest = packageHash.digest('hex');
	const installed = path.join(instanceDir, '.n8n/nodes/node_modules/n8n-nodes-sso-link/package.json');
	if (state.packageHash !== packageDigest || !existsSync(installed)) {
		await step('installing this package (dist/, packed) as an n8n community package', async () => {
			const packDir = path.join(instanceDir, 'package');
			await rm(packDir, { recursive: true, force: true });
			await mkdir(packDir, { recursive: true });
			await n8n.installPackage(await packPackage(packDir));
		});
		state.packageHash = packageDigest;
		saveState();
	} else {
		say('• this package: unchanged since the last start');
	}
	if (stopping) return;

	const credentials = sandboxCredentials((prefix, options) => box.baseUrl(prefix, options));
	const examples = await loadExamples();
	const importDigest = createHash('sha256').update(JSON.stringify({ credentials, examples })).digest('hex');
	if (state.importHash !== importDigest) {
		await step(`importing ${credentials.length} sandbox credentials and ${examples.length} example workflows`, async () => {
			await n8n.importCredentials(credentials);
			await n8n.importWorkflows(examples.map(({ workflow }) => workflow));
			for (const { workflow } of examples) {
				if (webhookPaths(workflow).length > 0 || mcpPaths(workflow).length > 0) await n8n.publishWorkflow(workflow.id);
			}
		});
		state.importHash = importDigest;
		saveState();
	} else {
		say('• credentials and example workflows: unchanged since the last start (your edits are kept)');
	}
	if (stopping) return;

	const logFile = path.join(instanceDir, 'n8n.log');
	server = await step(`starting n8n on http://127.0.0.1:${port}`, async () => {
		const running = await n8n.start({
			port,
			logFile,
			onSpawn: (spawned) => {
				server = spawned;
				if (verbose) {
					spawned.child.stdout?.pipe(process.stdout);
					spawned.child.stderr?.pipe(process.stderr);
				}
			},
		});
		await running.setupOwner(OWNER);
		return running;
	});
	const running = server;
	void running.exited.then((code) => {
		if (!stopping) void shutdown(1, `n8n exited on its own (code ${code}); the last lines of ${logFile}:\n${running.log.slice(-3000)}`);
	});

	const webhookLines = examples.flatMap(({ workflow }) =>
		webhookPaths(workflow).map((hook) => `    POST ${running.url}/webhook/${hook}   ← ${workflow.name}`),
	);
	const mcpLines = examples.flatMap(({ workflow }) =>
		mcpPaths(workflow).map((mcpPath) => `    ${running.url}/mcp/${mcpPath}   ← ${workflow.name}`),
	);
	say();
	say(`Ready in ${seconds(started)}.`);
	say();
	say(`  Editor    ${running.url}`);
	say(`  Log in    ${OWNER.email}  /  ${OWNER.password}`);
	say();
	say(`  Credentials (Overview → Credentials) point at the sandbox: ${box.origin}, HTTPS ${box.httpsOrigin}.`);
	say(`  Example workflows (Overview → Workflows): ${examples.map(({ workflow }) => workflow.name.replace(/^Example: /, '')).join('; ')}.`);
	if (webhookLines.length > 0) {
		say('  Published webhooks:');
		for (const line of webhookLines) say(line);
	}
	if (mcpLines.length > 0) {
		say('  MCP servers (Streamable HTTP, for MCP clients and AI agents):');
		for (const line of mcpLines) say(line);
	}
	say();
	say('  Try it — mint a wp-admin link and open it (it works once):');
	say(
		`    curl -s -X POST ${running.url}/webhook/onboarding-login -H 'content-type: application/json' \\\n` +
			`      -d '{"accountId":"acct_sandbox0001","siteId":"wp_sandbox0001s1","email":"anna@example.com"}'`,
	);
	say();
	say(`  n8n's log: ${logFile}${verbose ? ' (also shown here)' : ' (--verbose shows it here)'}`);
	say('  Ctrl-C stops n8n and the sandbox.');
}

main().catch((error: unknown) => {
	void shutdown(1, `npm start failed: ${error instanceof Error ? error.message : String(error)}`);
});
