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
