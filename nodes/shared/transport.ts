import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { TRANSPORT_CODES, asNodeError, providerDisplayName, toNodeApiError } from './errors';
import type { Permit } from './limiter';
import type { ProviderFailure } from './errors';
import type { ProviderApi, RawResponse, RequestContext } from './provider';
import type { HeaderBag, RetryPolicy } from './retry';
import {
	RETRYABLE_GET_STATUSES,
	RETRYABLE_NETWORK_CODES,
	backoffMs,
	rateLimitWait,
} from './retry';
import { runCredentials, runSettings } from './runSettings';
import { describeZodIssue } from './schemas';

export interface ApiRequest<T> {
	method: 'GET' | 'POST';
	/** Appended to the provider's base URL; path segments must already be encoded. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** How the body is sent: JSON (default) or form-encoded. */
	bodyFormat?: 'json' | 'form';
	/**
	 * The request creates something (a login link). It is then repeated only
	 * on 429, when the provider did not act, whatever its method. A POST always
	 * counts as minting.
	 */
	mints?: boolean;
	/** Parses the success body; the rest of the code sees only what it returns. */
	schema: ZodType<T, ZodTypeDef, unknown>;
	itemIndex?: number;
}

/**
 * The only place this package sends HTTP. Goes through n8n's
 * `httpRequestWithAuthentication`, so the credential adds auth and n8n's proxy
 * settings and execution cancellation apply. Retries as CONTRACT.md says: 429
 * always (honouring Retry-After / X-RateLimit-Reset, bounded); GET also on
 * 502/503/504 and network errors; a POST is never repeated once the provider
 * may have acted, because each one mints a new link.
 */
export async function apiRequest<T>(
	ctx: RequestContext,
	api: ProviderApi,
	request: ApiRequest<T>,
): Promise<T> {
	const { policy, limiter } = runSettings(ctx);
	const credentials = await runCredentials(ctx, api.credentialType, request.itemIndex ?? 0);
	const secrets = api.secretFields
		.map((field) => credentials[field])
		.filter((value): value is string => typeof value === 'string');
	const baseUrl = api.baseUrl(credentials);
	const origin = safeOrigin(baseUrl);
	const idempotent = request.method === 'GET' && !request.mints;
	const form = request.body !== undefined && request.bodyFormat === 'form';
	const signal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;

	const fail = (failure: ProviderFailure) =>
		toNodeApiError(ctx.getNode(), failure, secrets, request.itemIndex);

	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: form ? formEncode(request.body as IDataObject) : request.body,
		headers: {
			Accept: 'application/json',
			...api.headers,
			...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
		},
		json: request.body !== undefined && !form,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: api.renewsTokenOn401 ? { ignore: true, except: [401] } : true,
		timeout: policy.timeoutMs,
		skipSslCertificateValidation: api.skipSslCertificateValidation?.(credentials) ?? false,
		abortSignal: signal,
	};

	const cancelled = () =>
		new NodeOperationError(ctx.getNode(), 'The execution was cancelled', { itemIndex: request.itemIndex });
	const pause = async (ms: number) => {
		try {
			await sleep(ms, signal);
		} catch {
			throw cancelled();
		}
	};

	for (let attempt = 0; ; attempt++) {
		const canRetry = attempt < policy.maxRetries;
		let permit: Permit | undefined;
		try {
			// A credential that fetches a token sends its first request alone (limiter.ts).
			permit = await limiter?.acquire(signal, { solo: api.renewsTokenOn401 });
		} catch (error) {
			if (signal?.aborted) throw cancelled();
			throw asNodeError(ctx.getNode(), error);
		}
		let response: RawResponse;
		try {
			response = toRawResponse(
				await ctx.helpers.httpRequestWithAuthentication.call(ctx, api.credentialType, options, {
					credentialsDecrypted: { id: '', name: '', type: api.credentialType, data: credentials },
				}),
			);
		} catch (error) {
			const thrownResponse = signal?.aborted ? undefined : responseInError(error);
			if (!thrownResponse) permit?.done('failure');
			if (signal?.aborted) throw cancelled();
			if (thrownResponse) {
				// A status n8n let through as an error (a 401 after its one token renewal).
				response = thrownResponse;
			} else {
				const providerFailure = api.parseThrownError?.(error);
				if (providerFailure) throw fail(providerFailure);
				const code = networkErrorCode(error);
				if (idempotent && canRetry && code && RETRYABLE_NETWORK_CODES.has(code)) {
					await pause(backoffMs(attempt));
					continue;
				}
				throw fail(networkFailure(api, origin, code, policy));
			}
		}

		const failure = api.parseFailure(response);
		const wait = response.status === 429 ? rateLimitWait(response.headers, attempt) : undefined;
		// A wait longer than the maximum fails this item at once and must not hold
		// the others: each finds out from its own answer.
		const willWait = wait !== undefined && wait.ms <= policy.maxWaitSeconds * 1000;
		permit?.done(!failure ? 'success' : willWait ? 'rateLimited' : 'failure', willWait ? Date.now() + wait.ms : undefined);
		if (!failure) {
			const parsed = request.schema.safeParse(response.json);
			if (parsed.success) return parsed.data;
			throw fail(invalidResponseFailure(api, response, describeZodIssue(parsed.error)));
		}

		if (wait) {
			if (wait.ms > policy.maxWaitSeconds * 1000) {
				throw fail(tooLongWaitFailure(failure, wait.ms, wait.retryAt, policy));
			}
			if (canRetry) {
				// With a limiter every request of the run now waits for the retry time.
				if (!limiter) await pause(wait.ms);
				continue;
			}
			throw fail({
				...failure,
				description: joinLines(
					failure.description,
					`Still rate-limited after ${policy.maxRetries} retries. Lower the number of items per run or spread runs out.`,
				),
			});
		}

		if (idempotent && canRetry && RETRYABLE_GET_STATUSES.has(response.status)) {
			await pause(backoffMs(attempt));
			continue;
		}
		throw fail(failure);
	}
}

function formEncode(body: IDataObject): string {
	const form = new URLSearchParams();
	for (const [key, value] of Object.entries(body)) {
		if (value === undefined || value === null) continue;
		form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	return form.toString();
}

function toRawResponse(response: unknown): RawResponse {
	const full = (response ?? {}) as { statusCode?: number; headers?: HeaderBag; body?: unknown };
	const status = typeof full.statusCode === 'number' ? full.statusCode : 0;
	const headers = normalizeHeaders(full.headers ?? {});
	let text: string;
	let json: unknown;
	if (typeof full.body === 'string') {
		text = full.body;
	} else if (Buffer.isBuffer(full.body)) {
		text = full.body.toString('utf8');
	} else if (full.body === undefined || full.body === null) {
		text = '';
	} else {
		// Already parsed by the HTTP layer.
		json = full.body;
		text = JSON.stringify(full.body);
	}
	if (json === undefined && text.trim() !== '') {
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
	}
	return { status, headers, json, text };
}

/** The HTTP response carried by an error (its `response`, or one of its causes'), if any. */
function responseInError(error: unknown): RawResponse | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { response, cause } = current as { response?: unknown; cause?: unknown };
		if (response && typeof response === 'object') {
			const { status, headers, data, body } = response as {
				status?: unknown;
				headers?: HeaderBag;
				data?: unknown;
				body?: unknown;
			};
			if (typeof status === 'number') {
				return toRawResponse({ statusCode: status, headers: headers ?? {}, body: data ?? body });
			}
		}
		current = cause;
	}
	return undefined;
}

function normalizeHeaders(headers: HeaderBag): HeaderBag {
	const lower: HeaderBag = {};
	for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
	return lower;
}

/** The first error code found on the error or its causes (ECONNRESET, ECONNABORTED, …). */
function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, cause } = current as { code?: unknown; cause?: unknown };
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		current = cause;
	}
	return undefined;
}

function safeOrigin(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'the configured base URL';
	}
}

function networkFailure(
	api: ProviderApi,
	origin: string,
	code: string | undefined,
	policy: RetryPolicy,
): ProviderFailure {
	const name = providerDisplayName(api.id);
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code?.includes('TIMEOUT');
	if (timedOut) {
		return {
			provider: api.id,
			code: TRANSPORT_CODES.timeout,
			httpCode: null,
			message: `${name} did not answer within ${Math.round(policy.timeoutMs / 1000)} second${Math.round(policy.timeoutMs / 1000) === 1 ? '' : 's'}`,
			description: `No response from ${origin}. The provider may be slow or unreachable; try again later.`,
		};
	}
	// The raw code (ECONNRESET, …) stays out of the message: n8n replaces any
	// message containing one with its own generic sentence.
	return {
		provider: api.id,
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

function invalidResponseFailure(
	api: ProviderApi,
	response: RawResponse,
	problem: string,
): ProviderFailure {
	const name = providerDisplayName(api.id);
	const contentType = String(response.headers['content-type'] ?? 'unknown content type');
	const message =
		response.json === undefined
			? `${name} answered HTTP ${response.status} with a body that is not JSON (${contentType})`
			: `${name} answered with an unexpected response (${problem})`;
	return {
		provider: api.id,
		code: TRANSPORT_CODES.invalidResponse,
		httpCode: response.status,
		message,
		description:
			'The provider may have changed its API, or the base URL points at something else (a login page, a proxy).',
	};
}

function tooLongWaitFailure(
	failure: ProviderFailure,
	waitMs: number,
	retryAt: Date | undefined,
	policy: RetryPolicy,
): ProviderFailure {
	const seconds = Math.ceil(waitMs / 1000);
	const when = retryAt ? ` (at ${retryAt.toISOString()})` : '';
	return {
		...failure,
		message: `${failure.message.replace(/[.\s]+$/, '')}. Retry in ${seconds} second${seconds === 1 ? '' : 's'}${when}`,
		description: joinLines(
			failure.description,
			`The provider asked to wait ${seconds} s, longer than the ${policy.maxWaitSeconds} s this node waits.`,
		),
	};
}

function joinLines(...lines: Array<string | undefined>): string {
	return lines.filter(Boolean).join('\n');
}
