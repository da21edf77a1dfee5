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
import * as consoleResource from './actions/console';
import * as list from './actions/list';
import { router } from './actions/router';

export class MailUp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MailUp',
		name: 'mailUp',
		icon: { light: 'file:../../icons/mailUp.svg', dark: 'file:../../icons/mailUp.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create temporary MailUp console login links and list mailing lists',
		defaults: { name: 'MailUp' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mailUpApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Console', value: 'console' },
					{ name: 'List', value: 'list' },
				],
				default: 'console',
			},
			...account.description,
			...consoleResource.description,
			...list.description,
			requestOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
