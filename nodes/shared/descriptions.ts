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
				'0 (automatic) sends as fast as the provider allows: many at once until it rate-limits, then at the rate it accepts. Set a number to cap it, 1 for one at a time.',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description: 'How often a rate-limited request (or a failed read) is tried again',
		},
		{
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxRetryWait',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description: 'If the provider asks to wait longer than this, fail at once and say when to retry',
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
