import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptionsProperty } from '../shared/descriptions';
import { SENSITIVE_LINK_FIELDS } from '../shared/keptLinks';

import * as user from './actions/user';
import { router } from './actions/router';
import { credentialTest, listSearch } from './methods';

export class DirectAdmin implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DirectAdmin',
		name: 'directAdmin',
		icon: { light: 'file:../../icons/directAdmin.svg', dark: 'file:../../icons/directAdmin.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'List DirectAdmin users and create one-time login links to their control panel',
		defaults: { name: 'DirectAdmin' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'directAdminApi', required: true, testedBy: 'directAdminApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'User', value: 'user' }],
				default: 'user',
			},
			...user.description,
			requestOptionsProperty,
		],
	};

	methods = { listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
