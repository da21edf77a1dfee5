import type { INodeProperties } from 'n8n-workflow';

/**
 * Shown above every operation that mints a link. A login link logs whoever
 * holds it in; n8n stores node output with saved executions.
 */
export const loginLinkNotice: INodeProperties = {
	displayName:
		'The login link this returns is a credential: whoever opens it is logged in. n8n keeps the output of saved executions, so turn off "Save Successful Production Executions" in this workflow\'s settings, and send the link only to its owner.',
	name: 'loginLinkNotice',
	type: 'notice',
	default: '',
};

/** Every node's request settings; the defaults suit nearly everyone. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Max Concurrent Requests',
			name: 'maxConcurrency',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				"0 (automatic): as fast as the provider allows, shared with every workflow of this n8n that uses the same credential; an API on a customer's own server (an installer or billing panel, a Custom API) gets at most 6 at once. A number caps (or raises) the requests in flight to the provider, 1 for one at a time.",
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description:
				'How often a read is tried again after a 502, 503 or 504 or a network error. A request that creates a login link is never repeated after such a failure. Rate limits (429) are governed by Max Retry Wait.',
		},
		{
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxRetryWait',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description:
				'How long an item may keep waiting on rate limits (429), from its first one: it is tried again until then. If the provider asks to wait beyond that, it fails at once and says when to retry.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for an answer to one request',
		},
	],
};
