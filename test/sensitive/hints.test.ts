/**
 * Where links will be kept (README "Login links are credentials"): after a
 * run that minted links, an execution hint in the editor's output panel says
 * how many live links the output holds and how to stop n8n storing them,
 * unless the workflow saves no successful execution; and each minting node
 * declares the link field in `sensitiveOutputFields`. Real n8n executions
 * (n8n-core's WorkflowExecute); test/e2e/examples.e2e.test.ts checks the
 * same in a real n8n of both lines.
 */
import type { IWorkflowSettings, NodeExecutionHint } from 'n8n-workflow';

import { byId, expectSsoLink } from '../helpers/assertions';
import { NODE_NAME, loadPackage, runNode } from '../helpers/n8n';
import type { NodeRun } from '../helpers/n8n';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const credentials = () => ({ hostUpApi: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } });
const wordpressLink = { resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId(hostUpAccountId(0)), siteId: byId(hostUpSiteId(0, 0)) };

function hintsOf(run: NodeRun): NodeExecutionHint[] {
	return run.run.data.resultData.runData[NODE_NAME]?.[0]?.hints ?? [];
}

function mint(items: number, workflowSettings?: IWorkflowSettings, parameters: Record<string, unknown> = wordpressLink) {
	return runNode({
		type: 'hostUp',
		parameters: parameters as never,
		credentials: credentials(),
		items: Array.from({ length: items }, (_, index) => ({ index })),
		workflowSettings,
	});
}

const THREE_LINKS =
	'This output holds 3 live login links. n8n stores them with the execution when this workflow saves successful production executions, where anyone who can open its executions can use them until they expire. To stop that, set Workflow Settings → "Save successful production executions" to "Do not save" (or EXECUTIONS_DATA_SAVE_ON_SUCCESS=none for the whole instance).';

describe('the hint after a mint', () => {
	it.each<[string, IWorkflowSettings | undefined]>([
		['no setting (the instance decides)', undefined],
		['"DEFAULT"', { saveDataSuccessExecution: 'DEFAULT' }],
		['"all"', { saveDataSuccessExecution: 'all' }],
	])('with %s: how many live links the output holds, and how to stop n8n storing them', async (_, settings) => {
		const run = await mint(3, settings);
		expect(run.items).toHaveLength(3);
		expect(hintsOf(run)).toEqual([{ type: 'warning', location: 'outputPane', message: THREE_LINKS }]);
	});

	it('says it of one link in the singular', async () => {
		const run = await mint(1);
		expect(hintsOf(run).map((hint) => hint.message)).toEqual([
			'This output holds 1 live login link. n8n stores it with the execution when this workflow saves successful production executions, where anyone who can open its executions can use it until it expires. To stop that, set Workflow Settings → "Save successful production executions" to "Do not save" (or EXECUTIONS_DATA_SAVE_ON_SUCCESS=none for the whole instance).',
		]);
	});

	it('none when the workflow saves no successful execution', async () => {
		const run = await mint(3, { saveDataSuccessExecution: 'none' });
		expect(run.items).toHaveLength(3);
		expect(hintsOf(run)).toEqual([]);
	});

	it('none after a listing, which holds no link', async () => {
		const run = await mint(1, undefined, { resource: 'account', operation: 'getMany', returnAll: true });
		expect(run.items.length).toBeGreaterThan(0);
		expect(hintsOf(run)).toEqual([]);
	});

	it('counts only the links the output holds: failed items under Continue On Fail are not links', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', times: 1, fault: { kind: 'status', status: 404, code: 'not_found', message: 'No such site.' } });
		const run = await runNode({
			type: 'hostUp',
			parameters: wordpressLink as never,
			credentials: credentials(),
			items: [{ index: 0 }, { index: 1 }, { index: 2 }],
			continueOnFail: true,
		});
		expect(run.items.filter((item) => 'error' in item.json)).toHaveLength(1);
		expect(hintsOf(run).map((hint) => hint.message.split('.')[0])).toEqual(['This output holds 2 live login links']);
	});

	it('none when the run fails, and a later run of the same node counts afresh', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', times: 1, fault: { kind: 'status', status: 500, code: 'internal_error', message: 'Down.' } });
		const failed = await mint(1);
		expect(failed.error).toBeDefined();
		expect(hintsOf(failed)).toEqual([]);
		const next = await mint(2);
		expect(hintsOf(next).map((hint) => hint.message.split('.')[0])).toEqual(['This output holds 2 live login links']);
	});

	it('the SSO Link node says it too', async () => {
		const run = await runNode({
			type: 'ssoLink',
			parameters: { provider: 'hostUpWordPress', accountId: byId(hostUpAccountId(0)), siteId: byId(hostUpSiteId(0, 0)) },
			credentials: credentials(),
		});
		expectSsoLink(run.items[0]);
		expect(hintsOf(run).map((hint) => hint.message.split('.')[0])).toEqual(['This output holds 1 live login link']);
	});
});

describe('sensitiveOutputFields', () => {
	it('every node that mints declares the link field, which is where the link is', async () => {
		const { nodeTypes } = await loadPackage();
		const minting = Object.entries(nodeTypes).filter(([, type]) =>
			JSON.stringify((type as { description: unknown }).description).includes('"createSsoLink"') || (type as { description: { name: string } }).description.name === 'ssoLink',
		);
		expect(minting.map(([name]) => name).sort()).toEqual(Object.keys(nodeTypes).sort());
		for (const [, type] of minting) expect((type as { description: { sensitiveOutputFields?: string[] } }).description.sensitiveOutputFields).toEqual(['url']);
		const run = await mint(1);
		expect(typeof run.items[0].json.url).toBe('string');
	});
});
