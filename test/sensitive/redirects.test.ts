/**
 * No key to another origin (README "Login links are credentials"): for every
 * credential type (every case of the fault matrix, one per provider, the
 * Custom provider's too) a provider answering with a redirect to the
 * sandbox's second server, another origin, gets an error that says so, and
 * that server receives nothing, whatever the redirect's status; a redirect on
 * the same server is not followed either; the credentials' Tests likewise.
 * And the control: n8n's own HTTP helper, asked without the package's
 * options, does hand that server the key, so these tests see a leak when
 * there is one.
 */
import { expectNoSecrets } from '../helpers/assertions';
import { credentialTest, requestWithCredential, runNode } from '../helpers/n8n';
import { CASES } from '../faults/matrix';
import type { ProviderCase } from '../faults/matrix';
import { HOSTUP_KEYS } from '../sandbox/hostup';
import { Sandbox } from '../sandbox/server';
import type { CapturedRequest } from '../sandbox/types';
import { WISECP_KEYS } from '../sandbox/wisecp';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

/** Every value of what reached the second server, as one text to search for secrets. */
function captured(requests: CapturedRequest[]): string {
	return JSON.stringify(requests);
}

function runCase(c: ProviderCase) {
	return runNode({ type: c.type, parameters: c.parameters, credentials: c.credentials(sandbox) });
}

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
	it.each([301, 302, 303, 307, 308])('a %i to another origin fails, naming it, and sends nothing there', async (status) => {
		sandbox.fault({ provider: c.prefix, method: c.method, path: c.path, times: 1000, fault: { kind: 'redirect', status } });
		const run = await runCase(c);
		expect(run.items).toHaveLength(0);
		expect(run.error?.message).toBe(
			`${c.displayName} at ${sandbox.origin} answered HTTP ${status} with a redirect to another address (${sandbox.elsewhereOrigin}); requests with this credential are not sent there`,
		);
		expect(run.error?.description).toContain('error code: redirected');
		expect(sandbox.elsewhere).toEqual([]);
		expectNoSecrets(run, c.secrets(run));
	});

	it('a redirect on the same server is not followed either', async () => {
		sandbox.fault({ provider: c.prefix, method: c.method, path: c.path, times: 1000, fault: { kind: 'redirect', sameOrigin: true } });
		const run = await runCase(c);
		expect(run.error?.message).toBe(`${c.displayName} answered HTTP 307 with a redirect to another page of ${sandbox.origin}, which is not followed`);
		// The path it points to stays out of the message: a panel's path can hold a session token.
		expect(run.error?.message).not.toContain('/moved');
		expect(sandbox.requestsTo(c.prefix).filter((entry) => entry.path.startsWith('/moved'))).toEqual([]);
	});
});

describe("the credentials' Tests", () => {
	// One case per credential type: a case's credentials name their type whatever the sandbox's address.
	const placeholder = { origin: 'http://127.0.0.1:1', baseUrl: (prefix: string) => `http://127.0.0.1:1/${prefix}` } as unknown as Sandbox;
	const byType = new Map<string, ProviderCase>();
	for (const c of CASES) {
		const [type] = Object.keys(c.credentials(placeholder));
		if (!byType.has(type)) byType.set(type, c);
	}

	it.each([...byType.entries()])('%s: a redirect on every request sends nothing to the other origin', async (type, c) => {
		const data = c.credentials(sandbox)[type];
		sandbox.fault({ provider: c.prefix, times: 1000, fault: { kind: 'redirect' } });
		const verdict = await credentialTest(type, data);
		expect(sandbox.elsewhere).toEqual([]);
		// The Custom provider's Test passes on any HTTP answer from its base URL, a redirect too; the others fail.
		if (type !== 'ssoLinkCustomApi') expect(verdict.status).toBe('Error');
		for (const secret of c.secrets()) expect(verdict.message).not.toContain(secret);
	});

	it('a test that reads the provider\'s words says where the redirect points', async () => {
		const c = CASES.find((entry) => entry.column === 'cPanel') as ProviderCase;
		sandbox.fault({ provider: c.prefix, times: 1000, fault: { kind: 'redirect', status: 308 } });
		const verdict = await credentialTest('cpanelApi', c.credentials(sandbox).cpanelApi);
		expect(verdict).toEqual({
			status: 'Error',
			message: `cPanel & WHM at ${sandbox.origin} answered HTTP 308 with a redirect to another address (${sandbox.elsewhereOrigin}); requests with this credential are not sent there`,
		});
	});
});

describe("control: n8n's HTTP helper without the package's options", () => {
	const hostUp = () => ({ apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') });
	const wisecp = () => ({ apiKey: WISECP_KEYS.full, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` });
	const get = (url: string, extra: Record<string, unknown> = {}) => () => ({ method: 'GET' as const, url, returnFullResponse: true, ignoreHttpStatusErrors: true, ...extra });

	it('follows a redirect to another origin and hands it an Authorization key (HostUp\'s), by default', async () => {
		sandbox.fault({ provider: 'hostup', times: 1, fault: { kind: 'redirect' } });
		await requestWithCredential('hostUpApi', hostUp(), get(`${sandbox.baseUrl('hostup')}/api/v2/shared-hosting`));
		expect(captured(sandbox.elsewhere)).toContain(HOSTUP_KEYS.full);
	});

	it('keeps the Authorization header back with sendCredentialsOnCrossOriginRedirect: false, but not a key in another header (WISECP\'s Apikey)', async () => {
		sandbox.fault({ provider: 'hostup', times: 1, fault: { kind: 'redirect' } });
		await requestWithCredential('hostUpApi', hostUp(), get(`${sandbox.baseUrl('hostup')}/api/v2/shared-hosting`, { sendCredentialsOnCrossOriginRedirect: false }));
		expect(captured(sandbox.elsewhere)).not.toContain(HOSTUP_KEYS.full);

		sandbox.fault({ provider: 'wisecp', times: 1, fault: { kind: 'redirect' } });
		await requestWithCredential('wisecpApi', wisecp(), get(`${sandbox.baseUrl('wisecp')}/api/Clients/CreateClientSsoToken`, { sendCredentialsOnCrossOriginRedirect: false }));
		expect(captured(sandbox.elsewhere)).toContain(WISECP_KEYS.full);
	});

	it('sends nothing there with disableFollowRedirect as well: the options every request of the package carries', async () => {
		sandbox.fault({ provider: 'wisecp', times: 1, fault: { kind: 'redirect' } });
		const response = (await requestWithCredential(
			'wisecpApi',
			wisecp(),
			get(`${sandbox.baseUrl('wisecp')}/api/Clients/CreateClientSsoToken`, { disableFollowRedirect: true, sendCredentialsOnCrossOriginRedirect: false }),
		)) as { statusCode: number };
		expect(response.statusCode).toBe(307);
		expect(sandbox.elsewhere).toEqual([]);
	});
});
