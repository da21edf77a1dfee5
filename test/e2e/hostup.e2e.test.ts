/**
 * The packed package in a real n8n (the CLI), against the sandbox.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLink } from '../helpers/assertions';
import { ssoLinkSchema } from '../../nodes/shared/schemas';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { Sandbox } from '../sandbox/server';
import { N8nInstance, manualWorkflow, packPackage } from './n8n-cli';

let sandbox: Sandbox;
let n8n: N8nInstance;

const credential = { hostUpApi: { id: 'hostUpSandbox01', name: 'HostUp sandbox' } };

beforeAll(async () => {
	sandbox = await Sandbox.start();
	n8n = await N8nInstance.create();
	await n8n.installPackage(await packPackage(await mkdtemp(path.join(tmpdir(), 'sso-link-pack-'))));
	await n8n.importCredentials([
		{ id: 'hostUpSandbox01', name: 'HostUp sandbox', type: 'hostUpApi', data: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } },
	]);
	await n8n.importWorkflows([
		manualWorkflow('e2eHostUpWpLink', 'HostUp wp-admin link', [
			{
				name: 'HostUp',
				type: 'n8n-nodes-sso-link.hostUp',
				credentials: credential,
				parameters: {
					resource: 'wordpressSite',
					operation: 'createSsoLink',
					accountId: { __rl: true, mode: 'list', value: hostUpAccountId(0) },
					siteId: { __rl: true, mode: 'id', value: hostUpSiteId(0, 0) },
				},
			},
		]),
		manualWorkflow('e2eHostUpAccounts', 'HostUp accounts', [
			{ name: 'HostUp', type: 'n8n-nodes-sso-link.hostUp', credentials: credential, parameters: { resource: 'account', operation: 'getMany', returnAll: true } },
		]),
		manualWorkflow('e2eHostUpNotFound', 'HostUp continue on fail', [
			{
				name: 'HostUp',
				type: 'n8n-nodes-sso-link.hostUp',
				credentials: credential,
				onError: 'continueRegularOutput',
				parameters: { resource: 'account', operation: 'createSsoLink', accountId: { __rl: true, mode: 'id', value: 'acct_unknown' } },
			},
		]),
	]);
}, 15 * 60_000);

afterAll(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

beforeEach(() => sandbox.reset());

it('mints a wp-admin link with the contract output', async () => {
	const result = await n8n.execute('e2eHostUpWpLink');
	expect(result.status).toBe('success');
	const items = result.runData.HostUp[0].data?.main[0] ?? [];
	expect(items).toHaveLength(1);
	const link = ssoLinkSchema.parse(items[0].json);
	expect(link).toMatchObject({ provider: 'hostup', target: 'wordpressAdmin', resourceId: hostUpSiteId(0, 0), singleUse: true });
	expect(await openLink(link.url)).toBe(200);
});

it('lists accounts', async () => {
	const result = await n8n.execute('e2eHostUpAccounts');
	expect(result.status).toBe('success');
	expect(result.runData.HostUp[0].data?.main[0].map((item) => item.json.id)).toHaveLength(7);
});

it('continues on fail with the contract error item', async () => {
	const result = await n8n.execute('e2eHostUpNotFound');
	expect(result.status).toBe('success');
	expect(result.runData.HostUp[0].data?.main[0][0].json).toEqual({
		error: 'Not found: The requested resource could not be found.',
		code: 'not_found',
		httpCode: 404,
		provider: 'hostup',
	});
});
