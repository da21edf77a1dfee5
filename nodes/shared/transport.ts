import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { TRANSPORT_CODES, asNodeError, findInCauses, toNodeApiError } from './errors';
import type { ProviderFailure } from './errors';
import type { ProviderApi, RawResponse, RequestContext } from './provider';
import type { HeaderBag, RetryPolicy } from './retry';
import {
	RETRYABLE_GET_STATUSES,
	RETRYABLE_NETWORK_CODES,
	backoffMs,
	rateLimitWait,
	readRateLimitHint,
} from './retry';
import { RunStopped, runCredentials, runSettings } from './runSettings';
import { describeZodIssue } from './schemas';
import type { Permit, RateLimitHint, Report } from './traffic';
import { SAAS_API, SYSTEM_CLOCK, TRAFFIC, WaitTooLong } from './traffic';

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

/** What one attempt came to; decided while its permit is still held. */
type Attempt =
	| { kind: 'success'; response: RawResponse; failure?: undefined }
	| { kind: 'rateLimited'; response: RawResponse; failure: ProviderFailure; waitMs: number; retryAt?: Date }
	| { kind: 'failed'; response?: RawResponse; failure?: ProviderFailure; error?: unknown; networkCode?: string };

/**
 * The only place this package sends HTTP. Goes through n8n's
 * `httpRequestWithAuthentication`, so the credential adds auth and n8n's proxy
 * settings and execution cancellation apply. Every request first takes its
 * turn from the provider endpoint's traffic controller (traffic.ts), shared by
 * the whole process. Retries as README ("Errors, retries and Continue On Fail") says: a 429 until the item's Max
 * Retry Wait is spent (the provider did nothing); a GET also on 502/503/504
 * and network errors, Max Retries times; a request that mints is never
 * repeated after any other failure, because each one mints a new link.
 */
export async function apiRequest<T>(
	ctx: RequestContext,
	api: ProviderApi,
	request: ApiRequest<T>,
): Promise<T> {
	const settings = runSettings(ctx);
	const { policy } = settings;
	const credentials = await runCredentials(ctx, api.credentialType, request.itemIndex ?? 0);
	// Read now and again when failing: a token n8n fetches during the run (MailUp) lands in `credentials`.
	const secretsAtStart = secretValues(api, credentials);
	const baseUrl = api.baseUrl(credentials);
	const origin = safeOrigin(baseUrl);
	const idempotent = request.method === 'GET' && !request.mints;
	const form = request.body !== undefined && request.bodyFormat === 'form';
	const signal = settings.signal ?? ('getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined);
	const traffic = TRAFFIC.for(trafficKey(api, origin, credentials), api.traffic ?? SAAS_API);
	const clock = SYSTEM_CLOCK;

	const fail = (failure: ProviderFailure) =>
		toNodeApiError(ctx.getNode(), failure, [...secretsAtStart, ...secretValues(api, credentials)], request.itemIndex);

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
		// A credential that renews its token must see n8n throw on a 401: the
		// throw makes n8n run `preAuthentication` again and repeat the call once.
		// n8n 2.x throws only the 401 with this; n8n 1.x takes any truthy value
		// as "ignore all" and hands the 401 back (asked again in `attempt` below).
		ignoreHttpStatusErrors: api.renewsTokenOn401 ? { ignore: true, except: [401] } : true,
		timeout: policy.timeoutMs,
		skipSslCertificateValidation: api.skipSslCertificateValidation?.(credentials) ?? false,
		// In a node run n8n (1.x and 2.x) replaces this with the execution's
		// cancel signal: a cancelled execution aborts requests in flight, while a
		// run stopped by a failed item lets them finish and drops their answers.
		abortSignal: signal,
	};

	/** A stop of the run passes through as it is; a cancel says so. */
	const stopped = (error: unknown): Error => {
		if (signal?.aborted) {
			if (signal.reason instanceof RunStopped) return signal.reason;
			return new NodeOperationError(ctx.getNode(), 'The execution was cancelled', { itemIndex: request.itemIndex });
		}
		return asNodeError(ctx.getNode(), error);
	};
	const pause = async (ms: number) => {
		try {
			await clock.sleep(ms, signal);
		} catch (error) {
			throw stopped(error);
		}
	};

	const since = clock.now();
	/** Set by the item's first 429: the end of its Max Retry Wait budget. */
	let deadline: number | undefined;
	/** A budget whose reset lies beyond this item's wait is not one to wait for: the next request finds out. */
	const withinBudget = (hint: RateLimitHint | undefined, now: number): RateLimitHint | undefined =>
		hint?.resetAt !== undefined && hint.resetAt > (deadline ?? now + policy.maxWaitSeconds * 1000)
			? { limit: hint.limit }
			: hint;

	const send = async (sendOptions: IHttpRequestOptions) =>
		toRawResponse(
			await ctx.helpers.httpRequestWithAuthentication.call(ctx, api.credentialType, sendOptions, {
				credentialsDecrypted: { id: '', name: '', type: api.credentialType, data: credentials },
			}),
		);

	/** One request under one permit; the permit is released whatever happens. */
	const attempt = async (permit: Permit, refusals: number): Promise<Attempt> => {
		let report: Report = { outcome: 'failure' };
		try {
			let response: RawResponse;
			try {
				response = await send(options);
				if (response.status === 401 && api.renewsTokenOn401) {
					// n8n 1.x handed the 401 back: ask again with every status thrown, so
					// that n8n renews the token and repeats the call once (as 2.x did
					// already). The provider did nothing on a 401.
					response = await send({ ...options, ignoreHttpStatusErrors: false });
				}
			} catch (error) {
				const thrownResponse = signal?.aborted ? undefined : responseInError(error);
				if (!thrownResponse) return { kind: 'failed', error, networkCode: networkErrorCode(error) };
				// A status n8n threw: a 401 after its one token renewal.
				response = thrownResponse;
			}
			const now = clock.now();
			const hint = readRateLimitHint(response.headers, now);
			const failure = api.parseFailure(response);
			if (!failure) {
				report = { outcome: 'success', hint: withinBudget(hint, now) };
				return { kind: 'success', response };
			}
			report = { outcome: 'failure', hint: withinBudget(hint, now) };
			if (response.status !== 429) return { kind: 'failed', response, failure };
			const wait = rateLimitWait(response.headers, refusals, new Date(now));
			// Only a wait this item will make holds the others; a longer one fails
			// this item at once and each other item finds out from its own answer.
			if (now + wait.ms <= (deadline ?? now + policy.maxWaitSeconds * 1000)) {
				report = { outcome: 'rateLimited', retryAt: now + wait.ms, hint: withinBudget(hint, now) };
			}
			return { kind: 'rateLimited', response, failure, waitMs: wait.ms, retryAt: wait.retryAt };
		} finally {
			permit.done(report);
		}
	};

	let lastRefusal: ProviderFailure | undefined;
	let refusals = 0;
	let retries = 0;
	for (;;) {
		let permit: Permit;
		try {
			permit = await traffic.acquire({
				signal,
				maxInFlight: settings.maxInFlight,
				// A credential that fetches a token sends its first request alone (traffic.ts).
				solo: api.renewsTokenOn401,
				deadline,
				since,
			});
		} catch (error) {
			if (error instanceof WaitTooLong && lastRefusal) {
				throw fail(budgetSpentFailure(lastRefusal, error.until, since, policy));
			}
			throw stopped(error);
		}
		const result = await attempt(permit, refusals);
		if (signal?.aborted) throw stopped(undefined);

		if (result.kind === 'success') {
			const parsed = request.schema.safeParse(result.response.json);
			if (parsed.success) return parsed.data;
			throw fail(invalidResponseFailure(api, result.response, describeZodIssue(parsed.error)));
		}

		if (result.kind === 'rateLimited') {
			const now = clock.now();
			deadline ??= now + policy.maxWaitSeconds * 1000;
			refusals++;
			lastRefusal = result.failure;
			if (now + result.waitMs > deadline) {
				throw fail(
					refusals === 1
						? tooLongWaitFailure(result.failure, result.waitMs, result.retryAt, policy)
						: budgetSpentFailure(result.failure, now + result.waitMs, since, policy),
				);
			}
			// The controller holds everyone until the provider's window frees; this
			// request itself comes back no sooner than the provider asked.
			await pause(result.waitMs);
			continue;
		}

		const canRetry = idempotent && retries < policy.maxRetries;
		if (result.failure) {
			if (canRetry && result.response && RETRYABLE_GET_STATUSES.has(result.response.status)) {
				await pause(backoffMs(retries++));
				continue;
			}
			throw fail(result.failure);
		}
		const providerFailure = api.parseThrownError?.(result.error);
		if (providerFailure) throw fail(providerFailure);
		if (canRetry && result.networkCode && RETRYABLE_NETWORK_CODES.has(result.networkCode)) {
			await pause(backoffMs(retries++));
			continue;
		}
		throw fail(networkFailure(api, origin, result.networkCode, policy));
	}
}

/**
 * An error for a provider failure found after the transport returned (an
 * answer that lacks something, a follow-up that explains a refusal), redacted
 * with the credential's secrets like the transport's own.
 */
export async function providerError(
	ctx: RequestContext,
	api: ProviderApi,
	failure: ProviderFailure,
	itemIndex?: number,
): Promise<NodeApiError> {
	const credentials = await runCredentials(ctx, api.credentialType, itemIndex ?? 0);
	return toNodeApiError(ctx.getNode(), failure, secretValues(api, credentials), itemIndex);
}

function secretValues(api: ProviderApi, credentials: ICredentialDataDecryptedObject): string[] {
	return [
		...api.secretFields.map((field) => credentials[field]).filter((value): value is string => typeof value === 'string'),
		...(api.secretValues?.(credentials) ?? []),
	];
}

const trafficKeys = new WeakMap<ICredentialDataDecryptedObject, string>();

/**
 * Which traffic controller a request belongs to: the provider, the server
 * (its origin: a customer's server is one machine whatever the path) and who
 * is asking (the provider counts its limit per key or account). The
 * credential part is a one-way hash, so no secret is held in the key.
 */
function trafficKey(api: ProviderApi, origin: string, credentials: ICredentialDataDecryptedObject): string {
	// Hashed once per credential object: a run reads its credential once
	// (runCredentials), the object belongs to one credential type and so to one
	// provider, its origin comes from its own fields, and identity fields do
	// not change during use (provider.ts).
	let key = trafficKeys.get(credentials);
	if (key === undefined) {
		const identity = (api.identityFields ?? api.secretFields).map((field) => String(credentials[field] ?? ''));
		key = `${api.provider.id} ${createHash('sha256').update(JSON.stringify([api.provider.id, origin, ...identity])).digest('hex').slice(0, 32)}`;
		trafficKeys.set(credentials, key);
	}
	return key;
}

function formEncode(body: IDataObject): string {
	const form = new URLSearchParams();
	for (const [key, value] of Object.entries(body)) {
		if (value === undefined || value === null) continue;
		form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	return form.toString();
}

/** A full response from n8n's HTTP helpers as the provider parsers read it. */
export function toRawResponse(response: unknown): RawResponse {
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
	return { status, headers, json };
}

/** The HTTP response carried by an error (its `response`, or one of its causes'), if any. */
function responseInError(error: unknown): RawResponse | undefined {
	return (
		findInCauses(error, ({ response }) => {
			if (!response || typeof response !== 'object') return undefined;
			const { status, headers, data, body } = response as { status?: unknown; headers?: HeaderBag; data?: unknown; body?: unknown };
			return typeof status === 'number' ? toRawResponse({ statusCode: status, headers: headers ?? {}, body: data ?? body }) : undefined;
		}) ??
		// n8n 1.x keeps only the status of what it threw (NodeApiError.httpCode), not the response.
		(error instanceof NodeApiError && /^[1-5]\d\d$/.test(String(error.httpCode))
			? { status: Number(error.httpCode), headers: {}, json: undefined }
			: undefined)
	);
}

function normalizeHeaders(headers: HeaderBag): HeaderBag {
	const lower: HeaderBag = {};
	for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
	return lower;
}

/** The first error code found on the error or its causes (ECONNRESET, ECONNABORTED, …). */
export function networkErrorCode(error: unknown): string | undefined {
	return findInCauses(error, ({ code }) => (typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : undefined));
}

export function safeOrigin(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'the configured base URL';
	}
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

function invalidResponseFailure(
	api: ProviderApi,
	response: RawResponse,
	problem: string,
): ProviderFailure {
	const name = api.provider.displayName;
	const contentType = String(response.headers['content-type'] ?? 'unknown content type');
	const message =
		response.json === undefined
			? `${name} answered HTTP ${response.status} with a body that is not JSON (${contentType})`
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

function budgetSpentFailure(
	failure: ProviderFailure,
	until: number | undefined,
	since: number,
	policy: RetryPolicy,
): ProviderFailure {
	const waited = Math.max(1, Math.round((Date.now() - since) / 1000));
	const when = until !== undefined && Number.isFinite(until) ? ` Retry after ${new Date(until).toISOString()}.` : '';
	return {
		...failure,
		message: `${failure.message.replace(/[.\s]+$/, '')}. Still rate-limited after waiting ${waited} second${waited === 1 ? '' : 's'}`,
		description: joinLines(
			failure.description,
			`The provider kept refusing for longer than Max Retry Wait (${policy.maxWaitSeconds} s).${when} Lower the number of items per run, spread runs out, or raise Max Retry Wait in Request Options.`,
		),
	};
}

function joinLines(...lines: Array<string | undefined>): string {
	return lines.filter(Boolean).join('\n');
}
