import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ProviderApi, ProviderIdentity, RawResponse } from './provider';
import type { RetryPolicy } from './retry';

/**
 * Everything known about a failed provider call, already in the provider's
 * words. Provider modules build these from their error bodies; transport.ts
 * builds them for failures that happen below the provider (timeouts, resets,
 * bodies that are not JSON). This is the only place that turns them into n8n
 * errors, and the only place that redacts.
 */
export interface ProviderFailure {
	provider: ProviderIdentity;
	/** The provider's machine code (`not_found`, `install_not_found`, …) or one of TRANSPORT_CODES. */
	code: string;
	/** HTTP status, or null when no response came. */
	httpCode: number | null;
	/** What failed, in the provider's words. */
	message: string;
	/** More detail: field errors, request id, what to do. */
	description?: string;
}

/** Codes for failures the provider did not name itself; their texts follow below. */
export const TRANSPORT_CODES = {
	timeout: 'timeout',
	network: 'network_error',
	invalidResponse: 'invalid_response',
	/** A listing's pages that cannot be followed to their end (pagination.ts). */
	pagination: 'invalid_pagination',
	/** A redirect, which requests carrying a credential do not follow (redirectFailure). */
	redirect: 'redirected',
	http: (status: number) => `http_${status}`,
} as const;

const REDACTED = '[redacted]';

/**
 * Removes secrets from text that came from outside (a provider error body, a
 * network error): every known secret value, bearer tokens, and every URL past
 * its origin, because a URL in an error could be a login link or carry a token.
 */
export function redact(text: string, secrets: readonly string[]): string {
	let clean = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) clean = clean.split(secret).join(REDACTED);
	}
	// URLs anywhere (also glued to a word, also with quotes in their path),
	// and the user:password a URL may carry before its host.
	return clean
		.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`)
		.replace(/(https?:\/\/)[^\s/"'<>?#@]*@/gi, `$1${REDACTED}@`)
		.replace(/(https?:\/\/[^\s/"'<>?#]+)[/?#][^\s"<>]*/gi, `$1/${REDACTED}`);
}

/**
 * A value the user passed in, as an error may quote it. A value that looks
 * like a link (an earlier node's login link put into an id field) or a secret
 * (a long token) is never echoed, only described; anything else is redacted
 * like provider text and cut short.
 */
export function quoteInput(value: string): string {
	if (/[a-z][a-z0-9+.-]*:\/\/|^www\.|[?&][^=\s]+=/i.test(value)) return `a value that looks like a link (${value.length} characters, not shown)`;
	if (/^[A-Za-z0-9._~+/=-]{24,}$/.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value)) {
		return `a value that looks like a key or token (${value.length} characters, not shown)`;
	}
	const shown = redact(value, []);
	return `"${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}"`;
}

/** The fields of a node error that the runner copies into a continueOnFail item. */
export interface ProviderErrorContext {
	/** The provider's id (`ProviderIdentity.id`), as outputs carry it. */
	provider: string;
	providerCode: string;
}

export function getProviderErrorContext(error: unknown): ProviderErrorContext | undefined {
	if (!(error instanceof NodeApiError || error instanceof NodeOperationError)) return undefined;
	const { provider, providerCode } = error.context as Partial<ProviderErrorContext>;
	if (typeof provider === 'string' && typeof providerCode === 'string') {
		return { provider, providerCode };
	}
	return undefined;
}

/**
 * The n8n error for a failed provider call: message in the provider's words,
 * the provider's code in the description, `httpCode` set, secrets removed.
 */
export function toNodeApiError(
	node: INode,
	failure: ProviderFailure,
	secrets: readonly string[],
	itemIndex?: number,
): NodeApiError {
	const message = redact(failure.message, secrets);
	const code = safeCode(failure.code, secrets);
	const codeLine = `${failure.provider.displayName} error code: ${code}`;
	const description = failure.description
		? `${redact(failure.description, secrets)}\n${codeLine}`
		: codeLine;
	// Only these sanitized fields reach n8n: the raw response (with its request
	// config and Authorization header) is never handed to NodeApiError.
	const safeResponse: JsonObject = {
		provider: failure.provider.id,
		code,
		httpCode: failure.httpCode,
		message,
	};
	const error = new NodeApiError(node, safeResponse, {
		message,
		description,
		httpCode: failure.httpCode === null ? undefined : String(failure.httpCode),
		itemIndex,
	});
	// n8n swaps a message that merely mentions a Node.js error code (EEXIST,
	// ECONNRESET, …) for its own sentence; the provider's words stay.
	error.message = message;
	const context: ProviderErrorContext = { provider: failure.provider.id, providerCode: code };
	Object.assign(error.context, context);
	return error;
}

/**
 * A provider's machine code, as it may appear in errors and outputs: redacted
 * like any provider text, and reduced to a short identifier, since it comes
 * from the response body and could carry anything.
 */
function safeCode(code: unknown, secrets: readonly string[]): string {
	const text = redact(typeof code === 'string' || typeof code === 'number' ? String(code) : '', secrets);
	const identifier = text.replace(/\[redacted\]/g, 'redacted').replace(/[^A-Za-z0-9_.:-]+/g, '_').slice(0, 64);
	return identifier.replace(/^_+|_+$/g, '') || 'provider_error';
}

/** The HTTP status of an error raised for `provider`'s answer (undefined for anything else). */
export function providerErrorStatus(error: unknown, provider: ProviderIdentity): number | undefined {
	if (getProviderErrorContext(error)?.provider !== provider.id) return undefined;
	const status = Number((error as NodeApiError).httpCode);
	return Number.isInteger(status) ? status : undefined;
}

/**
 * The first thing `pick` finds on an error or along its `cause` chain (n8n
 * wraps the HTTP library's error, which may wrap another), at most five deep.
 */
export function findInCauses<T>(error: unknown, pick: (link: Record<string, unknown>) => T | undefined): T | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const found = pick(current as Record<string, unknown>);
		if (found !== undefined) return found;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** An error as n8n should see it: node errors as they are, anything else wrapped. */
export function asNodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error));
}

/** Bad input, caught before any request is sent. Names the parameter. */
export function invalidParameterError(
	node: INode,
	parameterDisplayName: string,
	problem: string,
	itemIndex: number,
	provider?: ProviderIdentity,
): NodeOperationError {
	const error = new NodeOperationError(node, `Invalid "${parameterDisplayName}": ${problem}`, {
		itemIndex,
		description: `Fix the "${parameterDisplayName}" parameter; no request was sent.`,
	});
	if (provider) {
		const context: ProviderErrorContext = { provider: provider.id, providerCode: 'invalid_parameter' };
		Object.assign(error.context, context);
	}
	return error;
}

/** No answer came (the transport found no response): timed out, or the network said why. */
/**
 * A redirect the transport did not follow. Every request carries the
 * credential (a key in a header, a password in a form body), and following
 * would send it on to wherever the server points: n8n's own following strips
 * only the Authorization header on the way to another origin, and then only
 * when asked to (`sendCredentialsOnCrossOriginRedirect: false`), while other
 * headers and a 307's body go along. README "Login links are credentials".
 * `target` is where the redirect points, resolved against the request's URL,
 * or undefined when it did not say.
 */
export function redirectFailure(api: ProviderApi, origin: string, status: number, target: URL | undefined): ProviderFailure {
	const name = api.provider.displayName;
	const failure = { provider: api.provider, code: TRANSPORT_CODES.redirect, httpCode: status };
	if (!target) {
		return { ...failure, message: `${name} answered HTTP ${status}, a redirect, without saying where to`, description: `Check the base URL in the credential (${origin}).` };
	}
	if (target.origin !== origin) {
		return {
			...failure,
			message: `${name} at ${origin} answered HTTP ${status} with a redirect to another address (${target.origin}); requests with this credential are not sent there`,
			description: `The credential's key or password goes only to the address in the credential. If ${name} has moved, and you trust ${target.origin}, put that address into the credential.`,
		};
	}
	return {
		...failure,
		// Not the path itself: some control panels put a session token in their paths.
		message: `${name} answered HTTP ${status} with a redirect to another page of ${origin}, which is not followed`,
		description: `Requests with this credential go only where the credential says. Check the base URL in the credential (${origin}).`,
	};
}

export function networkFailure(
	api: ProviderApi,
	origin: string,
	code: string | undefined,
	policy: RetryPolicy,
): ProviderFailure {
	const name = api.provider.displayName;
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code?.includes('TIMEOUT');
	if (timedOut) {
		return {
			provider: api.provider,
			code: TRANSPORT_CODES.timeout,
			httpCode: null,
			message: `${name} did not answer within ${Math.round(policy.timeoutMs / 1000)} second${Math.round(policy.timeoutMs / 1000) === 1 ? '' : 's'}`,
			description: `No response from ${origin}. The provider may be slow or unreachable; try again later.`,
		};
	}
	// The raw code (ECONNRESET, …) stays out of the message: n8n replaces any
	// message containing one with its own generic sentence.
	return {
		provider: api.provider,
		code: TRANSPORT_CODES.network,
		httpCode: null,
		message: `Could not reach ${name} at ${origin}: ${NETWORK_FAILURES[code ?? ''] ?? 'network error'}`,
		description: `${code ? `Network error ${code}. ` : ''}Check the base URL in the credential, the network and any proxy settings.`,
	};
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was closed unexpectedly',
	EPIPE: 'the connection was closed unexpectedly',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
	SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is self-signed',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
};

export function invalidResponseFailure(
	api: ProviderApi,
	response: RawResponse,
	problem: string,
	/** How the body was read (ApiRequest's `answer`, JSON by default), and whether it was of that format. */
	format: { expected: 'json' | 'form' | 'text'; read?: boolean } = { expected: 'json' },
): ProviderFailure {
	const name = api.provider.displayName;
	const contentType = String(response.headers['content-type'] ?? 'unknown content type');
	// An API in another format (XML) has its body read by its schema, which names the problem.
	const unreadable = format.expected === 'form' ? !format.read : format.expected === 'json' && response.json === undefined;
	const message = unreadable
		? `${name} answered HTTP ${response.status} with a body that is not ${format.expected === 'form' ? 'a form-encoded answer' : 'JSON'} (${contentType})`
		: `${name} answered with an unexpected response (${problem})`;
	return {
		provider: api.provider,
		code: TRANSPORT_CODES.invalidResponse,
		httpCode: response.status,
		message,
		description:
			'The provider may have changed its API, or the base URL points at something else (a login page, a proxy).',
	};
}
