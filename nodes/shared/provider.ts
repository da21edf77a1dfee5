import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';

import type { ProviderFailure } from './errors';
import type { HeaderBag } from './retry';
import type { TrafficProfile } from './gate';
import type { MintedLink } from './schemas';

/**
 * Who a provider is, declared once in its own folder (its api.ts): the core
 * names no provider, it reads these.
 */
export interface ProviderIdentity {
	/** The `provider` field of outputs and Continue On Fail items (README, "The link output"). */
	id: string;
	/** The provider's name in messages: "<name> did not answer …". */
	displayName: string;
}

/** The contexts that may call a provider: node executions and the editor's resource pickers. */
export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

/** A response as the transport saw it, before anything trusted it. */
export interface RawResponse {
	status: number;
	headers: HeaderBag;
	/** The parsed JSON body, or undefined when the body was empty or not JSON. */
	json: unknown;
	/**
	 * The body as text, for an API that does not always answer JSON (a
	 * form-encoded answer, XML, an error page); undefined when none was kept.
	 */
	text?: string;
}

/** How the transport talks to one provider. One per provider, in its api.ts. */
export interface ProviderApi {
	provider: ProviderIdentity;
	credentialType: string;
	/** The URL that request paths are appended to, from the credential. */
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/** Credential fields whose values must never appear in an error. */
	secretFields: readonly string[];
	/**
	 * Secret values that live inside structured credential fields (lists of
	 * name/value pairs, whose names are not secret), redacted like secretFields.
	 */
	secretValues?(credentials: ICredentialDataDecryptedObject): string[];
	/**
	 * Credential fields that tell one provider account from another, for
	 * sharing its rate limit (gate.ts); default: `secretFields`. Never a
	 * field that changes during use, such as a renewed token.
	 */
	identityFields?: readonly string[];
	/** How hard this provider's endpoints may be driven; default SAAS_API. */
	traffic?: TrafficProfile;
	/** Headers every request carries (besides auth, which the credential adds). */
	headers?: Record<string, string>;
	/**
	 * The credential fetches an expirable token (`preAuthentication`): n8n must
	 * throw on a 401, so that it fetches a new token once and repeats the call
	 * (transport.ts).
	 */
	renewsTokenOn401?: boolean;
	/**
	 * The provider's account of an error thrown before any API response, e.g.
	 * by the credential's token request. Undefined: a network error.
	 */
	parseThrownError?(error: unknown): ProviderFailure | undefined;
	/**
	 * The credential data one request authenticates with when it acts as
	 * another account of the provider (a panel's "login as": the caller's own
	 * secret, the other account's name), for ApiRequest's `actAs`. A provider
	 * without it cannot act as another account.
	 */
	actingAs?(credentials: ICredentialDataDecryptedObject, account: string): ICredentialDataDecryptedObject;
	/** Skip TLS verification (customers' servers often have self-signed certificates). */
	skipSslCertificateValidation?(credentials: ICredentialDataDecryptedObject): boolean;
	/**
	 * The provider's own account of a failure, from a response that is not a
	 * success: a non-2xx status, or a 2xx whose body says it failed (some
	 * providers answer errors with HTTP 200). Undefined means "a success".
	 */
	parseFailure(response: RawResponse): ProviderFailure | undefined;
}

/**
 * One kind of login link a provider can mint. Its parameters are shared by the
 * provider's own node and by the SSO Link node, under the same names.
 */
export interface SsoTarget {
	/** The SSO Link node's `provider` option value (README, "SSO Link"; saved workflows hold it), e.g. `acmeWordPress`. */
	value: string;
	displayName: string;
	description: string;
	provider: ProviderIdentity;
	/** What the link opens: the output's `target` (README, "The link output"). */
	target: string;
	credentialType: string;
	/** Node parameters (without displayOptions), in the order the editor shows them. */
	properties: INodeProperties[];
	/** Reads this target's parameters for one item and mints a link. */
	mint(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink>;
}

export type ListSearchMethod = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<INodeListSearchResult>;

/**
 * A credential test that reads the provider's answer rather than its HTTP
 * status (a credential's declarative `test` can only judge statuses and exact
 * values). Every node that uses the credential names it in `testedBy` and
 * lists it under `methods.credentialTest`; the credential then has no `test`.
 */
export interface CredentialTest {
	credentialType: string;
	/** The `testedBy` method name, unique across the package. */
	name: string;
	test: ICredentialTestFunction;
}

/**
 * A provider's own npm package, `n8n-nodes-sso-link-<provider id>` (README,
 * "Install into n8n"): n8n verifies one service per package. The build
 * (gulpfile.js) makes it from these names alone: the node, the credential,
 * the provider's folder and the core, nothing of another provider.
 */
export interface ServicePackage {
	/** The node's folder: `nodes/<node>/<node>.node.ts` and its codex `<node>.node.json`. */
	node: string;
	/** `credentials/<credential>.credentials.ts`. */
	credential: string;
	/** `icons/<icon>.svg` and `icons/<icon>.dark.svg`. */
	icon: string;
	/** The npm description. */
	description: string;
	/** npm keywords besides the ones every package of this project has. */
	keywords: string[];
}

/** One provider in the registry: the links it mints, its resource pickers and credential tests. */
export interface ProviderModule {
	provider: ProviderIdentity;
	/** Its own npm package; absent for a provider only the SSO Link node offers (Custom). */
	servicePackage?: ServicePackage;
	ssoTargets: SsoTarget[];
	listSearch: Record<string, ListSearchMethod>;
	credentialTests?: CredentialTest[];
}
