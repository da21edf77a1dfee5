/**
 * createSsoLink (nodes/shared/mint.ts): a minted answer the normalized output
 * cannot take says which field failed, never its value (it may be the link).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { createSsoLink } from '../../nodes/shared/mint';
import type { SsoTarget } from '../../nodes/shared/provider';

const ctx = { getNode: () => ({ id: 'n', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }) } as unknown as IExecuteFunctions;

function target(minted: Awaited<ReturnType<SsoTarget['mint']>>): SsoTarget {
	return {
		value: 'acme',
		displayName: 'Acme',
		description: 'test',
		provider: { id: 'acme', displayName: 'Acme' },
		target: 'controlPanel',
		credentialType: 'acmeApi',
		properties: [],
		mint: async () => minted,
	};
}

it.each([
	['a link that is not http(s)', { url: 'javascript:alert(1)', resourceId: null, singleUse: null }, 'url: not an http(s) URL', 'javascript'],
	['an id that is not a string', { url: 'https://acme.example/login/s3cr3t', resourceId: 42 as unknown as string, singleUse: null }, 'resourceId: Expected string, received number', 's3cr3t'],
])('%s: the error names the field, not the value', async (_label, minted, problem, hidden) => {
	const error = await createSsoLink(ctx, target(minted), 0).catch((thrown: Error) => thrown);
	expect((error as Error).message).toBe(`Acme returned a login link this node cannot pass on (${problem})`);
	expect(JSON.stringify(error)).not.toContain(hidden);
});

it('a valid answer is normalized', async () => {
	const link = await createSsoLink(ctx, target({ url: 'https://acme.example/login/x', resourceId: '7', singleUse: true, expiresInSeconds: 60 }), 0);
	expect(link).toMatchObject({ provider: 'acme', target: 'controlPanel', resourceId: '7', singleUse: true, expiresInSeconds: 60 });
});
