import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptionsProperty } from '../shared/descriptions';
import { SENSITIVE_LINK_FIELDS } from '../shared/keptLinks';

import * as account from './actions/account';
import { router } from './actions/router';
import { credentialTest, listSearch } from './methods';

export class Cpanel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'cPanel & WHM',
		name: 'cpanel',
		icon: { light: 'file:../../icons/cpanel.svg', dark: 'file:../../icons/cpanel.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'List cPanel accounts and create cPanel, Webmail and WHM login links',
		defaults: { name: 'cPanel & WHM' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cpanelApi', required: true, testedBy: 'cpanelApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Account', value: 'account' }],
				default: 'account',
			},
			...account.description,
			requestOptionsProperty,
		],
	};

	methods = { listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
