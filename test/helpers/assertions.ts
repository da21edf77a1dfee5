import type { INodeExecutionData } from 'n8n-workflow';
import { Agent, request } from 'undici';

import { ssoLinkSchema } from '../../nodes/shared/schemas';
import type { NodeRun } from './n8n';

/** A resource-locator value as the editor saves it. */
export function byId(value: string) {
	return { __rl: true, mode: 'id', value };
}

export function fromList(value: string) {
	return { __rl: true, mode: 'list', value };
}

/** Everything a user can see of a run: output items and the error with its description. */
export function visibleText(run: NodeRun): string {
	const { error } = run;
	return JSON.stringify({
		items: run.items.map((item) => item.json),
		error: error && {
			message: error.message,
			description: error.description,
			context: error.context,
			httpCode: error.httpCode,
			cause: (error as { cause?: unknown }).cause,
			messages: (error as { messages?: unknown }).messages,
		},
		runError: run.run.data.resultData.error,
	});
}

/** Fails if any secret appears anywhere in what the run shows. */
export function expectNoSecrets(run: NodeRun, secrets: string[]): void {
	const text = visibleText(run);
	for (const secret of secrets) expect(text).not.toContain(secret);
}

/** Checks an item is exactly the link output README describes. */
export function expectSsoLink(item: INodeExecutionData) {
	const parsed = ssoLinkSchema.parse(item.json);
	expect(Object.keys(item.json).sort()).toEqual(
		['provider', 'target', 'resourceId', 'url', 'expiresAt', 'expiresInSeconds', 'singleUse', 'createdAt'].sort(),
	);
	return parsed;
}

/** The sandbox's HTTPS listener has a self-signed certificate (test/sandbox/tls). */
const sandboxAgent = new Agent({ connect: { rejectUnauthorized: false } });

/** Opens a login link as a browser would and returns the status. */
export async function openLink(url: string): Promise<number> {
	if (!url.startsWith('http://127.0.0.1:') && !url.startsWith('https://127.0.0.1:')) {
		throw new Error('tests only open links into the sandbox');
	}
	const response = await request(url, { dispatcher: sandboxAgent });
	await response.body.text();
	return response.statusCode;
}
