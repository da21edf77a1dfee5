import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import type { SsoTarget } from '../shared/provider';

/**
 * The SSO Link node's parameters and credentials, generated from the
 * registry: one `provider` option per SSO target, each target's parameters
 * under the same names as in its own node, shown for that provider only. A
 * parameter several targets share (HostUp's `accountId`) appears once.
 */
export function providerProperty(targets: readonly SsoTarget[]): INodeProperties {
	return {
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: targets.map((target) => ({
			name: target.displayName,
			value: target.value,
			description: target.description,
		})),
		// A fixed default: n8n does not save parameters left at their default, so
		// a default that followed the registry's order could change saved workflows.
		default: 'hostUpWordPress',
		description: 'Who mints the link, and what it opens',
	};
}

export function targetProperties(targets: readonly SsoTarget[]): INodeProperties[] {
	const merged: Array<{ property: INodeProperties; providers: string[] }> = [];
	for (const target of targets) {
		for (const property of target.properties) {
			const same = merged.find(
				(entry) => entry.property.name === property.name && JSON.stringify(entry.property) === JSON.stringify(property),
			);
			if (same) same.providers.push(target.value);
			else merged.push({ property, providers: [target.value] });
		}
	}
	return merged.map(({ property, providers }) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, provider: providers },
		},
	}));
}

/**
 * Each credential is hidden for the providers that do not use it, rather than
 * shown for those that do: n8n's editor takes an options parameter whose every
 * value appears in credentials' `show` rules for an "authentication" field,
 * hides it, and offers credential types instead, so Provider would vanish.
 * `testedBy` names the credential tests the node lists (nodes/providers/index.ts).
 */
export function targetCredentials(
	targets: readonly SsoTarget[],
	testedBy: Record<string, string> = {},
): INodeCredentialDescription[] {
	const types = [...new Set(targets.map((target) => target.credentialType))];
	return types.map((name) => ({
		name,
		required: true,
		...(testedBy[name] ? { testedBy: testedBy[name] } : {}),
		displayOptions: {
			hide: { provider: targets.filter((target) => target.credentialType !== name).map((target) => target.value) },
		},
	}));
}
