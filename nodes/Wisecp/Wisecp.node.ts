import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptionsProperty } from '../shared/descriptions';
import { SENSITIVE_LINK_FIELDS } from '../shared/keptLinks';

import * as client from './actions/client';
import { router } from './actions/router';
import { credentialTest, listSearch } from './methods';

export class Wisecp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WISECP',
		name: 'wisecp',
		icon: { light: 'file:../../icons/wisecp.svg', dark: 'file:../../icons/wisecp.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create one-time WISECP client-area login links',
		defaults: { name: 'WISECP' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wisecpApi', required: true, testedBy: 'wisecpApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Client', value: 'client' }],
				default: 'client',
			},
			...client.description,
			requestOptionsProperty,
		],
	};

	methods = { listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
