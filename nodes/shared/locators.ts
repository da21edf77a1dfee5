import type { IExecuteFunctions, INodeProperties, INodeParameterResourceLocator } from 'n8n-workflow';

import { invalidParameterError, quoteInput } from './errors';
import type { ProviderIdentity } from './provider';

/** The shape of a provider id, checked in the editor and again before any request. */
export interface IdFormat {
	/** Anchored regex source, e.g. `^acct_[A-Za-z0-9]+$`. */
	pattern: string;
	/** How a person would write it, e.g. `acct_01hx…`. */
	example: string;
	/** The form in words, for people and AI agents, e.g. `acct_ followed by letters and digits`. */
	inWords: string;
}

/**
 * A resource-locator parameter with "From list" (a searchable picker) and
 * "By ID" (validated against the provider's id format).
 */
export function resourceLocatorProperty(options: {
	displayName: string;
	name: string;
	description: string;
	searchListMethod: string;
	idFormat: IdFormat;
	resourceName: string;
	/** Where the ids come from, e.g. `the node's Account › Get Many lists them`. */
	listedBy: string;
}): INodeProperties {
	const { displayName, name, description, searchListMethod, idFormat, resourceName, listedBy } = options;
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		// Spelled out for AI agents too, which fill the parameter from this text alone.
		description: `${description}. Its ID is ${idFormat.inWords} (e.g. ${idFormat.example}); ${listedBy}.`,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select ${/^(?:[aeio]|u(?!s|ni))/i.test(resourceName) ? 'an' : 'a'} ${resourceName}...`,
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: idFormat.example,
				// No `validation` regex here: n8n 2.x checks such a regex before every
				// execution in a sandbox with a 250 ms limit, and on a busy host (a
				// webhook burst in queue mode, `npm run bench`) that check timed out
				// and failed the whole execution before this node ran. getValidatedId
				// checks the same pattern when the node runs and names the parameter.
			},
		],
	};
}

const idPatterns = new Map<string, RegExp>();

/** The compiled pattern of an id format (compiled once, checked for every item). */
function idPattern(idFormat: IdFormat): RegExp {
	let pattern = idPatterns.get(idFormat.pattern);
	if (!pattern) {
		pattern = new RegExp(idFormat.pattern);
		idPatterns.set(idFormat.pattern, pattern);
	}
	return pattern;
}

/**
 * Reads a resource locator (or a plain string, as expressions may give) and
 * checks the id's form, so a bad id fails here with the parameter's name and
 * never reaches the provider.
 */
export function getValidatedId(
	ctx: IExecuteFunctions,
	parameter: { name: string; displayName: string; idFormat: IdFormat },
	itemIndex: number,
	provider: ProviderIdentity,
): string {
	const raw = ctx.getNodeParameter(parameter.name, itemIndex, '') as
		| INodeParameterResourceLocator
		| string
		| number;
	const value =
		typeof raw === 'object' && raw !== null ? raw.value : (raw as string | number | undefined);
	const id = value === undefined || value === null ? '' : String(value).trim();
	if (id === '') {
		throw invalidParameterError(ctx.getNode(), parameter.displayName, 'it is empty', itemIndex, provider);
	}
	if (!idPattern(parameter.idFormat).test(id)) {
		throw invalidParameterError(
			ctx.getNode(),
			parameter.displayName,
			`${quoteInput(id)} is not ${parameter.idFormat.inWords} (e.g. ${parameter.idFormat.example})`,
			itemIndex,
			provider,
		);
	}
	return id;
}
