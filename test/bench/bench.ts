/**
 * `npm run bench`: how fast this package mints links at scale, measured in a
 * real n8n (the CLI) against the sandbox, beside n8n's own HTTP Request node
 * doing the same calls in the same run. Prints the figures and the ratios
 * against the targets of issue 7. Exits non-zero if a target is missed.
 *
 *   A. 200 links, 50 ms latency, no rate limit: our node vs HTTP Request
 *      (which fires every item at once) — target: ≤ 1.5× its time.
 *   B. 200 links, limit 20 requests/s (429 with Retry-After: 1 beyond it) —
 *      target: all succeed in ≤ 11.5 s with ≤ 240 requests. HTTP Request is
 *      shown beside it for contrast.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { N8nInstance, manualWorkflow, packPackage } from '../e2e/n8n-cli';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { Sandbox } from '../sandbox/server';

const ITEMS = 200;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const ACCOUNT = hostUpAccountId(0);
const SITE = hostUpSiteId(0, 0);

/** 200 items from a Set node and Split Out, as a workflow would get them from a sheet or a webhook. */
function itemNodes() {
	return [
		{
			name: 'Customers',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: `={{ { ids: Array.from({ length: ${ITEMS} }, (_, i) => i + 1) } }}`, options: {} },
		},
		{ name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'ids', options: {} } },
	];
}

function oursWorkflow() {
	return manualWorkflow('benchOurs', 'bench: HostUp node', [
		...itemNodes(),
		{
			name: 'Mint',
			type: 'n8n-nodes-sso-link.hostUp',
			credentials: { hostUpApi: { id: 'benchHostUp00001', name: 'HostUp sandbox' } },
			onError: 'continueRegularOutput',
			parameters: {
				resource: 'wordpressSite',
				operation: 'createSsoLink',
				accountId: { __rl: true, mode: 'id', value: ACCOUNT },
				siteId: { __rl: true, mode: 'id', value: SITE },
			},
		},
	] as never);
}

function httpRequestWorkflow(baseUrl: string) {
	return manualWorkflow('benchHttpRequest', 'bench: HTTP Request node', [
		...itemNodes(),
		{
			name: 'Mint',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			onError: 'continueRegularOutput',
			parameters: {
				method: 'POST',
				url: `${baseUrl}/api/v2/shared-hosting/${ACCOUNT}/wordpress/${SITE}/actions/sso`,
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${HOSTUP_KEYS.full}` }] },
				options: {},
			},
		},
	] as never);
}

interface Measurement {
	ms: number;
	ok: number;
	failed: number;
	requests: number;
	refused: number;
}

async function measure(n8n: N8nInstance, sandbox: Sandbox, workflowId: string, setup: () => void): Promise<Measurement> {
	sandbox.reset();
	setup();
	const result = await n8n.execute(workflowId);
	const run = result.runData.Mint?.[0] as { executionTime?: number; data?: { main: Array<Array<{ json: Record<string, unknown> }>> } } | undefined;
	const items = run?.data?.main[0] ?? [];
	const ok = items.filter((item) => typeof item.json.url === 'string' || typeof item.json.loginUrl === 'string').length;
	return {
		ms: run?.executionTime ?? Number.NaN,
		ok,
		failed: items.length - ok,
		requests: sandbox.requestsTo('hostup').length,
		refused: sandbox.requestsTo('hostup').filter((entry) => entry.status === 429).length,
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function row(cells: Array<string | number>): string {
	return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
	const sandbox = await Sandbox.start();
	const n8n = await N8nInstance.create();
	let failures = 0;
	try {
		await n8n.installPackage(await packPackage(await mkdtemp(path.join(tmpdir(), 'sso-link-bench-'))));
		await n8n.importCredentials([
			{ id: 'benchHostUp00001', name: 'HostUp sandbox', type: 'hostUpApi', data: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } },
		]);
		await n8n.importWorkflows([oursWorkflow(), httpRequestWorkflow(sandbox.baseUrl('hostup'))]);

		const latency = () => {
			sandbox.latencyMs = 50;
		};
		const limited = () => {
			sandbox.latencyMs = 50;
			sandbox.limitRate('hostup', 20);
		};

		// A: alternate the two nodes so both see the same machine state.
		const ours: Measurement[] = [];
		const http: Measurement[] = [];
		for (let repeat = 0; repeat < REPEATS; repeat++) {
			http.push(await measure(n8n, sandbox, 'benchHttpRequest', latency));
			ours.push(await measure(n8n, sandbox, 'benchOurs', latency));
		}
		const oursMs = median(ours.map((entry) => entry.ms));
		const httpMs = median(http.map((entry) => entry.ms));
		const ratio = oursMs / httpMs;

		// B: the rate-limited provider.
		const limitedOurs = await measure(n8n, sandbox, 'benchOurs', limited);
		const limitedHttp = await measure(n8n, sandbox, 'benchHttpRequest', limited);

		const passA = ratio <= 1.5 && ours.every((entry) => entry.ok === ITEMS);
		const passB = limitedOurs.ok === ITEMS && limitedOurs.ms <= 11_500 && limitedOurs.requests <= 240;
		failures = Number(!passA) + Number(!passB);

		const lines = [
			`Benchmark: ${ITEMS} wp-admin links per run, real n8n 2.40.7 (n8n execute), node time as n8n measures it (median of ${REPEATS} for A).`,
			'',
			row(['Scenario', 'Node', 'Time', 'Links OK', 'Requests (429s)', 'Target', 'Result']),
			row(['---', '---', '---:', '---:', '---:', '---', '---']),
			row(['A. 50 ms latency, no limit', 'HTTP Request', `${httpMs} ms`, `${http[0].ok}/${ITEMS}`, `${http[0].requests} (${http[0].refused})`, 'baseline', '']),
			row(['A. 50 ms latency, no limit', 'HostUp (this package)', `${oursMs} ms`, `${ours[0].ok}/${ITEMS}`, `${ours[0].requests} (${ours[0].refused})`, '≤ 1.5× HTTP Request', `${ratio.toFixed(2)}× ${passA ? 'PASS' : 'FAIL'}`]),
			row(['B. 20 requests/s limit', 'HTTP Request', `${limitedHttp.ms} ms`, `${limitedHttp.ok}/${ITEMS}`, `${limitedHttp.requests} (${limitedHttp.refused})`, 'for contrast', '']),
			row(['B. 20 requests/s limit', 'HostUp (this package)', `${(limitedOurs.ms / 1000).toFixed(2)} s`, `${limitedOurs.ok}/${ITEMS}`, `${limitedOurs.requests} (${limitedOurs.refused})`, 'all OK, ≤ 11.5 s, ≤ 240 requests', passB ? 'PASS' : 'FAIL']),
			'',
			`A, each run (ours / HTTP Request, ms): ${ours.map((entry, index) => `${entry.ms}/${http[index].ms}`).join(', ')}`,
		];
		process.stdout.write(`${lines.join('\n')}\n`);
	} finally {
		await n8n.dispose();
		await sandbox.close();
	}
	process.exitCode = failures ? 1 : 0;
}

void main();
