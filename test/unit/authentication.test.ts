/**
 * How the SSO Link Custom API credential adds its key and secret fields to a
 * request: the built credential (dist/), as n8n calls its `authenticate`.
 */
import type { ICredentialType, IHttpRequestOptions } from 'n8n-workflow';

import { loadPackage } from '../helpers/n8n';

let custom: ICredentialType;

beforeAll(async () => {
	custom = (await loadPackage()).credentialTypes.ssoLinkCustomApi;
});

const pairs = (values: Record<string, string>) => ({ values: Object.entries(values).map(([name, value]) => ({ name, value })) });

async function authenticate(credentials: Record<string, unknown>, request: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	if (typeof custom.authenticate !== 'function') throw new Error('ssoLinkCustomApi authenticates with a function');
	return await custom.authenticate(credentials as never, request);
}

const secrets = { keyLocation: 'none', bodyFields: pairs({ identifier: 'ID', secret: 'S&=ç' }), queryParameters: pairs({ token: 'T' }) };

describe('SSO Link Custom API credential: secret fields', () => {
	it('merges body fields into a JSON body and query parameters into the query', async () => {
		const options = await authenticate(secrets, { method: 'POST', url: 'https://x.example/api', qs: { a: '1' }, body: { action: 'CreateSsoToken', secret: 'from-workflow' }, json: true });
		expect(options.body).toEqual({ action: 'CreateSsoToken', identifier: 'ID', secret: 'S&=ç' });
		expect(options.qs).toEqual({ a: '1', token: 'T' });
	});

	it('sets body fields in a form-encoded body (encoded), also an empty one', async () => {
		const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
		const form = await authenticate(secrets, { method: 'POST', url: 'https://x.example/api', headers, body: 'action=CreateSsoToken&client_id=12' });
		expect(Object.fromEntries(new URLSearchParams(form.body as string))).toEqual({ action: 'CreateSsoToken', client_id: '12', identifier: 'ID', secret: 'S&=ç' });
		const empty = await authenticate(secrets, { method: 'POST', url: 'https://x.example/api', headers, body: '' });
		expect(Object.fromEntries(new URLSearchParams(empty.body as string))).toEqual({ identifier: 'ID', secret: 'S&=ç' });
	});

	it('adds no body to a request without one (GET), and still the query', async () => {
		const options = await authenticate(secrets, { method: 'GET', url: 'https://x.example/' });
		expect(options.body).toBeUndefined();
		expect(options.qs).toEqual({ token: 'T' });
	});

	it('keeps the key as before, beside the secret fields; pairs without a name are left out', async () => {
		const options = await authenticate(
			{ keyLocation: 'query', queryName: 'accesskey', apiKey: 'K', bodyFields: pairs({ '': 'nameless', identifier: 'ID' }) },
			{ method: 'POST', url: 'https://x.example/api', body: {} },
		);
		expect(options.qs).toEqual({ accesskey: 'K' });
		expect(options.body).toEqual({ identifier: 'ID' });
		const bearer = await authenticate({ apiKey: 'K' }, { method: 'GET', url: 'https://x.example/' });
		expect(bearer.headers).toEqual({ Authorization: 'Bearer K' });
	});
});
