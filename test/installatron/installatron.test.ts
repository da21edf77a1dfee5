/**
 * The Installatron node, run inside real n8n executions against the sandbox.
 */
import { byId, expectNoSecrets, expectSsoLink, openLink } from '../helpers/assertions';
import { listSearch, runNode, runNodeWithin, testCredential } from '../helpers/n8n';
import type { RunNodeOptions } from '../helpers/n8n';
import {
	INSTALLATRON_DB_PASSWORDS,
	INSTALLATRON_INSTALLS,
	INSTALLATRON_KEYS,
	INSTALLATRON_LOGIN_FAILURES,
} from '../sandbox/installatron';
import type { InstallatronLoginFailure } from '../sandbox/installatron';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const WP = INSTALLATRON_INSTALLS.wordpress;
const SECRETS = [INSTALLATRON_KEYS.valid, ...INSTALLATRON_DB_PASSWORDS];

function credentials(overrides: Record<string, unknown> = {}) {
	return { installatronApi: { apiKey: INSTALLATRON_KEYS.valid, baseUrl: sandbox.baseUrl('installatron'), ...overrides } };
}

function installatron(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'installatron', parameters, credentials: credentials(), ...extra });
}

const login = (installId: string = WP, options: Record<string, string> = {}) => ({
	resource: 'install',
	operation: 'createSsoLink',
	installId: byId(installId),
	options,
});

describe('credential test', () => {
	it('accepts a working key', async () => {
		expect(await testCredential('installatronApi', credentials().installatronApi)).toBe(200);
	});

	it('rejects a wrong key', async () => {
		expect(await testCredential('installatronApi', credentials({ apiKey: 'nope' }).installatronApi)).toBe(403);
	});

	it('reaches a self-signed server only when told to ignore SSL issues', async () => {
		const https = { baseUrl: sandbox.baseUrl('installatron', { https: true }) };
		expect(await testCredential('installatronApi', credentials({ ...https, allowUnauthorizedCerts: true }).installatronApi)).toBe(200);
		await expect(testCredential('installatronApi', credentials(https).installatronApi)).rejects.toThrow();
	});
});

describe('install createSsoLink', () => {
	it('mints an application admin link with unknown lifetime and reuse', async () => {
		const run = await installatron(login());
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({
			provider: 'installatron',
			target: 'applicationAdmin',
			resourceId: WP,
			expiresAt: null,
			expiresInSeconds: null,
			singleUse: null,
		});
		expect(sandbox.installatron.logins).toEqual([{ installId: WP }]);
		expect(await openLink(link.url)).toBe(200);
	});

	it.each([
		['a relative redirect', { redirectUrl: '/wp-admin/plugins.php' }, { url: '/wp-admin/plugins.php' }],
		['an absolute redirect', { redirectUrl: 'https://acme-bakery.example/wp-admin' }, { url: 'https://acme-bakery.example/wp-admin' }],
		['a Modx-style relative path', { redirectUrl: 'controllers/default/welcome.class.php' }, { url: 'controllers/default/welcome.class.php' }],
		['a user', { user: 'alice' }, { user: 'alice' }],
	])('passes %s through', async (_label, options, sent) => {
		const run = await installatron(login(WP, options));
		expect(run.error).toBeUndefined();
		expect(sandbox.installatron.logins).toEqual([{ installId: WP, ...sent }]);
	});

	it.each(['joomla', 'classicpress', 'modx'] as const)('logs into %s', async (application) => {
		const run = await installatron(login(INSTALLATRON_INSTALLS[application]));
		expect(run.error).toBeUndefined();
		expectSsoLink(run.items[0]);
	});

	it.each(['drupal', 'nextcloud'] as const)('says that a %s install has no SSO', async (application) => {
		const run = await installatron(login(INSTALLATRON_INSTALLS[application]));
		expect(run.error?.message).toMatch(new RegExp(`is a ${application} install, which Installatron cannot log into$`));
		expect(run.error?.description).toContain('only for WordPress, Joomla!, ClassicPress, Modx');
		expect(run.error?.description).toContain('Installatron error code: sso_unsupported');
	});

	it('rejects a redirect a browser would run, before any request', async () => {
		const run = await installatron(login(WP, { redirectUrl: 'javascript:alert(1)' }));
		expect(run.error?.message).toContain('Invalid "Redirect URL"');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('a minted link is never thrown away, whatever else the answer holds', () => {
	it('only `data` is needed; other fields of any shape are ignored', async () => {
		sandbox.fault({
			provider: 'installatron',
			method: 'POST',
			fault: { kind: 'reshape', omit: ['status', 'message'], set: { result: 1, task: { id: 77, state: 'done' } } },
		});
		const run = await installatron(login());
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({ resourceId: WP, expiresAt: null, expiresInSeconds: null, singleUse: null });
		expect(await openLink(link.url)).toBe(200);
	});
});

describe('errcodes', () => {
	it('invalid_api_key', async () => {
		const run = await installatron(login(), { credentials: credentials({ apiKey: 'wrong-key-123456' }) });
		expect(run.error?.message).toBe('The Installatron Server API key is invalid');
		expect(run.error?.httpCode).toBe('403');
		expect(run.error?.description).toContain('Installatron error code: invalid_api_key');
		expect(run.error?.description).toContain('settings.ini');
		expectNoSecrets(run, ['wrong-key-123456']);
	});

	it('invalid_argument_user', async () => {
		const run = await installatron(login(WP, { user: 'mallory' }));
		expect(run.error?.message).toBe('The user given is not allowed to access this install');
		expect(run.error?.description).toContain('invalid_argument_user');
	});

	it('install_not_found', async () => {
		const run = await installatron(login('doesnotexist0000000000000'));
		expect(run.error?.message).toBe('The install was not found, or it is owned by a user without access to it');
		expect(run.error?.httpCode).toBe('404');
	});

	it.each(Object.keys(INSTALLATRON_LOGIN_FAILURES) as InstallatronLoginFailure[])('%s', async (errcode) => {
		sandbox.installatron.failNextLogin(errcode);
		const run = await installatron(login());
		expect(run.error?.httpCode).toBe('500');
		expect(run.error?.description).toContain(`Installatron error code: ${errcode}`);
		expect(run.error?.description).toContain(`Installatron said: ${INSTALLATRON_LOGIN_FAILURES[errcode]}`);
		// A minting POST is never repeated.
		expect(sandbox.requestsTo('installatron').filter((entry) => entry.method === 'POST')).toHaveLength(1);
	});

	it('result: false with HTTP 200 is an error too', async () => {
		sandbox.installatron.resultFalseWith200 = true;
		const run = await installatron(login());
		expect(run.items).toHaveLength(0);
		expect(run.error?.message).toBe("The install's SFTP/FTP server rejected Installatron's login");
		expect(run.error?.httpCode).toBe('200');
		expect(run.error?.description).toContain('Field: login');
	});
});

describe('install getMany', () => {
	it('returns every install over several pages, without database fields', async () => {
		sandbox.installatron.growTo(120);
		const run = await installatron({ resource: 'install', operation: 'getMany', returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(120);
		expect(sandbox.requestsTo('installatron').map((entry) => [entry.query.offset, entry.query.limit])).toEqual([
			['0', '50'],
			['50', '50'],
			['100', '50'],
		]);
		for (const item of run.items) {
			expect(Object.keys(item.json).filter((key) => key.startsWith('db'))).toEqual([]);
		}
		expect(run.items[0].json).toMatchObject({ id: WP, installer: 'wordpress', owner: 'alice' });
		expectNoSecrets(run, SECRETS);
	});

	it('applies the limit', async () => {
		const run = await installatron({ resource: 'install', operation: 'getMany', limit: 3 });
		expect(run.items).toHaveLength(3);
		expect(sandbox.requestsTo('installatron')[0].query.limit).toBe('3');
	});

	it('filters by search text and user', async () => {
		const search = await installatron({ resource: 'install', operation: 'getMany', returnAll: true, filters: { search: 'joomla' } });
		expect(search.items.map((item) => item.json.id)).toEqual([INSTALLATRON_INSTALLS.joomla]);
		const byUser = await installatron({ resource: 'install', operation: 'getMany', returnAll: true, filters: { user: 'bob' } });
		expect(byUser.items.length).toBeGreaterThan(0);
		expect(byUser.items.every((item) => item.json.owner === 'bob')).toBe(true);
		expect(sandbox.requestsTo('installatron').map((entry) => entry.query.q ?? entry.query.user)).toEqual(['joomla', 'bob']);
	});

	it('an unknown user is invalid_argument_user', async () => {
		const run = await installatron({ resource: 'install', operation: 'getMany', filters: { user: 'mallory' } });
		expect(run.error?.description).toContain('invalid_argument_user');
	});
});

describe('install getMany: Return All never stops early and never loops', () => {
	const getAll = () =>
		runNodeWithin({ type: 'installatron', parameters: { resource: 'install', operation: 'getMany', returnAll: true }, credentials: credentials() }, 5000);

	// Reproduced: a server that caps pages at 7 installs gave 7 of 30 with Return All.
	it('follows total_count when the server caps its pages', async () => {
		sandbox.installatron.growTo(30);
		sandbox.installatron.paging = { pageSizeCap: 7 };
		const run = await getAll();
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(30);
		expect(new Set(run.items.map((item) => item.json.id)).size).toBe(30);
		expect(sandbox.requestsTo('installatron').map((entry) => entry.query.offset)).toEqual(['0', '7', '14', '21', '28']);
		expectNoSecrets(run, SECRETS);
	});

	it('a limit is reached across capped pages', async () => {
		sandbox.installatron.growTo(30);
		sandbox.installatron.paging = { pageSizeCap: 7 };
		const run = await installatron({ resource: 'install', operation: 'getMany', limit: 10 });
		expect(run.items).toHaveLength(10);
		expect(sandbox.requestsTo('installatron').map((entry) => [entry.query.offset, entry.query.limit])).toEqual([
			['0', '10'],
			['7', '3'],
		]);
	});

	it('a server that ignores offset is an error, not duplicated installs', async () => {
		sandbox.installatron.growTo(120);
		sandbox.installatron.paging = { ignoreOffset: true };
		const run = await getAll();
		expect(run.overran).toBe(false);
		expect(run.items).toHaveLength(0);
		expect(run.error?.message).toBe('Installatron answered the page at offset 50 with installs it had already listed: it ignores offset');
		expect(run.error?.description).toContain('Installatron error code: invalid_pagination');
	});

	it('a total_count the pages never reach is an error, not a silent stop', async () => {
		sandbox.installatron.growTo(12);
		sandbox.fault({ provider: 'installatron', method: 'GET', path: '/installs', times: 100, fault: { kind: 'reshape', set: { total_count: 500 } } });
		const run = await getAll();
		expect(run.overran).toBe(false);
		expect(run.error?.message).toBe('Installatron counts 500 installs (total_count) but answered an empty page after 12 of them');
	});
});

describe('install get', () => {
	it('returns one install without database fields', async () => {
		const run = await installatron({ resource: 'install', operation: 'get', installId: byId(WP) });
		expect(run.items).toHaveLength(1);
		expect(run.items[0].json).toMatchObject({ id: WP, title: expect.any(String), url: expect.any(String) });
		expect(Object.keys(run.items[0].json).some((key) => key.startsWith('db'))).toBe(false);
		expectNoSecrets(run, SECRETS);
	});
});

describe('self-signed HTTPS', () => {
	it('works when SSL issues are ignored', async () => {
		const run = await installatron(login(), {
			credentials: credentials({ baseUrl: sandbox.baseUrl('installatron', { https: true }), allowUnauthorizedCerts: true }),
		});
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0]).url).toMatch(/^https:\/\/127\.0\.0\.1:/);
	});

	it('fails with a clear error when they are not', async () => {
		const run = await installatron(login(), { credentials: credentials({ baseUrl: sandbox.baseUrl('installatron', { https: true }) }) });
		expect(run.error?.message).toMatch(/^Could not reach Installatron at https:\/\/127\.0\.0\.1:\d+: its TLS certificate is self-signed$/);
		expect(sandbox.installatron.logins).toHaveLength(0);
	});
});

describe('resource picker', () => {
	it('lists installs with title, url and application, searchable', async () => {
		const all = await listSearch({ type: 'installatron', method: 'searchInstallatronInstalls', parameters: {}, credentials: credentials() });
		expect(all.results.length).toBe(8);
		const drupal = all.results.find((entry) => entry.value === INSTALLATRON_INSTALLS.drupal);
		expect(drupal?.name).toMatch(/ — https?:\/\/.+ \(drupal, no SSO\)$/);
		const found = await listSearch({ type: 'installatron', method: 'searchInstallatronInstalls', parameters: {}, credentials: credentials(), filter: 'modx' });
		expect(found.results.map((entry) => entry.value)).toEqual([INSTALLATRON_INSTALLS.modx]);
	});
});

describe('continue on fail', () => {
	it('one item per input, paired, secrets absent', async () => {
		const run = await installatron(
			{ ...login(), installId: byId('={{ $json.id }}') },
			{
				continueOnFail: true,
				items: [{ id: WP }, { id: INSTALLATRON_INSTALLS.drupal }, { id: 'doesnotexist0000000000000' }, { id: 'bad id!' }, { id: INSTALLATRON_INSTALLS.joomla }],
			},
		);
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toMatchObject({ code: 'sso_unsupported', provider: 'installatron' });
		expect(run.items[2].json).toMatchObject({ code: 'install_not_found', httpCode: 404, provider: 'installatron' });
		expect(run.items[3].json).toMatchObject({ code: 'invalid_parameter', httpCode: null, provider: 'installatron' });
		expectSsoLink(run.items[4]);
		expectNoSecrets(run, SECRETS);
	});
});
