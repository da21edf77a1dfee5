import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { loginLinkNotice, requestOptionsProperty } from '../shared/descriptions';
import { SENSITIVE_LINK_FIELDS } from '../shared/keptLinks';
import { CREDENTIAL_TESTED_BY, CREDENTIAL_TEST_METHODS, LIST_SEARCH_METHODS, SSO_TARGETS, findSsoTarget } from '../providers';
import { quoteInput } from '../shared/errors';
import { createSsoLink } from '../shared/mint';
import { runForEachItem } from '../shared/runner';
import { providerProperty, targetCredentials, targetProperties } from './description';

/**
 * One node for every provider, one output (README, "The link output"). Everything
 * provider-specific comes from the registry, so a provider added there
 * appears here with no edit to this file.
 */
export class SsoLink implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SSO Link',
		name: 'ssoLink',
		icon: { light: 'file:../../icons/ssoLink.svg', dark: 'file:../../icons/ssoLink.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["provider"]}}',
		description: "Create a one-time login link at any supported provider, with one output for all of them. Used as an AI agent's tool, the link enters the model's context.",
		defaults: { name: 'SSO Link' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: targetCredentials(SSO_TARGETS, CREDENTIAL_TESTED_BY),
		properties: [providerProperty(SSO_TARGETS), loginLinkNotice, ...targetProperties(SSO_TARGETS), requestOptionsProperty],
	};

	methods = { listSearch: LIST_SEARCH_METHODS, credentialTest: CREDENTIAL_TEST_METHODS };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const provider = String(this.getNodeParameter('provider', 0));
		const target = findSsoTarget(provider);
		if (!target) {
			throw new NodeOperationError(this.getNode(), `Invalid "Provider": ${quoteInput(provider)} is not a provider this package knows`, {
				itemIndex: 0,
			});
		}
		return await runForEachItem(this, async (itemIndex) => await createSsoLink(this, target, itemIndex));
	}
}
